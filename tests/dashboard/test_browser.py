"""One real-browser test: `streamlit run` + headless Chromium (Playwright).

Skips only outside CI when Chromium is missing; with CI=true it must run (a missing browser
is a failure there, not a skip).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alsodds import Model, natural_frequency, query
from tests.dashboard.browser import (
    CHROMIUM,
    ROOT,
    STEP_TIMEOUT_MS,
    chromium_page,
    streamlit_server,
    wait_until_idle,
)

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "artifacts"


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but Chromium is missing at {CHROMIUM} (apt-get install chromium)")
    pytest.skip(f"Chromium not installed at {CHROMIUM} (not under CI)")


def test_answering_a_question_updates_the_result_in_a_real_browser(model: Model) -> None:
    require_chromium()
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    start = {"age_band": "30_44", "fasciculations": "yes"}
    after = {**start, "weakness": "yes"}
    with (
        streamlit_server(ARTIFACTS / "browser-streamlit.log") as url,
        chromium_page() as page,
    ):
        page.goto(f"{url}/?age_band=30_44&fasciculations=yes")
        value = page.get_by_test_id("stMetricValue").first
        expect(value).to_have_text(
            natural_frequency(query(model, start).posterior), timeout=STEP_TIMEOUT_MS
        )
        question = page.get_by_test_id("stRadio").filter(has_text="Have you lost strength")
        question.get_by_text("Yes", exact=True).click()
        expect(value).to_have_text(
            natural_frequency(query(model, after).posterior), timeout=STEP_TIMEOUT_MS
        )
        expect(page.get_by_text("see a doctor promptly").first).to_be_visible()
        page.wait_for_url("**weakness=yes**", timeout=STEP_TIMEOUT_MS)
        wait_until_idle(page)
        page.screenshot(path=str(ARTIFACTS / "browser-situation.png"))
    assert (ARTIFACTS / "browser-situation.png").stat().st_size > 10_000
