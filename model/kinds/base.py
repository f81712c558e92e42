"""What every distribution kind shares: the parameter record and the kind interface.

A kind is a pydantic model (its YAML schema) that also knows its parents, its parameters,
how to turn parameter draws into a probability table, which state a "not sure" answer leans
to, how to word a parameter, and whether a declared sign can be certified for it. The rest
of the package asks the kind; nothing outside :mod:`alsodds.kinds` branches on the kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, field_validator

from alsodds.errors import PriorsError

if TYPE_CHECKING:
    from alsodds.spec import NetworkSpec, NodeSpec

FloatArray = NDArray[np.float64]
FROZEN = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=False)

#: What values a parameter may take: a probability, a positive number, or a ratio >= 1.
Domain = Literal["probability", "positive", "ratio"]


class Param(BaseModel):
    """One number with its plausible range and where it comes from."""

    model_config = FROZEN

    value: float
    low: float
    high: float
    source: str | tuple[str, ...]
    label: str | None = None
    unit: str | None = None
    note: str | None = None
    per: float = Field(default=1.0, gt=0)

    @field_validator("source")
    @classmethod
    def _source_not_empty(cls, v: str | tuple[str, ...]) -> str | tuple[str, ...]:
        items = (v,) if isinstance(v, str) else v
        if not items or any(not s.strip() for s in items):
            raise ValueError("a source must be a non-empty text or list of texts")
        return v

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else self.source


@dataclass(frozen=True)
class ParamItem:
    """A parameter with its dotted path (its name) and its domain."""

    path: str
    param: Param
    domain: Domain


@dataclass(frozen=True)
class Build:
    """What a kind needs to build its table for N parameter draws.

    ``column(path)`` is the ``(N,)`` row of draws of one parameter; ``marginal(node)`` the
    ``(card, N)`` population shares of a root node (for normalised relative factors).
    ``fixed`` names nodes known to be in one state (hard answers shared by every evidence
    set): a kind may then give the table only that state's slice on their axis (size 1),
    which the engine reads as already sliced; a kind may also ignore it.
    """

    spec: NetworkSpec
    node_id: str
    n: int
    column: Callable[[str], FloatArray]
    marginal: Callable[[str], FloatArray]
    fixed: Mapping[str, int] = field(default_factory=dict)

    @property
    def node(self) -> NodeSpec:
        return self.spec.nodes[self.node_id]

    def card(self, node_id: str) -> int:
        return len(self.spec.nodes[node_id].states)

    def size(self, node_id: str) -> int:
        """The axis length of ``node_id`` in a table built with :attr:`fixed`."""
        return 1 if node_id in self.fixed else self.card(node_id)

    def keep(self, node_id: str) -> slice | list[int]:
        """Index selecting the states kept on ``node_id``'s axis."""
        k = self.fixed.get(node_id)
        return slice(None) if k is None else [k]


def fail(source: str, field: str, value: object, allowed: str) -> PriorsError:
    """The one error type a priors check raises."""
    return PriorsError(source, field, value, allowed)


def state_keys(
    source: str, path: str, keys: Mapping[str, object], states: tuple[str, ...], exact: bool
) -> None:
    """Every key is a state of the node; with ``exact`` every state has a key."""
    for k in keys:
        if k not in states:
            raise fail(source, f"{path}.{k}", k, f"expected one of the states {', '.join(states)}")
    if exact and set(keys) != set(states):
        missing = [s for s in states if s not in keys]
        raise fail(
            source, path, sorted(keys), f"expected an entry for every state; missing {missing}"
        )


def check_binary(spec: NetworkSpec, node_id: str, state: str, kind: str, source: str) -> None:
    """A yes/no kind's node has two states, and ``state`` (the one it writes P of) is one."""
    path = f"nodes.{node_id}"
    states = spec.nodes[node_id].states
    if len(states) != 2:
        raise fail(source, f"{path}.states", list(states), f"a {kind} node has exactly two states")
    if state not in states:
        raise fail(
            source, f"{path}.distribution.state", state, f"expected one of {', '.join(states)}"
        )


def binary(p_state: FloatArray, state_index: int) -> FloatArray:
    """Stack P(state) and its complement on a new leading axis (the node's own axis)."""
    out = np.empty((2, *p_state.shape))
    out[state_index] = p_state
    np.subtract(1.0, p_state, out=out[1 - state_index])
    return out


class Kind(BaseModel):
    """Interface of a distribution kind (subclasses add their schema fields)."""

    model_config = FROZEN

    def parent_ids(self) -> tuple[str, ...]:
        """Parents, in the order of the table's parent axes."""
        return ()

    def parameters(self, base: str) -> list[ParamItem]:
        """Every parameter with its dotted path under ``base``."""
        raise NotImplementedError

    def check(self, spec: NetworkSpec, node_id: str, source: str) -> None:
        """Checks pydantic cannot express: state names, parents' states, arity."""

    def table(self, b: Build) -> FloatArray:
        """Probability table ``(card, *parent cards, N)`` for N parameter draws."""
        raise NotImplementedError

    def leaning_state(self, node: NodeSpec) -> str | None:
        """The state a "not sure" answer leans to (``None``: "not sure" is not offered)."""
        return None

    def describe(self, spec: NetworkSpec, node_id: str, rest: list[str]) -> str:
        """Words for a parameter: ``rest`` is its path below ``distribution``."""
        return " ".join(rest).replace("_", " ")

    def present_states(
        self, side: dict[str, frozenset[str]], states: tuple[str, ...]
    ) -> frozenset[str] | None:
        """States possible only with the query present, when this node's parents decide
        that (``side`` maps query-determined nodes to such states); None otherwise."""
        return None
