"""The posterior of the bundled model equals brute-force enumeration of the full joint.

Three oracles are written here and in tests/oracles.py, none using the engine: the whole
joint materialised (one entry per configuration of all 22 nodes, 12.6 million), a plain
itertools loop over configurations, and pgmpy's VariableElimination (with virtual evidence
for soft answers).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from alsodds.inference import Model, parse_answers, posterior_matrix, query
from tests.oracles import (
    RTOL,
    evidence_vectors,
    joint_by_core_enumeration,
    joint_by_enumeration,
    joint_by_full_tensor,
    posterior_from_joint,
)

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
        "stable_12_months": "yes",
        "cramps": "yes",
    },
    # soft evidence: "not sure" (the priors' not_sure_ratio) and explicit likelihoods
    {
        "sex": {"female": 1.0, "male": 2.0},
        "family_history": "not_sure",
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
        "stable_12_months": "no",
        "emg": "normal",
    },
]
IDS = ["empty", "young_twitcher", "red_flags", "benign_picture", "soft", "soft_bg", "all"]


@pytest.fixture(scope="module")
def full_joint_posteriors(model: Model) -> np.ndarray:
    """Posterior of every evidence set from the materialised 12.6-million-entry joint."""
    vectors = [
        evidence_vectors(model, parse_answers(model.spec, ev), model.point[0])
        for ev in EVIDENCE_SETS
    ]
    joint = joint_by_full_tensor(model.structure, model.tables, model.query_node, vectors)
    return posterior_from_joint(joint, model.query_index)


def test_materialised_joint_has_one_entry_per_configuration(model: Model) -> None:
    n_configs = int(np.prod([model.structure.card(n) for n in model.structure.nodes]))
    assert n_configs == 6 * 2**21  # age band x 21 binary nodes
    # the joint sums to one: the tables define a proper distribution
    joint = joint_by_full_tensor(model.structure, model.tables, model.query_node, [{}])
    assert abs(joint.sum() - 1.0) < 1e-12


@pytest.mark.parametrize(("index", "evidence"), list(enumerate(EVIDENCE_SETS)), ids=IDS)
def test_engine_posterior_equals_full_joint_enumeration(
    model: Model, full_joint_posteriors: np.ndarray, index: int, evidence: dict[str, Any]
) -> None:
    expected = float(full_joint_posteriors[index])
    parsed = parse_answers(model.spec, evidence)
    engine = float(posterior_matrix(model, [parsed])[0, 0])
    api = query(model, evidence).posterior
    assert 0.0 < expected < 1.0
    assert engine == pytest.approx(expected, rel=RTOL, abs=0)
    assert api == pytest.approx(expected, rel=RTOL, abs=0)


@pytest.mark.parametrize(("index", "evidence"), list(enumerate(EVIDENCE_SETS)), ids=IDS)
def test_itertools_enumeration_equals_full_joint(
    model: Model, full_joint_posteriors: np.ndarray, index: int, evidence: dict[str, Any]
) -> None:
    vectors = evidence_vectors(model, parse_answers(model.spec, evidence), model.point[0])
    joint = joint_by_enumeration(model.structure, model.tables, model.query_node, vectors)
    got = float(posterior_from_joint(joint, model.query_index))
    assert got == pytest.approx(float(full_joint_posteriors[index]), rel=RTOL, abs=0)


@pytest.mark.parametrize(("index", "evidence"), list(enumerate(EVIDENCE_SETS)), ids=IDS)
def test_pgmpy_variable_elimination_equals_full_joint(
    model: Model, full_joint_posteriors: np.ndarray, index: int, evidence: dict[str, Any]
) -> None:
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.inference import VariableElimination

    from alsodds.network import to_pgmpy

    parsed = parse_answers(model.spec, evidence)
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
    got = float(result.get_value(**{model.query_node: model.spec.query.state}))
    assert got == pytest.approx(float(full_joint_posteriors[index]), rel=RTOL, abs=0)


@pytest.mark.parametrize(("index", "evidence"), list(enumerate(EVIDENCE_SETS)), ids=IDS)
def test_query_baseline_and_likelihood_ratios_match_enumeration(
    model: Model, index: int, evidence: dict[str, Any]
) -> None:
    """baseline = P(ALS | background answers only); LR = odds with / odds without each answer."""
    parsed = parse_answers(model.spec, evidence)
    background = {n: a for n, a in parsed.items() if model.spec.nodes[n].role == "background"}

    def brute_posterior(answers: dict[str, Any]) -> float:
        vectors = evidence_vectors(model, answers, model.point[0])
        joint = joint_by_core_enumeration(model.structure, model.tables, model.query_node, vectors)
        return float(posterior_from_joint(joint, model.query_index)[0])

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
