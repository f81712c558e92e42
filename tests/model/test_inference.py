"""Smaller contracts of the public API, each checked against brute-force enumeration or a
hand-built case: table checks, red flags, answer labels, value of information, Shapley on
batches of games, parameter lookup and generated-parameter queries."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

from alsodds.errors import RequestError
from alsodds.explain import derive, next_questions, shapley_from_values
from alsodds.inference import (
    Model,
    log_odds_matrix,
    parse_answers,
    posterior_matrix,
    query,
)
from alsodds.tables import build_tables, check_tables
from tests.oracles import evidence_vectors, joint_by_core_enumeration


def _brute(model: Model, answers: dict[str, Any], theta: np.ndarray | None = None) -> np.ndarray:
    """(P(not query, e), P(query, e)) by enumeration, for the point estimate or ``theta``."""
    theta = model.point if theta is None else theta
    tables = build_tables(model.spec, theta, model.params)
    parsed = parse_answers(model.spec, answers)
    vectors = evidence_vectors(model, parsed, theta[0])
    j = joint_by_core_enumeration(model.structure, tables, model.query_node, vectors)[0]
    k = model.query_index
    return np.array([j[1 - k], j[k]])


# --------------------------------------------------------------------------- check_tables
def _valid_tables(model: Model) -> dict[str, np.ndarray]:
    return {n: t.copy() for n, t in model.tables.items()}


def test_check_tables_accepts_the_bundled_tables(model: Model) -> None:
    check_tables(_valid_tables(model))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.__setitem__((0, 0, 0, 0), -1e-6), "outside [0, 1]"),
        (lambda t: t.__setitem__((0, 0, 0, 0), 1.5), "outside [0, 1]"),
        (lambda t: t.__setitem__((0, 0, 0, 0), np.nan), "non-finite"),
        (lambda t: t.__setitem__((0, 0, 0, 0), np.inf), "non-finite"),
        (lambda t: t.__setitem__((0, 0, 0, 0), t[0, 0, 0, 0] + 1e-8), "sums to 1"),
    ],
    ids=["negative", "above_one", "nan", "inf", "column_off_by_1e-8"],
)
def test_check_tables_rejects_a_bad_entry(model: Model, edit: Any, message: str) -> None:
    tables = _valid_tables(model)
    edit(tables["weakness"])
    with pytest.raises(RequestError, match=re.escape(message)) as info:
        check_tables(tables)
    assert "weakness" in str(info.value)


def test_check_tables_tolerates_rounding_below_1e_9(model: Model) -> None:
    tables = _valid_tables(model)
    tables["weakness"][0, 0, 0, 0] += 1e-11
    check_tables(tables)
    tables["weakness"][0, 1, 0, 0] = 1.0 + 5e-10  # a hair above one is rounding, not an error
    tables["weakness"][0, 0, 0, 0] = -0.0
    check_tables(tables)


# --------------------------------------------------------------------------- query details
def test_query_reports_red_flags_and_uncertain_red_flags(model: Model) -> None:
    answers = {
        "weakness": "yes",
        "bulbar": "not_sure",
        "atrophy": "no",
        "breathing": {"no": 1.0, "yes": 2.0},
        "progression": "yes",
        "cramps": "yes",
    }
    result = query(model, answers)
    assert result.red_flags == ["weakness", "progression"]
    assert result.uncertain_red_flags == ["bulbar", "breathing"]
    assert result.answers == {
        "weakness": "yes",
        "bulbar": "not_sure",
        "atrophy": "no",
        "breathing": "soft",
        "progression": "yes",
        "cramps": "yes",
    }
    assert query(model, {"cramps": "yes", "weakness": "no"}).red_flags == []


def test_query_odds_fields_match_enumeration(model: Model) -> None:
    answers = {"age_band": "45_54", "sex": "male", "fasciculations": "yes", "emg": "abnormal"}
    r = query(model, answers)
    j = _brute(model, answers)
    jb = _brute(model, {"age_band": "45_54", "sex": "male"})
    assert r.odds == pytest.approx(j[1] / j[0], rel=1e-12)
    assert r.baseline_odds == pytest.approx(jb[1] / jb[0], rel=1e-12)
    assert r.log_odds == pytest.approx(math.log(j[1] / j[0]), abs=1e-12)
    assert r.baseline_per_100k == pytest.approx(jb[1] / jb.sum() * 1e5, rel=1e-12)
    data = r.to_dict()
    assert data["posterior"] == r.posterior and data["baseline"] == r.baseline
    assert data["odds_ratio_vs_baseline"] == pytest.approx(
        (j[1] / j[0]) / (jb[1] / jb[0]), rel=1e-10
    )


def test_generated_parameters_give_the_enumerated_posterior_and_log_odds(model: Model) -> None:
    rng = np.random.default_rng(3)
    ps = model.params
    theta = ps.lows + (ps.highs - ps.lows) * rng.random((3, len(ps)))
    answers = {"age_band": "65_74", "weakness": "yes", "cramps": "not_sure", "emg": "normal"}
    parsed = parse_answers(model.spec, answers)
    post = posterior_matrix(model, [parsed, {}], theta)
    lo = log_odds_matrix(model, [parsed, {}], theta)
    assert post.shape == lo.shape == (3, 2)
    for z in range(3):
        j = _brute(model, answers, theta[z : z + 1])
        assert post[z, 0] == pytest.approx(j[1] / j.sum(), rel=1e-12)
        assert lo[z, 0] == pytest.approx(math.log(j[1] / j[0]), abs=1e-12)
        j0 = _brute(model, {}, theta[z : z + 1])
        assert post[z, 1] == pytest.approx(j0[1] / j0.sum(), rel=1e-12)
    assert len(set(np.round(post[:, 0], 15))) == 3  # the draws really differ


# --------------------------------------------------------------------------- next question
@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"age_band": "30_44", "fasciculations": "yes"},
        {"weakness": "not_sure", "caffeine": "yes"},
    ],
    ids=["none", "young_twitcher", "unsure"],
)
def test_next_questions_match_enumeration(model: Model, answers: dict[str, Any]) -> None:
    ranked = next_questions(model, answers)
    parsed = parse_answers(model.spec, answers)
    expected_nodes = {n for n in model.spec.findings if n not in parsed}
    assert {q.node for q in ranked} == expected_nodes
    values = [q.expected_abs_log_odds_change for q in ranked]
    assert values == sorted(values, reverse=True)
    now = _brute(model, answers)
    for q in ranked:
        assert q.label == model.spec.nodes[q.node].label
        assert [o.state for o in q.outcomes] == list(model.spec.nodes[q.node].states)
        assert sum(o.probability for o in q.outcomes) == pytest.approx(1.0, abs=1e-12)
        expected = 0.0
        for o in q.outcomes:
            j = _brute(model, {**answers, q.node: o.state})
            assert o.probability == pytest.approx(j.sum() / now.sum(), rel=1e-10)
            assert o.posterior == pytest.approx(j[1] / j.sum(), rel=1e-10)
            change = math.log(j[1] / j[0]) - math.log(now[1] / now[0])
            assert o.log_odds_change == pytest.approx(change, abs=1e-10)
            expected += o.probability * abs(change)
        assert q.expected_abs_log_odds_change == pytest.approx(expected, abs=1e-10)
        assert q.largest_factor == pytest.approx(
            math.exp(max(abs(o.log_odds_change) for o in q.outcomes)), rel=1e-12
        )


# --------------------------------------------------------------------------- Shapley games
def test_shapley_from_values_handles_a_batch_of_games() -> None:
    rng = np.random.default_rng(0)
    games = rng.normal(size=(4, 3, 8))
    phi = shapley_from_values(games)
    assert phi.shape == (4, 3, 3)
    for a in range(4):
        for b in range(3):
            np.testing.assert_allclose(phi[a, b], shapley_from_values(games[a, b]), rtol=1e-12)
    np.testing.assert_allclose(phi.sum(axis=-1), games[..., -1] - games[..., 0], atol=1e-12)


def test_shapley_from_values_of_a_game_without_players_is_empty() -> None:
    assert shapley_from_values(np.array([3.0])).shape == (0,)
    assert shapley_from_values(np.zeros((2, 1))).shape == (2, 0)


def test_shapley_of_two_player_game_by_hand() -> None:
    # v({}) = 0, v({0}) = 1, v({1}) = 2, v({0, 1}) = 6: phi0 = (1 + 4)/2, phi1 = (2 + 5)/2
    np.testing.assert_allclose(shapley_from_values(np.array([0.0, 1.0, 2.0, 6.0])), [2.5, 3.5])


# --------------------------------------------------------------------------- parameters
def test_unknown_parameter_names_close_matches(model: Model) -> None:
    assert model.params.position("nodes.weakness.distribution.leak") == model.params.names.index(
        "nodes.weakness.distribution.leak"
    )
    with pytest.raises(RequestError) as info:
        model.params.position("weakness.distribution.causes.my")
    text = str(info.value)
    assert "unknown parameter 'weakness.distribution.causes.my'" in text
    assert "did you mean nodes.weakness.distribution.causes.myasthenia" in text
    assert "nodes.weakness.distribution.causes.myopathy" in text
    assert "nodes.weakness.distribution.causes.mmn" not in text  # suggestions contain the name
    with pytest.raises(RequestError) as info:
        model.params.position("leak")
    assert str(info.value).count("nodes.") == 5  # at most five suggestions
    with pytest.raises(RequestError) as info:
        model.params.position("zzz")
    assert "did you mean" not in str(info.value)


def test_derivation_steps_name_their_values_and_units(model: Model) -> None:
    d = derive(model, {"age_band": "55_64"})
    term = model.spec.nodes[model.query_node].distribution.terms["incidence"]  # type: ignore[union-attr]
    incidence = d.steps[0]
    assert f"{term.value:g}" in incidence.detail
    assert term.unit and term.unit in incidence.detail
    assert incidence.factor == pytest.approx(term.value / term.per, rel=1e-12)
    assert incidence.label == term.label
    assert any("age_band = 55_64" in s.detail for s in d.steps)
    assert any("population average" in s.detail for s in d.steps)  # sex, family history
