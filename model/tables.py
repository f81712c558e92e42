"""From parameters to conditional probability tables, vectorised over a leading draw axis.

A single model is a batch of one: the point estimate, probabilistic sensitivity analysis and
one-way/global sensitivity all build their tables through :func:`build_tables`.
Table layout: ``(draws, card(node), card(parent_1), ..., card(parent_k))`` with parents in
the order the node's distribution lists them (the same order pgmpy's ``TabularCPD`` uses).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from alsodds.errors import RequestError
from alsodds.spec import (
    BernoulliDist,
    ConditionalDist,
    NetworkSpec,
    NoisyOrDist,
    Param,
    RateDist,
    WeightsDist,
    iter_params,
    topological_order,
)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Structure:
    """The graph alone: node order (parents first), state names and parents."""

    nodes: tuple[str, ...]
    states: dict[str, tuple[str, ...]]
    parents: dict[str, tuple[str, ...]]

    def card(self, node: str) -> int:
        return len(self.states[node])

    def children(self, node: str) -> tuple[str, ...]:
        return tuple(n for n in self.nodes if node in self.parents[n])


@dataclass(frozen=True, eq=False)
class ParameterSet:
    """The flat parameter vector of a spec: names, kinds, values and ranges."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]
    params: tuple[Param, ...]

    @classmethod
    def from_spec(cls, spec: NetworkSpec) -> ParameterSet:
        items = iter_params(spec)
        return cls(
            names=tuple(i[0] for i in items),
            params=tuple(i[1] for i in items),
            kinds=tuple(i[2] for i in items),
        )

    def __len__(self) -> int:
        return len(self.names)

    @cached_property
    def index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.names)}

    @cached_property
    def values(self) -> FloatArray:
        return np.array([p.value for p in self.params], dtype=np.float64)

    @cached_property
    def lows(self) -> FloatArray:
        return np.array([p.low for p in self.params], dtype=np.float64)

    @cached_property
    def highs(self) -> FloatArray:
        return np.array([p.high for p in self.params], dtype=np.float64)

    @cached_property
    def varying(self) -> tuple[str, ...]:
        """Names whose range is not a single point (the ones sensitivity analyses move)."""
        return tuple(n for n, p in zip(self.names, self.params, strict=True) if p.high > p.low)

    def position(self, name: str) -> int:
        """Index of a parameter, with a clear error for unknown names."""
        try:
            return self.index[name]
        except KeyError:
            close = [n for n in self.names if name in n][:5]
            hint = f"; did you mean {', '.join(close)}" if close else ""
            raise RequestError(
                f"unknown parameter '{name}'{hint} (see `alsodds sensitivity --list`)"
            ) from None

    def point(self) -> FloatArray:
        """The declared values as a batch of one, shape ``(1, P)``."""
        return self.values[None, :].copy()


def structure_of(spec: NetworkSpec) -> Structure:
    """The graph of a spec with parents before children."""
    order = topological_order(spec)
    return Structure(
        nodes=order,
        states={n: spec.nodes[n].states for n in order},
        parents={n: spec.nodes[n].parents for n in order},
    )


def _binary(p_state: FloatArray, state_index: int) -> FloatArray:
    """Stack P(state) and its complement on a new leading axis (the node's own axis)."""
    other = 1.0 - p_state
    parts = [other, p_state] if state_index == 1 else [p_state, other]
    return np.stack(parts, axis=0)


def _root_marginal(spec: NetworkSpec, node: str, cols: FloatArray, ps: ParameterSet) -> FloatArray:
    """``(card, N)`` marginal of a root node from parameter rows ``cols`` ``(P, N)``."""
    d = spec.nodes[node].distribution
    base = f"nodes.{node}.distribution"
    if isinstance(d, WeightsDist):
        w = np.stack([cols[ps.index[f"{base}.weights.{s}"]] for s in spec.nodes[node].states])
        marginal: FloatArray = w / w.sum(axis=0, keepdims=True)
        return marginal
    if isinstance(d, BernoulliDist):
        return _binary(cols[ps.index[f"{base}.p"]], spec.nodes[node].states.index(d.state))
    raise ValueError(f"{node} is not a root node")  # pragma: no cover - spec checks forbid it


def build_tables(
    spec: NetworkSpec,
    theta: FloatArray,
    ps: ParameterSet | None = None,
    nodes: Iterable[str] | None = None,
) -> dict[str, FloatArray]:
    """Conditional probability tables for every node, one per parameter draw.

    Parameters
    ----------
    spec
        The validated network.
    theta
        Parameter draws, shape ``(N, P)`` in :class:`ParameterSet` order.
    ps
        The spec's parameter set (built if omitted).
    nodes
        Build only these tables (default: all).

    Returns
    -------
    dict
        node id -> array ``(N, card(node), *card(parents))``. The arrays are views of
        draw-last memory, so ``numpy.moveaxis(t, 0, -1)`` is contiguous: the engine's
        contractions run with the draw axis innermost.
    """
    ps = ps or ParameterSet.from_spec(spec)
    theta = np.asarray(theta, dtype=np.float64)
    if theta.ndim != 2 or theta.shape[1] != len(ps):
        raise RequestError(f"expected parameter draws of shape (N, {len(ps)}), got {theta.shape}")
    cols = np.ascontiguousarray(theta.T)
    n = theta.shape[0]
    wanted = set(spec.nodes) if nodes is None else set(nodes)
    tables: dict[str, FloatArray] = {}
    for node_id, node in spec.nodes.items():
        if node_id not in wanted:
            continue
        d = node.distribution
        base = f"nodes.{node_id}.distribution"
        if isinstance(d, WeightsDist | BernoulliDist):
            table = _root_marginal(spec, node_id, cols, ps)
        elif isinstance(d, RateDist):
            k = len(d.relative)
            rate = np.ones(n)
            for t, p in d.terms.items():
                rate = rate * cols[ps.index[f"{base}.terms.{t}"]] / p.per
            prob = rate.reshape([1] * k + [n])
            for axis, (parent, rel) in enumerate(d.relative.items()):
                states = spec.nodes[parent].states
                f = np.stack(
                    [cols[ps.index[f"{base}.relative.{parent}.factors.{s}"]] for s in states]
                )
                if rel.normalise:
                    f = f / (_root_marginal(spec, parent, cols, ps) * f).sum(axis=0, keepdims=True)
                view = [1] * k + [n]
                view[axis] = len(states)
                prob = prob * f.reshape(view)
            prob = np.broadcast_to(prob, [len(spec.nodes[p].states) for p in d.relative] + [n])
            table = _binary(prob, node.states.index(d.state))
        elif isinstance(d, ConditionalDist):
            states = spec.nodes[d.parent].states
            prob = np.stack([cols[ps.index[f"{base}.given.{s}"]] for s in states])
            table = _binary(prob, node.states.index(d.state))
        else:
            assert isinstance(d, NoisyOrDist)
            # P(not state | causes) = (1 - leak) * prod over active causes of (1 - strength);
            # a cause is active in its last state.
            k = len(d.causes)
            off = (1.0 - cols[ps.index[f"{base}.leak"]]).reshape([1] * k + [n])
            for axis, cause in enumerate(d.causes):
                s = cols[ps.index[f"{base}.causes.{cause}"]]
                factor = np.stack([np.ones(n), 1.0 - s])
                view = [1] * k + [n]
                view[axis] = 2
                off = off * factor.reshape(view)
            off = np.broadcast_to(off, [2] * k + [n])
            table = _binary(1.0 - off, node.states.index(d.state))
        tables[node_id] = np.moveaxis(table, -1, 0)
    return tables


def check_tables(tables: dict[str, FloatArray], atol: float = 1e-9) -> None:
    """Stricter than pgmpy's ``check_model``: no negatives, no NaN, columns sum to 1 within 1e-9."""
    for node, t in tables.items():
        if not np.all(np.isfinite(t)):
            raise RequestError(f"table of '{node}' has a non-finite entry")
        if np.any(t < 0.0) or np.any(t > 1.0 + atol):
            raise RequestError(f"table of '{node}' has an entry outside [0, 1]")
        sums = t.sum(axis=1)
        if not np.allclose(sums, 1.0, rtol=0.0, atol=atol):
            worst = float(np.max(np.abs(sums - 1.0)))
            raise RequestError(f"a column of '{node}' sums to 1 {worst:+.2e}, beyond 1e-9")
