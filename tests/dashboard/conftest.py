"""Helpers for the dashboard tests: run the app headless with Streamlit's AppTest."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
PAGES = {
    "situation": "views/situation.py",
    "base_rates": "views/base_rates.py",
    "research": "views/research.py",
}
TIMEOUT = 60

#: "<number> in <number>" anywhere in the rendered text; only "in 100,000" is allowed.
RATIO = re.compile(r"(?<![\w.,])(\d[\d,]*(?:\.\d+)?) in (\d{1,3}(?:,\d{3})+|\d+)(?![.,]?\d)")
ONE_IN = re.compile(r"(?<![\w.,])1 in (?!100,000\b)\d")
DENIAL = re.compile(r"\byou (?:do not|don't|don’t|dont) have\b", re.IGNORECASE)


def make_app(query: Mapping[str, str] | None = None, page: str = "situation") -> AppTest:
    """A fresh app session (own session state), optionally opened with a query string."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if query:
        at.query_params.update(dict(query))
    if page != "situation":
        at.switch_page(PAGES[page])  # the url paths equal the file names, so no first run
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def rendered_text(at: AppTest) -> str:
    """Every string the page sends to the browser: texts, labels, options, table cells,
    chart specs (titles, labels, data) and the network's DOT source."""
    parts: list[str] = []
    for el in _walk(at._tree):
        proto = getattr(el, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        if getattr(el, "type", None) in ("dataframe", "table"):
            parts.append(el.value.to_string(max_colwidth=100_000))
    return "\n".join(parts)


def bad_ratios(text: str) -> list[str]:
    """Any 'N in X' whose X is not the fixed 100,000, and any '1 in X'."""
    found = [m.group(0) for m in RATIO.finditer(text) if m.group(2) != "100,000"]
    found += [m.group(0) for m in ONE_IN.finditer(text)]
    return found


def metric(at: AppTest, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return str(m.value)
    raise AssertionError(f"no metric {label!r}; have {[m.label for m in at.metric]}")


def answer(at: AppTest, answers: Mapping[str, str]) -> AppTest:
    """Answer questions on 'Your situation' (by node id) and rerun."""
    for node, state in answers.items():
        at.radio(key=f"q_{node}").set_value(state)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def situation() -> AppTest:
    return make_app()
