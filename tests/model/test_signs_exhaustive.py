"""Exhaustive check of every declared sign on the bundled priors.

Every partial assignment of the 16 public findings (each unanswered or in any of its
states: 3^16 = 43,046,721 evidence sets) is evaluated by the batched engine, in chunks of
3^11 sets per call. Every declared '+'/'-' finding is then compared, in every context of
the other 15 findings, between its sign state and each alternative (unanswered, the other
state).

The background answers (age band, sex, family history: each unanswered or any state,
7 x 3 x 3 = 63 combinations) are root parents of the query and of nothing else, so they
enter the posterior only through the prior odds of ALS:
odds(background, findings) = odds(background) x LR(findings). Multiplying every odds by the
same positive number keeps every comparison's direction, so the finding checks on the grid
cover all 63 backgrounds exactly; the test asserts that structure, verifies the identity with
the engine on sampled (background, findings) pairs, and checks family history's own '+' sign
across the background combinations for every findings configuration.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pytest

from alsodds import engine
from alsodds.inference import Model
from alsodds.spec import NetworkSpec
from alsodds.tables import FloatArray, build_tables
from tests.oracles import RTOL

TAIL = 11  # findings varied inside one engine call: 3^11 = 177,147 evidence sets


def _option_rows(card: int) -> FloatArray:
    """Row 0: unanswered (ones); row 1 + s: hard answer s (one-hot)."""
    return np.vstack([np.ones((1, card)), np.eye(card)])


def finding_grid(
    model: Model, tables: dict[str, FloatArray], findings: Sequence[str], tail: int = TAIL
) -> tuple[FloatArray, float]:
    """Posterior for every partial assignment of ``findings``; shape ``(1 + card,) * k``.

    Also returns the smallest probability of any evidence set (it must be > 0).
    """
    s = model.structure
    k = len(findings)
    tail = min(tail, k)
    head_nodes, tail_nodes = list(findings[: k - tail]), list(findings[k - tail :])
    tail_shape = tuple(1 + s.card(n) for n in tail_nodes)
    tail_index = np.indices(tail_shape).reshape(len(tail_nodes), -1)
    tail_evidence = {n: _option_rows(s.card(n))[tail_index[i]] for i, n in enumerate(tail_nodes)}
    size = int(np.prod(tail_shape))
    head_options = [range(1 + s.card(n)) for n in head_nodes]
    shape = tuple(1 + s.card(n) for n in findings)
    out = np.empty((int(np.prod(shape[: len(head_nodes)])), size))
    smallest = np.inf
    for h, combo in enumerate(itertools.product(*head_options)):
        evidence = dict(tail_evidence)
        for n, option in zip(head_nodes, combo, strict=True):
            evidence[n] = np.broadcast_to(_option_rows(s.card(n))[option], (size, s.card(n)))
        j = engine.joint(s, tables, model.query_node, evidence)[0]
        total = j.sum(axis=1)
        smallest = min(smallest, float(total.min()))
        out[h] = j[:, model.query_index] / total
    return out.reshape(shape), smallest


def grid_violations(
    spec: NetworkSpec, grid: FloatArray, findings: Sequence[str], rtol: float = RTOL
) -> tuple[dict[str, int], int]:
    """Count broken sign comparisons per signed finding; also the number of comparisons."""
    violations: dict[str, int] = {}
    comparisons = 0
    for axis, node in enumerate(findings):
        n = spec.nodes[node]
        if n.sign not in ("+", "-"):
            continue
        assert n.sign_state is not None
        s = 1 + n.states.index(n.sign_state)
        p_sign = np.take(grid, s, axis=axis)
        bad = 0
        for alt in range(1 + len(n.states)):
            if alt == s:
                continue
            p_alt = np.take(grid, alt, axis=axis)
            if n.sign == "+":
                ok = p_sign >= p_alt - rtol * np.abs(p_alt)
            else:
                ok = p_sign <= p_alt + rtol * np.abs(p_alt)
            bad += int(ok.size - np.count_nonzero(ok))
            comparisons += ok.size
        violations[node] = bad
    return violations, comparisons


def _background_odds(model: Model, background: Sequence[str]) -> tuple[FloatArray, FloatArray]:
    """Posterior odds of the query for every partial assignment of the background nodes."""
    s = model.structure
    shape = tuple(1 + s.card(n) for n in background)
    idx = np.indices(shape).reshape(len(background), -1)
    evidence = {n: _option_rows(s.card(n))[idx[i]] for i, n in enumerate(background)}
    j = engine.joint(s, model.tables, model.query_node, evidence)[0]
    k = model.query_index
    return (j[:, k] / j[:, 1 - k]).reshape(shape), idx


@pytest.fixture(scope="module")
def bundled_grid(model: Model) -> tuple[FloatArray, float]:
    return finding_grid(model, model.tables, model.spec.findings)


def test_background_nodes_touch_only_the_query(model: Model) -> None:
    """The structural fact the background factorisation relies on."""
    for node in model.spec.background:
        assert model.structure.parents[node] == ()
        assert model.structure.children(node) == (model.query_node,)


def test_every_declared_sign_holds_for_every_partial_assignment(
    model: Model, bundled_grid: tuple[FloatArray, float]
) -> None:
    findings = model.spec.findings
    grid, smallest = bundled_grid
    assert len(findings) == 16 and grid.size == 3**16
    assert smallest > 0.0  # every evidence set is possible under the bundled priors
    assert np.all(np.isfinite(grid)) and grid.min() >= 0.0 and grid.max() <= 1.0
    violations, comparisons = grid_violations(model.spec, grid, findings)

    background = model.spec.background
    bg_odds, _ = _background_odds(model, background)
    n_background = bg_odds.size
    # family history's own sign, for every age band x sex answer (unanswered included)
    fh = background.index("family_history")
    fh_node = model.spec.nodes["family_history"]
    assert fh_node.sign == "+" and fh_node.sign_state is not None
    yes = 1 + fh_node.states.index(fh_node.sign_state)
    fh_bad = 0
    for alt in range(3):
        if alt != yes:
            a, b = np.take(bg_odds, yes, axis=fh), np.take(bg_odds, alt, axis=fh)
            fh_bad += int(np.count_nonzero(a < b * (1 - RTOL)))
    fh_comparisons = 2 * (n_background // 3) * grid.size

    configurations = grid.size * n_background
    print(
        f"\nexhaustive sign check: {grid.size:,} finding assignments evaluated by the batched "
        f"engine x {n_background} background answers = {configurations:,} configurations; "
        f"{comparisons * n_background + fh_comparisons:,} sign comparisons "
        f"({len(violations)} signed findings + family_history); "
        f"violations: {sum(violations.values()) + fh_bad}"
    )
    print("violations per signed node:", {**violations, "family_history": fh_bad})
    assert set(violations) == {n for n in findings if model.spec.nodes[n].sign in ("+", "-")}
    assert sum(violations.values()) == 0, violations
    assert fh_bad == 0


def test_background_enters_only_through_the_prior_odds(
    model: Model, bundled_grid: tuple[FloatArray, float]
) -> None:
    """Engine with background + findings == background odds x findings LR, on samples."""
    grid, _ = bundled_grid
    s = model.structure
    findings, background = model.spec.findings, model.spec.background
    bg_odds, bg_idx = _background_odds(model, background)
    none = bg_odds[(0,) * len(background)]
    rng = np.random.default_rng(20240611)
    n_samples = 2000
    f_idx = rng.integers(0, 3, size=(len(findings), n_samples))
    reps = bg_idx.shape[1]
    evidence = {
        n: np.repeat(_option_rows(s.card(n))[f_idx[i]], reps, axis=0)
        for i, n in enumerate(findings)
    }
    evidence |= {
        n: np.tile(_option_rows(s.card(n))[bg_idx[i]], (n_samples, 1))
        for i, n in enumerate(background)
    }
    j = engine.joint(s, model.tables, model.query_node, evidence)[0]
    k = model.query_index
    direct = j[:, k] / j[:, 1 - k]
    p_f = grid[tuple(f_idx)]
    lr = (p_f / (1 - p_f)) / none
    factorised = np.repeat(lr, reps) * np.tile(bg_odds.reshape(-1), n_samples)
    np.testing.assert_allclose(direct, factorised, rtol=1e-10, atol=0)


def test_exhaustive_checker_finds_a_broken_sign(model: Model) -> None:
    """Power check: weakness with ALS strength 0.2 below mimic's 0.9 must be caught."""
    theta = model.point.copy()
    idx = model.params.index
    theta[0, idx["nodes.weakness.distribution.causes.als"]] = 0.2
    theta[0, idx["nodes.weakness.distribution.causes.mimic"]] = 0.9
    tables = build_tables(model.spec, theta, model.params)
    subset = ("weakness", "atrophy", "emg", "progression", "bulbar", "fasciculations", "cramps")
    grid, smallest = finding_grid(model, tables, subset, tail=4)
    assert smallest > 0
    violations, _ = grid_violations(model.spec, grid, subset)
    assert violations["weakness"] > 0
    # the same grid on the valid point estimate is clean
    clean, _ = finding_grid(model, model.tables, subset, tail=4)
    assert sum(grid_violations(model.spec, clean, subset)[0].values()) == 0
