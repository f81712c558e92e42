"""Root kinds: a categorical node with population weights, and a yes/no node."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from alsodds.kinds.base import (
    Build,
    FloatArray,
    Kind,
    Param,
    ParamItem,
    binary,
    check_binary,
    state_keys,
)

if TYPE_CHECKING:
    from alsodds.spec import NetworkSpec, NodeSpec


class Weights(Kind):
    """Root node: one positive weight per state, normalised to sum to one."""

    kind: Literal["weights"]
    weights: dict[str, Param]

    def parameters(self, base: str) -> list[ParamItem]:
        return [ParamItem(f"{base}.weights.{s}", p, "positive") for s, p in self.weights.items()]

    def check(self, spec: NetworkSpec, node_id: str, source: str) -> None:
        path = f"nodes.{node_id}.distribution.weights"
        state_keys(source, path, self.weights, spec.nodes[node_id].states, exact=True)

    def table(self, b: Build) -> FloatArray:
        base = f"nodes.{b.node_id}.distribution.weights"
        w = np.stack([b.column(f"{base}.{s}") for s in b.node.states])
        out: FloatArray = w / w.sum(axis=0, keepdims=True)
        return out

    def describe(self, spec: NetworkSpec, node_id: str, rest: list[str]) -> str:
        return f"share {rest[1]}"


class Bernoulli(Kind):
    """Root binary node: ``p`` is the probability of ``state``."""

    kind: Literal["bernoulli"]
    state: str
    p: Param

    def parameters(self, base: str) -> list[ParamItem]:
        return [ParamItem(f"{base}.p", self.p, "probability")]

    def check(self, spec: NetworkSpec, node_id: str, source: str) -> None:
        check_binary(spec, node_id, self.state, "bernoulli", source)

    def table(self, b: Build) -> FloatArray:
        p = b.column(f"nodes.{b.node_id}.distribution.p")
        return binary(p, b.node.states.index(self.state))

    def leaning_state(self, node: NodeSpec) -> str | None:
        return self.state

    def describe(self, spec: NetworkSpec, node_id: str, rest: list[str]) -> str:
        return f"P({self.state})"
