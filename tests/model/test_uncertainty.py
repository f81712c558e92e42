"""Uncertainty toolkit: PSA, tornado, two-way grids, Sobol and flips, checked analytically."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alsodds import (
    Model,
    RequestError,
    base_rate_parameter,
    flip,
    load_model,
    parse_answers,
    posterior_matrix,
    psa,
    query,
    sobol,
    sobol_indices,
    tornado,
    two_way,
    update_params,
)
from alsodds.uncertainty import sample_parameters

ANSWERS = {"age_band": "45_54", "fasciculations": "yes", "weakness": "no"}


def test_sampled_parameters_stay_inside_their_ranges_and_fix_point_ranges(model: Model) -> None:
    theta = sample_parameters(model, 20_000, np.random.default_rng(3))
    ps = model.params
    assert np.all(theta >= ps.lows) and np.all(theta <= ps.highs)
    fixed = ps.highs == ps.lows
    assert np.all(theta[:, fixed] == ps.values[fixed])


def test_sampled_parameters_follow_the_triangular_mean(model: Model) -> None:
    theta = sample_parameters(model, 200_000, np.random.default_rng(4))
    ps = model.params
    expected = (ps.lows + ps.values + ps.highs) / 3
    spread = (ps.highs - ps.lows) / math.sqrt(18) / math.sqrt(200_000)
    assert np.all(np.abs(theta.mean(axis=0) - expected) <= 6 * spread + 1e-15)


def test_psa_is_reproducible_with_a_seed_and_changes_with_another(model: Model) -> None:
    a = psa(model, ANSWERS, n_draws=3_000, seed=11)
    b = psa(model, ANSWERS, n_draws=3_000, seed=11)
    c = psa(model, ANSWERS, n_draws=3_000, seed=12)
    assert np.array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)


def test_psa_draws_are_exact_posteriors_of_the_sampled_parameters(model: Model) -> None:
    res = psa(model, ANSWERS, n_draws=500, seed=5)
    theta = sample_parameters(model, 500, np.random.default_rng(5))
    direct = posterior_matrix(model, [parse_answers(model.spec, ANSWERS)], theta)[:, 0]
    # The draws are kept in single precision (memory for 10^7 draws): equal to the exact
    # posteriors rounded to float32, i.e. within one float32 rounding step.
    assert res.draws.dtype == np.float32
    np.testing.assert_allclose(res.draws, direct, rtol=2.0**-24, atol=0)


def test_psa_summary_matches_its_draws(model: Model) -> None:
    res = psa(model, ANSWERS, n_draws=4_000, seed=1, threshold=1e-5)
    assert res.low <= res.median <= res.high
    assert res.median == pytest.approx(float(np.median(res.draws)))
    assert res.share_above == pytest.approx(float(np.mean(res.draws > 1e-5)))
    point = query(model, ANSWERS).posterior
    assert res.low < point < res.high


def test_psa_streams_in_chunks_with_the_same_summary_shape(model: Model) -> None:
    res = psa(model, ANSWERS, n_draws=2_500, seed=2, chunk=700)
    assert res.draws.shape == (2_500,)
    assert np.all((res.draws > 0) & (res.draws < 1))


@pytest.mark.parametrize("kwargs", [{"n_draws": 0}, {"threshold": 0.0}, {"threshold": 1.0}])
def test_psa_rejects_invalid_requests(model: Model, kwargs: dict[str, float]) -> None:
    with pytest.raises(RequestError):
        psa(model, ANSWERS, **kwargs)  # type: ignore[arg-type]


def test_tornado_ends_equal_queries_on_edited_priors(model: Model) -> None:
    bars = tornado(model, ANSWERS)
    swings = [b.swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    for bar in bars[:3]:
        for end, expected in ((bar.low, bar.posterior_low), (bar.high, bar.posterior_high)):
            edited = Model(update_params(model.spec, {bar.name: {"value": end}}))
            assert query(edited, ANSWERS).posterior == pytest.approx(expected, rel=1e-12)


def test_tornado_and_two_way_reject_unknown_parameters(model: Model) -> None:
    with pytest.raises(RequestError, match="unknown parameter 'nope'"):
        tornado(model, ANSWERS, ["nope"])
    with pytest.raises(RequestError):
        two_way(model, ANSWERS, base_rate_parameter(model), base_rate_parameter(model))


def test_two_way_grid_corners_equal_direct_queries(model: Model) -> None:
    n1 = base_rate_parameter(model)
    n2 = "nodes.benign.distribution.leak"
    grid = two_way(model, ANSWERS, n1, n2, steps=5)
    assert grid.posterior.shape == (5, 5)
    edited = Model(
        update_params(model.spec, {n1: {"value": grid.values1[-1]}, n2: {"value": grid.values2[0]}})
    )
    assert grid.posterior[-1, 0] == pytest.approx(query(edited, ANSWERS).posterior, rel=1e-12)


def test_flip_of_the_base_rate_matches_the_closed_form(model: Model) -> None:
    # The prior is proportional to the incidence I and the answers' likelihood ratio does not
    # depend on I, so odds(I) = c I / (1 - c I) x LR can be solved for the threshold directly.
    r = query(model, ANSWERS)
    incidence = model.spec.nodes["als"].distribution.terms["incidence"].value  # type: ignore[union-attr]
    c = r.baseline / incidence
    lr = r.odds / r.baseline_odds
    threshold = 2e-5
    target_odds = threshold / (1 - threshold) / lr
    expected = target_odds / (1 + target_odds) / c
    res = flip(model, ANSWERS, threshold=threshold)
    assert res.name == base_rate_parameter(model)
    assert res.crossing == pytest.approx(expected, rel=1e-9)
    assert res.inside_range == (res.low <= expected <= res.high)


def test_flip_reports_no_crossing_when_the_threshold_is_out_of_reach(model: Model) -> None:
    res = flip(model, ANSWERS, "nodes.sex.distribution.p", threshold=0.5)
    assert res.crossing is None and not res.inside_range


def test_flip_rejects_thresholds_outside_the_unit_interval(model: Model) -> None:
    with pytest.raises(RequestError, match="between 0 and 1"):
        flip(model, ANSWERS, threshold=1.5)


def test_sobol_recovers_the_ishigami_indices() -> None:
    a, b = 7.0, 0.1

    def ishigami(x: np.ndarray) -> np.ndarray:
        return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])

    bounds = [(-math.pi, math.pi)] * 3
    res = sobol_indices(ishigami, ["x1", "x2", "x3"], bounds, n_base=8192, seed=1)
    v = a**2 / 8 + b * math.pi**4 / 5 + b**2 * math.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    np.testing.assert_allclose(res.s1, [v1 / v, v2 / v, 0.0], atol=0.03)
    np.testing.assert_allclose(res.st, [(v1 + v13) / v, v2 / v, v13 / v], atol=0.03)


def test_sobol_on_the_model_is_seeded_and_ranks_a_parameter_that_matters(model: Model) -> None:
    names = [
        base_rate_parameter(model),
        "nodes.benign.distribution.leak",  # how common harmless twitching is
        "nodes.bulbar.distribution.leak",  # bulbar is unanswered: it cannot matter
    ]
    one = sobol(model, ANSWERS, n_base=512, seed=3, names=names)
    two = sobol(model, ANSWERS, n_base=512, seed=3, names=names)
    np.testing.assert_array_equal(one.st, two.st)
    assert one.st[0] > 0.1 and one.st[1] > 0.1
    assert abs(one.st[2]) < 1e-9 and abs(one.s1[2]) < 1e-9


def test_sobol_rejects_a_base_size_that_is_not_a_power_of_two(model: Model) -> None:
    with pytest.raises(RequestError, match="power of two"):
        sobol(model, ANSWERS, n_base=1000)


def test_default_model_loads_from_the_bundled_file() -> None:
    assert load_model().spec.query.node == "als"
