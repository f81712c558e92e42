"""The posterior of the bundled model equals pgmpy's VariableElimination, which shares no
code with the engine (soft answers enter pgmpy as virtual evidence); the baseline and the
likelihood ratios follow from the same reference.

Full enumeration is exercised on smaller networks in test_engine_any_network.py; the bundled
network has too many configurations to materialise.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from alsodds import engine
from alsodds.inference import (
    Answer,
    Model,
    evidence_of,
    parse_answers,
    posterior_and_evidence,
    posterior_matrix,
    query,
)
from alsodds.tables import build_tables
from tests.oracles import RTOL, evidence_vectors

# pgmpy announces API moves with FutureWarnings at import time; they are not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")

EVIDENCE_SETS: list[dict[str, Any]] = [
    {},
    {"age_band": "30_44", "fasciculations": "yes", "weakness": "no"},
    {
        "age_band": "65_74",
        "sex": "male",
        "family_history": "yes",
        "fasciculations": "yes",
        "twitch_spread": "several_areas",
        "weakness": "yes",
        "atrophy": "yes",
        "emg": "abnormal",
    },
    {
        "age_band": "45_54",
        "fasciculations": "yes",
        "caffeine": "yes",
        "stress": "yes",
        "trigger_response": "improved",
        "symptom_duration": "over_2_years",
        "cramps": "yes",
    },
    # soft evidence: "not sure" (the priors' not_sure_ratio) and explicit likelihoods
    {
        "sex": {"female": 1.0, "male": 2.0},
        "family_history": {"no": 1.0, "yes": 0.5},
        "fasciculations": "yes",
        "weakness": "not_sure",
        "bulbar": {"no": 0.2, "yes": 0.7},
        "trigger_response": "not_sure",
    },
    {
        "age_band": {"under_30": 0.5, "30_44": 1.0, "45_54": 0.25, "55_64": 0.0},
        "family_history": {"no": 1.0, "yes": 3.0},
        "emg": {"normal": 0.9, "abnormal": 0.1},
        "sensory_changes": "yes",
    },
    # every answerable node answered
    {
        "age_band": "55_64",
        "sex": "female",
        "family_history": "no",
        "caffeine": "no",
        "poor_sleep": "yes",
        "stress": "no",
        "strenuous_exercise": "yes",
        "fasciculations": "yes",
        "twitch_spread": "one_area",
        "weakness": "no",
        "atrophy": "no",
        "bulbar": "no",
        "breathing": "yes",
        "progression": "no",
        "cramps": "yes",
        "sensory_changes": "no",
        "trigger_response": "not_improved",
        "symptom_duration": "3_6_months",
        "feels_weak": "yes",
        "emg": "normal",
    },
]
IDS = ["empty", "young_twitcher", "red_flags", "benign_picture", "soft", "soft_bg", "all"]


def pgmpy_posterior(model: Model, parsed: dict[str, Answer]) -> float:
    """P(query state | answers) from pgmpy's VariableElimination."""
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.inference import VariableElimination

    from alsodds.network import to_pgmpy

    vectors = evidence_vectors(model, parsed, model.point[0])
    hard = {n: a.state for n, a in parsed.items() if a.is_hard}
    virtual = [
        TabularCPD(
            n,
            len(v),
            (v / v.sum()).reshape(-1, 1),
            state_names={n: list(model.spec.nodes[n].states)},
        )
        for n, v in vectors.items()
        if n not in hard
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = VariableElimination(to_pgmpy(model)).query(
            [model.query_node], evidence=hard, virtual_evidence=virtual or None, show_progress=False
        )
    return float(result.get_value(**{model.query_node: model.spec.query.state}))


@pytest.fixture(scope="module")
def reference(model: Model) -> list[float]:
    return [pgmpy_posterior(model, parse_answers(model.spec, ev)) for ev in EVIDENCE_SETS]


def test_nothing_answered_is_a_distribution(model: Model) -> None:
    q = model.query_node
    post, logz = engine.log_joint(model.structure, model.tables, q, {})
    assert logz[0, 0] == pytest.approx(0.0, abs=1e-12)
    assert post[0, 0].sum() == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize(("index", "evidence"), list(enumerate(EVIDENCE_SETS)), ids=IDS)
def test_engine_posterior_equals_pgmpy(
    model: Model, reference: list[float], index: int, evidence: dict[str, Any]
) -> None:
    expected = reference[index]
    parsed = parse_answers(model.spec, evidence)
    got = float(posterior_matrix(model, [parsed])[0, 0])
    api = query(model, evidence).posterior
    assert 0.0 < expected < 1.0
    assert got == pytest.approx(expected, rel=RTOL, abs=0)
    assert api == pytest.approx(expected, rel=RTOL, abs=0)


@pytest.mark.parametrize(("index", "evidence"), list(enumerate(EVIDENCE_SETS)), ids=IDS)
def test_query_baseline_and_likelihood_ratios_match_enumeration(
    model: Model, index: int, evidence: dict[str, Any]
) -> None:
    """baseline = P(ALS | background answers only); LR = odds with / odds without each answer."""
    parsed = parse_answers(model.spec, evidence)
    background = {n: a for n, a in parsed.items() if model.spec.nodes[n].role == "background"}

    def brute_posterior(answers: dict[str, Any]) -> float:
        return pgmpy_posterior(model, answers)

    def odds(p: float) -> float:
        return p / (1.0 - p)

    result = query(model, evidence)
    assert result.baseline == pytest.approx(brute_posterior(background), rel=RTOL, abs=0)
    p_all = brute_posterior(parsed)
    assert set(result.likelihood_ratios) == set(parsed)
    for node, lr in result.likelihood_ratios.items():
        without = {n: a for n, a in parsed.items() if n != node}
        expected = odds(p_all) / odds(brute_posterior(without))
        assert lr == pytest.approx(expected, rel=1e-10, abs=0), node
    expected_ratio = odds(p_all) / odds(brute_posterior(background))
    assert result.odds_ratio_vs_baseline == pytest.approx(expected_ratio, rel=1e-10, abs=0)
    assert result.per_100k == pytest.approx(p_all * 100_000, rel=1e-10, abs=0)


# --------------------------------------------------------------------------- sliced tables
def test_tables_built_for_shared_hard_answers_are_slices_of_the_full_ones(model: Model) -> None:
    theta = np.vstack([model.params.lows, model.point[0], model.params.highs])
    s = model.structure
    fixed = {"age_band": 3, "weakness": 0, "als_form": 2}
    full = build_tables(model.spec, theta, model.params)
    sliced = build_tables(model.spec, theta, model.params, fixed=fixed)
    shrunk = 0
    for node in s.nodes:
        t = sliced[node]
        if t.shape == full[node].shape:
            np.testing.assert_array_equal(t, full[node])
            continue
        shrunk += 1
        axes = (node, *s.parents[node])
        idx = tuple(
            slice(fixed[a], fixed[a] + 1) if a in fixed and t.shape[1 + i] == 1 else slice(None)
            for i, a in enumerate(axes)
        )
        np.testing.assert_array_equal(t, full[node][(slice(None), *idx)])
    assert shrunk >= 5  # the noisy-OR children of these nodes were built smaller


def test_posteriors_from_sliced_tables_equal_those_from_full_ones(model: Model) -> None:
    rng = np.random.default_rng(5)
    ps = model.params
    theta = ps.lows + rng.random((50, len(ps))) * (ps.highs - ps.lows)
    answers = parse_answers(
        model.spec,
        {
            "age_band": "55_64",
            "sex": "male",
            "weakness": "no",
            "fasciculations": "yes",
            "emg": "not_sure",
        },
    )
    shared = ("age_band", "sex", "weakness")
    sets = [answers, {n: a for n, a in answers.items() if n in shared}]
    # The API builds tables sliced to the answers every set shares...
    post, logz = posterior_and_evidence(model, sets, theta)
    # ...and the engine on full tables must agree.
    full = build_tables(model.spec, theta, ps)
    evidence = {
        n: np.array(
            [
                [evidence_vectors(model, st, row).get(n, np.ones(s_card)) for st in sets]
                for row in theta
            ]
        )
        for n, s_card in ((n, model.structure.card(n)) for n in answers)
    }
    p_full, z_full = engine.log_joint(model.structure, full, model.query_node, evidence)
    np.testing.assert_allclose(post[:, :, 1], p_full[:, :, model.query_index], rtol=1e-12)
    np.testing.assert_allclose(logz, z_full, rtol=1e-12)


# --------------------------------------------------------------------------- table groups
def _sets_full_and_background(model: Model) -> list[dict[str, Answer]]:
    answers = parse_answers(
        model.spec,
        {
            "age_band": "55_64",
            "sex": "male",
            "weakness": "no",
            "atrophy": "no",
            "fasciculations": "yes",
            "feels_weak": "yes",
            "cramps": "not_sure",
        },
    )
    return [answers, {n: a for n, a in answers.items() if n in ("age_band", "sex")}]


def test_many_draws_build_tables_per_set_and_agree_with_one_full_build(model: Model) -> None:
    rng = np.random.default_rng(8)
    ps = model.params
    theta = ps.lows + rng.random((1_500, len(ps))) * (ps.highs - ps.lows)
    sets = _sets_full_and_background(model)
    evidence = evidence_of(model, sets, theta)
    groups = engine.table_groups(model.structure, model.query_node, evidence, len(theta))
    assert [g.sets for g in groups] == [(0,), (1,)]
    assert "weakness" in groups[0].fixed and "weakness" not in groups[1].needed
    assert engine.table_groups(model.structure, model.query_node, evidence, 1)[0].sets == (0, 1)
    post, logz = posterior_and_evidence(model, sets, theta)
    full = build_tables(model.spec, theta, ps)
    p_full, z_full = engine.log_joint(model.structure, full, model.query_node, evidence)
    np.testing.assert_allclose(post[:, :, 1], p_full[:, :, model.query_index], rtol=1e-12)
    np.testing.assert_allclose(logz, z_full, rtol=1e-12)


def test_chunk_for_sliced_tables_keeps_them_within_the_budget(model: Model) -> None:
    sets = _sets_full_and_background(model)
    evidence = evidence_of(model, sets, model.point)
    s, q = model.structure, model.query_node
    groups = engine.table_groups(s, q, evidence, engine.DEFAULT_CHUNK)
    budget = 8 * 2**20
    size = engine.table_chunk(s, budget, groups)
    assert size > engine.table_chunk(s, budget)  # sliced tables are smaller than full ones
    theta = np.repeat(model.point, size, axis=0)
    built = sum(
        t.nbytes
        for g in groups
        for t in build_tables(model.spec, theta, model.params, g.needed, g.fixed).values()
    )
    assert built <= budget
