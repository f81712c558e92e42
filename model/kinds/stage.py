"""How far a condition has gone, driven by how long symptoms have lasted.

Three states: ``off`` (the staged parent is not in its active state), ``early`` and
``late``. With the parent active, the early phase has a chance ``at_onset`` of being skipped
and otherwise ends at a constant monthly rate, so for a duration band ``d`` lasting about
``clock_months[d]`` months:

``P(early | active, d) = (1 - at_onset) x (1 - monthly_rate) ** clock_months[d]``.

This makes the early share fall with time for every parameter value, which is what lets a
longer duration with nothing new be certified to lower the odds.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Literal

import numpy as np

from alsodds.kinds.base import Build, FloatArray, Kind, Param, ParamItem, fail, state_keys

if TYPE_CHECKING:
    from alsodds.spec import NetworkSpec


class Stage(Kind):
    """Stage of a condition from its parent's active state and a duration clock."""

    kind: Literal["stage"]
    parent: str
    active: str
    clock: str
    clock_months: dict[str, float]
    at_onset: Param
    monthly_rate: Param

    def parent_ids(self) -> tuple[str, ...]:
        return (self.parent, self.clock)

    def parameters(self, base: str) -> list[ParamItem]:
        return [
            ParamItem(f"{base}.at_onset", self.at_onset, "probability"),
            ParamItem(f"{base}.monthly_rate", self.monthly_rate, "probability"),
        ]

    def check(self, spec: NetworkSpec, node_id: str, source: str) -> None:
        path = f"nodes.{node_id}"
        if len(spec.nodes[node_id].states) != 3:
            raise fail(
                source,
                f"{path}.states",
                list(spec.nodes[node_id].states),
                "a stage node has three states: off, early, late",
            )
        if self.active not in spec.nodes[self.parent].states:
            raise fail(
                source,
                f"{path}.distribution.active",
                self.active,
                f"expected a state of {self.parent}",
            )
        cpath = f"{path}.distribution.clock_months"
        state_keys(source, cpath, self.clock_months, spec.nodes[self.clock].states, exact=True)
        months = [self.clock_months[s] for s in spec.nodes[self.clock].states]
        if any(m < 0 for m in months) or any(b <= a for a, b in itertools.pairwise(months)):
            raise fail(source, cpath, months, "expected months >= 0 rising with the clock's states")

    def table(self, b: Build) -> FloatArray:
        base = f"nodes.{b.node_id}.distribution"
        pstates = b.spec.nodes[self.parent].states
        cstates = b.spec.nodes[self.clock].states
        months = np.array([self.clock_months[s] for s in cstates])
        onset = b.column(f"{base}.at_onset")
        rate = b.column(f"{base}.monthly_rate")
        early = (1.0 - onset)[None, :] * (1.0 - rate)[None, :] ** months[:, None]  # (clock, N)
        out = np.zeros((3, len(pstates), len(cstates), b.n))
        for j, ps in enumerate(pstates):
            if ps == self.active:
                out[1, j] = early
                out[2, j] = 1.0 - early
            else:
                out[0, j] = 1.0
        return out

    def present_states(
        self, side: dict[str, frozenset[str]], states: tuple[str, ...]
    ) -> frozenset[str] | None:
        """The early and late states happen only with the query present when the staged
        parent's active state is itself query-determined."""
        if self.parent in side and side[self.parent] == frozenset({self.active}):
            return frozenset(states[1:])
        return None

    def describe(self, spec: NetworkSpec, node_id: str, rest: list[str]) -> str:
        if rest[0] == "at_onset":
            return "share past the early phase at the first symptom"
        return "monthly chance the early phase ends"

    def certify_clock(
        self,
        spec: NetworkSpec,
        stage_id: str,
        sign: str,
        given: dict[str, str],
        side: dict[str, frozenset[str]],
    ) -> str | None:
        """Certify "a later clock state lowers P(query)" given answers that rule out the
        late stage (e.g. no weakness and no worsening).

        Holds in every context when: the clock is a root whose only child is this stage;
        the staged parent's active state is query-determined; every state the late stage
        leads to (through query-determined table children) has some given answer it makes
        impossible (a noisy-OR strength of exactly 1 for the answer's opposite); and the
        early share falls with the clock, which the stage's form guarantees for every
        parameter value. Then with the query present only the early stage fits the given
        answers, its probability falls with time, and nothing else depends on the clock.
        """
        from alsodds.kinds.noisy_or import NoisyOr
        from alsodds.kinds.table import Table

        if (
            sign != "-"
            or spec.children(self.clock) != (stage_id,)
            or spec.nodes[self.clock].parents
        ):
            return None
        if side.get(self.parent) != frozenset({self.active}):
            return None
        late = spec.nodes[stage_id].states[2]
        reach: set[tuple[str, str]] = {(stage_id, late)}
        frontier = [(stage_id, late)]
        while frontier:
            node, state = frontier.pop()
            for child in spec.children(node):
                d = spec.nodes[child].distribution
                if isinstance(d, Table) and d.parent == node and child in side:
                    for s in d.given.get(state, {}):
                        if (child, s) not in reach:
                            reach.add((child, s))
                            frontier.append((child, s))

        def ruled_out(node: str, state: str) -> bool:
            for answer_node, answer in given.items():
                d = spec.nodes[answer_node].distribution
                if not isinstance(d, NoisyOr) or node not in d.causes or answer == d.state:
                    continue
                p = d.strengths(spec, node).get(state)
                if p is not None and p.low >= 1.0:
                    return True
            return False

        leaves = [(n, s) for n, s in reach if n != stage_id]
        if not leaves or not all(ruled_out(n, s) for n, s in leaves):
            raise fail(
                "<spec>",
                f"nodes.{self.clock}.sign_given",
                given,
                f"the declared sign needs the given answers to rule out every state the "
                f"'{late}' stage leads to (a strength of exactly 1 on each)",
            )
        return (
            f"stage clock: given {given}, only the early stage fits with the query present, "
            f"and its share (1 - at_onset) x (1 - monthly_rate)^months falls with {self.clock}"
        )
