"""Test oracles and helpers: brute-force enumeration of the joint, likelihoods rebuilt from
the documented answer semantics, spec copies, and the sign checker.

The brute-force functions never touch the engine: they multiply table entries for every
configuration of the network and add them up. The sign checker deliberately asks the
batched engine (it is what the monotonicity properties check).
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml

from alsodds.errors import EvidenceError
from alsodds.inference import NOT_SURE, Answer, Model, joint_matrix, parse_answers
from alsodds.spec import NetworkSpec, default_priors_path, spec_from_data
from alsodds.tables import FloatArray, ParameterSet, Structure

#: Relative tolerance for "never lowers" / "never raises" and for engine agreement.
RTOL = 1e-12


# --------------------------------------------------------------------------- priors as data
def bundled_data() -> dict[str, Any]:
    """The bundled priors file as plain parsed YAML (a fresh, mutable copy)."""
    data = yaml.safe_load(default_priors_path().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def param_slot(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The mapping holding ``value/low/high/source`` for a ParameterSet name."""
    node: Any = data
    for part in name.split("."):
        node = node[part]
    assert isinstance(node, dict) and "value" in node, name
    return node


def spec_with_values(spec: NetworkSpec, theta_row: Sequence[float]) -> NetworkSpec:
    """A validated copy of ``spec`` whose parameter values are ``theta_row`` (ranges kept)."""
    ps = ParameterSet.from_spec(spec)
    data = spec.model_dump()
    for name, v in zip(ps.names, theta_row, strict=True):
        param_slot(data, name)["value"] = float(v)
    return spec_from_data(data, "<theta>")


def widened_data(base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Bundled priors with every range pushed to the extremes the schema still accepts.

    * the incidence term may go down to 1e-4 per 100,000 (a base rate near 1e-9);
    * every cause strength of a ``depends`` node spans [0, 1]; for a signed noisy-OR node the
      query's strength spans [low, 1] and every other cause [0, high] (this only makes the
      sign condition easier, so it still holds over the whole box); a signed conditional
      child of the query is widened the same way (its favoured column up to 1, the others
      down to 0);
    * leaks may go down to 0 (but not up to 1, which would make an answer impossible).
    """
    data = copy.deepcopy(base) if base is not None else bundled_data()
    query = data["query"]["node"]
    terms = data["nodes"][query]["distribution"]["terms"]
    terms["incidence"]["low"] = 1e-4
    query_state = data["query"]["state"]
    for node in data["nodes"].values():
        d = node["distribution"]
        signed = node.get("sign") in ("+", "-")
        if d["kind"] == "noisy_or":
            d["leak"]["low"] = 0.0
            for cause, p in d["causes"].items():
                if not signed:
                    p["low"], p["high"] = 0.0, 1.0
                elif cause == query:
                    p["high"] = 1.0
                else:
                    p["low"] = 0.0
        elif d["kind"] == "conditional" and d["parent"] == query:
            # P(state | query state) may go to 0 or 1 on the side the sign allows
            up = (node.get("sign") == "+") == (node.get("sign_state") == d["state"])
            for parent_state, p in d["given"].items():
                if not signed:
                    p["low"], p["high"] = 0.0, 1.0
                elif (parent_state == query_state) == up:
                    p["high"] = 1.0
                else:
                    p["low"] = 0.0
    return data


# --------------------------------------------------------------------------- answers
def likelihood_vector(spec: NetworkSpec, answer: Answer, ratio: float) -> FloatArray:
    """The evidence likelihood of one parsed answer, from the documented semantics.

    A hard state is a one-hot row; ``not_sure`` is a row of ones with ``ratio`` at the
    node's own distribution state (the state its causes produce); an explicit likelihood
    is used divided by its largest entry (the same evidence, whatever its scale).
    """
    node = spec.nodes[answer.node]
    card = len(node.states)
    if answer.likelihood is not None:
        # only ratios matter; scaling by the largest keeps tiny or huge inputs representable
        row = np.asarray(answer.likelihood, dtype=np.float64)
        return row / row.max()
    if answer.state == NOT_SURE:
        # the state the node's own distribution is written for (noisy-OR / bernoulli /
        # conditional ``state``): what its causes produce
        state = getattr(node.distribution, "state", None)
        assert isinstance(state, str), answer.node
        row = np.ones(card)
        row[node.states.index(state)] = ratio
        return row
    assert answer.state is not None
    row = np.zeros(card)
    row[node.states.index(answer.state)] = 1.0
    return row


def evidence_vectors(
    model: Model, answers: Mapping[str, Answer], theta_row: FloatArray
) -> dict[str, FloatArray]:
    ratio = float(theta_row[model.params.index["soft_evidence.not_sure_ratio"]])
    return {n: likelihood_vector(model.spec, a, ratio) for n, a in answers.items()}


# --------------------------------------------------------------------------- brute force
def _table_entry_axes(structure: Structure, node: str) -> tuple[str, ...]:
    return (node, *structure.parents[node])


def joint_by_enumeration(
    structure: Structure,
    tables: Mapping[str, FloatArray],
    query: str,
    evidence: Mapping[str, FloatArray],
    draw: int = 0,
    sum_leaves: bool = True,
) -> FloatArray:
    """``P(query = q, evidence)`` by looping over configurations with ``itertools.product``.

    Every configuration's weight is the product of one entry of every table times the
    evidence likelihood of its states. With ``sum_leaves`` the states of childless nodes
    (other than the query) are summed inside each configuration of the rest (the same
    sum, written with the distributive law, so the ALS network stays a few thousand
    configurations instead of millions).
    """
    has_child = {p for n in structure.nodes for p in structure.parents[n]}
    if sum_leaves:
        inner = [n for n in structure.nodes if n in has_child or n == query]
    else:
        inner = list(structure.nodes)
    leaves = [n for n in structure.nodes if n not in inner]
    lik = {
        n: np.asarray(evidence[n], dtype=np.float64)
        if n in evidence
        else np.ones(structure.card(n))
        for n in structure.nodes
    }
    tab = {n: np.asarray(tables[n][draw], dtype=np.float64) for n in structure.nodes}
    out = np.zeros(structure.card(query))
    for config in itertools.product(*(range(structure.card(n)) for n in inner)):
        x = dict(zip(inner, config, strict=True))
        w = 1.0
        for n in inner:
            w *= float(tab[n][tuple(x[a] for a in _table_entry_axes(structure, n))])
            w *= float(lik[n][x[n]])
        if w == 0.0:
            continue
        for leaf in leaves:
            column = tab[leaf][(slice(None), *(x[p] for p in structure.parents[leaf]))]
            w *= float(column @ lik[leaf])
        out[x[query]] += w
    return out


def _aligned(table: FloatArray, axes: Sequence[int], ndim: int, lead: int) -> FloatArray:
    """Put a factor whose axes (after ``lead`` leading axes) are ``axes`` into an ndim grid."""
    order = np.argsort(axes)
    moved = np.transpose(table, (*range(lead), *(lead + int(i) for i in order)))
    shape = list(moved.shape[:lead]) + [1] * ndim
    for i in order:
        shape[lead + axes[i]] = table.shape[lead + int(i)]
    return moved.reshape(shape)


def joint_by_full_tensor(
    structure: Structure,
    tables: Mapping[str, FloatArray],
    query: str,
    evidence_sets: Sequence[Mapping[str, FloatArray]],
    draw: int = 0,
) -> FloatArray:
    """Materialise the whole joint (one entry per configuration of every node) and sum it.

    For the ALS network this is 12.6 million configurations; returns ``(E, card(query))``.
    """
    nodes = list(structure.nodes)
    axis = {n: i for i, n in enumerate(nodes)}
    joint = np.ones([structure.card(n) for n in nodes])
    for n in nodes:
        axes = [axis[a] for a in _table_entry_axes(structure, n)]
        joint *= _aligned(np.asarray(tables[n][draw]), axes, len(nodes), 0)
    out = []
    for ev in evidence_sets:
        operands: list[Any] = [joint, list(range(len(nodes)))]
        for n, row in ev.items():
            operands += [np.asarray(row, dtype=np.float64), [axis[n]]]
        operands.append([axis[query]])
        out.append(np.einsum(*operands))
    return np.array(out)


def joint_by_core_enumeration(
    structure: Structure,
    tables: Mapping[str, FloatArray],
    query: str,
    evidence: Mapping[str, FloatArray],
) -> FloatArray:
    """Vectorised enumeration over every configuration of the nodes that have children (and
    the query), with each childless node's states summed per configuration; all draws at
    once. Returns ``(N, card(query))``.
    """
    has_child = {p for n in structure.nodes for p in structure.parents[n]}
    inner = [n for n in structure.nodes if n in has_child or n == query]
    axis = {n: i for i, n in enumerate(inner)}
    n_draws = max(t.shape[0] for t in tables.values())
    grid = np.ones([n_draws] + [structure.card(n) for n in inner])
    for n in structure.nodes:
        t = np.asarray(tables[n], dtype=np.float64)
        scope = _table_entry_axes(structure, n)
        if n in axis:
            if n in evidence:
                row = np.asarray(evidence[n], dtype=np.float64)
                t = t * row.reshape((1, -1) + (1,) * (t.ndim - 2))
            grid = grid * _aligned(t, [axis[a] for a in scope], len(inner), 1)
        else:
            row = np.asarray(evidence.get(n, np.ones(structure.card(n))), dtype=np.float64)
            leaf = np.einsum("zx...,x->z...", t, row)
            grid = grid * _aligned(leaf, [axis[a] for a in scope[1:]], len(inner), 1)
    keep = 1 + axis[query]
    return grid.sum(axis=tuple(a for a in range(1, grid.ndim) if a != keep))


def posterior_from_joint(joint: FloatArray, index: int) -> FloatArray:
    j = np.asarray(joint, dtype=np.float64)
    return j[..., index] / j.sum(axis=-1)


def rel_close(a: float, b: float, rtol: float = RTOL) -> bool:
    return abs(a - b) <= rtol * max(abs(a), abs(b))


# --------------------------------------------------------------------------- signs
@dataclass(frozen=True)
class Violation:
    """A declared sign broken: ``node`` in ``state`` vs the same context with ``other``."""

    node: str
    sign: str
    context: dict[str, str]
    other: str
    p_sign_state: float
    p_other: float
    draw: int


def signed_nodes(spec: NetworkSpec) -> tuple[str, ...]:
    """Answerable nodes that declare '+' or '-'."""
    return tuple(n for n in spec.answerable if spec.nodes[n].sign in ("+", "-"))


def alternatives(spec: NetworkSpec, node: str) -> list[str | None]:
    """What the sign state is compared with: unanswered (None), each other state, not sure."""
    n = spec.nodes[node]
    out: list[str | None] = [None, *(s for s in n.states if s != n.sign_state)]
    if not_sure_allowed(spec, node):
        out.append(NOT_SURE)
    return out


def not_sure_allowed(spec: NetworkSpec, node: str) -> bool:
    try:
        parse_answers(spec, {node: NOT_SURE})
    except EvidenceError:
        return False
    return True


def describe(context: Mapping[str, Answer]) -> dict[str, str]:
    return {
        n: (a.state if a.state is not None else f"soft{list(a.likelihood or ())}")
        for n, a in context.items()
    }


def find_sign_violations(
    model: Model,
    theta: FloatArray,
    contexts: Sequence[Mapping[str, Answer]],
    nodes: Sequence[str] | None = None,
    rtol: float = RTOL,
) -> list[Violation]:
    """Check every declared sign in every context, for every draw, in one batched call.

    For a signed node X (its own answer removed from the context), P(query | X = sign
    state) must be >= (for '+') or <= (for '-') P(query) with X unanswered, with X in each
    other state, and with X answered "not sure". A NaN posterior for evidence of positive
    probability counts as a violation; evidence the priors make impossible is skipped.
    """
    spec = model.spec
    nodes = signed_nodes(spec) if nodes is None else tuple(nodes)
    sets: list[dict[str, Answer]] = []
    index: list[tuple[int, str, str | None, int, int]] = []
    for c, ctx in enumerate(contexts):
        for node in nodes:
            rest = {n: a for n, a in ctx.items() if n != node}
            sign_state = spec.nodes[node].sign_state
            assert sign_state is not None
            k_sign = len(sets)
            sets.append({**rest, node: Answer(node, state=sign_state)})
            for alt in alternatives(spec, node):
                k_alt = len(sets)
                sets.append(rest if alt is None else {**rest, node: Answer(node, state=alt)})
                index.append((c, node, alt, k_sign, k_alt))
    if not sets:
        return []
    joint = joint_matrix(model, sets, theta)
    evidence_prob = joint.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        post = joint[:, :, 1] / evidence_prob
    out: list[Violation] = []
    for c, node, alt, k_sign, k_alt in index:
        sign = spec.nodes[node].sign
        p_s, p_o = post[:, k_sign], post[:, k_alt]
        ok = p_s >= p_o - rtol * np.abs(p_o) if sign == "+" else p_s <= p_o + rtol * np.abs(p_o)
        # An answer the priors make impossible has no posterior to compare (P(e) = 0).
        ok |= (evidence_prob[:, k_sign] == 0.0) | (evidence_prob[:, k_alt] == 0.0)
        for z in np.flatnonzero(~ok):
            out.append(
                Violation(
                    node,
                    str(sign),
                    describe({n: a for n, a in contexts[c].items() if n != node}),
                    "unanswered" if alt is None else alt,
                    float(p_s[z]),
                    float(p_o[z]),
                    int(z),
                )
            )
    return out


def parse(model: Model, answers: Mapping[str, Any]) -> dict[str, Answer]:
    return parse_answers(model.spec, answers)
