"""Words for people, and user-controlled text shown literally."""

from __future__ import annotations

import pytest

from alsodds import Model
from alsodds.dashboard.words import (
    grouped,
    param_words,
    plain,
    reference_group,
    state_words,
)
from tests.dashboard.conftest import unescape


@pytest.mark.parametrize(
    "text",
    [
        "![x](http://example.invalid/pixel.png)",
        "[click](javascript:alert(1))",
        "**bold** _it_ `code` $x^2$ :red[colour] :material/home: :smile:",
        "<img src=x onerror=alert(1)>",
        "# heading\n- list",
    ],
)
def test_markdown_is_neutralised_but_the_words_survive(text: str) -> None:
    safe = plain(text)
    # every character Markdown could act on is escaped, and no colon can start a code
    for i, ch in enumerate(safe):
        if ch in "![]()*_`$<>#|~":
            assert safe[i - 1] == "\\", (ch, safe)
        if ch == ":":
            assert safe[i - 1] == "\\" and safe[i + 1] == "\u2060", safe
    assert unescape(safe) == " ".join(text.split())


def test_state_words() -> None:
    assert state_words("30_44") == "30–44"
    assert state_words("75_plus") == "75+"
    assert state_words("not_sure") == "Not sure"
    assert state_words("") == "No answer"


def test_the_reference_is_named_for_what_it_is(model: Model) -> None:
    spec = model.spec
    assert "whatever their symptoms" in reference_group(spec, {})
    age = spec.nodes["age_band"].label.lower()
    words = reference_group(spec, {"age_band": "30_44", "fasciculations": "yes"})
    assert words == f"people of your {age} (whatever their symptoms)"


def test_every_question_is_in_one_group(model: Model) -> None:
    nodes = [n for _, ns in grouped(model.spec) for n in ns]
    assert sorted(nodes) == sorted(model.spec.answerable)


def test_parameter_labels_are_readable() -> None:
    assert param_words("ALS (early): age = 30_44 factor") == "ALS: age = 30–44 factor"
    assert param_words("Age: share under_30") == "Age: share under 30"
