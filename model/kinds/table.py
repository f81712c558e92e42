"""A categorical node with one parent: per parent state, weights over its own states.

``given: {parent_state: {state: weight}}``; each row is normalised, and states a row does
not list have probability zero in that row (so a row can rule states out, e.g. "no onset
form without the disease").
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Literal

import numpy as np

from alsodds.kinds.base import Build, FloatArray, Kind, Param, ParamItem, fail, state_keys

if TYPE_CHECKING:
    from alsodds.spec import NetworkSpec, NodeSpec


class Table(Kind):
    """P(state | parent state) from per-row weights (unlisted states: probability 0)."""

    kind: Literal["table"]
    parent: str
    given: dict[str, dict[str, Param]]

    def parent_ids(self) -> tuple[str, ...]:
        return (self.parent,)

    def parameters(self, base: str) -> list[ParamItem]:
        return [
            ParamItem(f"{base}.given.{ps}.{s}", p, "positive")
            for ps, row in self.given.items()
            for s, p in row.items()
        ]

    def check(self, spec: NetworkSpec, node_id: str, source: str) -> None:
        path = f"nodes.{node_id}.distribution.given"
        state_keys(source, path, self.given, spec.nodes[self.parent].states, exact=True)
        for ps, row in self.given.items():
            state_keys(source, f"{path}.{ps}", row, spec.nodes[node_id].states, exact=False)
            if not row:
                raise fail(source, f"{path}.{ps}", {}, "a row needs at least one state")

    def table(self, b: Build) -> FloatArray:
        base = f"nodes.{b.node_id}.distribution.given"
        states = b.node.states
        pstates = b.spec.nodes[self.parent].states
        out = np.zeros((len(states), len(pstates), b.n))
        for j, ps in enumerate(pstates):
            for s in self.given[ps]:
                out[states.index(s), j] = b.column(f"{base}.{ps}.{s}")
        total = out.sum(axis=0, keepdims=True)
        normalised: FloatArray = out / total
        return normalised

    def leaning_state(self, node: NodeSpec) -> str | None:
        return None

    def describe(self, spec: NetworkSpec, node_id: str, rest: list[str]) -> str:
        parent = spec.nodes[self.parent].label.lower()
        return f"weight of {rest[2]} when {parent} = {rest[1]}"

    def present_states(
        self, side: dict[str, frozenset[str]], states: tuple[str, ...]
    ) -> frozenset[str] | None:
        """States only possible when the query is present, if the parent decides them.

        With the parent query-determined, a state listed only in rows of query-present
        parent states is itself query-determined; None when some state can occur both ways.
        """
        if self.parent not in side:
            return None
        present_rows = side[self.parent]
        on = {s for ps, row in self.given.items() if ps in present_rows for s in row}
        off = {s for ps, row in self.given.items() if ps not in present_rows for s in row}
        return None if on & off else frozenset(on)

    def certify_order(
        self, spec: NetworkSpec, node_id: str, sign: str, side: dict[str, frozenset[str]]
    ) -> str | None:
        """Certify an ordinal sign: each later state moves P(query) the declared way.

        With the parent query-determined and the node a leaf, it is enough that for each
        pair of neighbouring states the weight ratio later/earlier in every query-present
        row lies below ('-') or above ('+') that of every query-absent row, box-wide
        (normalisation cancels within a row).
        """
        if self.parent not in side or spec.children(node_id):
            return None
        present = side[self.parent]
        states = spec.nodes[node_id].states
        for d1, d2 in itertools.pairwise(states):
            for a, row_a in self.given.items():
                for o, row_o in self.given.items():
                    if a not in present or o in present:
                        continue
                    hi_a, lo_a = _ratio(row_a, d1, d2)
                    hi_o, lo_o = _ratio(row_o, d1, d2)
                    ok = hi_a <= lo_o + 1e-12 if sign == "-" else lo_a >= hi_o - 1e-12
                    if not ok:
                        raise fail(
                            "<spec>",
                            f"nodes.{node_id}.distribution.given.{a}.{d2}",
                            f"ratio {d2}/{d1} up to {hi_a:.4g} with {self.parent} = {a}, "
                            f"down to {lo_o:.4g} with {self.parent} = {o}",
                            f"the declared sign '{sign}' needs the ratios ordered over the whole box",
                        )
        return (
            f"likelihood-ratio order: for each later state of {node_id}, the weight ratio with "
            f"{self.parent} in {sorted(present)} stays {'below' if sign == '-' else 'above'} "
            "the ratio without, over the whole box"
        )


def _ratio(row: dict[str, Param], d1: str, d2: str) -> tuple[float, float]:
    """Largest and smallest weight ratio row[d2] / row[d1] over the box (0 if d2 unlisted)."""
    p1, p2 = row.get(d1), row.get(d2)
    if p2 is None:
        return 0.0, 0.0
    if p1 is None:
        return float("inf"), float("inf")
    return p2.high / p1.low, p2.low / p1.high
