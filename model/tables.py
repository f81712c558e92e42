"""From parameters to conditional probability tables, vectorised over a leading draw axis.

A single model is a batch of one: the point estimate, probabilistic sensitivity analysis and
one-way/global sensitivity all build their tables through :func:`build_tables`.
Table layout: ``(draws, card(node), card(parent_1), ..., card(parent_k))`` with parents in
the order the node's distribution lists them (the same order pgmpy's ``TabularCPD`` uses).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from alsodds.errors import RequestError
from alsodds.kinds import Build, Param
from alsodds.spec import NetworkSpec, iter_params, topological_order

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


def build_tables(
    spec: NetworkSpec,
    theta: FloatArray,
    ps: ParameterSet | None = None,
    nodes: Iterable[str] | None = None,
    fixed: Mapping[str, int] | None = None,
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
    fixed
        Nodes known to be in one state index (hard answers shared by every evidence set):
        a kind may give their axis only that state (length 1), to build less. Such tables
        are for the engine only.

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
    built: dict[str, FloatArray] = {}  # (card, *parent cards, N), draws last

    def column(path: str) -> FloatArray:
        row: FloatArray = cols[ps.index[path]]
        return row

    def marginal(node_id: str) -> FloatArray:
        # Population shares of a root node (normalised relative factors need them).
        if node_id not in built:
            built[node_id] = make(node_id)  # noqa: F821 (cleared only once the loop is done)
        return built[node_id]

    def make(node_id: str, known: Mapping[str, int] | None = None) -> FloatArray:
        return spec.nodes[node_id].distribution.table(
            Build(spec, node_id, n, column, marginal, known or {})
        )

    tables: dict[str, FloatArray] = {}
    for node_id in spec.nodes:
        if node_id in wanted:
            table = built[node_id] if node_id in built else make(node_id, fixed)
            tables[node_id] = np.moveaxis(table, -1, 0)
    # make and marginal refer to each other: clear the cell so the draws and the built tables
    # are freed now, not at the next cyclic garbage collection (streamed PSA would pile them up).
    del make
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
