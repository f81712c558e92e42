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
from alsodds.inference import (
    NOT_SURE,
    Answer,
    Model,
    parse_answers,
    posterior_and_evidence,
)
from alsodds.spec import NetworkSpec, default_priors_path, spec_from_data
from alsodds.tables import FloatArray, ParameterSet, Structure

#: Relative tolerance for "never lowers" / "never raises" and for engine agreement.
RTOL = 1e-12
#: Absolute floor for comparing posteriors: below the smallest normal double a value keeps
#: fewer than 52 significant bits (a posterior of 1e-313 has about 16), so relative
#: agreement there is not defined; differences smaller than this count as equal.
FLOOR = float(np.finfo(np.float64).tiny)


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
    """Bundled priors with ranges pushed to extremes the validator still accepts.

    * the incidence term may go down to 5e-5 per 100,000 (a base rate below 1e-9), and every
      competing condition's prevalence down to 1e-9;
    * leaks may go down to 0 (but not up to 1, which would make an answer impossible);
    * every cause strength of a ``depends`` node, and of a node whose certified sign holds
      for any strengths (a gated noisy-OR), spans [0, 1], except strengths fixed at 1 by
      definition;
    * a stage's onset share and monthly rate span [0, 1] (its certificate holds for any).

    Searched signs are not proved for such a box, so the widened properties check the
    certified signs only.
    """
    data = copy.deepcopy(base) if base is not None else bundled_data()
    query = data["query"]["node"]
    terms = data["nodes"][query]["distribution"]["terms"]
    terms["incidence"]["low"] = 5e-5
    for node in data["nodes"].values():
        d = node["distribution"]
        free = node.get("sign") == "depends" or (
            node.get("sign") in ("+", "-") and "gate" in d and node.get("sign_check") != "searched"
        )
        if d["kind"] == "noisy_or":
            d["leak"]["low"] = 0.0
            if not free:
                continue
            for strength in d["causes"].values():
                for p in strength.values() if "value" not in strength else [strength]:
                    # a strength fixed at 1 is a definition (it carries a certificate)
                    if p["low"] < 1.0:
                        p["low"], p["high"] = 0.0, 1.0
        elif d["kind"] == "stage":
            for name in ("at_onset", "monthly_rate"):
                d[name]["low"], d[name]["high"] = 0.0, 1.0
        elif d["kind"] == "rate" and node.get("role") == "latent":
            for t in d["terms"].values():
                t["low"] = 1e-9
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
    dtype: Any = np.longdouble,
) -> Any:
    """Vectorised enumeration over every configuration of the nodes that have children (and
    the query), with each childless node's states summed per configuration; all draws at
    once. Returns ``(N, card(query))`` in ``dtype``: extended precision by default, whose
    range (down to ~1e-4951 on x86) keeps products of subnormal likelihoods exact enough
    to judge the engine by.
    """
    has_child = {p for n in structure.nodes for p in structure.parents[n]}
    inner = [n for n in structure.nodes if n in has_child or n == query]
    axis = {n: i for i, n in enumerate(inner)}
    n_draws = max(t.shape[0] for t in tables.values())
    grid = np.ones([n_draws] + [structure.card(n) for n in inner], dtype=dtype)
    for n in structure.nodes:
        t = np.asarray(tables[n], dtype=dtype)
        scope = _table_entry_axes(structure, n)
        if n in axis:
            if n in evidence:
                row = np.asarray(evidence[n], dtype=dtype)
                t = t * row.reshape((1, -1) + (1,) * (t.ndim - 2))
            grid = grid * _aligned(t, [axis[a] for a in scope], len(inner), 1)
        else:
            row = np.asarray(evidence.get(n, np.ones(structure.card(n))), dtype=dtype)
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


def signed_nodes(spec: NetworkSpec, methods: Sequence[str] | None = None) -> tuple[str, ...]:
    """Answerable nodes that declare '+' or '-' (optionally only those certified/searched)."""
    return tuple(
        n
        for n in spec.answerable
        if spec.nodes[n].sign in ("+", "-")
        and (methods is None or spec.nodes[n].sign_check in methods)
    )


def comparisons(spec: NetworkSpec, node: str) -> list[tuple[str, str | None]]:
    """(favoured, other) state pairs a sign promises: for an ordinal node each state against
    the one before it (for '+' the later is favoured, for '-' the earlier); otherwise the
    sign state against unanswered (None), each other state and "not sure"."""
    n = spec.nodes[node]
    if n.ordinal:
        pairs = list(itertools.pairwise(n.states))
        return [(b, a) if n.sign == "+" else (a, b) for a, b in pairs]
    assert n.sign_state is not None
    out: list[tuple[str, str | None]] = [(n.sign_state, None)]
    out += [(n.sign_state, s) for s in n.states if s != n.sign_state]
    if not_sure_allowed(spec, node):
        out.append((n.sign_state, NOT_SURE))
    return out


def alternatives(spec: NetworkSpec, node: str) -> list[str | None]:
    """What the sign state is compared with: unanswered (None), each other state, not sure."""
    return [other for _, other in comparisons(spec, node)]


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

    For a signed node X (its own answer removed from the context, and the answers its sign
    is declared under, ``sign_given``, put in), P(query | X = favoured state) must be at
    least (the favoured state is "more ALS-like") P(query) with X in the compared state: for
    a yes/no node unanswered, the other state and "not sure"; for an ordinal node each
    neighbouring state. A NaN posterior for evidence of positive probability counts as a
    violation; evidence the priors make impossible is skipped.
    """
    spec = model.spec
    nodes = signed_nodes(spec) if nodes is None else tuple(nodes)
    sets: list[dict[str, Answer]] = []
    index: list[tuple[int, str, str, str | None, int, int]] = []
    for c, ctx in enumerate(contexts):
        for node in nodes:
            given = {k: Answer(k, state=v) for k, v in spec.nodes[node].sign_given.items()}
            rest = {n: a for n, a in ctx.items() if n != node and n not in given} | given
            for favoured, alt in comparisons(spec, node):
                k_fav = len(sets)
                sets.append({**rest, node: Answer(node, state=favoured)})
                k_alt = len(sets)
                sets.append(rest if alt is None else {**rest, node: Answer(node, state=alt)})
                index.append((c, node, favoured, alt, k_fav, k_alt))
    if not sets:
        return []
    # Posteriors and log P(e) straight from the engine: an absolute joint can underflow.
    pair, log_evidence = posterior_and_evidence(model, sets, theta)
    post = pair[:, :, 1]
    possible = log_evidence > -np.inf
    out: list[Violation] = []
    for c, node, favoured, alt, k_fav, k_alt in index:
        sign = spec.nodes[node].sign
        p_s, p_o = post[:, k_fav], post[:, k_alt]
        # "favoured" is the ALS-like side of the comparison for '+', the less ALS-like for '-'
        # on a yes/no node; on an ordinal node the pairs are already oriented.
        up = sign == "+" or spec.nodes[node].ordinal
        slack = rtol * np.abs(p_o) + FLOOR
        ok = p_s >= p_o - slack if up else p_s <= p_o + slack
        ok |= ~possible[:, k_fav] | ~possible[:, k_alt]
        for z in np.flatnonzero(~ok):
            out.append(
                Violation(
                    node,
                    f"{sign} ({favoured})",
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
