"""The entry script: importing a page draws nothing; the app runs its default page; the
tab icon is drawn locally."""

from __future__ import annotations

import importlib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import TIMEOUT

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def test_importing_the_pages_draws_nothing() -> None:
    for name in ("app", "views.situation", "views.base_rates", "views.research"):
        module = importlib.import_module(f"alsodds.dashboard.{name}")
        assert callable(getattr(module, "render", None) or module.main)


def test_the_tab_icon_is_an_image_made_here() -> None:
    from alsodds.dashboard.app import page_icon

    icon = page_icon()
    assert icon.size == (32, 32)
    assert icon.getextrema()[3][1] == 255  # something is drawn


def test_the_app_opens_on_your_situation() -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Your situation"
