"""Exhaustive check of every declared sign on the bundled priors, at the point estimate.

Every partial assignment of the symptom, course and test questions (each unanswered or in
any of its states: 3^12 x 7 = 3,720,087 evidence sets) is evaluated by the batched engine,
for people of unknown age and for people aged 75 and over (the age with the most competing
conditions and background weakness). Every declared '+'/'-' is then compared, in every
context of the other questions, between its favoured state and each alternative (for a
yes/no question: unanswered and the other state; for the duration: each neighbouring band,
under the answers its sign is declared with). Answers the model refuses as contradictory
(where the twitching is, from someone who does not twitch) are left out.

The trigger questions act only through the benign tendency and are covered by the property
search. Sex and family history touch only the query (a parent and a child of it), so they
multiply every posterior odds by the same factor and cannot change a comparison's direction;
the test asserts that structure.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from alsodds import engine
from alsodds.inference import Model
from alsodds.spec import NetworkSpec
from alsodds.tables import FloatArray, build_tables
from tests.oracles import RTOL

TAIL = 8  # questions varied inside one engine call: 3^8 = 6,561 evidence sets
TRIGGERS = ("caffeine", "poor_sleep", "stress", "strenuous_exercise")


def grid_nodes(model: Model) -> tuple[str, ...]:
    """The questions the grid varies: every finding except the triggers."""
    return tuple(n for n in model.spec.findings if n not in TRIGGERS)


def _option_rows(card: int) -> FloatArray:
    """Row 0: unanswered (ones); row 1 + s: hard answer s (one-hot)."""
    return np.vstack([np.ones((1, card)), np.eye(card)])


def finding_grid(
    model: Model,
    tables: dict[str, FloatArray],
    nodes: Sequence[str],
    fixed: Mapping[str, str] | None = None,
    tail: int = TAIL,
) -> tuple[FloatArray, float]:
    """Posterior for every partial assignment of ``nodes``; shape ``(1 + card,) * k``.

    ``fixed`` answers other questions the same way in every set. Also returns the smallest
    probability of any evidence set.
    """
    s = model.structure
    k = len(nodes)
    tail = min(tail, k)
    head_nodes, tail_nodes = list(nodes[: k - tail]), list(nodes[k - tail :])
    tail_shape = tuple(1 + s.card(n) for n in tail_nodes)
    tail_index = np.indices(tail_shape).reshape(len(tail_nodes), -1)
    size = int(np.prod(tail_shape))
    base = {n: _option_rows(s.card(n))[tail_index[i]] for i, n in enumerate(tail_nodes)}
    for n, state in (fixed or {}).items():
        row = _option_rows(s.card(n))[1 + model.spec.nodes[n].states.index(state)]
        base[n] = np.broadcast_to(row, (size, s.card(n)))
    head_options = [range(1 + s.card(n)) for n in head_nodes]
    shape = tuple(1 + s.card(n) for n in nodes)
    out = np.empty((int(np.prod(shape[: len(head_nodes)])), size))
    smallest = np.inf
    for h, combo in enumerate(itertools.product(*head_options)):
        evidence = dict(base)
        for n, option in zip(head_nodes, combo, strict=True):
            evidence[n] = np.broadcast_to(_option_rows(s.card(n))[option], (size, s.card(n)))
        j = engine.joint(s, tables, model.query_node, evidence)[0]
        total = j.sum(axis=1)
        smallest = min(smallest, float(total.min()))
        out[h] = j[:, model.query_index] / total
    return out.reshape(shape), smallest


def allowed_cells(spec: NetworkSpec, nodes: Sequence[str]) -> FloatArray:
    """Boolean grid: False where an answer contradicts another (``applies_when``)."""
    shape = tuple(1 + len(spec.nodes[n].states) for n in nodes)
    ok = np.ones(shape, dtype=bool)
    for axis, node in enumerate(nodes):
        for other, states in spec.nodes[node].applies_when.items():
            if other not in nodes:
                continue
            o_axis = nodes.index(other)
            bad_other = [1 + i for i, st in enumerate(spec.nodes[other].states) if st not in states]
            answered = np.zeros(shape[axis], dtype=bool)
            answered[1:] = True
            ruled = np.zeros(shape[o_axis], dtype=bool)
            ruled[bad_other] = True
            view_a = [1] * len(shape)
            view_a[axis] = shape[axis]
            view_o = [1] * len(shape)
            view_o[o_axis] = shape[o_axis]
            ok &= ~(answered.reshape(view_a) & ruled.reshape(view_o))
    return ok


def grid_violations(
    spec: NetworkSpec, grid: FloatArray, nodes: Sequence[str], rtol: float = RTOL
) -> tuple[dict[str, int], int]:
    """Count broken sign comparisons per signed question; also the number of comparisons."""
    valid = allowed_cells(spec, nodes)
    violations: dict[str, int] = {}
    comparisons = 0
    for axis, node in enumerate(nodes):
        n = spec.nodes[node]
        if n.sign not in ("+", "-"):
            continue
        sub, ok_cells = grid, valid
        for other, state in n.sign_given.items():
            # the sign is declared under these answers: keep only those slices
            o_axis = nodes.index(other)
            index = 1 + spec.nodes[other].states.index(state)
            sub = np.take(sub, [index], axis=o_axis)
            ok_cells = np.take(ok_cells, [index], axis=o_axis)
        if n.ordinal:
            # each band against the one before it: later is higher for '+', lower for '-'
            pairs = [(1 + i + 1, 1 + i) for i in range(len(n.states) - 1)]
            up = n.sign == "+"
        else:
            assert n.sign_state is not None
            fav = 1 + n.states.index(n.sign_state)
            pairs = [(fav, alt) for alt in range(1 + len(n.states)) if alt != fav]
            up = n.sign == "+"
        bad = 0
        for a, b in pairs:
            p_a, p_b = np.take(sub, a, axis=axis), np.take(sub, b, axis=axis)
            cells = np.take(ok_cells, a, axis=axis) & np.take(ok_cells, b, axis=axis)
            ok = p_a >= p_b - rtol * np.abs(p_b) if up else p_a <= p_b + rtol * np.abs(p_b)
            bad += int(np.count_nonzero(~ok & cells))
            comparisons += int(np.count_nonzero(cells))
        violations[node] = bad
    return violations, comparisons


def test_sex_and_family_history_touch_only_the_query(model: Model) -> None:
    """The structural fact that lets the grid leave them out."""
    q = model.query_node
    assert model.structure.parents["sex"] == ()
    assert model.structure.children("sex") == (q,)
    assert model.structure.parents["family_history"] == (q,)
    assert model.structure.children("family_history") == ()


@pytest.mark.parametrize("age", [None, "75_plus"], ids=["age_unanswered", "age_75_plus"])
def test_every_declared_sign_holds_for_every_partial_assignment(
    model: Model, age: str | None
) -> None:
    nodes = grid_nodes(model)
    fixed = {} if age is None else {"age_band": age}
    grid, smallest = finding_grid(model, model.tables, nodes, fixed)
    assert grid.size == 3 ** (len(nodes) - 1) * 7
    assert smallest > 0.0  # every evidence set is possible under the bundled priors
    assert np.all(np.isfinite(grid)) and grid.min() >= 0.0 and grid.max() <= 1.0
    violations, comparisons = grid_violations(model.spec, grid, nodes)
    print(
        f"\nexhaustive sign check ({age or 'age unanswered'}): {grid.size:,} evidence sets, "
        f"{comparisons:,} sign comparisons over {len(violations)} signed questions; "
        f"violations: {violations}"
    )
    assert set(violations) == {n for n in nodes if model.spec.nodes[n].sign in ("+", "-")}
    assert sum(violations.values()) == 0, violations


def test_exhaustive_checker_finds_a_broken_sign(model: Model) -> None:
    """Power check: if the EMG hardly ever showed ALS while other motor neuron syndromes
    always did, an abnormal EMG would point away from ALS."""
    theta = model.point.copy()
    idx = model.params.index
    base = "nodes.emg.distribution.causes"
    for form in ("early", "limb", "bulbar", "widespread"):
        theta[0, idx[f"{base}.als_form.{form}"]] = 0.01
    theta[0, idx[f"{base}.other_mnd"]] = 0.95
    theta[0, idx[f"{base}.mmn"]] = 0.95
    tables = build_tables(model.spec, theta, model.params)
    subset = ("emg", "weakness", "atrophy", "progression", "fasciculations", "cramps")
    grid, smallest = finding_grid(model, tables, subset, tail=4)
    assert smallest > 0
    violations, _ = grid_violations(model.spec, grid, subset)
    assert violations["emg"] > 0
    # the same grid on the valid point estimate is clean
    clean, _ = finding_grid(model, model.tables, subset, tail=4)
    assert sum(grid_violations(model.spec, clean, subset)[0].values()) == 0


def test_the_checker_sees_a_broken_duration_sign(model: Model) -> None:
    """Power check for the ordinal comparison: reversed early-stage decay breaks it."""
    theta = model.point.copy()
    idx = model.params.index
    # No early phase at all and worsening not defining: nothing new then fits ALS better later.
    theta[0, idx["nodes.als_stage.distribution.at_onset"]] = 0.0
    theta[0, idx["nodes.als_stage.distribution.monthly_rate"]] = 0.9
    for form in ("limb", "bulbar", "widespread"):
        theta[0, idx[f"nodes.progression.distribution.causes.als_form.{form}"]] = 0.0
        theta[0, idx[f"nodes.weakness.distribution.causes.als_form.{form}"]] = 0.0
    theta[0, idx["nodes.progression.distribution.causes.als_form.early"]] = 0.9
    theta[0, idx["nodes.weakness.distribution.causes.als_form.early"]] = 0.9
    tables = build_tables(model.spec, theta, model.params)
    subset = ("symptom_duration", "weakness", "progression", "fasciculations")
    grid, _ = finding_grid(model, tables, subset, tail=4)
    violations, _ = grid_violations(model.spec, grid, subset)
    assert violations["symptom_duration"] > 0


RED_FLAGS_AND_TESTS = ("atrophy", "bulbar", "breathing", "progression", "emg")


@pytest.mark.parametrize("age", [None, "75_plus"], ids=["age_unanswered", "age_75_plus"])
def test_weakness_and_wasting_raise_the_odds_beside_twitching_course_and_symptoms(
    model: Model, age: str | None
) -> None:
    """Declared 'depends' (they can point to a competing disease next to other warning signs
    or an EMG), weakness and wasting still never lower P(ALS) in any context of the
    twitching, course and other-symptom questions."""
    for node in ("weakness", "atrophy"):
        quiet = tuple(n for n in grid_nodes(model) if n not in RED_FLAGS_AND_TESTS or n == node)
        fixed = {} if age is None else {"age_band": age}
        grid, _ = finding_grid(model, model.tables, quiet, fixed)
        valid = allowed_cells(model.spec, quiet)
        axis = quiet.index(node)
        yes = np.take(grid, 2, axis=axis)
        cells = np.take(valid, 2, axis=axis)
        for alt in (0, 1):
            other = np.take(grid, alt, axis=axis)
            broken = (yes < other * (1 - RTOL)) & cells & np.take(valid, alt, axis=axis)
            assert not broken.any(), (node, alt, int(broken.sum()))
