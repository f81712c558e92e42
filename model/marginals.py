"""Probabilities of events over any nodes: P(event | given), for one model or many draws.

The public query API answers one question, P(query | answers). Validation against published
figures needs others, such as P(family history = yes | ALS present) or P(bulbar trouble and no
weakness | ALS present). Both are ratios of two evidence probabilities, and the batched engine
already returns P(evidence) for any set of hard or soft evidence (its joint summed over the
query's states), so nothing here does inference of its own.

An assignment maps a node id to one state, or to several states meaning "any of these"
(e.g. a symptom duration of a year or more).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from alsodds.errors import RequestError
from alsodds.inference import Model, joint_from_evidence
from alsodds.tables import FloatArray

#: One state, or several states read as "any of these".
States = str | Sequence[str]
Assignment = Mapping[str, States]


def as_states(value: States) -> tuple[str, ...]:
    """A state or list of states as a tuple of state names."""
    return (value,) if isinstance(value, str) else tuple(value)


def missing_from(model: Model, assignment: Assignment) -> str | None:
    """Why ``assignment`` cannot be evaluated on this network, or None if it can.

    Names the first node the network lacks, or the first state a node does not have.
    """
    for node, value in assignment.items():
        if node not in model.spec.nodes:
            return f"the network has no node '{node}'"
        states = model.spec.nodes[node].states
        for s in as_states(value):
            if s not in states:
                return f"node '{node}' has no state '{s}' (it has {', '.join(states)})"
    return None


def _indicator(model: Model, node: str, value: States) -> FloatArray:
    states = model.spec.nodes[node].states
    row = np.zeros(len(states))
    for s in as_states(value):
        row[states.index(s)] = 1.0
    return row


def _evidence(model: Model, sets: Sequence[Assignment]) -> dict[str, FloatArray]:
    """node -> ``(E, card)`` indicator rows, a row of ones where a set leaves the node free."""
    nodes = sorted({n for s in sets for n in s}, key=model.structure.nodes.index)
    out: dict[str, FloatArray] = {}
    for node in nodes:
        rows = np.ones((len(sets), model.structure.card(node)))
        for e, s in enumerate(sets):
            if node in s:
                rows[e] = _indicator(model, node, s[node])
        out[node] = rows
    return out


def conjoin(first: Assignment, second: Assignment) -> dict[str, tuple[str, ...]]:
    """Both assignments at once; a node named in both keeps only the states they share."""
    out = {n: as_states(v) for n, v in first.items()}
    for n, v in second.items():
        states = as_states(v)
        out[n] = tuple(s for s in out[n] if s in states) if n in out else states
    return out


def evidence_probabilities(
    model: Model, sets: Sequence[Assignment], theta: FloatArray | None = None
) -> FloatArray:
    """P(assignment) for each assignment and each parameter draw, shape ``(N, E)``.

    Parameters
    ----------
    model
        A loaded model.
    sets
        Assignments of node ids to states (see :data:`Assignment`).
    theta
        Parameter draws ``(N, P)``; the model's point values if omitted.

    Raises
    ------
    RequestError
        If an assignment names a node or state the network lacks.
    """
    for s in sets:
        reason = missing_from(model, s)
        if reason is not None:
            raise RequestError(reason)
    j = joint_from_evidence(model, _evidence(model, sets), len(sets), theta)
    out: FloatArray = j.sum(axis=2)
    return out


def conditional_probability(
    model: Model,
    event: Assignment,
    given: Assignment | None = None,
    theta: FloatArray | None = None,
) -> FloatArray:
    """P(event | given) for each parameter draw, shape ``(N,)``.

    Examples
    --------
    >>> from alsodds import load_model
    >>> m = load_model()
    >>> share = conditional_probability(m, {"family_history": "yes"}, {"als": "present"})
    >>> 0.0 < float(share[0]) < 1.0
    True
    """
    given = given or {}
    p = evidence_probabilities(model, [conjoin(event, given), given], theta)
    if not np.all(p[:, 1] > 0):
        raise RequestError("the condition has probability zero in this network")
    out: FloatArray = p[:, 0] / p[:, 1]
    return out
