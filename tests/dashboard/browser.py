"""Run the real app (`streamlit run`) and drive headless Chromium with Playwright.

Used by ``test_browser.py`` and, as a script, to refresh the README screenshots::

    .venv/bin/python -m tests.dashboard.browser docs/screenshots

Every wait is bounded and the server is always stopped, even when a step fails.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
CHROMIUM = os.environ.get("ALSODDS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 60.0
STEP_TIMEOUT_MS = 30_000


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def streamlit_server(log_path: Path | None = None) -> Iterator[str]:
    """Start ``streamlit run dashboard/app.py`` on a free loopback port; yield its URL.

    The server runs in its own process group and is stopped on exit whatever happens.
    """
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit did not answer within {START_TIMEOUT:.0f} s")
            time.sleep(0.25)
        yield url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if log_path:
            log.close()  # type: ignore[union-attr]


@contextlib.contextmanager
def chromium_page(width: int = 1440, height: int = 1100) -> Iterator[Any]:
    """A Playwright page in headless Debian Chromium, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def wait_until_idle(page: Any) -> None:
    """Wait (bounded) until the app has finished its current run and charts are drawn."""
    page.wait_for_selector("[data-testid='stApp']", timeout=STEP_TIMEOUT_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=STEP_TIMEOUT_MS,
    )
    page.wait_for_timeout(1500)  # let Vega and Graphviz finish drawing


#: File name -> (address, a heading to scroll to or None for the top of the page).
SHOTS = {
    "situation.png": (
        "/?age_band=30_44&sex=female&fasciculations=yes&twitch_spread=one_area"
        "&stress=yes&caffeine=yes&weakness=no",
        None,
    ),
    "base_rates.png": ("/base_rates?age_band=30_44", None),
    "research.png": (
        "/research?age_band=30_44&fasciculations=yes",
        "How much does the answer depend on the priors?",
    ),
}


def save_screenshots(out_dir: Path) -> list[Path]:
    """One PNG per page, taken from the running app."""
    out_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    with streamlit_server() as url, chromium_page() as page:
        for name, (path, heading) in SHOTS.items():
            page.goto(url + path)
            page.wait_for_selector("[data-testid='stMetricValue'], [data-testid='stDataFrame']")
            wait_until_idle(page)
            if heading:
                page.get_by_text(heading, exact=True).scroll_into_view_if_needed()
                page.evaluate(
                    "t => [...document.querySelectorAll('h2')].find(h => h.innerText === t)"
                    ".scrollIntoView({block: 'start'})",
                    heading,
                )
                page.wait_for_timeout(800)
            target = out_dir / name
            page.screenshot(path=str(target))
            saved.append(target)
    return saved


if __name__ == "__main__":
    for p in save_screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(p)
