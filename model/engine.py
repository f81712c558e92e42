"""Batched exact inference: tensor contractions for many parameter draws and evidence sets.

Every table carries a leading draw axis (size N, or 1 to broadcast) and every evidence
likelihood a leading evidence-set axis (size E). Summing the product of all tables and
likelihoods over every other variable gives ``P(query = q, evidence_e | draw_z)`` exactly;
nothing is sampled.

How a call is evaluated:

- Nodes that are neither the query nor an ancestor of an observed node sum to one and are
  dropped. A hard answer shared by every set is sliced into the tables (the variable
  disappears) instead of being multiplied in as a one-hot row; a soft row shared by every set
  is multiplied in without the set axis.
- Sets whose answered nodes differ (the full answers against the background alone, say) are
  evaluated as separate groups when that costs less than one contraction over all sets.
- Variables are summed out one at a time in min-fill order (or min-weight, whichever plan
  does less work): each step is one ``numpy.einsum`` over the factors that hold the variable,
  with integer labels renumbered per step, so a network may have any number of variables.
  The draw and set axes are always the last two, the innermost loops.
- A soft row with an entry below 2^-64 is multiplied into its node's own table before any
  contraction (and that factor rescaled as below), so a row whose entries span hundreds of
  orders of magnitude meets the probabilities it weights once, in range. Other rows stay
  separate factors, which is cheaper when they vary across sets.
- A factor (input or intermediate) whose largest entry falls below 2^-64 for some draw and
  set is divided by a power of two (exact) and the exponent is kept; the result is the
  posterior together with ``log P(evidence)``, so no product of likelihoods underflows. A
  factor that holds the query keeps one exponent per query state, so a state far less likely
  than the other (1e-300 against 1) keeps its digits too; a slice that still comes out
  subnormal (its factors peak at different states) is computed again scaled up by 2^960.
- Draws and sets are processed in chunks sized so that the plan's largest intermediate stays
  within a memory budget.

:func:`subset_log_joint` answers a different question in one pass: the posterior for a set
of base answers plus every subset of some further answers (what exact Shapley values need),
with one two-state switch variable per further answer kept in the output.

Likelihood rows matter only up to a constant each: every row is taken with its largest
entry scaled to 1, and the joint is the joint under those rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from alsodds.errors import EvidenceError, RequestError
from alsodds.tables import FloatArray, Structure

#: Most draws per chunk when a caller streams parameter samples (see :func:`table_chunk`).
DEFAULT_CHUNK = 25_000
#: Bytes the largest intermediate of one chunk may take.
DEFAULT_BUDGET = 64 * 2**20
#: An intermediate whose largest entry drops below this is rescaled (see module notes).
_RESCALE_BELOW = 2.0**-64
#: A slice whose peak comes out subnormal is computed again scaled up by 2^_LIFT.
_LIFT = 960
#: Below this a double keeps fewer than 53 bits.
_SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)
#: A subset this far below the likeliest in :func:`subset_log_joint` is computed on its own.
_ONE_BY_ONE_BELOW = 2.0**-900
#: numpy.einsum accepts sublist labels 0..51; two are the draw and set axes.
_MAX_STEP_VARIABLES = 50
#: Cost of one einsum call, in multiply-adds, when deciding whether to split sets into groups.
_STEP_OVERHEAD = 20_000
#: Below this many multiply-adds for all sets at once, splitting them is not considered.
_SPLIT_WORTH = 4_000_000
#: Beyond this many distinct answered-node patterns the sets are never split.
_MAX_GROUPS = 32

OnImpossible = Literal["raise", "zero"]
IntArray = NDArray[np.intp]


def scale_free(likelihood: FloatArray) -> FloatArray:
    """Each likelihood row divided by its largest entry (all-zero rows left as they are).

    Returns the input itself when every row already peaks at 1.
    """
    top = likelihood.max(axis=-1, keepdims=True)
    if np.all(top == 1.0):
        return likelihood
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


# --------------------------------------------------------------------------- plans
#: A factor's shape: its variables (as integers), and whether it has the draw / set axis.
Scope = tuple[tuple[int, ...], bool, bool]


@dataclass(frozen=True)
class Step:
    """One einsum: the factors it consumes, their renumbered labels, the factor it makes."""

    operands: tuple[int, ...]
    sublists: tuple[tuple[int, ...], ...]
    output: tuple[int, ...]
    scope: Scope
    entries: int  # output entries per draw and set
    work: int  # multiply-adds per draw and set (all union entries, once per operand)
    inputs: tuple[tuple[int, bool, bool], ...]  # each operand's entries, draw axis, set axis
    query_axis: int | None  # where the first kept variable sits in the output, if it does


@dataclass(frozen=True)
class Plan:
    """An elimination plan for one graph shape; the last step leaves only the query axis."""

    order: tuple[int, ...]
    steps: tuple[Step, ...]

    def peak_entries(self, draws: int, sets: int) -> int:
        """Entries of the largest factor (input or intermediate) for a chunk of
        ``draws`` x ``sets``."""

        def size(entries: int, d: bool, s: bool) -> int:
            return entries * (draws if d else 1) * (sets if s else 1)

        return max(
            max(size(s.entries, s.scope[1], s.scope[2]), *(size(*i) for i in s.inputs))
            for s in self.steps
        )

    def work(self, draws: int, sets: int) -> int:
        """Multiply-adds for ``draws`` x ``sets`` (an upper bound: batch axes broadcast)."""
        return sum(
            s.work * (draws if s.scope[1] else 1) * (sets if s.scope[2] else 1) for s in self.steps
        )

    def moved_bytes(self, draws: int, sets: int) -> int:
        """Bytes each step must read (its operands) and write (its output), summed."""

        def size(entries: int, d: bool, s: bool) -> int:
            return entries * (draws if d else 1) * (sets if s else 1)

        return 8 * sum(
            size(s.entries, s.scope[1], s.scope[2]) + sum(size(*i) for i in s.inputs)
            for s in self.steps
        )


def _elimination_order(
    scopes: Sequence[tuple[int, ...]], cards: Sequence[int], keep: tuple[int, ...], fill: bool
) -> tuple[int, ...]:
    """Greedy order on the interaction graph: fewest fill-in edges (``fill``) or smallest
    clique weight first, the other criterion breaking ties; never eliminates ``keep``."""
    adj: dict[int, set[int]] = {}
    for sc in scopes:
        for u in sc:
            adj.setdefault(u, set()).update(x for x in sc if x != u)
    remaining = set(adj) - set(keep)
    order: list[int] = []
    cache: dict[int, tuple[int, int, int]] = {}

    def score(v: int) -> tuple[int, int, int]:
        if v not in cache:
            nbrs = list(adj[v])
            weight = math.prod(cards[u] for u in nbrs) * cards[v]
            fills = sum(1 for i, a in enumerate(nbrs) for b in nbrs[i + 1 :] if b not in adj[a])
            cache[v] = (fills, weight, v) if fill else (weight, fills, v)
        return cache[v]

    while remaining:
        v = min(remaining, key=score)
        nbrs = adj.pop(v)
        # Scores change only around the new clique: its members and their neighbours.
        for a in nbrs:
            cache.pop(a, None)
            for b in adj[a]:
                cache.pop(b, None)
            adj[a].discard(v)
            adj[a].update(b for b in nbrs if b != a)
        remaining.discard(v)
        order.append(v)
    return tuple(order)


def _steps(
    scopes: Sequence[Scope], cards: Sequence[int], keep: tuple[int, ...], order: Sequence[int]
) -> tuple[Step, ...]:
    live: dict[int, Scope] = dict(enumerate(scopes))
    next_id = len(scopes)
    steps: list[Step] = []

    def make(ids: tuple[int, ...], out_vars: tuple[int, ...]) -> Step:
        union = sorted({u for i in ids for u in live[i][0]})
        if len(union) > _MAX_STEP_VARIABLES:
            raise RequestError(
                f"one elimination step joins {len(union)} variables; at most "
                f"{_MAX_STEP_VARIABLES} fit a single contraction"
            )
        label = {u: k for k, u in enumerate(union)}
        batch = (len(union), len(union) + 1)
        scope: Scope = (
            out_vars,
            any(live[i][1] for i in ids),
            any(live[i][2] for i in ids),
        )
        entries = math.prod(cards[u] for u in out_vars)
        return Step(
            operands=ids,
            sublists=tuple(tuple(label[u] for u in live[i][0]) + batch for i in ids),
            output=tuple(label[u] for u in out_vars) + batch,
            scope=scope,
            entries=entries,
            work=math.prod(cards[u] for u in union) * len(ids),
            inputs=tuple(
                (math.prod(cards[u] for u in live[i][0]), live[i][1], live[i][2]) for i in ids
            ),
            query_axis=_position(out_vars, keep[0]),
        )

    for v in order:
        ids = tuple(i for i, sc in live.items() if v in sc[0])
        out_vars = tuple(sorted({u for i in ids for u in live[i][0]} - {v}))
        step = make(ids, out_vars)
        for i in ids:
            del live[i]
        live[next_id] = step.scope
        next_id += 1
        steps.append(step)
    steps.append(make(tuple(live), keep))
    return tuple(steps)


@lru_cache(maxsize=1024)
def make_plan(
    scopes: tuple[Scope, ...], cards: tuple[int, ...], query: int | tuple[int, ...]
) -> Plan:
    """The cheaper of the min-fill and min-weight elimination plans for these factors.

    Parameters
    ----------
    scopes
        Each factor's variables (integers indexing ``cards``) and whether it carries the
        draw axis and the set axis.
    cards
        Number of states of each variable.
    query
        The variable left in the output, or several (their axes in this order).
    """
    keep = (query,) if isinstance(query, int) else query
    plain = [sc[0] for sc in scopes]
    best: Plan | None = None
    for fill in (True, False):
        order = _elimination_order(plain, cards, keep, fill)
        plan = Plan(order, _steps(scopes, cards, keep, order))
        if best is None or plan.work(1, 1) < best.work(1, 1):
            best = plan
    assert best is not None
    return best


# --------------------------------------------------------------------------- evidence
@dataclass(frozen=True)
class _Evidence:
    """Validated likelihoods: node -> ``(N or 1, E, card)``, rows peaking at 1."""

    rows: dict[str, FloatArray]
    n_draws: int
    n_sets: int


def _prepare(
    structure: Structure, tables: Mapping[str, FloatArray], evidence: Mapping[str, FloatArray]
) -> _Evidence:
    sizes = {np.shape(v)[-2] for v in evidence.values() if np.ndim(v) >= 2}
    if len(sizes) > 1:
        raise RequestError("every evidence array must have the same number of rows")
    n_sets = sizes.pop() if sizes else 1
    draws = {np.shape(t)[0] for t in tables.values()}
    rows: dict[str, FloatArray] = {}
    for node, lik in evidence.items():
        if node not in structure.states:
            raise EvidenceError(f"unknown node '{node}' in the evidence")
        arr = np.asarray(lik, dtype=np.float64)
        card = structure.card(node)
        if arr.ndim not in (2, 3) or arr.shape[-1] != card:
            raise EvidenceError(
                f"evidence for '{node}' must have shape (sets, {card}) or (draws, sets, {card}); "
                f"got {arr.shape}"
            )
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise EvidenceError(f"evidence for '{node}' must be finite and non-negative")
        arr = scale_free(arr)
        rows[node] = arr if arr.ndim == 3 else arr[None]
        draws.add(rows[node].shape[0])
    n_draws = max(draws, default=1)
    if draws - {1, n_draws}:
        raise RequestError(f"tables and evidence disagree on the number of draws: {sorted(draws)}")
    return _Evidence(rows, n_draws, n_sets)


def shared_hard_answers(evidence: Mapping[str, FloatArray], query: str) -> dict[str, int]:
    """Nodes (other than the query) answered in the same single state in every set and draw:
    the answers the engine slices into the tables (and tables may be built for alone)."""
    out: dict[str, int] = {}
    for node, rows in evidence.items():
        flat = np.asarray(rows).reshape(-1, np.shape(rows)[-1])
        first = flat[0]
        if node != query and np.count_nonzero(first) == 1 and np.all(flat == first):
            out[node] = int(np.argmax(first))
    return out


@dataclass(frozen=True)
class TableGroup:
    """Evidence sets that share one build of the tables (see :func:`table_groups`)."""

    sets: tuple[int, ...]
    evidence: dict[str, FloatArray]
    needed: tuple[str, ...]
    fixed: dict[str, int]


#: Table entries one extra build and contraction costs, when deciding to build per set.
_BUILD_OVERHEAD = 500_000


def table_entries(structure: Structure, nodes: Sequence[str], fixed: Mapping[str, int]) -> int:
    """Entries per draw of the tables of ``nodes``, with ``fixed`` axes of length 1."""

    def size(v: str) -> int:
        return 1 if v in fixed else structure.card(v)

    return sum(size(n) * math.prod(size(p) for p in structure.parents[n]) for n in nodes)


def table_groups(
    structure: Structure, query: str, evidence: Mapping[str, FloatArray], n_draws: int
) -> list[TableGroup]:
    """How to build tables for these evidence sets: once for all, or once per set.

    One build must cover every set: only answers shared by all of them can be sliced in,
    and a node answered in one set needs its whole table. Per set, each build is sliced to
    that set's own hard answers and covers only its ancestors. The cheaper plan in table
    entries (with :data:`_BUILD_OVERHEAD` per extra build) is returned; with one draw, or
    many sets, always one build.
    """
    rows = {n: np.asarray(r) for n, r in evidence.items()}
    n_sets = max((r.shape[-2] for r in rows.values()), default=1)

    def group(sets: tuple[int, ...]) -> TableGroup:
        idx = list(sets)
        ev = {n: r[..., idx, :] for n, r in rows.items()}
        ev = {n: r for n, r in ev.items() if not np.all(r == 1.0)}
        needed = ancestral_set(structure, {query, *ev})
        return TableGroup(sets, ev, needed, shared_hard_answers(ev, query))

    whole = group(tuple(range(n_sets)))
    if n_sets == 1 or n_draws == 1 or n_sets > _MAX_GROUPS:
        return [whole]
    alone = [group((e,)) for e in range(n_sets)]
    cost_whole = n_draws * table_entries(structure, whole.needed, whole.fixed)
    cost_alone = sum(n_draws * table_entries(structure, g.needed, g.fixed) for g in alone)
    cost_alone += (n_sets - 1) * _BUILD_OVERHEAD
    return alone if cost_alone < cost_whole else [whole]


def _observed(ev: _Evidence) -> NDArray[np.bool_]:
    """For each set, which evidence nodes it answers (their row is not all ones)."""
    mask = np.ones((ev.n_sets, len(ev.rows)), dtype=bool)
    for k, arr in enumerate(ev.rows.values()):
        mask[:, k] = ~np.all(arr == 1.0, axis=(0, 2))
    return mask


@dataclass(frozen=True)
class _Factors:
    """The factors of one group of sets: plan key and a way to build the arrays."""

    variables: tuple[str, ...]
    scopes: tuple[Scope, ...]
    cards: tuple[int, ...]
    query: int
    # per table factor: node, index into its (N, card, *parents) table
    table_index: tuple[tuple[str, tuple[int | slice, ...]], ...]
    # per evidence factor: node and how it enters ("const", "sets" or "draws")
    evidence_kind: tuple[tuple[str, str], ...]
    # rows multiplied into their node's table instead: node -> "const", "sets" or "draws"
    folded: Mapping[str, str]

    @property
    def plan(self) -> Plan:
        return make_plan(self.scopes, self.cards, self.query)


def _factors(structure: Structure, query: str, ev: _Evidence, sets: IntArray) -> _Factors:
    """Classify each answered node over ``sets`` and lay out the factors."""
    hard: dict[str, int] = {}
    kinds: list[tuple[str, str]] = []
    for node, arr in ev.rows.items():
        sub = arr[:, sets]
        first = sub[0, 0]
        if np.all(sub == first):
            if np.all(first == 1.0):
                continue  # not answered in any of these sets
            if np.count_nonzero(first) == 1 and node != query:
                hard[node] = int(np.argmax(first))
                continue
            kinds.append((node, "const"))
        else:
            kinds.append((node, "draws" if arr.shape[0] > 1 else "sets"))
    keep = ancestral_set(structure, {query, *hard, *(n for n, _ in kinds)})
    variables = tuple(n for n in keep if n not in hard)
    var_id = {n: i for i, n in enumerate(variables)}
    scopes: list[Scope] = []
    index: list[tuple[str, tuple[int | slice, ...]]] = []
    folded = {n: k for n, k in kinds if _spans_far(ev.rows[n][:, sets])}
    for node in keep:
        axes = (node, *structure.parents[node])
        idx: tuple[int | slice, ...] = (slice(None), *(hard.get(a, slice(None)) for a in axes))
        with_sets = folded.get(node, "const") != "const"
        scopes.append((tuple(var_id[a] for a in axes if a not in hard), True, with_sets))
        index.append((node, idx))
    separate = tuple((n, k) for n, k in kinds if n not in folded)
    for node, kind in separate:
        scopes.append(((var_id[node],), kind == "draws", kind != "const"))
    return _Factors(
        variables=variables,
        scopes=tuple(scopes),
        cards=tuple(structure.card(n) for n in variables),
        query=var_id[query],
        table_index=tuple(index),
        evidence_kind=separate,
        folded=folded,
    )


def _spans_far(rows: FloatArray) -> bool:
    """Whether some row has a positive entry below :data:`_RESCALE_BELOW` (rows peak at 1)."""
    return bool(_positive_below(rows, _RESCALE_BELOW).any())


def _groups(structure: Structure, query: str, ev: _Evidence) -> list[tuple[IntArray, _Factors]]:
    """Sets split by which nodes they answer, when that is cheaper than one contraction."""
    everything = np.arange(ev.n_sets)
    whole = _factors(structure, query, ev, everything)
    if whole.plan.work(ev.n_draws, ev.n_sets) < _SPLIT_WORTH:
        return [(everything, whole)]  # planning the groups would cost more than it saves
    mask = _observed(ev)
    patterns, which = np.unique(mask, axis=0, return_inverse=True)
    if len(patterns) == 1 or len(patterns) > _MAX_GROUPS:
        return [(everything, whole)]
    split = [
        (idx, _factors(structure, query, ev, idx))
        for idx in (np.flatnonzero(which.ravel() == g) for g in range(len(patterns)))
    ]

    def cost(idx: IntArray, f: _Factors) -> int:
        plan = f.plan
        return plan.work(ev.n_draws, len(idx)) + _STEP_OVERHEAD * len(plan.steps)

    if sum(cost(i, f) for i, f in split) < cost(everything, whole):
        return split
    return [(everything, whole)]


# --------------------------------------------------------------------------- chunking
def chunk_shape(plan: Plan, n_draws: int, n_sets: int, budget: int) -> tuple[int, int]:
    """Draws and sets per chunk so that the plan's largest intermediate fits ``budget`` bytes.

    Raises
    ------
    RequestError
        If even one draw and one set would not fit.
    """

    def fits(d: int, s: int) -> bool:
        return 8 * plan.peak_entries(d, s) <= budget

    if fits(n_draws, n_sets):
        return n_draws, n_sets
    if not fits(1, 1):
        raise RequestError(
            f"the largest intermediate needs {8 * plan.peak_entries(1, 1):,} bytes for a single "
            f"draw, over the memory budget of {budget:,} bytes"
        )
    if fits(1, n_sets):
        return _largest(lambda d: fits(d, n_sets), n_draws), n_sets
    return 1, _largest(lambda s: fits(1, s), n_sets)


def _largest(ok: Callable[[int], bool], upper: int) -> int:
    """Largest n in [1, upper] with ok(n) (ok is monotone and ok(1) holds)."""
    lo, hi = 1, upper
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


# --------------------------------------------------------------------------- execution
def _rescale(
    factor: FloatArray,
    exponent: IntArray,
    query_axis: int | None = None,
    top: FloatArray | None = None,
) -> tuple[FloatArray, IntArray]:
    """``factor`` scaled so each (draw, set) slice peaks in [1/2, 1) when its peak is below
    :data:`_RESCALE_BELOW`, and ``exponent`` ``(card(query) or 1, draw, set)`` plus the
    powers of two taken out.

    A factor holding the query (at ``query_axis``) is scaled per query state: the query is
    never summed out, and a state hundreds of orders of magnitude less likely than the other
    (ALS under strong evidence against it) would otherwise drift into subnormal numbers in
    later products and lose its digits.
    """
    k = factor.ndim - 2
    top = _peaks(factor, query_axis) if top is None else top
    # Zero stays zero (an impossible state or evidence): nothing to scale.
    if top.min() >= _RESCALE_BELOW or not _positive_below(top, _RESCALE_BELOW).any():
        return factor, exponent
    # Powers of two divide exactly.
    _, e = np.frexp(top)
    scaled: FloatArray = np.ldexp(factor, -e)
    card = factor.shape[query_axis] if query_axis is not None else 1
    return scaled, exponent + e.reshape((card, *e.shape[k:]))


def _normalise(out: FloatArray, exponent: IntArray) -> tuple[FloatArray, FloatArray]:
    """Posterior ``(card, ...)`` and log-probability ``(...)`` of a joint ``out * 2**exponent``
    (``exponent`` broadcasts against ``out``; the first axis is the query)."""
    if exponent.shape[0] == 1:  # one scale for every query state: no shift needed
        total = out.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            post0: FloatArray = out / total
            logz0: FloatArray = np.log(total) + exponent[0] * math.log(2.0)
        return post0, logz0
    _, e = np.frexp(out)
    lowest = np.iinfo(np.int64).min
    # The largest entry's binary exponent among the possible states sets the common scale.
    top = np.where(out > 0, e + exponent, lowest).max(axis=0)
    top = np.where(top == lowest, 0, top)
    # Exponents far below the top only underflow to zero; clipping keeps ldexp in range.
    shift = np.clip(exponent - top, -4096, 4096)
    scaled = np.ldexp(out, shift)
    total = scaled.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        post: FloatArray = scaled / total
        logz: FloatArray = np.log(total) + top * math.log(2.0)
    return post, logz


def _evidence_operand(arr: FloatArray, kind: str, sets: IntArray, draws: slice) -> FloatArray:
    """One node's rows ``(N or 1, E, card)`` as an operand ``(card, draw, set)``."""
    out: FloatArray
    if kind == "const":
        out = arr[0, 0][:, None, None]
    elif kind == "sets":
        out = np.ascontiguousarray(arr[0, sets].T)[:, None, :]
    else:
        out = np.ascontiguousarray(np.moveaxis(arr[draws][:, sets], 2, 0))
    return out


def _contract(
    plan: Plan, operands: Sequence[FloatArray], exponent: IntArray
) -> tuple[FloatArray, IntArray]:
    """Run ``plan`` on ``operands``; the last step's factor and the powers of two taken out."""
    factors = dict(enumerate(operands))
    next_id = len(operands)
    for step in plan.steps:
        args: list[Any] = []
        for i, sub in zip(step.operands, step.sublists, strict=True):
            args += [factors.pop(i), list(sub)]
        out: FloatArray = np.einsum(*args, list(step.output))
        qa = step.query_axis
        top = _peaks(out, qa)
        if top.min() < _RESCALE_BELOW:  # rare: nothing to do when every slice peaks above
            low = _positive_below(top, _SMALLEST_NORMAL)
            if low.any():
                out, exponent = _lift_subnormal(args, list(step.output), out, exponent, qa, low)
                top = _peaks(out, qa)
            if step is not plan.steps[-1]:
                out, exponent = _rescale(out, exponent, qa, top)
        factors[next_id] = out
        next_id += 1
    return out, exponent


def _lift_subnormal(
    args: list[Any],
    output: list[int],
    out: FloatArray,
    exponent: IntArray,
    query_axis: int | None,
    low: NDArray[np.bool_],
) -> tuple[FloatArray, IntArray]:
    """``out`` with each (query state, draw, set) slice marked ``low`` (its largest entry is
    subnormal; shaped as :func:`_peaks`) computed again with the first operand times
    2^:data:`_LIFT` (the sum is linear in each operand), and ``exponent`` lowered there.

    The operands' slices peak near 1, yet their product can still fall below the smallest
    normal double where their peaks do not meet, and such a slice has lost digits. Every
    term of a subnormal sum is itself below 2^-1022, so lifted terms cannot overflow.
    """
    lifted_args = [np.ldexp(args[0], _LIFT), *args[1:]]
    with np.errstate(over="ignore", invalid="ignore"):
        lifted: FloatArray = np.einsum(*lifted_args, output)
    low = low & np.isfinite(_peaks(lifted, query_axis))
    k = out.ndim - 2
    card = out.shape[query_axis] if query_axis is not None else 1
    shift = np.where(low, _LIFT, 0).reshape((card, *low.shape[k:]))
    return np.where(low, lifted, out), exponent - shift


def _positive_below(values: FloatArray, bound: float) -> NDArray[np.bool_]:
    """Where ``values`` are positive and below ``bound`` (zero is exact: never rescaled)."""
    return (values > 0) & (values < bound)


def _position(items: Sequence[int], item: int) -> int | None:
    """Index of ``item`` in ``items`` (where the query sits in a scope), or None."""
    return items.index(item) if item in items else None


def _peaks(factor: FloatArray, query_axis: int | None) -> FloatArray:
    """Largest entry of each (query state, draw, set) slice, other axes kept at length 1."""
    over = tuple(a for a in range(factor.ndim - 2) if a != query_axis)
    return factor.max(axis=over, keepdims=True) if over else factor


def _run(
    f: _Factors,
    tables: Mapping[str, FloatArray],
    ev: _Evidence,
    sets: IntArray,
    draws: slice,
) -> tuple[FloatArray, FloatArray]:
    """Posterior ``(card_q, n, e)`` and ``log P(evidence)`` ``(n, e)`` for one chunk."""
    operands: list[FloatArray] = []
    exponent = np.zeros((1, 1, 1), dtype=np.int64)
    # The first scopes are the tables', in the same order; separate evidence rows follow.
    table_scopes = f.scopes[: len(f.table_index)]
    for (node, idx), (scope, _, _) in zip(f.table_index, table_scopes, strict=True):
        t = tables[node]
        t = t[draws] if t.shape[0] > 1 else t
        # An axis of length 1 where a state is chosen was built for that state alone.
        idx = tuple(0 if isinstance(i, int) and t.shape[a] == 1 else i for a, i in enumerate(idx))
        op = np.moveaxis(t[idx], 0, -1)[..., None]  # (node, *parents, draw, set)
        kind = f.folded.get(node)
        if kind is not None:
            row = _evidence_operand(ev.rows[node], kind, sets, draws)
            op = op * row.reshape(row.shape[:1] + (1,) * (op.ndim - 3) + row.shape[1:])
        op, exponent = _rescale(op, exponent, _position(scope, f.query))
        operands.append(op)
    for node, kind in f.evidence_kind:
        operands.append(_evidence_operand(ev.rows[node], kind, sets, draws))
    out, exponent = _contract(f.plan, operands, exponent)
    return _normalise(out, exponent)


def log_joint(
    structure: Structure,
    tables: Mapping[str, FloatArray],
    query: str,
    evidence: Mapping[str, FloatArray],
    *,
    budget: int = DEFAULT_BUDGET,
    on_impossible: OnImpossible = "raise",
) -> tuple[FloatArray, FloatArray]:
    """Posterior of the query and log-probability of the evidence, for each draw and set.

    Parameters
    ----------
    structure
        The graph.
    tables
        node -> ``(N, card, *parent_cards)``; N is the same for every table (or 1). An
        axis of length 1 belongs to a node hard-answered in every set, built for that
        state alone (see :func:`alsodds.tables.build_tables`).
    query
        Node whose states index the last output axis.
    evidence
        node -> likelihood ``(E, card)``: a one-hot row for a hard answer, a row of ones
        for "not answered in this set", any non-negative row for soft evidence.
        ``(N, E, card)`` gives each draw its own likelihood.
    budget
        Bytes the largest intermediate of one chunk may take.
    on_impossible
        ``"raise"``: evidence of probability zero raises :class:`EvidenceError`.
        ``"zero"``: its posterior row is zero and its log-probability ``-inf``.

    Returns
    -------
    posterior, log_evidence
        ``(N, E, card(query))`` summing to 1 over the last axis, and ``(N, E)``.
    """
    if query not in structure.states:
        raise RequestError(f"unknown query node '{query}'")
    ev = _prepare(structure, tables, evidence)
    n, e, card = ev.n_draws, ev.n_sets, structure.card(query)
    post = np.empty((n, e, card))
    logz = np.empty((n, e))
    for sets, f in _groups(structure, query, ev):
        d_chunk, s_chunk = chunk_shape(f.plan, n, len(sets), budget)
        for ds in chunks(n, d_chunk):
            for ss in chunks(len(sets), s_chunk):
                idx = sets[ss]
                p, z = _run(f, tables, ev, idx, ds)
                post[ds, idx] = np.moveaxis(p, 0, -1)
                logz[ds, idx] = z
    impossible = ~(logz > -np.inf)
    if np.any(impossible):
        if on_impossible == "raise":
            draw, row = (int(i[0]) for i in np.nonzero(impossible))
            raise EvidenceError(
                f"the evidence of set {row} has probability zero under the tables of draw "
                f"{draw}, so no posterior exists"
            )
        post[impossible] = 0.0
        logz[impossible] = -np.inf
    return post, logz


def joint(
    structure: Structure,
    tables: Mapping[str, FloatArray],
    query: str,
    evidence: Mapping[str, FloatArray],
    *,
    budget: int = DEFAULT_BUDGET,
    on_impossible: OnImpossible = "raise",
) -> FloatArray:
    """Joint ``P(query = q, evidence_e)`` for each draw ``z``: shape ``(N, E, card(query))``.

    The absolute probabilities that :func:`log_joint` returns as a posterior and a log
    scale (see there for the arguments); entries below the smallest double come back as 0,
    so use :func:`log_joint` where the evidence can be that unlikely.
    """
    post, logz = log_joint(
        structure, tables, query, evidence, budget=budget, on_impossible=on_impossible
    )
    out: FloatArray = post * np.exp(logz)[..., None]
    return out


def subset_log_joint(
    structure: Structure,
    tables: Mapping[str, FloatArray],
    query: str,
    base: Mapping[str, FloatArray],
    players: Mapping[str, FloatArray],
    *,
    budget: int = DEFAULT_BUDGET,
) -> tuple[FloatArray, FloatArray]:
    """:func:`log_joint` for the ``base`` answers plus every subset of the ``players``' answers.

    Set ``m`` (of ``2^k``) holds player ``i``'s row when bit ``i`` of ``m`` is set. Instead of
    contracting ``2^k`` sets one by one, each player gets a two-state switch variable (off: a
    row of ones, on: its row) that stays in the output, so work shared by many subsets is done
    once: summing out a finding costs twice its table, not ``2^k`` times. Subsets whose
    probability falls below the smallest double relative to the likeliest one are computed
    again one by one with :func:`log_joint`.

    Parameters
    ----------
    tables
        node -> ``(1, card, *parent_cards)`` (one draw).
    base
        node -> likelihood ``(card,)`` shared by every subset.
    players
        node -> likelihood ``(card,)``; at most 24 players, none of them the query or in
        ``base``.

    Returns
    -------
    posterior, log_evidence
        ``(2^k, card(query))`` and ``(2^k,)``.

    Raises
    ------
    EvidenceError
        If some subset's evidence has probability zero.
    """
    names = list(players)
    if query in players or set(players) & set(base) or len(names) > 24:
        raise RequestError("players must be at most 24 nodes, not the query nor a base answer")
    if any(np.shape(t)[0] != 1 for t in tables.values()):
        raise RequestError("subset_log_joint takes the tables of a single draw")
    given = _prepare(structure, tables, {n: np.asarray(r)[None] for n, r in base.items()}).rows
    rows = _prepare(structure, tables, {n: np.asarray(r)[None] for n, r in players.items()}).rows
    hard = shared_hard_answers(given, query)
    keep_nodes = ancestral_set(structure, {query, *given, *names})
    variables = tuple(n for n in keep_nodes if n not in hard)
    var_id = {n: i for i, n in enumerate(variables)}
    k = len(names)
    switch = {n: len(variables) + i for i, n in enumerate(names)}
    cards = tuple(structure.card(n) for n in variables) + (2,) * k
    scopes: list[Scope] = []
    operands: list[FloatArray] = []
    exponent = np.zeros((1, 1, 1), dtype=np.int64)
    for node in keep_nodes:
        axes = (node, *structure.parents[node])
        op = tables[node][(0, *(hard.get(a, slice(None)) for a in axes))]
        if node in given and node not in hard:  # soft: folded into the node's own table
            op = op * given[node][0, 0].reshape((-1,) + (1,) * (op.ndim - 1))
        scope = tuple(var_id[a] for a in axes if a not in hard)
        op, exponent = _rescale(op[..., None, None], exponent, _position(scope, var_id[query]))
        scopes.append((scope, False, False))
        operands.append(op)
    for n in names:
        row = rows[n][0, 0]
        scopes.append(((var_id[n], switch[n]), False, False))
        operands.append(np.stack([np.ones_like(row), row], axis=1)[..., None, None])
    keep = (var_id[query], *(switch[n] for n in reversed(names)))
    plan = make_plan(tuple(scopes), cards, keep)
    if 8 * plan.peak_entries(1, 1) > budget:
        raise RequestError(
            f"the subsets of {k} answers need {8 * plan.peak_entries(1, 1):,} bytes at once, "
            f"over the memory budget of {budget:,} bytes"
        )
    out, exponent = _contract(plan, operands, exponent)
    # Axes (query, switch k-1, ..., switch 0): row-major order is the subset mask.
    card = structure.card(query)
    q_entries = out[..., 0, 0].reshape(card, 1 << k)
    p, z = _normalise(q_entries, exponent.reshape(-1, 1))
    post = np.zeros((1 << k, card))
    logz = np.full(1 << k, -np.inf)
    # Far below the likeliest subset, or with a subnormal query entry, terms may have lost
    # bits to subnormal products.
    subnormal = _positive_below(q_entries, _SMALLEST_NORMAL).any(axis=0)
    ok = (z > z.max() + math.log(_ONE_BY_ONE_BELOW)) & ~subnormal
    post[ok] = p.T[ok]
    logz[ok] = z[ok]
    redo = np.flatnonzero(~ok)
    if redo.size:
        masks = ((redo[:, None] >> np.arange(k)) & 1).astype(bool)
        evidence = {n: np.broadcast_to(np.asarray(r), (redo.size, len(r))) for n, r in base.items()}
        for i, n in enumerate(names):
            evidence[n] = np.where(masks[:, i, None], rows[n][0, 0], 1.0)
        p, z = log_joint(structure, tables, query, evidence, budget=budget)
        post[redo], logz[redo] = p[0], z[0]
    return post, logz


@dataclass(frozen=True)
class GroupPlan:
    """How one group of evidence sets is contracted."""

    sets: int
    plan: Plan
    variables: tuple[str, ...]
    chunk_draws: int
    chunk_sets: int

    @property
    def peak_bytes(self) -> int:
        """Bytes of the largest intermediate of one chunk."""
        return 8 * self.plan.peak_entries(self.chunk_draws, self.chunk_sets)


def describe(
    structure: Structure,
    tables: Mapping[str, FloatArray],
    query: str,
    evidence: Mapping[str, FloatArray],
    *,
    budget: int = DEFAULT_BUDGET,
) -> tuple[GroupPlan, ...]:
    """The plans :func:`log_joint` would run for these arguments (nothing is contracted)."""
    ev = _prepare(structure, tables, evidence)
    out: list[GroupPlan] = []
    for sets, f in _groups(structure, query, ev):
        d, s = chunk_shape(f.plan, ev.n_draws, len(sets), budget)
        out.append(GroupPlan(len(sets), f.plan, f.variables, d, s))
    return tuple(out)


def table_chunk(
    structure: Structure,
    budget: int = DEFAULT_BUDGET,
    groups: Sequence[TableGroup] | None = None,
) -> int:
    """Draws per chunk so that one chunk's tables fit ``budget`` bytes while being built.

    Counts every table once plus four copies of the largest (the temporaries of building
    one table); at least 1 and at most :data:`DEFAULT_CHUNK`. With ``groups`` (see
    :func:`table_groups`), only the tables those builds make, at their sliced sizes.
    """
    if groups is None:
        sizes = [table_entries(structure, [n], {}) for n in structure.nodes]
    else:
        sizes = [table_entries(structure, [n], g.fixed) for g in groups for n in g.needed]
    per_draw = 8 * (sum(sizes) + 4 * max(sizes, default=0))
    return max(1, min(DEFAULT_CHUNK, budget // max(per_draw, 1)))


def chunks(total: int, size: int = DEFAULT_CHUNK) -> Iterator[slice]:
    """Slices covering ``range(total)`` in pieces of at most ``size``."""
    for start in range(0, total, size):
        yield slice(start, min(start + size, total))
