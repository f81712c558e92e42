"""The real-browser suite: `streamlit run` + headless Chromium (Playwright) + axe-core.

Every page (and every tab of the research page) at 1440 and 390 px, for a benign, a
red-flag, an empty and an all-"not sure" situation. Each view must show no scientific
notation and no fraction of a person, no element wider than the viewport, no serious or
critical axe-core violation, and request nothing from another host; a warning sign must
put the doctor first. Screenshots go to ``artifacts/screenshots`` (the path is printed).

Skips only outside CI when Chromium is missing; with CI=true it must run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from alsodds import Model, load_model, parse_answers
from tests.dashboard.browser import (
    CHROMIUM,
    ROOT,
    STEP_TIMEOUT_MS,
    chromium,
    streamlit_server,
    wait_until_idle,
)
from tests.dashboard.conftest import SCIENTIFIC

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
WIDTHS = (1440, 390)
HEIGHT = 900
FRACTION = re.compile(r"\b\d+\.\d+ (?:in \d|in 1 million|in 10 million|people\b|person\b)")
RESEARCH_TABS = (
    "Uncertainty interval",
    "One at a time",
    "Two at a time",
    "Global (Sobol)",
    "What would flip it",
    "The network",
)

#: Elements allowed to be wider than the screen because they scroll inside themselves.
OVERFLOW_JS = """
() => [...document.querySelectorAll('[data-testid="stMain"] *')]
  .filter(e => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    if (r.right <= innerWidth + 1 && r.left >= -1) return false;
    return !e.closest('[data-testid="stDataFrame"], [data-testid="stTable"], '
      + '[data-testid="stDataFrameResizable"], [role="tablist"], [data-baseweb="tab-list"], '
      + '.stTabs [data-baseweb="tab-border"], [data-testid="stGraphVizChart"] ');
  })
  .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)} ${(e.textContent || '').slice(0, 60)}`)
  .slice(0, 5)
"""


def situations(model: Model) -> dict[str, dict[str, str]]:
    """The four situations, built from the spec's public ids (and its "not sure" rules)."""
    not_sure = {}
    for node in model.spec.answerable:
        try:
            parse_answers(model.spec, {node: "not_sure"})
        except Exception:  # this question cannot be answered "not sure"
            continue
        not_sure[node] = "not_sure"
    benign_extra = (
        {model.spec.watch.duration: "6_12_months"}
        if model.spec.watch is not None
        and "6_12_months" in model.spec.nodes[model.spec.watch.duration].states
        else {}
    )
    return {
        "benign": {
            **benign_extra,
            "age_band": "30_44",
            "sex": "female",
            "fasciculations": "yes",
            "twitch_spread": "one_area",
            "stress": "yes",
            "caffeine": "yes",
            "weakness": "no",
            "trigger_response": "improved",
        },
        "red_flag": {
            "age_band": "55_64",
            "sex": "male",
            "fasciculations": "yes",
            "weakness": "yes",
            "atrophy": "yes",
            "bulbar": "yes",
        },
        "empty": {},
        "not_sure": not_sure,
    }


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but Chromium is missing at {CHROMIUM} (apt-get install chromium)")
    pytest.skip(f"Chromium not installed at {CHROMIUM} (not under CI)")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    require_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SCREENSHOTS}")
    with streamlit_server(SCREENSHOTS.parent / "browser-streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    with chromium() as b:
        yield b


class Visit:
    """One open page: records every request and checks what a reader sees."""

    def __init__(self, browser: Any, url: str, width: int) -> None:
        self.url = url
        self.width = width
        self.page = browser.new_page(viewport={"width": width, "height": HEIGHT})
        self.page.set_default_timeout(STEP_TIMEOUT_MS)
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: str) -> None:
        self.page.goto(self.url + path)
        wait_until_idle(self.page)

    def check(self, shot: str) -> str:
        """Run every check on the current view and save its screenshot; return its text."""
        from axe_playwright_python.sync_playwright import Axe

        page = self.page
        self.screenshot(shot)
        text = page.inner_text("body")
        assert not SCIENTIFIC.findall(text), (shot, SCIENTIFIC.findall(text)[:5])
        assert not FRACTION.findall(text), (shot, FRACTION.findall(text)[:5])
        assert "NaN" not in text and "Infinity" not in text, shot
        assert "Page not found" not in text, shot
        wide = page.evaluate(OVERFLOW_JS)
        assert not wide, (shot, wide)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= self.width, shot
        violations = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
            for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not violations, (shot, violations)
        host = urlsplit(self.url).netloc
        foreign = {
            urlsplit(u).netloc
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != host
        }
        assert not foreign, (shot, foreign)
        return text

    def screenshot(self, name: str) -> None:
        """The whole page: the viewport is stretched to the content's height for the shot."""
        page = self.page
        height = page.evaluate(
            '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
            '[data-testid="stMainBlockContainer"]\')].map(e => e.scrollHeight), innerHeight)'
        )
        page.set_viewport_size({"width": self.width, "height": min(int(height) + 40, 12_000)})
        page.wait_for_timeout(400)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        page.set_viewport_size({"width": self.width, "height": HEIGHT})

    def close(self) -> None:
        self.page.close()


MODEL = load_model()
CASES = [(name, w) for name in situations(MODEL) for w in WIDTHS]


def query_string(answers: dict[str, str]) -> str:
    return f"?{urlencode(answers)}" if answers else ""


@pytest.mark.parametrize(("situation", "width"), CASES, ids=[f"{s}-{w}" for s, w in CASES])
def test_your_situation(browser: Any, server: str, situation: str, width: int) -> None:
    answers = situations(MODEL)[situation]
    visit = Visit(browser, server, width)
    try:
        visit.open(f"/situation{query_string(answers)}")
        page = visit.page
        text = visit.check(f"situation-{situation}-{width}")
        metric = page.get_by_test_id("stMetric").first
        first_question = page.get_by_test_id("stRadio").first
        # the result comes before the questions (on a phone: without scrolling past them)
        assert metric.bounding_box()["y"] < first_question.bounding_box()["y"]
        if situation == "red_flag":
            alert = page.get_by_test_id("stAlert").first
            assert "See a doctor promptly" in alert.inner_text()
            assert alert.bounding_box()["y"] < metric.bounding_box()["y"]
            assert alert.bounding_box()["y"] < HEIGHT  # on the first screen
            assert "Next steps: see a doctor promptly" in text
            assert MODEL.spec.messages.next_steps[0] not in text
            assert "Which question would tell the most" not in text
        else:
            assert "Next steps: see a doctor promptly" not in text
        if situation == "not_sure" and width == 390:
            # every question group, one tab at a time
            for i, tab in enumerate(page.get_by_role("tab").all()):
                tab.click()
                wait_until_idle(page)
                visit.check(f"situation-{situation}-{width}-group{i + 1}")
        if width == 390:
            DOCS.mkdir(parents=True, exist_ok=True)
            target = DOCS / f"situation-{situation}-390.png"
            target.write_bytes((SCREENSHOTS / f"situation-{situation}-{width}.png").read_bytes())
    finally:
        visit.close()


@pytest.mark.parametrize(("situation", "width"), CASES, ids=[f"{s}-{w}" for s, w in CASES])
def test_base_rates(browser: Any, server: str, situation: str, width: int) -> None:
    visit = Visit(browser, server, width)
    try:
        visit.open(f"/base_rates{query_string(situations(MODEL)[situation])}")
        text = visit.check(f"base_rates-{situation}-{width}")
        assert "[" not in text.split("A frequency tree")[1][:400]
    finally:
        visit.close()


@pytest.mark.parametrize(("situation", "width"), CASES, ids=[f"{s}-{w}" for s, w in CASES])
def test_research_every_tab(browser: Any, server: str, situation: str, width: int) -> None:
    visit = Visit(browser, server, width)
    try:
        visit.open(f"/research{query_string(situations(MODEL)[situation])}")
        page = visit.page
        for i, name in enumerate(RESEARCH_TABS):
            page.get_by_role("tab", name=name).click()
            wait_until_idle(page)
            if name == "Global (Sobol)":
                page.get_by_role("button", name="Run the Sobol analysis").click()
                wait_until_idle(page)
            visit.check(f"research-{situation}-{width}-tab{i + 1}")
    finally:
        visit.close()


def test_answering_updates_the_result_and_the_address(browser: Any, server: str) -> None:
    from playwright.sync_api import expect

    visit = Visit(browser, server, 390)
    try:
        visit.open("/situation?age_band=30_44&fasciculations=yes")
        page = visit.page
        before = page.get_by_test_id("stMetricValue").first.inner_text()
        page.get_by_role("tab", name=re.compile("Warning signs")).click()
        question = page.get_by_test_id("stRadio").filter(
            has_text=MODEL.spec.nodes["weakness"].question or ""
        )
        question.get_by_text("Yes", exact=True).click()
        expect(page.get_by_test_id("stAlert").first).to_contain_text("See a doctor promptly")
        page.wait_for_url("**weakness=yes**", timeout=STEP_TIMEOUT_MS)
        wait_until_idle(page)
        assert page.get_by_test_id("stMetricValue").first.inner_text() != before
        # the open group stays open when the page above it changes (a warning panel appeared)
        assert "Warning signs" in page.get_by_role("tab", selected=True).inner_text()
        question.get_by_text("No", exact=True).click()
        page.wait_for_url("**weakness=no**", timeout=STEP_TIMEOUT_MS)
        wait_until_idle(page)
        assert page.get_by_test_id("stAlert").count() == 0
    finally:
        visit.close()
