"""Batched exact inference: one tensor contraction for many parameter draws and evidence sets.

Every table carries a leading draw axis ``z`` (size N, or 1 to broadcast) and every
evidence likelihood a leading evidence-set axis ``e`` (size E). Summing the product of all
tables and likelihoods over every other variable gives the unnormalised joint
``P(query = q, evidence_e | draw_z)`` exactly; nothing is sampled. Nodes that are neither
ancestors of the query nor of an observed node sum to one and are dropped first.
The contraction order is found once per shape by opt_einsum and cached.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import opt_einsum as oe

from model.errors import RequestError
from model.tables import FloatArray, Structure

#: Draws per chunk when streaming; bounded memory whatever the total.
DEFAULT_CHUNK = 25_000


def ancestral_set(structure: Structure, targets: set[str]) -> tuple[str, ...]:
    """``targets`` and all their ancestors, in the structure's order."""
    keep = set(targets)
    frontier = list(targets)
    while frontier:
        node = frontier.pop()
        for parent in structure.parents[node]:
            if parent not in keep:
                keep.add(parent)
                frontier.append(parent)
    return tuple(n for n in structure.nodes if n in keep)


@lru_cache(maxsize=256)
def _expression(equation: str, shapes: tuple[tuple[int, ...], ...]) -> Any:
    return oe.contract_expression(equation, *shapes, optimize="auto")


def joint(
    structure: Structure,
    tables: Mapping[str, FloatArray],
    query: str,
    evidence: Mapping[str, FloatArray],
) -> FloatArray:
    """Unnormalised joint of the query with each evidence set, for each draw.

    Parameters
    ----------
    structure
        The graph.
    tables
        node -> ``(N, card, *parent_cards)``; N may be 1 for every table.
    query
        Node whose states index the last output axis.
    evidence
        node -> likelihood array ``(E, card)``: a one-hot row for a hard answer, a row of
        ones for "not answered in this set", any non-negative row for soft evidence.
        ``(N, E, card)`` gives each draw its own likelihood (soft evidence whose strength
        is itself a parameter).

    Returns
    -------
    ndarray
        ``(N, E, card(query))`` with entry ``P(query = q, evidence_e)`` for draw ``z``.
    """
    sizes = {np.shape(v)[-2] for v in evidence.values()}
    if len(sizes) > 1:
        raise RequestError("every evidence array must have the same number of rows")
    n_sets = sizes.pop() if sizes else 1
    keep = ancestral_set(structure, {query, *evidence})
    symbols = {node: oe.get_symbol(i + 2) for i, node in enumerate(keep)}
    batch, eset = oe.get_symbol(0), oe.get_symbol(1)
    terms: list[str] = []
    operands: list[FloatArray] = []
    for node in keep:
        t = tables[node]
        terms.append(batch + symbols[node] + "".join(symbols[p] for p in structure.parents[node]))
        operands.append(t)
    for node, lik in evidence.items():
        arr = np.asarray(lik, dtype=np.float64)
        terms.append((batch if arr.ndim == 3 else "") + eset + symbols[node])
        operands.append(arr)
    if not evidence:
        terms.append(eset)
        operands.append(np.ones(1))
    equation = ",".join(terms) + "->" + batch + eset + symbols[query]
    expr = _expression(equation, tuple(op.shape for op in operands))
    out: FloatArray = expr(*operands)
    assert out.shape[1] == n_sets
    return out


def chunks(total: int, size: int = DEFAULT_CHUNK) -> Iterator[slice]:
    """Slices covering ``range(total)`` in pieces of at most ``size``."""
    for start in range(0, total, size):
        yield slice(start, min(start + size, total))
