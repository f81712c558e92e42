"""Validity: proper tables, finite posteriors at the extremes, exact explanations.

Expected values come from brute-force enumeration (tests/oracles.py), never from the
engine under test.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from alsodds.errors import EvidenceError, RequestError
from alsodds.explain import sequential_contributions, shapley, shapley_from_values
from alsodds.inference import (
    Answer,
    AnswerInput,
    Model,
    joint_matrix,
    load_model,
    parse_answers,
    posterior_matrix,
    query,
)
from alsodds.tables import FloatArray, build_tables, check_tables
from tests.oracles import (
    evidence_vectors,
    joint_by_core_enumeration,
    spec_with_values,
)
from tests.properties.strategies import (
    consistent,
    contexts,
    raw_contexts,
    soft_likelihoods,
    theta_batches,
    thetas,
    widened_model,
)

BUNDLED = load_model()
WIDENED = widened_model()


# --------------------------------------------------------------------------- tables
def _tables_are_valid(model: Model) -> object:
    @example(theta=model.params.lows[None, :])
    @example(theta=model.params.highs[None, :])
    @given(theta=theta_batches(model.params))
    def check(theta: FloatArray) -> None:
        tables = build_tables(model.spec, theta, model.params)
        s = model.structure
        for node, t in tables.items():
            expected = (theta.shape[0], s.card(node), *(s.card(p) for p in s.parents[node]))
            assert t.shape == expected, node
            assert np.all(np.isfinite(t)), node
            assert t.min() >= 0.0 and t.max() <= 1.0, node
            np.testing.assert_allclose(t.sum(axis=1), 1.0, rtol=0, atol=1e-9, err_msg=node)
        check_tables(tables)

    return check


test_tables_are_probabilities_with_columns_summing_to_one = _tables_are_valid(BUNDLED)
test_tables_stay_valid_at_extreme_values = _tables_are_valid(WIDENED)


# --------------------------------------------------------------------------- extremes
@example(theta=WIDENED.params.lows[None, :], context={})
@example(theta=WIDENED.params.highs[None, :], context={})
@given(theta=thetas(WIDENED.params), context=contexts(WIDENED))
def test_no_nan_or_inf_at_extreme_valid_values(
    theta: FloatArray, context: dict[str, Answer]
) -> None:
    """Base rate down to 1e-9, strengths 0 and 1, leaks 0: every possible context has a
    finite posterior in [0, 1]; evidence of probability 0 is the only undefined case (the
    API refuses it, see below)."""
    j = joint_matrix(WIDENED, [context, {}], theta)
    assert np.all(np.isfinite(j)) and j.min() >= 0.0
    total = j.sum(axis=2)[0]
    assert total[1] == pytest.approx(1.0, rel=1e-12)  # nothing answered: a distribution
    if total[0] > 0:
        p = j[0, 0, 1] / total[0]
        assert 0.0 <= p <= 1.0


def test_impossible_answers_are_refused_not_answered_with_nan() -> None:
    """At a valid extreme (twitching with leak 0 and every cause strength 0) 'twitching = yes'
    has probability 0: the API says so instead of returning 0/0."""
    theta = WIDENED.point.copy()
    for name in WIDENED.params.names:
        if name.startswith("nodes.fasciculations.distribution."):
            theta[0, WIDENED.params.position(name)] = 0.0
    model = Model(spec_with_values(WIDENED.spec, theta[0]))
    j = joint_matrix(model, [parse_answers(model.spec, {"fasciculations": "yes"})])[0, 0]
    assert j.sum() == 0.0  # the enumeration below agrees that it is impossible
    assert (
        joint_by_core_enumeration(
            model.structure,
            model.tables,
            model.query_node,
            {"fasciculations": np.array([0.0, 1.0])},
        ).sum()
        == 0.0
    )
    with pytest.raises(EvidenceError, match=r"cannot all be true.*fasciculations=yes"):
        query(model, {"fasciculations": "yes"})
    assert 0.0 < query(model, {"fasciculations": "no"}).posterior < 1.0


@given(theta=thetas(BUNDLED.params), context=contexts(BUNDLED))
def test_every_context_is_possible_inside_the_bundled_box(
    theta: FloatArray, context: dict[str, Answer]
) -> None:
    """No leak or strength of the bundled priors reaches 0 or 1 where it would make an
    answer impossible, so every posterior is defined and strictly inside (0, 1)."""
    p = posterior_matrix(BUNDLED, [context], theta)[0, 0]
    assert 0.0 < p < 1.0


# --------------------------------------------------------------------------- soft evidence
TINY = 2.225073858507e-311


@example(
    theta=BUNDLED.point,
    context={"age_band": "under_30", "weakness": "no", "emg": "normal", "breathing": "no"},
    node="sex",
    likelihood={"female": 1.0, "male": 1.0},
    scale=TINY,
)
@given(
    theta=thetas(BUNDLED.params),
    context=raw_contexts(BUNDLED),
    node=st.sampled_from(BUNDLED.spec.answerable),
    likelihood=st.data(),
    scale=st.floats(min_value=1e-300, max_value=1e300),
)
def test_soft_evidence_depends_only_on_likelihood_ratios(
    theta: FloatArray,
    context: dict[str, AnswerInput],
    node: str,
    likelihood: Any,
    scale: float,
) -> None:
    """Multiplying a soft answer's likelihoods by any positive number changes nothing."""
    # a question the other answers rule out is refused, not answered (see applies_when)
    assume(consistent(BUNDLED.spec, {**context, node: "-"}).get(node) == "-")
    if not isinstance(likelihood, dict):
        likelihood = likelihood.draw(soft_likelihoods(BUNDLED.spec.nodes[node].states))
    scaled = {s: v * scale for s, v in likelihood.items()}
    assume(all(math.isfinite(v) for v in scaled.values()) and max(scaled.values()) > 0)
    sets = [
        parse_answers(BUNDLED.spec, {**context, node: likelihood}),
        parse_answers(BUNDLED.spec, {**context, node: scaled}),
    ]
    p = posterior_matrix(BUNDLED, sets, theta)[0]
    assert p[1] == pytest.approx(p[0], rel=1e-9)


# --------------------------------------------------------------------------- explanations
def _brute_log_odds(model: Model, answers: dict[str, Answer]) -> float:
    vectors = evidence_vectors(model, answers, model.point[0])
    j = joint_by_core_enumeration(model.structure, model.tables, model.query_node, vectors)[0]
    k = model.query_index
    return math.log(j[k]) - math.log(j[1 - k])


def _findings_first(model: Model, raw: dict[str, AnswerInput]) -> list[str]:
    return [n for n in raw if model.spec.nodes[n].role != "background"]


# Each example enumerates the whole network once per answer (about 2 million configurations
# each time), so this oracle gets a tenth of the profile's examples.
@settings(max_examples=max(10, settings().max_examples // 10))
@given(
    theta=thetas(BUNDLED.params),
    raw=raw_contexts(BUNDLED),
    seed=st.randoms(use_true_random=False),
)
def test_posterior_odds_equal_prior_odds_times_sequential_likelihood_ratios(
    theta: FloatArray, raw: dict[str, AnswerInput], seed: Any
) -> None:
    model = Model(spec_with_values(BUNDLED.spec, theta[0]))
    order = _findings_first(model, raw)
    seed.shuffle(order)
    parts = sequential_contributions(model, raw, order)
    parsed = parse_answers(model.spec, raw)
    background = {n: a for n, a in parsed.items() if n not in order}
    prior = _brute_log_odds(model, background)
    assert [c.node for c in parts] == order
    running = dict(background)
    for c in parts:  # each step is the log-LR of that answer given the ones before it
        before = _brute_log_odds(model, running)
        running[c.node] = parsed[c.node]
        assert c.log_odds == pytest.approx(_brute_log_odds(model, running) - before, abs=1e-9)
    posterior = _brute_log_odds(model, parsed)
    assert prior + sum(c.log_odds for c in parts) == pytest.approx(posterior, abs=1e-9)
    lr_product = math.prod(c.factor for c in parts)
    assert math.exp(prior) * lr_product == pytest.approx(math.exp(posterior), rel=1e-9)


# Checked against brute-force enumeration (about 2 million configurations a call): a tenth of
# the profile's examples.
@settings(max_examples=max(10, settings().max_examples // 10))
@given(theta=thetas(BUNDLED.params), raw=raw_contexts(BUNDLED, max_size=8))
def test_shapley_values_sum_to_the_total_log_odds_change(
    theta: FloatArray, raw: dict[str, AnswerInput]
) -> None:
    model = Model(spec_with_values(BUNDLED.spec, theta[0]))
    result = shapley(model, raw)
    parsed = parse_answers(model.spec, raw)
    players = _findings_first(model, raw)
    background = {n: a for n, a in parsed.items() if n not in players}
    assert sorted(c.node for c in result.contributions) == sorted(players)
    assert result.baseline_log_odds == pytest.approx(_brute_log_odds(model, background), abs=1e-9)
    assert result.posterior_log_odds == pytest.approx(_brute_log_odds(model, parsed), abs=1e-9)
    total = sum(c.log_odds for c in result.contributions)
    assert total == pytest.approx(result.total, abs=1e-9)
    r = query(model, raw)
    assert result.total == pytest.approx(r.log_odds - r.baseline_log_odds, abs=1e-9)
    if len(players) <= 4:  # the definition: average marginal contribution over all orders
        value: dict[frozenset[str], float] = {}
        for size in range(len(players) + 1):
            for subset in itertools.combinations(players, size):
                answers = {**background, **{p: parsed[p] for p in subset}}
                value[frozenset(subset)] = _brute_log_odds(model, answers)
        orders = list(itertools.permutations(players))
        for c in result.contributions:
            marginal = 0.0
            for o in orders:
                before = frozenset(o[: o.index(c.node)])
                marginal += value[before | {c.node}] - value[before]
            assert c.log_odds == pytest.approx(marginal / len(orders), abs=1e-9), c.node


# --------------------------------------------------------------------------- Shapley games
GAMES = st.integers(min_value=0, max_value=6).flatmap(
    lambda k: hnp.arrays(
        np.float64,
        1 << k,
        elements=st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
    )
)


def _by_permutations(values: FloatArray) -> FloatArray:
    k = values.shape[-1].bit_length() - 1
    out = np.zeros(k)
    orders = list(itertools.permutations(range(k)))
    for order in orders:
        mask = 0
        for i in order:
            out[i] += values[mask | (1 << i)] - values[mask]
            mask |= 1 << i
    return out / max(len(orders), 1)


@given(values=GAMES)
def test_shapley_from_values_matches_the_permutation_definition(values: FloatArray) -> None:
    phi = shapley_from_values(values)
    np.testing.assert_allclose(phi, _by_permutations(values), rtol=1e-9, atol=1e-9)
    assert phi.sum() == pytest.approx(values[-1] - values[0], abs=1e-8)


@given(values=GAMES, data=st.data())
def test_shapley_symmetric_players_get_equal_values(values: FloatArray, data: Any) -> None:
    k = values.size.bit_length() - 1
    assume(k >= 2)
    i, j = data.draw(st.lists(st.integers(0, k - 1), min_size=2, max_size=2, unique=True))

    def swap(m: int) -> int:
        bi, bj = (m >> i) & 1, (m >> j) & 1
        return m & ~((1 << i) | (1 << j)) | (bj << i) | (bi << j)

    symmetric = (values + values[[swap(m) for m in range(values.size)]]) / 2
    phi = shapley_from_values(symmetric)
    assert phi[i] == pytest.approx(phi[j], abs=1e-9)


@given(values=GAMES, data=st.data())
def test_shapley_null_player_gets_zero(values: FloatArray, data: Any) -> None:
    k = values.size.bit_length() - 1
    assume(k >= 1)
    i = data.draw(st.integers(0, k - 1))
    null = values[[m & ~(1 << i) for m in range(values.size)]]  # i never changes the worth
    phi = shapley_from_values(null)
    assert phi[i] == pytest.approx(0.0, abs=1e-9)
    assert phi.sum() == pytest.approx(null[-1] - null[0], abs=1e-8)


@given(a=GAMES, data=st.data())
def test_shapley_is_additive_over_games(a: FloatArray, data: Any) -> None:
    b = data.draw(hnp.arrays(np.float64, a.size, elements=st.floats(-1e3, 1e3)))
    np.testing.assert_allclose(
        shapley_from_values(a + b),
        shapley_from_values(a) + shapley_from_values(b),
        rtol=1e-9,
        atol=1e-9,
    )


@pytest.mark.parametrize("size", [3, 5, 6, 12])
def test_shapley_rejects_a_game_that_is_not_on_all_subsets(size: int) -> None:
    with pytest.raises(RequestError):
        shapley_from_values(np.zeros(size))
