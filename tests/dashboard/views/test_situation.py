"""'Your situation': the API's numbers as whole people, the doctor first for warning signs,
contradictions refused, the URL round trip."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from alsodds import Model, people, query
from alsodds.dashboard.cache import AnswerSet, Keyed
from alsodds.dashboard.views import situation
from tests.dashboard.conftest import (
    DENIAL,
    FRACTION_OF_A_PERSON,
    SCIENTIFIC,
    answer,
    group_titles,
    make_app,
    open_group,
    open_group_of,
    unescape,
    visible_text,
)


def headline(model: Model, answers: dict[str, str]) -> str:
    from alsodds import psa

    r = query(model, answers)
    interval = psa(model, answers, n_draws=situation.PATIENT_DRAWS, seed=0)
    return situation.headline_numbers(r, interval).result.text


def metric_text(at: AppTest) -> str:
    """The headline as a sentence: 'about 23 in 1 million' from its label and value."""
    m = next(m for m in at.metric if m.label.startswith(situation.RESULT_LABEL))
    crowd = m.label.split(", out of ")[1]
    value = str(m.value)
    return f"{value} in {crowd}" if value.startswith("fewer") else f"about {value} in {crowd}"


def test_answering_changes_the_number_to_the_api_value(model: Model) -> None:
    at = make_app()
    assert metric_text(at) == headline(model, {})
    answers = {"age_band": "30_44", "fasciculations": "yes", "stress": "yes", "caffeine": "no"}
    answer(at, answers)
    assert metric_text(at) == headline(model, answers)
    answer(at, {"trigger_response": "improved", "cramps": "not_sure"})
    answers |= {"trigger_response": "improved", "cramps": "not_sure"}
    assert metric_text(at) == headline(model, answers)


def test_numbers_shown_together_share_one_denominator(model: Model) -> None:
    from alsodds import psa

    answers = {"age_band": "65_74", "weakness": "yes", "atrophy": "yes"}
    r, i = query(model, answers), psa(model, answers, n_draws=situation.PATIENT_DRAWS, seed=0)
    nums = situation.headline_numbers(r, i)
    assert len({x.denominator for x in (nums.result, nums.reference, nums.low, nums.high)}) == 1
    assert nums.result.text == people([r.posterior, r.baseline, i.low, i.high])[0].text


def test_a_warning_sign_puts_the_doctor_first_and_no_lifestyle_steps(model: Model) -> None:
    at = make_app()
    answer(at, {"age_band": "under_30", "fasciculations": "yes", "weakness": "yes"})
    assert "see a doctor promptly" in at.error[0].value
    headers = [h.value for h in at.subheader]
    assert "Next steps: see a doctor promptly" in headers
    assert "Which question would tell the most" not in headers
    text = unescape(" ".join(m.value for m in at.markdown))
    for step in model.spec.messages.next_steps:
        assert step not in text
    answer(at, {"weakness": ""})
    assert not at.error
    assert "Next steps" in [h.value for h in at.subheader]


def test_not_sure_about_a_warning_sign_says_when_to_see_a_doctor(model: Model) -> None:
    at = make_app({"weakness": "not_sure"})
    assert not at.error
    assert any(model.spec.messages.uncertain_red_flag in unescape(w.value) for w in at.warning)


def test_the_reference_is_labelled_for_what_it_is() -> None:
    at = make_app({"age_band": "30_44", "fasciculations": "yes"})
    text = unescape(" ".join(m.value for m in at.markdown))
    assert "people of your age (whatever their symptoms)" in text
    assert "no symptoms" not in text


def test_contradictory_answers_are_refused_not_scored(model: Model) -> None:
    act = Keyed("bundled", model)
    out = situation.evaluate(act, AnswerSet({"sex": "not_sure"}))
    assert out.result is None and out.problem and "sex" in out.problem


def test_the_url_round_trips_the_answers(model: Model) -> None:
    at = make_app()
    answers = {"age_band": "45_54", "sex": "male", "fasciculations": "yes", "weakness": "not_sure"}
    answer(at, answers)
    assert at.query_params == answers
    shared = make_app(at.query_params)
    for node, state in answers.items():
        assert open_group_of(shared, node).radio(key=f"q_{node}").value == state
    assert metric_text(shared) == headline(model, answers)


def test_bad_query_strings_are_ignored(model: Model) -> None:
    at = make_app({"weakness": "maybe", "age_band": "200", "nonsense": "x", "emg": "normal"})
    assert open_group_of(at, "weakness").radio(key="q_weakness").value == ""
    assert open_group_of(at, "emg").radio(key="q_emg").value == "normal"
    assert metric_text(at) == headline(model, {"emg": "normal"})


def test_clear_all_answers(model: Model) -> None:
    at = make_app({"age_band": "30_44", "weakness": "yes"})
    at.button(key="clear_answers").click().run()
    assert metric_text(at) == headline(model, {})
    assert not at.error
    assert dict(at.query_params) == {}


def test_question_labels_are_plain_text(model: Model) -> None:
    at = make_app()
    radios = [r for title in group_titles() for r in open_group(at, title).radio]
    labels = [unescape(r.label) for r in radios]
    for node in model.spec.answerable:
        assert model.spec.nodes[node].question in labels
    assert not any("**" in r.label for r in radios)


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"age_band": "under_30", "fasciculations": "yes", "trigger_response": "improved"},
        {"age_band": "65_74", "weakness": "yes", "atrophy": "yes", "emg": "abnormal"},
    ],
)
def test_no_denial_no_scientific_notation_no_fraction_of_a_person(
    answers: dict[str, str],
) -> None:
    text = visible_text(make_app(answers))
    assert not DENIAL.findall(text)
    assert not SCIENTIFIC.findall(text)
    assert not FRACTION_OF_A_PERSON.findall(text)


def test_watchful_waiting_and_the_no_symptom_reference(model: Model) -> None:
    from alsodds import watchful_waiting

    spec = model.spec
    if spec.watch is None:
        pytest.skip("these priors define no watchful-waiting section")
    duration = spec.watch.duration
    answers = {
        "age_band": "30_44",
        "fasciculations": "yes",
        duration: spec.nodes[duration].states[1],
    }
    at = make_app(answers)
    assert "If nothing new appears" in [h.value for h in at.subheader]
    w = watchful_waiting(model, answers)
    shown = people([w.now, *(p.posterior for p in w.points)])
    text = unescape(" ".join(m.value for m in at.markdown))
    for s in shown:
        assert s.text in text
    alone = people(query(model, answers).no_symptoms)[0].text
    assert any(alone in unescape(c.value) for c in at.caption)
    # with a warning sign there is no waiting: the doctor comes first
    flagged = make_app({**answers, "weakness": "yes"})
    assert "If nothing new appears" not in [h.value for h in flagged.subheader]


def test_only_the_open_group_is_drawn_and_closed_groups_keep_their_answers(
    model: Model,
) -> None:
    at = make_app({"age_band": "30_44"})
    answer(at, {"weakness": "yes", "fasciculations": "yes"})
    open_group(at, group_titles()[0])
    keys = {r.key for r in at.radio}
    assert "q_age_band" in keys and "q_weakness" not in keys
    expected = {"age_band": "30_44", "weakness": "yes", "fasciculations": "yes"}
    assert metric_text(at) == headline(model, expected)
    assert dict(at.query_params) == expected
    assert "See a doctor promptly" in visible_text(at)


def test_watchful_waiting_names_the_question_to_answer_in_plain_words(model: Model) -> None:
    at = make_app({"age_band": "30_44", "fasciculations": "yes"})
    text = visible_text(at)
    assert model.spec.watch is not None
    duration = model.spec.nodes[model.spec.watch.duration]
    assert f"Answer '{duration.question}'" in text
    assert model.spec.watch.duration not in text  # no node ids or state ids
    assert not any(s in text for s in duration.states if "_" in s)
