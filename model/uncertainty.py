"""How much the answer depends on the priors: PSA, tornado, two-way grids, Sobol, flips.

Every analysis evaluates many parameter sets through one code path: parameter draws ->
:func:`model.tables.build_tables` -> the batched engine, streamed in chunks so memory stays
bounded whatever the number of draws.

Sampling distribution (PSA): each parameter independently follows a triangular distribution
on its declared ``[low, high]`` with its mode at ``value`` (a common choice for expert
ranges in probabilistic sensitivity analysis); parameters with ``low == high`` are fixed.
Global sensitivity (Sobol) samples every varying parameter uniformly on ``[low, high]``,
which is what Saltelli's scheme in SALib assumes. Both stay inside the declared box, where
the schema guarantees every declared sign.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from alsodds.engine import DEFAULT_BUDGET, DEFAULT_CHUNK, chunks, table_chunk, table_groups
from alsodds.errors import RequestError
from alsodds.inference import (
    AnswerInput,
    Answers,
    Model,
    background_of,
    evidence_of,
    log_odds_matrix,
    parse_answers,
)
from alsodds.kinds import Rate
from alsodds.spec import param_label
from alsodds.tables import FloatArray, build_tables

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[int, int], None]


def _expit(x: FloatArray) -> FloatArray:
    out: FloatArray = 1.0 / (1.0 + np.exp(-x))
    return out


def _check_threshold(threshold: float | None) -> None:
    if threshold is not None and not 0.0 < threshold < 1.0:
        raise RequestError(f"threshold must lie strictly between 0 and 1, got {threshold}")


def _sets(model: Model, answers: Mapping[str, AnswerInput]) -> list[Answers]:
    parsed = parse_answers(model.spec, answers)
    return [parsed, background_of(model, parsed)]


def sample_parameters(model: Model, n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` parameter draws, shape ``(n, P)``: triangular(low, value, high) per parameter.

    Drawn by numpy's triangular sampler (parameters fixed at one value are copied); the
    result is a view of parameter-major memory, which is the layout
    :func:`model.tables.build_tables` reads fastest.
    """
    ps = model.params
    out = np.repeat(ps.values[:, None], n, axis=1)
    # One call per parameter with scalar bounds draws the same stream as one broadcast call
    # (row after row) at about two thirds of its cost: numpy's broadcasting path is slower.
    for i in np.flatnonzero(ps.highs > ps.lows):
        out[i] = rng.triangular(ps.lows[i], ps.values[i], ps.highs[i], size=n)
    return out.T


def base_rate_parameter(model: Model) -> str:
    """Name of the base-rate parameter: the first term of a rate-model query node."""
    d = model.spec.nodes[model.query_node].distribution
    if not isinstance(d, Rate) or not d.terms:
        raise RequestError("this network's query has no rate term to act as the base rate")
    return f"nodes.{model.query_node}.distribution.terms.{next(iter(d.terms))}"


# --------------------------------------------------------------------------- PSA
@dataclass(frozen=True)
class PSAResult:
    """Posterior over parameter uncertainty for one set of answers (``draws`` in single
    precision: eight bytes per draw keeps ten million draws within memory)."""

    n_draws: int
    seed: int
    median: float
    low: float
    high: float
    mean: float
    baseline_median: float
    threshold: float | None
    share_above: float | None
    draws: NDArray[np.float32]

    def to_dict(self) -> dict[str, object]:
        return {
            "n_draws": self.n_draws,
            "seed": self.seed,
            "median": self.median,
            "interval_95": [self.low, self.high],
            "mean": self.mean,
            "baseline_median": self.baseline_median,
            "threshold": self.threshold,
            "share_above": self.share_above,
        }


def draws_per_chunk(model: Model, sets: Sequence[Answers], budget: int = DEFAULT_BUDGET) -> int:
    """Draws per chunk for these evidence sets: their tables, as they will be built, fit
    ``budget`` bytes (the answered pattern, not the parameters, decides their sizes)."""
    s, q = model.structure, model.query_node
    evidence = evidence_of(model, sets, model.point)
    groups = table_groups(s, q, evidence, DEFAULT_CHUNK)
    size = table_chunk(s, budget, groups)
    if len(table_groups(s, q, evidence, size)) != len(groups):
        # At this size one build for all sets is cheaper, and larger: size for that one.
        size = table_chunk(s, budget, table_groups(s, q, evidence, 1))
    return size


def psa(
    model: Model,
    answers: Mapping[str, AnswerInput],
    n_draws: int = 10_000,
    seed: int = 0,
    threshold: float | None = None,
    chunk: int | None = None,
    progress: Progress | None = None,
) -> PSAResult:
    """Probabilistic sensitivity analysis: sample every parameter across its range.

    Parameters
    ----------
    n_draws
        Number of parameter draws, streamed in chunks of ``chunk``. Memory is 8 bytes per
        draw (posteriors kept in single precision, relative error below 6e-8) plus one
        chunk's work space; by default chunks are sized so that both together stay within
        the engine's memory budget (64 MB), with at least a quarter of it for the work.
    seed
        Same seed, draws and chunk size give identical results.
    threshold
        If given, also report the share of draws whose posterior exceeds it.

    Returns
    -------
    PSAResult
        Median, 95% interval (2.5th-97.5th percentiles) and mean of the posterior.
    """
    if n_draws < 1:
        raise RequestError(f"n_draws must be at least 1, got {n_draws}")
    _check_threshold(threshold)
    sets = _sets(model, answers)
    rng = np.random.default_rng(seed)
    post = np.empty(n_draws, dtype=np.float32)
    base = np.empty(n_draws, dtype=np.float32)
    # The kept draws count against the memory budget: with many draws, smaller chunks
    # (never a work space below a quarter of the budget).
    budget = max(DEFAULT_BUDGET // 4, DEFAULT_BUDGET - 8 * n_draws)
    for sl in chunks(n_draws, chunk or draws_per_chunk(model, sets, budget)):
        theta = sample_parameters(model, sl.stop - sl.start, rng)
        lo = log_odds_matrix(model, sets, theta)
        post[sl] = _expit(lo[:, 0])
        base[sl] = _expit(lo[:, 1])
        if progress is not None:
            progress(sl.stop, n_draws)
    # The baseline draws are not returned: sort them in place, then reuse their buffer
    # for the quantiles of ``post`` (kept in draw order), so no third array is allocated.
    baseline_median = float(np.median(base, overwrite_input=True))
    np.copyto(base, post)
    low, median, high = np.quantile(base, [0.025, 0.5, 0.975], overwrite_input=True)
    del base
    return PSAResult(
        n_draws=n_draws,
        seed=seed,
        median=float(median),
        low=float(low),
        high=float(high),
        mean=float(post.mean(dtype=np.float64)),
        baseline_median=baseline_median,
        threshold=threshold,
        share_above=None if threshold is None else float(np.mean(post > threshold)),
        draws=post,
    )


# --------------------------------------------------------------------------- one-way
@dataclass(frozen=True)
class TornadoBar:
    """The posterior with one parameter at its low and at its high end."""

    name: str
    label: str
    low: float
    high: float
    posterior_low: float
    posterior_high: float

    @property
    def swing(self) -> float:
        return abs(self.posterior_high - self.posterior_low)


def _posteriors_for(model: Model, sets: list[Answers], theta: FloatArray) -> FloatArray:
    out = np.empty(theta.shape[0])
    for sl in chunks(theta.shape[0], draws_per_chunk(model, sets)):
        out[sl] = _expit(log_odds_matrix(model, sets, theta[sl])[:, 0])
    return out


def tornado(
    model: Model, answers: Mapping[str, AnswerInput], names: Sequence[str] | None = None
) -> list[TornadoBar]:
    """One-way sensitivity: each parameter at its low and high end, the others at value.

    Returns the bars sorted by swing, largest first. All 2 x P evaluations run in one batch.
    """
    ps = model.params
    chosen = list(names) if names is not None else list(ps.varying)
    idx = [ps.position(n) for n in chosen]
    theta = np.repeat(ps.point(), 2 * len(idx), axis=0)
    for k, i in enumerate(idx):
        theta[2 * k, i] = ps.lows[i]
        theta[2 * k + 1, i] = ps.highs[i]
    post = _posteriors_for(model, _sets(model, answers)[:1], theta)
    bars = [
        TornadoBar(
            name=n,
            label=param_label(model.spec, n),
            low=float(ps.lows[i]),
            high=float(ps.highs[i]),
            posterior_low=float(post[2 * k]),
            posterior_high=float(post[2 * k + 1]),
        )
        for k, (n, i) in enumerate(zip(chosen, idx, strict=True))
    ]
    return sorted(bars, key=lambda b: -b.swing)


@dataclass(frozen=True)
class TwoWayGrid:
    """Posterior over a grid of two parameters (rows: first, columns: second)."""

    name1: str
    name2: str
    values1: FloatArray
    values2: FloatArray
    posterior: FloatArray


def two_way(
    model: Model,
    answers: Mapping[str, AnswerInput],
    name1: str,
    name2: str,
    steps: int = 11,
) -> TwoWayGrid:
    """Two-way sensitivity: both parameters over their ranges on a ``steps x steps`` grid."""
    if steps < 2:
        raise RequestError(f"steps must be at least 2, got {steps}")
    ps = model.params
    i, j = ps.position(name1), ps.position(name2)
    if i == j:
        raise RequestError("choose two different parameters")
    v1 = np.linspace(ps.lows[i], ps.highs[i], steps)
    v2 = np.linspace(ps.lows[j], ps.highs[j], steps)
    theta = np.repeat(ps.point(), steps * steps, axis=0)
    theta[:, i] = np.repeat(v1, steps)
    theta[:, j] = np.tile(v2, steps)
    post = _posteriors_for(model, _sets(model, answers)[:1], theta)
    return TwoWayGrid(name1, name2, v1, v2, post.reshape(steps, steps))


# --------------------------------------------------------------------------- Sobol
@dataclass(frozen=True)
class SobolResult:
    """First-order and total Sobol indices with bootstrap 95% half-widths."""

    names: tuple[str, ...]
    labels: tuple[str, ...]
    s1: FloatArray
    s1_conf: FloatArray
    st: FloatArray
    st_conf: FloatArray
    n_runs: int

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {
                "name": self.names,
                "label": self.labels,
                "S1": self.s1,
                "S1_conf": self.s1_conf,
                "ST": self.st,
                "ST_conf": self.st_conf,
            }
        ).sort_values("ST", ascending=False, ignore_index=True)


def sobol_indices(
    evaluate: Callable[[FloatArray], FloatArray],
    names: Sequence[str],
    bounds: Sequence[tuple[float, float]],
    n_base: int = 1024,
    seed: int = 0,
    labels: Sequence[str] | None = None,
) -> SobolResult:
    """Sobol indices of any vectorised function over a box, via SALib (Saltelli sampling).

    ``evaluate`` maps an ``(n, d)`` array of inputs to ``(n,)`` outputs.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if n_base < 2 or n_base & (n_base - 1):
        raise RequestError(f"n_base must be a power of two (e.g. 256, 1024), got {n_base}")
    if not names:
        raise RequestError("no parameter varies, so there is nothing to attribute")
    problem = {"num_vars": len(names), "names": list(names), "bounds": [list(b) for b in bounds]}
    x = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    y = np.asarray(evaluate(x), dtype=np.float64)
    res = sobol_analyze.analyze(
        problem, y, calc_second_order=False, seed=seed, print_to_console=False
    )
    return SobolResult(
        names=tuple(names),
        labels=tuple(labels or names),
        s1=np.asarray(res["S1"]),
        s1_conf=np.asarray(res["S1_conf"]),
        st=np.asarray(res["ST"]),
        st_conf=np.asarray(res["ST_conf"]),
        n_runs=int(x.shape[0]),
    )


def sobol(
    model: Model,
    answers: Mapping[str, AnswerInput],
    n_base: int = 1024,
    seed: int = 0,
    names: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> SobolResult:
    """Global sensitivity of the posterior log-odds to every varying parameter.

    Runs ``n_base x (d + 2)`` model evaluations (Saltelli, first-order and total indices).
    """
    ps = model.params
    chosen = list(names) if names is not None else list(ps.varying)
    idx = [ps.position(n) for n in chosen]
    sets = _sets(model, answers)[:1]

    def evaluate(x: FloatArray) -> FloatArray:
        out = np.empty(x.shape[0])
        for sl in chunks(x.shape[0], draws_per_chunk(model, sets)):
            theta = np.repeat(ps.point(), sl.stop - sl.start, axis=0)
            theta[:, idx] = x[sl]
            out[sl] = log_odds_matrix(model, sets, theta)[:, 0]
            if progress is not None:
                progress(sl.stop, x.shape[0])
        return out

    bounds = [(float(ps.lows[i]), float(ps.highs[i])) for i in idx]
    labels = [param_label(model.spec, n) for n in chosen]
    return sobol_indices(evaluate, chosen, bounds, n_base, seed, labels)


# --------------------------------------------------------------------------- flip
def _valid(model: Model, i: int, values: FloatArray) -> NDArray[np.bool_]:
    """Which values of parameter ``i`` (others at their values) give valid tables."""
    theta = np.repeat(model.params.point(), len(values), axis=0)
    theta[:, i] = values
    ok = np.ones(len(values), dtype=bool)
    for table in build_tables(model.spec, theta, model.params).values():
        flat = table.reshape(len(values), -1)
        ok &= np.all((flat >= 0.0) & (flat <= 1.0), axis=1)
    return ok


@dataclass(frozen=True)
class FlipResult:
    """Where one parameter would have to be for the posterior to cross a threshold."""

    name: str
    label: str
    threshold: float
    current: float
    value: float
    low: float
    high: float
    crossing: float | None

    @property
    def inside_range(self) -> bool:
        return self.crossing is not None and self.low <= self.crossing <= self.high

    def to_dict(self) -> dict[str, object]:
        return {
            "parameter": self.name,
            "label": self.label,
            "threshold": self.threshold,
            "current_posterior": self.current,
            "value": self.value,
            "range": [self.low, self.high],
            "crossing": self.crossing,
            "inside_range": self.inside_range,
        }


def flip(
    model: Model,
    answers: Mapping[str, AnswerInput],
    name: str | None = None,
    threshold: float = 0.01,
    grid: int = 513,
) -> FlipResult:
    """The parameter value at which P(ALS | answers) would cross ``threshold``.

    The parameter (default: the base rate) is scanned over its whole admissible domain —
    [0, 1] for probabilities, from 1/1000 of its low to 1000 x its high otherwise — in one
    batch; the crossing nearest the declared value is then refined by bisection. ``crossing``
    is None when the posterior stays on one side over the whole domain.
    """
    _check_threshold(threshold)
    ps = model.params
    name = name or base_rate_parameter(model)
    i = ps.position(name)
    kind = ps.kinds[i]
    sets = _sets(model, answers)[:1]

    def post_at(values: FloatArray) -> FloatArray:
        theta = np.repeat(ps.point(), len(values), axis=0)
        theta[:, i] = values
        return _posteriors_for(model, sets, theta)

    if kind == "probability":
        domain = np.linspace(0.0, 1.0, grid)
    else:
        floor = 1.0 if kind == "ratio" else ps.lows[i] / 1000
        domain = np.geomspace(floor, ps.highs[i] * 1000, grid)
        # A large rate term or factor can push a probability past 1: stop the scan there.
        domain = domain[_valid(model, i, domain)]
    current = float(post_at(ps.values[i : i + 1])[0])
    gap = post_at(domain) - threshold
    changes = np.nonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) <= 0)[0]
    crossing: float | None = None
    if changes.size:
        k = changes[np.argmin(np.abs(domain[changes] - ps.values[i]))]
        a, b = float(domain[k]), float(domain[k + 1])
        ga = float(gap[k])
        for _ in range(60):
            mid = 0.5 * (a + b)
            gm = float(post_at(np.array([mid]))[0]) - threshold
            if gm == 0.0:
                a = b = mid
                break
            if np.sign(gm) == np.sign(ga):
                a, ga = mid, gm
            else:
                b = mid
        crossing = 0.5 * (a + b)
    return FlipResult(
        name=name,
        label=param_label(model.spec, name),
        threshold=threshold,
        current=current,
        value=float(ps.values[i]),
        low=float(ps.lows[i]),
        high=float(ps.highs[i]),
        crossing=crossing,
    )


# --------------------------------------------------------------------------- tables
def param_table(model: Model) -> pd.DataFrame:
    """Every parameter with label, value, range, kind and source (one row each)."""
    import pandas as pd

    ps = model.params
    return pd.DataFrame(
        {
            "name": ps.names,
            "label": [param_label(model.spec, n) for n in ps.names],
            "value": ps.values,
            "low": ps.lows,
            "high": ps.highs,
            "kind": ps.kinds,
            "source": ["; ".join(p.sources) for p in ps.params],
        }
    )
