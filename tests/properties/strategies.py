"""Hypothesis strategies: parameter vectors anywhere in the declared box, evidence contexts.

The schema's constraints (sign conditions, the rate bound) are checked over the whole box
of declared ranges, so every point of the box is a valid parameter set: each parameter is
drawn independently in its own [low, high], endpoints included, with no filtering.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
from hypothesis import strategies as st

from model.inference import NOT_SURE, Answer, Model, parse_answers
from model.spec import BernoulliDist, NoisyOrDist, spec_from_data
from model.tables import FloatArray, ParameterSet
from tests.oracles import widened_data


def one_parameter(low: float, high: float) -> st.SearchStrategy[float]:
    """Anywhere in [low, high], with both endpoints drawn often."""
    if low == high:
        return st.just(float(low))
    return st.one_of(
        st.sampled_from([float(low), float(high)]),
        st.floats(min_value=float(low), max_value=float(high), allow_nan=False),
    )


def thetas(ps: ParameterSet) -> st.SearchStrategy[FloatArray]:
    """One parameter vector, shape ``(1, P)``, every entry inside its declared range."""
    parts = [one_parameter(lo, hi) for lo, hi in zip(ps.lows, ps.highs, strict=True)]
    return st.tuples(*parts).map(lambda t: np.array(t, dtype=np.float64)[None, :])


def theta_batches(ps: ParameterSet, max_draws: int = 4) -> st.SearchStrategy[FloatArray]:
    """Several parameter vectors at once, shape ``(N, P)``."""
    return st.lists(thetas(ps), min_size=1, max_size=max_draws).map(np.concatenate)


@cache
def widened_model() -> Model:
    """The bundled network with every range pushed to its valid extremes (see oracles)."""
    return Model(spec_from_data(widened_data(), "<widened>"), source="<widened>")


def soft_likelihoods(states: Sequence[str]) -> st.SearchStrategy[dict[str, float]]:
    """A likelihood per state: finite, >= 0, not all zero; zeros and huge values included."""
    value = st.one_of(
        st.sampled_from([0.0, 1.0, 1e-6, 1e6]),
        st.floats(min_value=0.0, max_value=1e3, allow_nan=False),
    )
    return st.lists(value, min_size=len(states), max_size=len(states)).map(
        lambda v: dict(zip(states, v if max(v) > 0 else [1.0, *v[1:]], strict=True))
    )


def answer_for(model: Model, node: str, soft: bool = True) -> st.SearchStrategy[object]:
    """Any valid answer for one node: a state, "not sure" where allowed, or soft evidence."""
    spec_node = model.spec.nodes[node]
    options: list[st.SearchStrategy[object]] = [st.sampled_from(spec_node.states)]
    if soft:
        if isinstance(spec_node.distribution, NoisyOrDist | BernoulliDist):
            options.append(st.just(NOT_SURE))
        options.append(soft_likelihoods(spec_node.states))
    return st.one_of(*options)


@st.composite
def contexts(
    draw: st.DrawFn,
    model: Model,
    nodes: Sequence[str] | None = None,
    soft: bool = True,
) -> dict[str, Answer]:
    """A consistent evidence context: any subset of the answerable nodes, any answers."""
    nodes = tuple(model.spec.answerable if nodes is None else nodes)
    answered = draw(st.lists(st.sampled_from(nodes), unique=True, max_size=len(nodes)))
    raw = {n: draw(answer_for(model, n, soft)) for n in answered}
    return parse_answers(model.spec, raw)  # type: ignore[arg-type]
