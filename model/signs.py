"""Sign certificates: which declared signs the priors guarantee over the whole box.

A declared ``+``/``-`` is *certified* when a sufficient condition owned by the node's kind
(or, for a root parent of the query, by the query's kind) holds at every point of the box
of declared ranges, for every context of other answers. A sign declared with
``sign_check: searched`` has no such condition available for its structure (for example a
finding that depends on the query through a latent onset form that competing causes also
reach); it is then checked by the property search and the exhaustive test instead, and the
model card says so. Everything else must be ``depends``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from alsodds.errors import PriorsError
from alsodds.kinds import NoisyOr, Rate, Stage, Table

if TYPE_CHECKING:
    from alsodds.spec import NetworkSpec, NodeSpec


@dataclass(frozen=True)
class SignProof:
    """How one declared sign is established."""

    node: str
    sign: str
    state: str | None
    method: str  # "certified", "searched" or "depends"
    detail: str


def query_side(spec: NetworkSpec) -> dict[str, frozenset[str]]:
    """Nodes whose states tell whether the query is present, and those "present" states.

    The query itself, and recursively any table child whose states split cleanly into
    states possible only with the query present and states possible only without it.
    """
    q = spec.query.node
    side: dict[str, frozenset[str]] = {q: frozenset({spec.query.state})}
    changed = True
    while changed:
        changed = False
        for node_id, node in spec.nodes.items():
            if node_id in side:
                continue
            states = node.distribution.present_states(side, node.states)
            if states is not None:
                side[node_id] = states
                changed = True
    return side


def prove(spec: NetworkSpec, node_id: str, node: NodeSpec, source: str) -> SignProof:
    """Certify the node's declared sign or raise a one-line :class:`PriorsError`."""
    if node.sign in (None, "depends"):
        return SignProof(node_id, node.sign or "", None, "depends", node.sign_note or "")
    if node.sign_check == "searched":
        return SignProof(node_id, node.sign, node.sign_state, "searched", node.sign_note or "")
    side = query_side(spec)
    d = node.distribution
    detail: str | None = None
    try:
        if isinstance(d, NoisyOr) and node.sign_state is not None:
            favours_state = node.sign_state if node.sign == "+" else _other(node, node.sign_state)
            detail = d.certify(spec, node_id, favours_state, side)
        elif node.ordinal and node.sign_given:
            stages = [
                (c, cd)
                for c in spec.children(node_id)
                if isinstance(cd := spec.nodes[c].distribution, Stage) and cd.clock == node_id
            ]
            if stages:
                stage_id, stage = stages[0]
                detail = stage.certify_clock(spec, stage_id, node.sign, dict(node.sign_given), side)
        elif isinstance(d, Table) and (node.ordinal or len(node.states) == 2):
            # A binary node is ordered with its sign state last: "+" on the first state is
            # "-" on moving to the second.
            sign = node.sign
            if not node.ordinal and node.sign_state == node.states[0]:
                sign = "+" if sign == "-" else "-"
            detail = d.certify_order(spec, node_id, sign, side)
        else:
            qd = spec.nodes[spec.query.node].distribution
            if isinstance(qd, Rate) and node_id in qd.relative and node.sign_state is not None:
                detail = qd.certify_parent(spec, node_id, node.sign, node.sign_state)
    except PriorsError as exc:
        raise PriorsError(source, exc.field, exc.value, exc.allowed) from None
    if detail is None:
        raise PriorsError(
            source,
            f"nodes.{node_id}.sign",
            node.sign,
            "no sufficient condition certifies a '+'/'-' sign for this structure; declare "
            "'depends', or 'sign_check: searched' with a sign_note saying why",
        )
    return SignProof(node_id, node.sign, node.sign_state, "certified", detail)


def _other(node: NodeSpec, state: str) -> str:
    return next(s for s in node.states if s != state)


def proofs(spec: NetworkSpec) -> tuple[SignProof, ...]:
    """How every answerable node's sign is established (for the model card and the CLI)."""
    return tuple(
        prove(spec, n, node, "<spec>") for n, node in spec.nodes.items() if node.answerable
    )
