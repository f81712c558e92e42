"""Helpers for the dashboard tests: run each page headless with Streamlit's AppTest."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from alsodds import load_model
from alsodds.spec import NetworkSpec

TIMEOUT = 60

#: Scientific notation and fractions of a person anywhere in the page.
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")
FRACTION_OF_A_PERSON = re.compile(r"\d\.\d+ in (?:\d|1 million|10 million)")
DENIAL = re.compile(r"\byou (?:do not|don't|don’t|dont) have\b", re.IGNORECASE)


def _situation() -> None:
    from alsodds.dashboard.views import situation

    situation.render()


def _base_rates() -> None:
    from alsodds.dashboard.views import base_rates

    base_rates.render()


def _research() -> None:
    from alsodds.dashboard.views import research

    research.render()


PAGES: dict[str, Callable[[], None]] = {
    "situation": _situation,
    "base_rates": _base_rates,
    "research": _research,
}


def make_app(query: Mapping[str, str] | None = None, page: str = "situation") -> AppTest:
    """A fresh session of one page (own session state), optionally with a query string."""
    at = AppTest.from_function(PAGES[page], default_timeout=TIMEOUT)
    if query:
        at.query_params.update(dict(query))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def rendered_text(at: AppTest) -> str:
    """Every string the page sends to the browser: texts, labels, options, table cells,
    chart specs and the network's DOT source."""
    parts: list[str] = []
    for el in _walk(at._tree):
        proto = getattr(el, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        if getattr(el, "type", None) in ("dataframe", "table"):
            parts.append(el.value.to_string(max_colwidth=100_000))
    return "\n".join(parts)


def visible_text(at: AppTest) -> str:
    """The words a reader sees: titles, headings, text, captions, alerts, metrics, labels
    and table cells (not element ids or chart internals)."""
    parts: list[str] = []
    for group in (at.title, at.header, at.subheader, at.markdown, at.caption):
        parts += [str(x.value) for x in group]
    for group in (at.error, at.warning, at.info, at.success):
        parts += [str(x.value) for x in group]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [str(r.label) for r in at.radio]
    for el in _walk(at._tree):
        if getattr(el, "type", None) in ("dataframe", "table"):
            parts.append(el.value.to_string(max_colwidth=100_000))
    return unescape("\n".join(parts))


def metric(at: AppTest, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return str(m.value)
    raise AssertionError(f"no metric {label!r}; have {[m.label for m in at.metric]}")


@cache
def _spec() -> NetworkSpec:
    return load_model().spec


def group_titles() -> list[str]:
    """The question groups (tabs) of 'Your situation', in order."""
    from alsodds.dashboard.words import group_title, grouped

    return [group_title(g) for g, _ in grouped(_spec())]


def open_group(at: AppTest, title: str) -> AppTest:
    """Open a question group on 'Your situation' (only the open one is drawn) and rerun."""
    from alsodds.dashboard.views.situation import GROUPS_KEY

    at.session_state[GROUPS_KEY] = title
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_group_of(at: AppTest, node: str) -> AppTest:
    """Open the question group holding ``node``, unless it is open already."""
    from alsodds.dashboard.words import group_of

    title = group_of(_spec(), node)
    assert title is not None, f"{node} is not asked on 'Your situation'"
    if not any(r.key == f"q_{node}" for r in at.radio):
        open_group(at, title)
    return at


def answer(at: AppTest, answers: Mapping[str, str]) -> AppTest:
    """Answer questions on 'Your situation' (by node id), opening their groups, and rerun."""
    for node, state in answers.items():
        open_group_of(at, node)  # as a person would: the answer is sent, then a tab chosen
        at.radio(key=f"q_{node}").set_value(state)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unescape(text: str) -> str:
    """Markdown text as a reader sees it (backslash escapes and word joiners removed)."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")
