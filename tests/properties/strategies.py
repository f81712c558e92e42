"""Hypothesis strategies: parameter vectors anywhere in the declared box, evidence contexts.

The schema's constraints (sign conditions, the rate bound) are checked over the whole box
of declared ranges, so every point of the box is a valid parameter set: each parameter is
drawn independently in its own [low, high], endpoints included, with no filtering.

Both strategies draw numpy arrays in one go (much cheaper per example than one hypothesis
draw per parameter or per node); values shrink towards the lower ends and towards
"unanswered".
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from alsodds.inference import NOT_SURE, Answer, AnswerInput, Model, parse_answers
from alsodds.spec import NetworkSpec, spec_from_data
from alsodds.tables import FloatArray, ParameterSet
from tests.oracles import not_sure_allowed, widened_data

UNIT = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def one_parameter(low: float, high: float) -> st.SearchStrategy[float]:
    """Anywhere in [low, high], with both endpoints drawn often."""
    if low == high:
        return st.just(float(low))
    return st.one_of(
        st.sampled_from([float(low), float(high)]),
        st.floats(min_value=float(low), max_value=float(high), allow_nan=False),
    )


def in_box(lows: FloatArray, highs: FloatArray, u: FloatArray, flip: FloatArray) -> FloatArray:
    """Map u in [0, 1] to [low, high] per parameter; u = 0 and 1 give the exact endpoints."""
    u = np.where(flip, 1.0 - u, u)
    theta = np.where(u >= 1.0, highs, lows + (highs - lows) * u)
    return np.clip(theta, lows, highs)


def thetas(ps: ParameterSet) -> st.SearchStrategy[FloatArray]:
    """One parameter vector, shape ``(1, P)``, every entry inside its declared range."""
    n = len(ps)
    lows, highs = ps.lows.copy(), ps.highs.copy()
    return st.tuples(
        hnp.arrays(np.float64, n, elements=UNIT),
        hnp.arrays(np.bool_, n, elements=st.booleans()),
    ).map(lambda t: in_box(lows, highs, t[0], t[1])[None, :])


def theta_batches(ps: ParameterSet, max_draws: int = 4) -> st.SearchStrategy[FloatArray]:
    """Several parameter vectors at once, shape ``(N, P)``."""
    return st.lists(thetas(ps), min_size=1, max_size=max_draws).map(np.concatenate)


@cache
def widened_model() -> Model:
    """The bundled network with every range pushed to its valid extremes (see oracles)."""
    return Model(spec_from_data(widened_data(), "<widened>"), source="<widened>")


LIKELIHOOD = st.one_of(
    st.sampled_from([0.0, 1.0, 1e-6, 1e6]),
    st.floats(min_value=0.0, max_value=1e3, allow_nan=False),
)


def soft_likelihoods(states: Sequence[str]) -> st.SearchStrategy[dict[str, float]]:
    """A likelihood per state: finite, >= 0, not all zero; zeros and huge values included."""
    return st.lists(LIKELIHOOD, min_size=len(states), max_size=len(states)).map(
        lambda v: dict(zip(states, v if max(v) > 0 else [1.0, *v[1:]], strict=True))
    )


def answer_for(model: Model, node: str, soft: bool = True) -> st.SearchStrategy[AnswerInput]:
    """Any valid answer for one node: a state, "not sure" where allowed, or soft evidence."""
    spec_node = model.spec.nodes[node]
    options: list[st.SearchStrategy[AnswerInput]] = [st.sampled_from(spec_node.states)]
    if soft:
        if not_sure_allowed(model.spec, node):
            options.append(st.just(NOT_SURE))
        options.append(soft_likelihoods(spec_node.states))
    return st.one_of(*options)


def consistent(spec: NetworkSpec, raw: dict[str, AnswerInput]) -> dict[str, AnswerInput]:
    """Drop answers to questions the other answers rule out (e.g. where the twitching is,
    from someone who does not twitch): the model refuses such contradictions by design."""
    out = dict(raw)
    for node in list(out):
        for other, states in spec.nodes[node].applies_when.items():
            given = out.get(other)
            if isinstance(given, str) and given != NOT_SURE and given not in states:
                del out[node]
                break
    return out


def raw_contexts(
    model: Model,
    nodes: Sequence[str] | None = None,
    soft: bool = True,
    max_size: int | None = None,
) -> st.SearchStrategy[dict[str, AnswerInput]]:
    """Answers as a user gives them: any subset of the answerable nodes, any valid answers.

    Each node gets a code: unanswered, one of its states, "not sure" (where the node allows
    it) or an explicit likelihood per state. ``max_size`` keeps the first answered nodes.
    """
    spec = model.spec
    nodes = tuple(spec.answerable if nodes is None else nodes)
    states = [spec.nodes[n].states for n in nodes]
    unsure = [soft and not_sure_allowed(spec, n) for n in nodes]
    options = [
        1 + len(s) + (int(u) + 1 if soft else 0) for s, u in zip(states, unsure, strict=True)
    ]
    width = max(len(s) for s in states)

    def build(drawn: tuple[np.ndarray, np.ndarray]) -> dict[str, AnswerInput]:
        codes, liks = drawn
        raw: dict[str, AnswerInput] = {}
        for i, node in enumerate(nodes):
            c = int(codes[i]) % options[i]
            if c == 0:
                continue
            if max_size is not None and len(raw) >= max_size:
                break
            if c <= len(states[i]):
                raw[node] = states[i][c - 1]
            elif unsure[i] and c == len(states[i]) + 1:
                raw[node] = NOT_SURE
            else:
                v = [float(x) for x in liks[i, : len(states[i])]]
                if max(v) <= 0.0:
                    v[0] = 1.0
                raw[node] = dict(zip(states[i], v, strict=True))
        return consistent(spec, raw)

    return st.tuples(
        hnp.arrays(np.int64, len(nodes), elements=st.integers(0, 10_000)),
        hnp.arrays(np.float64, (len(nodes), width), elements=LIKELIHOOD),
    ).map(build)


def contexts(
    model: Model,
    nodes: Sequence[str] | None = None,
    soft: bool = True,
    max_size: int | None = None,
) -> st.SearchStrategy[dict[str, Answer]]:
    """A consistent evidence context, parsed: any subset of answerable nodes, any answers."""
    return raw_contexts(model, nodes, soft, max_size).map(
        lambda raw: parse_answers(model.spec, raw)
    )
