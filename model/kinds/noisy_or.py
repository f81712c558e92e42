"""A yes/no node produced by independent causes plus a leak (noisy-OR).

Each cause is a parent. A binary parent acts in its last state with one strength; a
categorical parent gives a strength per state (unlisted states do not act), which also
expresses a leak that depends on, say, the age band. An optional gate lets the causes act
only while the gate node is in some states (the leak always acts):

``P(not state | parents) = (1 - leak) x prod over acting causes of (1 - strength)``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel

from alsodds.kinds.base import (
    FROZEN,
    Build,
    FloatArray,
    Kind,
    Param,
    ParamItem,
    check_binary,
    fail,
)

if TYPE_CHECKING:
    from alsodds.spec import NetworkSpec, NodeSpec

Strength = Param | dict[str, Param]


class Gate(BaseModel):
    """The causes act only while ``node`` is in one of ``states``."""

    model_config = FROZEN
    node: str
    states: tuple[str, ...]


class NoisyOr(Kind):
    """Binary node produced by independent causes plus a leak."""

    kind: Literal["noisy_or"]
    state: str
    leak: Param
    causes: dict[str, Strength]
    gate: Gate | None = None

    def parent_ids(self) -> tuple[str, ...]:
        extra = (self.gate.node,) if self.gate and self.gate.node not in self.causes else ()
        return (*self.causes, *extra)

    def strengths(self, spec: NetworkSpec, cause: str) -> dict[str, Param]:
        """The strength of each acting state of a cause (a binary cause acts in its last)."""
        s = self.causes[cause]
        return s if isinstance(s, dict) else {spec.nodes[cause].states[-1]: s}

    def parameters(self, base: str) -> list[ParamItem]:
        out = [ParamItem(f"{base}.leak", self.leak, "probability")]
        for cause, s in self.causes.items():
            if isinstance(s, dict):
                out += [
                    ParamItem(f"{base}.causes.{cause}.{st}", p, "probability")
                    for st, p in s.items()
                ]
            else:
                out.append(ParamItem(f"{base}.causes.{cause}", s, "probability"))
        return out

    def check(self, spec: NetworkSpec, node_id: str, source: str) -> None:
        path = f"nodes.{node_id}"
        check_binary(spec, node_id, self.state, "noisy_or", source)
        for cause, s in self.causes.items():
            cstates = spec.nodes[cause].states
            cpath = f"{path}.distribution.causes.{cause}"
            if isinstance(s, dict):
                for st in s:
                    if st not in cstates:
                        raise fail(
                            source,
                            f"{cpath}.{st}",
                            st,
                            f"expected a state of {cause}: {', '.join(cstates)}",
                        )
            elif len(cstates) != 2:
                raise fail(
                    source,
                    cpath,
                    cause,
                    "a single strength needs a binary cause (it acts in its last state); give "
                    "a strength per state for a categorical cause",
                )
        if self.gate is not None:
            gstates = spec.nodes[self.gate.node].states
            for st in self.gate.states:
                if st not in gstates:
                    raise fail(
                        source,
                        f"{path}.distribution.gate.states",
                        st,
                        f"expected a state of {self.gate.node}: {', '.join(gstates)}",
                    )

    def table(self, b: Build) -> FloatArray:
        base = f"nodes.{b.node_id}.distribution.causes"
        parents = self.parent_ids()
        k, n = len(parents), b.n
        off = (1.0 - b.column(f"nodes.{b.node_id}.distribution.leak")).reshape([1] * k + [n])
        gate_axis = parents.index(self.gate.node) if self.gate else None
        # Broadcasting grows the product one cause at a time: no full-size array of ones.
        acting: FloatArray = np.ones([1] * k + [n])
        for axis, cause in enumerate(self.causes):
            states = b.spec.nodes[cause].states
            factor = np.ones((len(states), n))
            for st in self.strengths(b.spec, cause):
                path = (
                    f"{base}.{cause}.{st}"
                    if isinstance(self.causes[cause], dict)
                    else f"{base}.{cause}"
                )
                factor[states.index(st)] = 1.0 - b.column(path)
            view = [1] * k + [n]
            view[axis] = b.size(cause)
            acting = acting * factor[b.keep(cause)].reshape(view)
        if self.gate is not None and gate_axis is not None:
            gstates = b.spec.nodes[self.gate.node].states
            on = np.array([s in self.gate.states for s in gstates])[b.keep(self.gate.node)]
            view = [1] * k + [1]
            view[gate_axis] = b.size(self.gate.node)
            acting = np.where(on.reshape(view), acting, 1.0)
        # Write P(off) straight into the table and take the complement in place: the table
        # is the only full-size array built (this is most of the time PSA spends on tables).
        full = [b.size(p) for p in parents] + [n]
        present = b.node.states.index(self.state)
        keep = b.keep(b.node_id)
        kept = [0, 1] if isinstance(keep, slice) else keep
        table = np.empty((len(kept), *full))
        p_off = table[kept.index(1 - present)] if 1 - present in kept else table[0]
        np.multiply(off, acting, out=p_off)
        if present in kept:
            np.subtract(1.0, p_off, out=table[kept.index(present)])
        return table

    def leaning_state(self, node: NodeSpec) -> str | None:
        return self.state

    def describe(self, spec: NetworkSpec, node_id: str, rest: list[str]) -> str:
        if rest[0] == "leak":
            return "leak (other causes)"
        cause = spec.nodes[rest[1]].label.lower()
        return f"strength of {cause}" + (f" = {rest[2]}" if len(rest) > 2 else "")

    # ------------------------------------------------------------------ sign certificate
    def certify(
        self, spec: NetworkSpec, node_id: str, favoured: str, side: dict[str, frozenset[str]]
    ) -> str | None:
        """Certify that ``favoured`` never lowers P(query) in any context, over the box.

        ``side`` maps each query-determined node to the states it can only take when the
        query is present. The rule: every parent configuration possible with the query
        present gives ``favoured`` at least the probability of every configuration possible
        with it absent, at every point of the box (the leak, shared by both, cancels).
        Returns the proof in words, None if the rule does not apply (no query-determined
        cause, or the node has children), and raises when it applies but fails.
        """
        qparents = [p for p in self.parent_ids() if p in side]
        if len(qparents) != 1 or spec.children(node_id):
            return None
        q = qparents[0]
        present = side[q]
        qstates = spec.nodes[q].states
        absent = [s for s in qstates if s not in present]
        others = [c for c in self.causes if c != q]

        def gate_on(qstate: str) -> bool:
            if self.gate is None:
                return True
            return self.gate.node != q or qstate in self.gate.states

        def q_factor(qstate: str, bound: str) -> float:
            if q not in self.causes:
                return 1.0
            p = self.strengths(spec, q).get(qstate)
            return 1.0 if p is None else 1.0 - float(getattr(p, bound))

        def all_others(bound: str) -> float:
            # Every other cause in its strongest state at once (the leak cancels).
            return math.prod(
                1.0 - max(float(getattr(p, bound)) for p in self.strengths(spec, c).values())
                for c in others
            )

        other_gate_free = self.gate is None or self.gate.node == q
        if favoured == self.state:
            # max over query-present configs of P(not favoured) <= min over absent configs.
            worst_present = max(q_factor(s, "low") if gate_on(s) else 1.0 for s in present)
            if not other_gate_free:
                worst_present = 1.0
            best_absent = min(
                q_factor(s, "high") * all_others("high") if gate_on(s) else 1.0 for s in absent
            )
            ok = worst_present <= best_absent + 1e-12
            words = (
                f"noisy-OR dominance: with {q} in {sorted(present)} P(not {favoured}) <= "
                f"{worst_present:.4g}, with it absent >= {best_absent:.4g}"
            )
        else:
            # min over query-present configs of P(not state) >= max over absent configs.
            worst_present = min(
                q_factor(s, "high") * all_others("high") if gate_on(s) else 1.0 for s in present
            )
            best_absent = max(q_factor(s, "low") if gate_on(s) else 1.0 for s in absent)
            if not other_gate_free:
                best_absent = 1.0
            ok = worst_present >= best_absent - 1e-12
            words = (
                f"noisy-OR dominance: with {q} in {sorted(present)} P({self.state}) <= "
                f"{1 - worst_present:.4g}, with it absent >= {1 - best_absent:.4g}"
            )
        if not ok:
            raise fail(
                "<spec>",
                f"nodes.{node_id}.sign",
                words,
                "the declared sign needs this dominance over the whole box; declare 'depends' "
                "or change the structure",
            )
        return words
