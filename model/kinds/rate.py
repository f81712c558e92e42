"""A yes/no node whose probability is a product of rate terms and relative factors.

``P(state | parents) = prod(terms) x prod over parents of factor(parent state)``. A parent
marked ``normalise`` has its factors divided by their population average, so the terms
keep their meaning as population figures (e.g. the crude adult incidence).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, Field

from alsodds.kinds.base import (
    FROZEN,
    Build,
    FloatArray,
    Kind,
    Param,
    ParamItem,
    binary,
    check_binary,
    fail,
    state_keys,
)

if TYPE_CHECKING:
    from alsodds.spec import NetworkSpec


class RelativeFactor(BaseModel):
    """Relative factors for one parent of a rate node."""

    model_config = FROZEN
    normalise: bool
    label: str | None = None
    factors: dict[str, Param]


class Rate(Kind):
    """P(state | parents) = prod(terms) x prod(parent factors)."""

    kind: Literal["rate"]
    state: str
    terms: dict[str, Param]
    relative: dict[str, RelativeFactor] = Field(default_factory=dict)

    def parent_ids(self) -> tuple[str, ...]:
        return tuple(self.relative)

    def parameters(self, base: str) -> list[ParamItem]:
        out = [ParamItem(f"{base}.terms.{t}", p, "positive") for t, p in self.terms.items()]
        for parent, rel in self.relative.items():
            out += [
                ParamItem(f"{base}.relative.{parent}.factors.{s}", p, "positive")
                for s, p in rel.factors.items()
            ]
        return out

    def check(self, spec: NetworkSpec, node_id: str, source: str) -> None:
        path = f"nodes.{node_id}"
        check_binary(spec, node_id, self.state, "rate", source)
        for parent, rel in self.relative.items():
            pnode = spec.nodes[parent]
            rpath = f"{path}.distribution.relative.{parent}"
            state_keys(source, f"{rpath}.factors", rel.factors, pnode.states, exact=True)
            if rel.normalise and pnode.distribution.parent_ids():
                raise fail(
                    source,
                    f"{rpath}.normalise",
                    True,
                    "only a root parent's factors can be normalised",
                )
        bound = self.upper_bound(spec)
        if bound > 1.0:
            raise fail(
                source,
                f"{path}.distribution.terms",
                f"upper bound {bound:.3g}",
                "the rate must stay <= 1 over the whole declared ranges",
            )

    def upper_bound(self, spec: NetworkSpec) -> float:
        """The largest probability the node can take anywhere in the declared box.

        A normalised factor is at most its high end over the smallest population average it
        can be divided by; for a parent with population weights that average is bounded
        below by each state's smallest share times the lowest factors.
        """
        bound = math.prod(p.high / p.per for p in self.terms.values())
        for parent, rel in self.relative.items():
            top = max(p.high for p in rel.factors.values())
            if not rel.normalise:
                bound *= top
                continue
            shares = _smallest_shares(spec, parent)
            worst = 0.0
            for state, f in rel.factors.items():
                floor = sum(
                    shares[s] * (f.high if s == state else g.low) for s, g in rel.factors.items()
                )
                worst = max(worst, f.high / floor if floor > 0 else math.inf)
            bound *= worst
        return bound

    def table(self, b: Build) -> FloatArray:
        base = f"nodes.{b.node_id}.distribution"
        k = len(self.relative)
        rate = np.ones(b.n)
        for t, p in self.terms.items():
            rate = rate * b.column(f"{base}.terms.{t}") / p.per
        prob = rate.reshape([1] * k + [b.n])
        for axis, (parent, rel) in enumerate(self.relative.items()):
            states = b.spec.nodes[parent].states
            f = np.stack([b.column(f"{base}.relative.{parent}.factors.{s}") for s in states])
            if rel.normalise:
                f = f / (b.marginal(parent) * f).sum(axis=0, keepdims=True)
            view = [1] * k + [b.n]
            view[axis] = len(states)
            prob = prob * f.reshape(view)
        prob = np.broadcast_to(prob, [b.card(p) for p in self.relative] + [b.n])
        return binary(prob, b.node.states.index(self.state))

    def describe(self, spec: NetworkSpec, node_id: str, rest: list[str]) -> str:
        if rest[0] == "terms":
            return self.terms[rest[1]].label or rest[1].replace("_", " ")
        return f"{spec.nodes[rest[1]].label.lower()} = {rest[3]} factor"

    def window_years(self, skip: str) -> float:
        """Product of every term but ``skip`` (e.g. the diagnostic window, in years)."""
        return math.prod(p.value / p.per for n, p in self.terms.items() if n != skip)

    def certify_parent(self, spec: NetworkSpec, parent: str, sign: str, state: str) -> str | None:
        """A root parent only moves the query's prior: certified when the favoured state's
        factor range lies above ('+') or below ('-') every other state's, box-wide."""
        if spec.nodes[parent].distribution.parent_ids() or spec.nodes[parent].distribution is None:
            return None
        rel = self.relative[parent]
        fav = rel.factors[state]
        rivals = [p for s, p in rel.factors.items() if s != state]
        ok = (
            all(fav.low >= p.high for p in rivals)
            if sign == "+"
            else all(fav.high <= p.low for p in rivals)
        )
        if not ok:
            raise fail(
                "<spec>",
                f"nodes.{spec.query.node}.distribution.relative.{parent}.factors.{state}",
                fav.low if sign == "+" else fav.high,
                f"the declared sign '{sign}' of {parent} needs this factor's range to lie "
                f"{'above' if sign == '+' else 'below'} every other state's range",
            )
        return (
            f"prior factor order: {parent} = {state} has a relative factor "
            f"{'at least' if sign == '+' else 'at most'} every other state's over the box"
        )


def _smallest_shares(spec: NetworkSpec, node_id: str) -> dict[str, float]:
    """Each state's smallest population share over the box (0 when unknown)."""
    from alsodds.kinds.roots import Bernoulli, Weights

    d = spec.nodes[node_id].distribution
    states = spec.nodes[node_id].states
    if isinstance(d, Weights):
        return {
            s: d.weights[s].low
            / (d.weights[s].low + sum(d.weights[t].high for t in states if t != s))
            for s in states
        }
    if isinstance(d, Bernoulli):
        other = next(s for s in states if s != d.state)
        return {d.state: d.p.low, other: 1.0 - d.p.high}
    return dict.fromkeys(states, 0.0)
