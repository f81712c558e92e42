"""'Your situation': the shown numbers are exactly the API's, red flags, the URL, safe words."""

from __future__ import annotations

import pytest

from alsodds import Model, factor_words, natural_frequency, query
from tests.dashboard.conftest import answer, make_app, metric, rendered_text

RESULT = "With your answers"
BASELINE = "Same age, sex and family history, no symptoms"


def test_answering_changes_the_number_to_the_api_value(model: Model) -> None:
    at = make_app()
    assert metric(at, RESULT) == natural_frequency(query(model, {}).posterior)
    answers = {"age_band": "30_44", "fasciculations": "yes", "stress": "yes", "caffeine": "no"}
    answer(at, answers)
    expected = query(model, answers)
    assert metric(at, RESULT) == natural_frequency(expected.posterior)
    assert metric(at, BASELINE) == natural_frequency(expected.baseline)
    words = " ".join(m.value for m in at.markdown)
    assert factor_words(expected.odds_ratio_vs_baseline) in words
    # a second change moves it again, to the API's new value
    answer(at, {"trigger_response": "improved", "cramps": "not_sure"})
    answers |= {"trigger_response": "improved", "cramps": "not_sure"}
    assert metric(at, RESULT) == natural_frequency(query(model, answers).posterior)


def test_unanswering_goes_back(model: Model) -> None:
    at = make_app()
    answer(at, {"age_band": "65_74", "weakness": "yes"})
    answer(at, {"weakness": ""})
    assert metric(at, RESULT) == natural_frequency(query(model, {"age_band": "65_74"}).posterior)


def test_weakness_yes_shows_the_red_flag_panel(model: Model) -> None:
    at = make_app()
    assert not at.error
    answer(at, {"age_band": "under_30", "fasciculations": "yes", "weakness": "yes"})
    errors = [e.value for e in at.error]
    assert any("see a doctor promptly" in e for e in errors)
    assert any(model.spec.messages.red_flag in e for e in errors)
    # whatever the number: also at a low one
    answer(at, {"weakness": "no", "atrophy": "yes"})
    assert any("see a doctor promptly" in e.value for e in at.error)
    answer(at, {"atrophy": "no"})
    assert not at.error


def test_not_sure_about_a_red_flag_says_when_to_see_a_doctor(model: Model) -> None:
    at = make_app()
    answer(at, {"weakness": "not_sure"})
    assert not at.error
    assert any(model.spec.messages.uncertain_red_flag in w.value for w in at.warning)


def test_the_url_round_trips_the_answers(model: Model) -> None:
    at = make_app()
    answers = {"age_band": "45_54", "sex": "male", "fasciculations": "yes", "weakness": "not_sure"}
    answer(at, answers)
    assert at.query_params == answers
    shared = make_app(at.query_params)
    for node, state in answers.items():
        assert shared.radio(key=f"q_{node}").value == state
    assert metric(shared, RESULT) == natural_frequency(query(model, answers).posterior)
    answer(shared, {"sex": ""})
    assert "sex" not in shared.query_params


def test_bad_query_strings_are_ignored(model: Model) -> None:
    at = make_app({"weakness": "maybe", "age_band": "200", "nonsense": "x", "emg": "normal"})
    assert at.radio(key="q_weakness").value == ""
    assert at.radio(key="q_emg").value == "normal"
    assert metric(at, RESULT) == natural_frequency(query(model, {"emg": "normal"}).posterior)


def test_clear_all_answers(model: Model) -> None:
    at = make_app({"age_band": "30_44", "weakness": "yes"})
    at.button(key="clear_answers").click().run()
    assert metric(at, RESULT) == natural_frequency(query(model, {}).posterior)
    assert not at.error
    assert dict(at.query_params) == {}


def test_explanations_questions_and_next_steps_are_shown(model: Model) -> None:
    at = make_app({"age_band": "30_44", "fasciculations": "yes"})
    labels = " ".join(r.label for r in at.radio)
    captions = " ".join(c.value for c in at.caption)
    for node in model.spec.answerable:
        spec = model.spec.nodes[node]
        assert spec.question is not None
        assert spec.question in labels
        if spec.help:
            assert f"Why we ask: {spec.help}" in captions
    steps = " ".join(m.value for m in at.markdown)
    for step in model.spec.messages.next_steps:
        assert step in steps
    text = rendered_text(at)
    assert "What moved the odds" in text
    assert "Which question would tell the most" in text
    assert "95% interval" in text


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"age_band": "under_30", "fasciculations": "yes", "trigger_response": "improved"},
        {"age_band": "65_74", "weakness": "yes", "atrophy": "yes", "emg": "abnormal"},
    ],
)
def test_no_denial_wording(answers: dict[str, str]) -> None:
    from tests.dashboard.conftest import DENIAL

    assert not DENIAL.findall(rendered_text(make_app(answers)))
