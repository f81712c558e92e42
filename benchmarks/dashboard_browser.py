"""Speed as a person feels it, measured in a real browser (headless Chromium + Playwright).

Run: ``.venv/bin/python benchmarks/dashboard_browser.py`` (needs ``/usr/bin/chromium``)

Starts ``streamlit run dashboard/app.py`` on 127.0.0.1 and prints:

- ``answer_to_headline_median_seconds``: on "Your situation", the time from clicking an
  answer to the headline number showing the new value (an answer that moves the number,
  toggled back and forth; twelve clicks);
- ``page_interactive_warm_median_seconds`` per page: the time from navigation to the page
  showing its first result with the app idle, after one warm-up visit (five loads).

Targets: the first at most 0.3 s, the second at most 2 s. No assertion: a measurement.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alsodds import load_model
from tests.dashboard.browser import chromium, streamlit_server, wait_until_idle

PAGES = {
    "situation": ("/situation?age_band=30_44&fasciculations=yes", "[data-testid='stMetricValue']"),
    "base_rates": ("/base_rates?age_band=30_44", "[data-testid='stMetricValue']"),
    "research": ("/research?age_band=30_44", "[data-testid='stVegaLiteChart']"),
}
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def interactive(page: Any, url: str, selector: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(selector, timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    return time.perf_counter() - start


def answer_times(page: Any, url: str, clicks: int = 12) -> list[float]:
    question = load_model().spec.nodes["weakness"].question or ""
    page.goto(url + "/situation?age_band=30_44&fasciculations=yes")
    wait_until_idle(page)
    page.get_by_role("tab", name=re.compile("Warning signs")).click()
    page.wait_for_timeout(300)
    radio = page.get_by_test_id("stRadio").filter(has_text=question)
    value = page.get_by_test_id("stMetricValue").first
    out = []
    for i in range(clicks):
        before = value.inner_text()
        choice = "Yes" if i % 2 == 0 else "No"
        start = time.perf_counter()
        radio.get_by_text(choice, exact=True).click()
        page.wait_for_function(
            "old => { const el = document.querySelector('[data-testid=\"stMetricValue\"]');"
            " return el !== null && el.innerText !== old; }",
            arg=before,
            timeout=30_000,
        )
        out.append(time.perf_counter() - start)
        page.wait_for_function(IDLE, timeout=30_000)
    return out


def main() -> None:
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        for path, selector in PAGES.values():  # warm-up: imports, model, first results
            interactive(page, url + path, selector)
        loads = {
            name: [interactive(page, url + path, selector) for _ in range(5)]
            for name, (path, selector) in PAGES.items()
        }
        clicks = answer_times(page, url)
    for name, times in loads.items():
        print(f"{name}: page interactive (warm) " + " ".join(f"{t:.2f}" for t in times))
    print("answer -> headline: " + " ".join(f"{t:.3f}" for t in clicks))
    for name, times in loads.items():
        print(f"page_interactive_warm_median_seconds[{name}]: {statistics.median(times):.2f}")
    print(f"answer_to_headline_median_seconds: {statistics.median(clicks):.3f}")


if __name__ == "__main__":
    main()
