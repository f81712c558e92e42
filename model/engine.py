"""Batched exact inference: one tensor contraction for many parameter draws and evidence sets.

Every table carries a leading draw axis ``z`` (size N, or 1 to broadcast) and every
evidence likelihood a leading evidence-set axis ``e`` (size E). Summing the product of all
tables and likelihoods over every other variable gives the unnormalised joint
``P(query = q, evidence_e | draw_z)`` exactly; nothing is sampled. Nodes that are neither
ancestors of the query nor of an observed node sum to one and are dropped first; the rest
are summed out one at a time (variable elimination, greedy min-size order), each step one
``numpy.einsum`` over the factors that hold the variable, with the draw and evidence axes
carried along. The plan is computed once per graph shape and cached.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache

import numpy as np
import opt_einsum as oe

from alsodds.errors import RequestError
from alsodds.tables import FloatArray, Structure

#: Draws per chunk when streaming; bounded memory whatever the total.
DEFAULT_CHUNK = 25_000


def scale_free(likelihood: FloatArray) -> FloatArray:
    """Each likelihood row divided by its largest entry (all-zero rows left as they are).

    A likelihood only matters up to a constant per row; rescaling keeps tiny (subnormal)
    soft-evidence values from losing precision in the products. The joint the engine
    returns is therefore the joint under these rescaled likelihoods.
    """
    top = likelihood.max(axis=-1, keepdims=True)
    out: FloatArray = np.divide(likelihood, top, out=likelihood.copy(), where=top > 0)
    return out


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


Plan = tuple[tuple[tuple[int, ...], str], ...]
_DRAW, _SET = "<draw>", "<set>"


@lru_cache(maxsize=512)
def _plan(
    scopes: tuple[tuple[str, ...], ...], cards: tuple[tuple[str, int], ...], query: str
) -> tuple[Plan, str]:
    """Variable-elimination plan: which factors to multiply at each step, as einsum strings.

    Greedy min-size order: eliminate next the variable whose combined factor is smallest.
    The draw and evidence-set axes are labels that are never summed and always come last,
    so the long batch axes are the innermost loops of every contraction.
    """
    card = dict(cards)
    labels = [*card, _DRAW, _SET]
    symbol = {v: oe.get_symbol(i) for i, v in enumerate(labels)}

    def ordered(vars_: set[str]) -> tuple[str, ...]:
        return tuple(sorted(vars_, key=labels.index))

    live: dict[int, tuple[str, ...]] = dict(enumerate(scopes))
    next_id = len(scopes)
    steps: list[tuple[tuple[int, ...], str]] = []
    remaining = {v for sc in scopes for v in sc} - {query, _DRAW, _SET}

    def cost(v: str) -> int:
        union = {u for sc in live.values() if v in sc for u in sc} - {_DRAW, _SET}
        return int(np.prod([card[u] for u in union]))

    def term(vars_: tuple[str, ...]) -> str:
        return "".join(symbol[u] for u in vars_)

    while remaining:
        v = min(sorted(remaining), key=cost)
        ids = tuple(i for i, sc in live.items() if v in sc)
        out = ordered({u for i in ids for u in live[i]} - {v})
        steps.append((ids, ",".join(term(live[i]) for i in ids) + "->" + term(out)))
        for i in ids:
            del live[i]
        live[next_id] = out
        next_id += 1
        remaining.discard(v)
    final = ",".join(term(sc) for sc in live.values()) + "->" + term((query, _DRAW, _SET))
    return tuple(steps), final


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
        node -> ``(N, card, *parent_cards)``; N is the same for every table (1 for a
        single model).
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
    scopes: list[tuple[str, ...]] = []
    operands: list[FloatArray] = []
    for node in keep:
        scopes.append((node, *structure.parents[node], _DRAW))
        operands.append(np.moveaxis(tables[node], 0, -1))
    for node, lik in evidence.items():
        arr = scale_free(np.asarray(lik, dtype=np.float64))
        if arr.ndim == 3:
            scopes.append((node, _DRAW, _SET))
            operands.append(np.moveaxis(arr, 2, 0))
        else:
            scopes.append((node, _SET))
            operands.append(arr.T)
    if not evidence:
        scopes.append((_SET,))
        operands.append(np.ones(1))
    cards = tuple((n, structure.card(n)) for n in keep)
    steps, final = _plan(tuple(scopes), cards, query)
    factors = dict(enumerate(operands))
    next_id = len(operands)
    for ids, equation in steps:
        factors[next_id] = np.einsum(equation, *(factors.pop(i) for i in ids))
        next_id += 1
    out: FloatArray = np.moveaxis(np.einsum(final, *factors.values()), 0, -1)
    assert out.shape[1] == n_sets
    return out


def chunks(total: int, size: int = DEFAULT_CHUNK) -> Iterator[slice]:
    """Slices covering ``range(total)`` in pieces of at most ``size``."""
    for start in range(0, total, size):
        yield slice(start, min(start + size, total))
