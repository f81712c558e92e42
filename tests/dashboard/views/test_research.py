"""'Priors and sensitivity': uploads validated and cleared when bad, user text literal,
readable searchable labels, empty rows hidden, thresholds from the current result."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from alsodds import Model, default_priors_path, query
from alsodds.dashboard.session import MODEL_STATE
from alsodds.dashboard.views import research
from tests.dashboard.conftest import make_app, rendered_text, unescape

ANSWERS = {"age_band": "30_44", "fasciculations": "yes"}


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "application/x-yaml")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.yaml", b"nodes: [\n  - unclosed"),
        ("![x](http://example.invalid/p.png).yaml", b"just a string"),
        ("latin1.yaml", "caf\xe9".encode("latin-1")),
    ],
)
def test_a_bad_upload_is_refused_shown_as_plain_text_and_cleared(name: str, data: bytes) -> None:
    at = upload(make_app(ANSWERS, "research"), name, data)
    assert MODEL_STATE not in at.session_state
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith("The file was not used")
    assert "![" not in errors[0] and "](" not in errors[0]
    assert at.file_uploader[0].value is None  # cleared: not read again on every rerun
    at.run()
    assert not at.exception


def test_a_valid_upload_becomes_this_sessions_model_and_can_be_downloaded() -> None:
    text = default_priors_path().read_text(encoding="utf-8")
    at = upload(make_app(ANSWERS, "research"), "mine.yaml", text.encode("utf-8"))
    assert MODEL_STATE in at.session_state
    assert any("mine.yaml" in unescape(s.value) for s in at.success)


def test_parameters_can_be_searched() -> None:
    at = make_app(ANSWERS, "research")
    at.text_input(key="param_search").set_value("incidence").run()
    caption = next(c.value for c in at.caption if "parameters shown" in c.value)
    shown, total = (int(x) for x in caption.split(" parameters")[0].split(" of "))
    assert 0 < shown < total


def test_tornado_hides_parameters_that_do_not_move_the_answer(model: Model) -> None:
    at = make_app(ANSWERS, "research")
    assert any("do not change the answer" in c.value for c in at.caption)


def test_thresholds_start_from_the_current_result(model: Model) -> None:
    current = query(model, ANSWERS).posterior
    d = research.unit_of(current)
    at = make_app(ANSWERS, "research")
    inputs = [n for n in at.number_input if str(n.key).startswith("flip_threshold")]
    assert inputs and inputs[0].value == pytest.approx(2 * current * d, rel=0.05)


def test_sobol_runs_on_request_and_explains_its_noise() -> None:
    at = make_app(ANSWERS, "research")
    assert any("sampling noise" in c.value for c in at.caption)
    at.button(key="sobol_run").click().run()
    assert not at.exception
    assert "model runs" in unescape(rendered_text(at))
