"""Findings declared ``depends`` really go both ways on the bundled priors.

A search over every context of up to six hard answers on the other findings (evaluated in
one batched engine call per context size) looks for a context where the finding's own
state raises P(ALS) and one where it lowers it. The contexts it found are pinned below
and re-checked through the public ``query`` API and brute-force enumeration.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from alsodds import engine
from alsodds.inference import Model, parse_answers, posterior_matrix, query
from alsodds.tables import FloatArray, build_tables
from tests.oracles import evidence_vectors, joint_by_core_enumeration, posterior_from_joint

MAX_CONTEXT = 6
MARGIN = 1e-9  # a raise/lower must exceed this relative change to count


def _depends_findings(model: Model) -> list[str]:
    return [n for n in model.spec.findings if model.spec.nodes[n].sign == "depends"]


def _positive_state(model: Model, node: str) -> str:
    n = model.spec.nodes[node]
    state = n.distribution.leaning_state(n)
    assert state is not None, node
    return state


def _allowed(model: Model, answers: dict[str, str]) -> bool:
    """False for answers the model refuses as contradictory (see ``applies_when``)."""
    return all(
        answers.get(other, allowed[0]) in allowed
        for node in answers
        for other, allowed in model.spec.nodes[node].applies_when.items()
    )


def search_both_directions(
    model: Model,
    node: str,
    state: str,
    max_context: int = MAX_CONTEXT,
    tables: dict[str, FloatArray] | None = None,
) -> dict[str, tuple[dict[str, str], float]]:
    """Smallest contexts (hard answers on other findings) where ``node = state`` raises and
    lowers P(query); the largest effect among contexts of that size is kept."""
    s = model.structure
    tables = model.tables if tables is None else tables
    others = [n for n in model.spec.findings if n != node]
    x_row = np.eye(s.card(node))[model.spec.nodes[node].states.index(state)]
    found: dict[str, tuple[dict[str, str], float]] = {}
    for size in range(max_context + 1):
        combos = list(itertools.combinations(others, size))
        per = [int(np.prod([s.card(n) for n in c])) for c in combos]
        total = sum(per)
        ev = {n: np.ones((total, s.card(n))) for n in others}
        labels: list[tuple[tuple[str, ...], tuple[int, ...]]] = []
        row = 0
        for combo, count in zip(combos, per, strict=True):
            idx = np.indices([s.card(n) for n in combo]).reshape(len(combo), count)
            for i, n in enumerate(combo):
                ev[n][row : row + count] = np.eye(s.card(n))[idx[i]]
            labels += [(combo, tuple(int(v) for v in idx[:, c])) for c in range(count)]
            row += count
        without = engine.joint(s, tables, model.query_node, ev)[0]
        ev[node] = np.broadcast_to(x_row, (total, s.card(node)))
        with_x = engine.joint(s, tables, model.query_node, ev)[0]
        k = model.query_index
        change = (with_x[:, k] / with_x.sum(1)) / (without[:, k] / without.sum(1)) - 1.0
        valid = np.array(
            [
                _allowed(
                    model,
                    {
                        node: state,
                        **{
                            n: model.spec.nodes[n].states[v]
                            for n, v in zip(combo, states, strict=True)
                        },
                    },
                )
                for combo, states in labels
            ]
        )
        change = np.where(valid, change, 0.0)
        for name, mask in (("raises", change > MARGIN), ("lowers", change < -MARGIN)):
            if name in found or not mask.any():
                continue
            best = np.flatnonzero(mask)[np.argmax(np.abs(change[mask]))]
            combo, states = labels[best]
            ctx = {n: model.spec.nodes[n].states[v] for n, v in zip(combo, states, strict=True)}
            found[name] = (ctx, float(change[best]))
        if len(found) == 2:
            break
    return found


def _own_parameters(model: Model, node: str) -> list[str]:
    prefix = f"nodes.{node}.distribution."
    return [n for n in model.params.varying if n.startswith(prefix)]


def _theta(model: Model, at: dict[str, str]) -> FloatArray:
    """The point estimate with some parameters moved to their declared low or high."""
    theta = model.point.copy()
    for name, end in at.items():
        i = model.params.position(name)
        theta[0, i] = (model.params.lows if end == "low" else model.params.highs)[i]
    return theta


def search_with_box_vertices(
    model: Model, node: str, state: str
) -> dict[str, tuple[dict[str, str], float, dict[str, str]]]:
    """Search at the point estimate; for a direction not found there, at each vertex of the
    box of the node's own parameters (the others at their values). 'depends' means the
    direction cannot be guaranteed anywhere in the declared box."""
    found = {
        d: (ctx, change, {})
        for d, (ctx, change) in search_both_directions(model, node, state).items()
    }
    own = _own_parameters(model, node)
    for ends in itertools.product(("low", "high"), repeat=len(own)):
        if len(found) == 2:
            break
        at = dict(zip(own, ends, strict=True))
        tables = build_tables(model.spec, _theta(model, at), model.params)
        for d, (ctx, change) in search_both_directions(model, node, state, tables=tables).items():
            found.setdefault(d, (ctx, change, at))
    return found


@pytest.mark.slow
def test_depends_findings_go_both_ways_in_a_search(model: Model) -> None:
    nodes = _depends_findings(model)
    assert nodes, "the bundled priors declare some findings 'depends'"
    missing = []
    for node in nodes:
        state = _positive_state(model, node)
        found = search_with_box_vertices(model, node, state)
        for direction, (ctx, change, at) in found.items():
            where = f" with {at}" if at else " at the point estimate"
            print(f"{node}={state} {direction} P(ALS) by {change:+.3%} given {ctx}{where}")
        if set(found) != {"raises", "lowers"}:
            missing.append((node, sorted(found)))
    assert not missing, (
        f"no context found for one direction (up to {MAX_CONTEXT} answers): {missing}"
    )


# Found by the search above on the bundled priors (smallest context, largest effect); the
# third item moves some of the node's own parameters to an end of their declared range
# (empty: the point estimate). Regenerate with `make search` after changing the priors.
Pin = tuple[dict[str, str], dict[str, str]]


def _vertex(node: str, ends: dict[str, str]) -> dict[str, str]:
    return {f"nodes.{node}.distribution.{k}": v for k, v in ends.items()}


_TWITCH_SPREAD_LOW = _vertex(
    "twitch_spread",
    {
        "leak": "low",
        "causes.als_form.early": "low",
        "causes.als_form.limb": "low",
        "causes.als_form.bulbar": "low",
        "causes.als_form.widespread": "low",
        "causes.benign": "low",
        "causes.mmn": "low",
        "causes.other_mnd": "high",
    },
)
_ATROPHY_LOW = _vertex(
    "atrophy",
    {
        "leak": "low",
        "causes.als_form.early": "low",
        "causes.als_form.limb": "low",
        "causes.als_form.bulbar": "low",
        "causes.als_form.widespread": "low",
        "causes.neuropathy": "low",
        "causes.myopathy": "low",
        "causes.mmn": "low",
        "causes.other_mnd": "low",
    },
)
_BREATHING_MYASTHENIA = _vertex(
    "breathing",
    {
        "leak": "low",
        "causes.als_form.early": "low",
        "causes.als_form.limb": "low",
        "causes.als_form.bulbar": "low",
        "causes.als_form.widespread": "low",
        "causes.myasthenia": "high",
    },
)
PINNED: dict[tuple[str, str], dict[str, Pin]] = {
    ("caffeine", "yes"): {
        "raises": ({"trigger_response": "not_improved"}, {}),
        "lowers": ({"trigger_response": "improved"}, {}),
    },
    ("poor_sleep", "yes"): {
        "raises": ({"trigger_response": "not_improved"}, {}),
        "lowers": ({"fasciculations": "yes"}, {}),
    },
    ("stress", "yes"): {
        "raises": ({"trigger_response": "not_improved"}, {}),
        "lowers": ({"fasciculations": "yes"}, {}),
    },
    ("strenuous_exercise", "yes"): {
        "raises": ({"trigger_response": "not_improved"}, {}),
        "lowers": ({"trigger_response": "improved"}, {}),
    },
    ("fasciculations", "yes"): {
        "raises": ({}, {}),
        "lowers": ({"twitch_spread": "several_areas"}, {}),
    },
    ("twitch_spread", "several_areas"): {
        "raises": ({}, {}),
        "lowers": (
            {
                "fasciculations": "yes",
                "atrophy": "yes",
                "progression": "yes",
                "sensory_changes": "no",
                "emg": "abnormal",
            },
            _TWITCH_SPREAD_LOW,
        ),
    },
    ("feels_weak", "yes"): {
        "raises": ({}, {}),
        "lowers": (
            {
                "twitch_spread": "several_areas",
                "weakness": "yes",
                "atrophy": "yes",
                "progression": "no",
                "emg": "abnormal",
            },
            {},
        ),
    },
    # Weakness and wasting: warning signs that raise the odds beside twitching, course and
    # other symptoms (tests/model/test_signs_exhaustive.py), but next to findings that point
    # to a competing disease they can lower them.
    ("weakness", "yes"): {
        "raises": ({}, {}),
        "lowers": (
            {"twitch_spread": "one_area", "atrophy": "yes", "bulbar": "yes", "progression": "yes"},
            {},
        ),
    },
    ("atrophy", "yes"): {
        "raises": ({}, {}),
        "lowers": (
            {
                "twitch_spread": "several_areas",
                "feels_weak": "yes",
                "weakness": "yes",
                "bulbar": "yes",
                "progression": "no",
                "emg": "abnormal",
            },
            _ATROPHY_LOW,
        ),
    },
    ("breathing", "yes"): {
        "raises": ({}, {}),
        "lowers": (
            {
                "feels_weak": "yes",
                "weakness": "yes",
                "bulbar": "yes",
                "progression": "yes",
                "sensory_changes": "no",
            },
            _BREATHING_MYASTHENIA,
        ),
    },
    ("cramps", "yes"): {
        "raises": ({}, {}),
        "lowers": (
            {
                "twitch_spread": "several_areas",
                "weakness": "yes",
                "atrophy": "yes",
                "emg": "abnormal",
                "progression": "no",
            },
            {},
        ),
    },
    ("sensory_changes", "yes"): {
        "raises": ({}, {}),
        "lowers": ({"fasciculations": "yes"}, {}),
    },
    # background nodes declared 'depends' (ordinal / not a yes-no finding): different
    # states go different ways even with nothing else answered
    ("age_band", "65_74"): {"raises": ({}, {})},
    ("age_band", "under_30"): {"lowers": ({}, {})},
    ("sex", "male"): {"raises": ({}, {})},
    ("sex", "female"): {"lowers": ({}, {})},
}

CASES = [
    (node, state, direction, ctx, at)
    for (node, state), found in PINNED.items()
    for direction, (ctx, at) in found.items()
]


def test_every_depends_node_has_pinned_contexts_both_ways(model: Model) -> None:
    for node in model.spec.answerable:
        if model.spec.nodes[node].sign != "depends":
            continue
        directions = {d for (n, _), found in PINNED.items() if n == node for d in found}
        assert directions == {"raises", "lowers"}, node


@pytest.mark.parametrize(
    ("node", "state", "direction", "context", "at"),
    CASES,
    ids=[f"{n}={s}-{d}" for n, s, d, _, _ in CASES],
)
def test_pinned_depends_context_moves_the_odds_as_found(
    model: Model,
    node: str,
    state: str,
    direction: str,
    context: dict[str, Any],
    at: dict[str, str],
) -> None:
    theta = _theta(model, at)
    tables = build_tables(model.spec, theta, model.params)
    sets = [parse_answers(model.spec, context), parse_answers(model.spec, {**context, node: state})]
    before, after = posterior_matrix(model, sets, theta)[0]
    if not at:
        assert before == pytest.approx(query(model, context).posterior, rel=1e-12)
        assert after == pytest.approx(query(model, {**context, node: state}).posterior, rel=1e-12)

    def brute(answers: dict[str, Any]) -> float:
        vectors = evidence_vectors(model, answers, theta[0])
        j = joint_by_core_enumeration(model.structure, tables, model.query_node, vectors)
        return float(posterior_from_joint(j, model.query_index)[0])

    assert before == pytest.approx(brute(sets[0]), rel=1e-12)
    assert after == pytest.approx(brute(sets[1]), rel=1e-12)
    if direction == "raises":
        assert after > before * (1 + MARGIN)
    else:
        assert after < before * (1 - MARGIN)
