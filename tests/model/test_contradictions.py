"""Answers that cannot all be true are refused with one line naming both; retired questions
name what replaced them; the no-symptom reference and warning signs behave as documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from alsodds import EvidenceError, Model, load_model, parse_answers, query
from tests.oracles import bundled_data


def _one_line(exc: pytest.ExceptionInfo[EvidenceError], *mentions: str) -> str:
    text = str(exc.value)
    assert len(text.splitlines()) == 1, text
    for word in mentions:
        assert word in text, (word, text)
    return text


# --------------------------------------------------------------------------- applies_when
def _twitch_only_questions(model: Model) -> list[tuple[str, str, str]]:
    """(question, one of its states, an answer it contradicts), from applies_when."""
    out = []
    for node_id in model.spec.answerable:
        node = model.spec.nodes[node_id]
        for other, states in node.applies_when.items():
            for ruled_out in model.spec.nodes[other].states:
                if ruled_out not in states:
                    out.append((node_id, other, ruled_out))
    return out


def test_the_bundled_twitching_questions_apply_only_with_twitching(model: Model) -> None:
    found = {(q, o, s) for q, o, s in _twitch_only_questions(model)}
    assert ("twitch_spread", "fasciculations", "no") in found
    assert ("trigger_response", "fasciculations", "no") in found


@pytest.mark.parametrize("order", ["question_first", "twitching_first"])
def test_an_answer_its_question_does_not_apply_to_is_refused_naming_both(
    model: Model, order: str
) -> None:
    cases = _twitch_only_questions(model)
    assert cases
    for question, other, ruled_out in cases:
        for state in model.spec.nodes[question].states:
            pair = [(question, state), (other, ruled_out)]
            if order == "twitching_first":
                pair.reverse()
            answers = {"age_band": "45_54", **dict(pair), "weakness": "no"}
            for call in (parse_answers, query):
                with pytest.raises(EvidenceError) as info:
                    call(model.spec if call is parse_answers else model, answers)  # type: ignore[arg-type]
                _one_line(info, f"{question}={state}", f"{other}={ruled_out}")


def test_the_same_questions_are_accepted_with_twitching_or_without_it_unanswered(
    model: Model,
) -> None:
    for question, other, _ in _twitch_only_questions(model):
        allowed = model.spec.nodes[question].applies_when[other][0]
        for state in model.spec.nodes[question].states:
            assert 0 < query(model, {question: state, other: allowed}).posterior < 1
            assert 0 < query(model, {question: state}).posterior < 1


def test_not_sure_about_twitching_does_not_contradict_where_it_is(model: Model) -> None:
    r = query(model, {"fasciculations": "not_sure", "twitch_spread": "several_areas"})
    assert 0 < r.posterior < 1


# --------------------------------------------------------------------------- zero probability
def _impossible_pair_priors(tmp_path: Path) -> Path:
    """Bundled priors where numbness is possible only with twitching (a table child of
    fasciculations that rules 'yes' out in the 'no' row): each answer alone is possible,
    the pair is not."""
    data: dict[str, Any] = bundled_data()
    node = data["nodes"]["sensory_changes"]
    one = {"value": 1.0, "low": 1.0, "high": 1.0, "source": "assumption: a test of refusal only"}
    node["distribution"] = {
        "kind": "table",
        "parent": "fasciculations",
        "given": {"no": {"no": dict(one)}, "yes": {"no": dict(one), "yes": dict(one)}},
    }
    path = tmp_path / "pair.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_zero_probability_combination_names_the_conflicting_pair(tmp_path: Path) -> None:
    edited = load_model(_impossible_pair_priors(tmp_path))
    assert 0 < query(edited, {"fasciculations": "no"}).posterior < 1
    assert 0 < query(edited, {"sensory_changes": "yes"}).posterior < 1
    answers = {
        "age_band": "55_64",
        "fasciculations": "no",
        "weakness": "no",
        "sensory_changes": "yes",
        "cramps": "yes",
    }
    with pytest.raises(EvidenceError) as info:
        query(edited, answers)
    text = _one_line(info, "fasciculations=no", "sensory_changes=yes", "cannot all be true")
    # only the conflicting pair is named, not every answer
    for innocent in ("age_band", "weakness", "cramps"):
        assert innocent not in text, text


def test_the_bundled_priors_rule_out_no_pair_of_ordinary_answers(model: Model) -> None:
    # the refusal above is about the answers, not the network: the same answers are fine here
    answers = {"age_band": "55_64", "fasciculations": "no", "sensory_changes": "yes"}
    assert 0 < query(model, answers).posterior < 1


# --------------------------------------------------------------------------- retired ids
def test_stable_12_months_is_refused_naming_symptom_duration(model: Model) -> None:
    for call in (
        lambda: parse_answers(model.spec, {"stable_12_months": "yes"}),
        lambda: query(model, {"age_band": "30_44", "stable_12_months": "no"}),
    ):
        with pytest.raises(EvidenceError) as info:
            call()
        _one_line(info, "stable_12_months", "symptom_duration")


# --------------------------------------------------------------------------- no symptoms
def _absent_answers(model: Model) -> dict[str, str]:
    return {
        n: node.absent_state
        for n, node in model.spec.nodes.items()
        if node.answerable and node.absent_state is not None
    }


def test_absent_states_cover_the_symptoms_and_twitching(model: Model) -> None:
    absent = _absent_answers(model)
    assert absent["fasciculations"] == "no"
    assert set(model.spec.red_flags) <= set(absent)
    assert not set(absent) & set(model.spec.background)


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"age_band": "55_64", "sex": "male"},
        {"age_band": "30_44", "fasciculations": "yes", "weakness": "no"},
        {"age_band": "65_74", "family_history": "yes", "weakness": "yes", "emg": "abnormal"},
    ],
    ids=["nothing", "background", "twitching", "warning_signs"],
)
def test_no_symptoms_equals_a_direct_query_with_every_absent_state_and_is_below_baseline(
    model: Model, answers: dict[str, str]
) -> None:
    r = query(model, answers)
    background = {n: s for n, s in answers.items() if model.spec.nodes[n].role == "background"}
    direct = query(model, {**background, **_absent_answers(model)}).posterior
    assert r.no_symptoms == pytest.approx(direct, rel=1e-12)
    # people of the same background without twitching or any symptom are less likely to
    # have ALS than people of that background whatever their symptoms
    assert r.no_symptoms < r.baseline
    assert r.to_dict()["no_symptoms"] == r.no_symptoms


# --------------------------------------------------------------------------- warning signs
@pytest.mark.parametrize("answer", ["yes", "not_sure", "no"])
def test_feeling_weak_is_never_a_red_flag(model: Model, answer: str) -> None:
    r = query(model, {"fasciculations": "yes", "feels_weak": answer})
    assert r.red_flags == [] and r.uncertain_red_flags == []
    # while the loss of strength it is set beside is one
    r2 = query(model, {"fasciculations": "yes", "feels_weak": answer, "weakness": "yes"})
    assert r2.red_flags == ["weakness"]
