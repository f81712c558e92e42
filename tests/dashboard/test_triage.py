"""Warning signs put the doctor first; implied questions are never suggested."""

from __future__ import annotations

from alsodds import Model, next_questions, query
from alsodds.dashboard import triage
from alsodds.explain import Outcome, QuestionValue


def test_a_warning_sign_replaces_lifestyle_steps_with_the_doctor(model: Model) -> None:
    spec = model.spec
    for flag in spec.red_flags:
        state = spec.nodes[flag].sign_state
        assert state is not None
        result = query(model, {"age_band": "under_30", "fasciculations": "yes", flag: state})
        steps = triage.next_steps(spec, result)
        assert steps.kind == "red_flag"
        assert "see a doctor promptly" in steps.title
        assert steps.lines[0].startswith("See a doctor promptly")
        text = " ".join(steps.lines)
        assert "EMG" in text and "blood tests" in text and "treatable" in text
        assert not set(spec.messages.next_steps) & set(steps.lines)


def test_without_a_warning_sign_the_everyday_steps_are_shown(model: Model) -> None:
    result = query(model, {"age_band": "30_44", "fasciculations": "yes"})
    steps = triage.next_steps(model.spec, result)
    assert steps.kind == "routine"
    assert steps.lines == tuple(model.spec.messages.next_steps)


def test_unsure_about_a_warning_sign_says_when_to_see_a_doctor_first(model: Model) -> None:
    flag = model.spec.red_flags[0]
    result = query(model, {flag: "not_sure"})
    steps = triage.next_steps(model.spec, result)
    assert steps.kind == "unsure"
    assert steps.lines[0] == model.spec.messages.uncertain_red_flag


def test_unscored_answers_with_a_warning_sign_still_put_the_doctor_first(model: Model) -> None:
    flag = model.spec.red_flags[0]
    reported = triage.reported_red_flags(
        model.spec, {flag: model.spec.nodes[flag].sign_state or ""}
    )
    assert reported == [flag]
    assert triage.next_steps(model.spec, None, reported).kind == "red_flag"


def test_implied_or_impossible_questions_are_not_suggested(model: Model) -> None:
    ranked = next_questions(model, {"age_band": "30_44", "fasciculations": "yes"})
    kept = triage.useful_questions(ranked)
    assert kept and all(q in ranked for q in kept)
    implied = QuestionValue(
        "x", "X", 9.0, (Outcome("yes", 0.995, 0.1, 2.0), Outcome("no", 0.005, 0.001, -1.0))
    )
    impossible = QuestionValue(
        "y", "Y", 9.0, (Outcome("yes", 0.0, float("nan"), 0.0), Outcome("no", 1.0, 0.1, 0.0))
    )
    assert triage.useful_questions([implied, impossible, *ranked]) == kept
