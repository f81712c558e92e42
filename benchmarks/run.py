"""Batched engine against its peers, measured side by side in one run (``make bench``).

Everything runs on the bundled priors through the public API, so it works on whatever network
``priors/`` holds. Every import happens here at the top, outside the timed regions. Times are
CPU seconds of this process (``time.process_time``; the machine is shared), best of a few
repeats; the cold start and the 10^7-draw run are wall time / peak memory of child processes.

Sections:

1. PSA per draw: the batched engine vs pgmpy rebuilt per draw, one pgmpy model with its CPD
   values swapped, and a reused pyAgrum LazyPropagation with its tables refilled in place
   (``setEvidence`` again after each refill) -- all on the same parameter draws, answers
   compared.
2. The numpy-throughput limit of the engine's contraction (its multiply-adds and bytes, at
   numpy's measured rates) next to PSA of 100,000 draws, with where the time goes, and the
   floor any design that samples with numpy has: its sampler plus a contraction at the limit.
   The summary turns that floor into a ceiling on the per-draw ratio against pyAgrum.
3. A full explanation with 16 findings: query + Shapley values + next questions.
4. ``alsodds query`` cold start against ``python -c "import numpy"``.
5. Peak resident memory of PSA with 10^7 draws in a child process (``--quick``: 10^6).

Targets are printed next to the measurements.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

warnings.filterwarnings("ignore", category=FutureWarning)

from pgmpy.inference import VariableElimination  # noqa: E402

from alsodds import engine as eng  # noqa: E402
from alsodds import load_model, next_questions, psa, query, shapley  # noqa: E402
from alsodds.errors import AlsoddsError  # noqa: E402
from alsodds.inference import (  # noqa: E402
    Model,
    background_of,
    evidence_of,
    log_odds_matrix,
    parse_answers,
)
from alsodds.network import to_pgmpy_from_tables  # noqa: E402
from alsodds.tables import FloatArray, build_tables  # noqa: E402
from alsodds.uncertainty import draws_per_chunk, sample_parameters  # noqa: E402

gum: Any
try:  # an optional benchmark dependency: pip install -e ".[bench]"
    gum = importlib.import_module("pyagrum")
except ImportError:
    gum = None

PEER_DRAWS = 200
PSA_DRAWS = 100_000
FINDINGS = 16


def cpu_best(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Shortest CPU time of ``repeat`` runs (seconds)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def wall_best(cmd: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def row(label: str, value: str, target: str = "") -> None:
    print(f"  {label:<52} {value:>22}   {target}")


# --------------------------------------------------------------------------- answers
def typical_answers(model: Model) -> dict[str, str]:
    """Background answers and the first 16 findings of one person sampled from the network
    (seeded; the first sample the API accepts), so nothing depends on node names."""
    s = model.structure
    background = [n for n in model.spec.answerable if model.spec.nodes[n].role == "background"]
    asked = [*background, *model.spec.findings[:FINDINGS]]
    for seed in range(1_000):
        rng = np.random.default_rng(seed)
        state: dict[str, int] = {}
        for n in s.nodes:
            column = model.tables[n][0][(slice(None), *(state[p] for p in s.parents[n]))]
            state[n] = int(rng.choice(len(column), p=column / column.sum()))
        answers = {n: s.states[n][state[n]] for n in asked}
        try:
            query(model, answers)
        except AlsoddsError:
            continue
        return answers
    raise SystemExit("no sampled person gives answers the API accepts")


# --------------------------------------------------------------------------- peers
def pgmpy_rebuild(model: Model, theta: FloatArray, evidence: dict[str, str]) -> FloatArray:
    out = []
    q, state = model.query_node, model.spec.query.state
    for r in theta:
        net = to_pgmpy_from_tables(model.structure, build_tables(model.spec, r[None], model.params))
        res = VariableElimination(net).query([q], evidence=evidence, show_progress=False)
        out.append(res.get_value(**{q: state}))
    return np.array(out)


def pgmpy_swapped(
    model: Model, tables: Sequence[Mapping[str, FloatArray]], evidence: dict[str, str]
) -> FloatArray:
    """One pgmpy model; each draw writes its values into the existing CPDs."""
    net = to_pgmpy_from_tables(model.structure, tables[0])
    cpds = {n: net.get_cpds(n) for n in model.structure.nodes}
    out = []
    q, state = model.query_node, model.spec.query.state
    for t in tables:
        for n, cpd in cpds.items():
            cpd.values = t[n][0]
        res = VariableElimination(net).query([q], evidence=evidence, show_progress=False)
        out.append(res.get_value(**{q: state}))
    return np.array(out)


def agrum_network(model: Model) -> tuple[Any, dict[str, tuple[int, ...]]]:
    s = model.structure
    bn = gum.BayesNet()
    for n in s.nodes:
        bn.add(gum.LabelizedVariable(n, n, list(s.states[n])))
    for n in s.nodes:
        for p in s.parents[n]:
            bn.addArc(p, n)
    # pyAgrum stores a CPT with its first variable fastest: our axes (node, *parents) reversed.
    perms = {}
    for n in s.nodes:
        axes = (n, *s.parents[n])
        perms[n] = tuple(axes.index(v) for v in reversed(bn.cpt(n).names))
    return bn, perms


def agrum_reused(
    model: Model, tables: Sequence[Mapping[str, FloatArray]], evidence: dict[str, str]
) -> FloatArray:
    """One LazyPropagation, tables refilled in place, evidence set again after each refill."""
    bn, perms = agrum_network(model)
    ie = gum.LazyPropagation(bn)
    k = model.query_index
    out = []
    for t in tables:
        for n, perm in perms.items():
            bn.cpt(n).fillWith(np.ascontiguousarray(t[n][0].transpose(perm)).ravel())
        ie.setEvidence(evidence)
        ie.makeInference()
        out.append(ie.posterior(model.query_node).toarray()[k])
    return np.array(out)


def bench_peers(model: Model, answers: dict[str, str]) -> tuple[float, float | None]:
    print(f"\n1. PSA per draw, {PEER_DRAWS} shared parameter draws (CPU time)")
    theta = sample_parameters(model, PEER_DRAWS, np.random.default_rng(2))
    parsed = parse_answers(model.spec, answers)
    ours_values = 1.0 / (1.0 + np.exp(-log_odds_matrix(model, [parsed], theta)[:, 0]))
    tables = [build_tables(model.spec, r[None], model.params) for r in theta]
    psa(model, answers, n_draws=2_000)  # warm plans and caches
    ours = cpu_best(lambda: psa(model, answers, n_draws=PSA_DRAWS, seed=1)) / PSA_DRAWS
    peers: dict[str, tuple[float, FloatArray]] = {}
    start = time.process_time()
    got = pgmpy_rebuild(model, theta, answers)
    peers["pgmpy, model rebuilt per draw"] = ((time.process_time() - start) / PEER_DRAWS, got)
    start = time.process_time()
    got = pgmpy_swapped(model, tables, answers)
    peers["pgmpy, one model, CPD values swapped"] = (
        (time.process_time() - start) / PEER_DRAWS,
        got,
    )
    if gum is not None:
        agrum_reused(model, tables[:3], answers)  # warm
        start = time.process_time()
        got = agrum_reused(model, tables, answers)
        peers["pyAgrum LazyPropagation reused"] = ((time.process_time() - start) / PEER_DRAWS, got)
    print(f"  {'engine':<40} {'us per draw':>12} {'ours faster':>12} {'max rel diff':>13}")
    print(f"  {'alsodds batched (PSA, 100k draws)':<40} {ours * 1e6:12.2f} {'1x':>12} {'-':>13}")
    for name, (t, vals) in peers.items():
        rel = float(np.max(np.abs(vals - ours_values) / ours_values))
        print(f"  {name:<40} {t * 1e6:12.1f} {t / ours:11.0f}x {rel:13.1e}")
    if gum is None:
        print("  pyAgrum LazyPropagation reused: skipped: pyagrum not installed")
        return ours, None
    return ours, peers["pyAgrum LazyPropagation reused"][0] / ours


# --------------------------------------------------------------------------- limit
def numpy_rates() -> tuple[float, float]:
    """Multiply-adds per second on in-cache data, and bytes per second streamed from memory."""
    small = np.random.default_rng(0).random((3, 32_768))
    fma = cpu_best(
        lambda: [np.einsum("i,i->i", small[0], small[1], out=small[2]) for _ in range(300)]
    )
    big = np.random.default_rng(1).random((3, 4_000_000))
    add = cpu_best(lambda: np.add(big[0], big[1], out=big[2]))
    return 300 * 32_768 / fma, 3 * big[0].nbytes / add


def bench_limit(model: Model, answers: dict[str, str]) -> tuple[float, float, float]:
    print(f"\n2. PSA of {PSA_DRAWS:,} draws against the numpy-throughput limit of its contraction")
    parsed = parse_answers(model.spec, answers)
    sets = [parsed, background_of(model, parsed)]
    chunk = draws_per_chunk(model, sets)
    theta = sample_parameters(model, chunk, np.random.default_rng(0))
    evidence = evidence_of(model, sets, theta)
    # The tables PSA builds: per table group, the answered nodes' ancestors sliced to the
    # group's hard answers; the limit counts the contractions PSA runs on them.
    groups = eng.table_groups(model.structure, model.query_node, evidence, chunk)
    built = [build_tables(model.spec, theta, model.params, g.needed, g.fixed) for g in groups]
    plans = [
        p
        for g, tables in zip(groups, built, strict=True)
        for p in eng.describe(model.structure, tables, model.query_node, g.evidence)
    ]
    work = sum(p.plan.work(chunk, p.sets) for p in plans) / chunk
    moved = sum(p.plan.moved_bytes(chunk, p.sets) for p in plans) / chunk
    fma_rate, byte_rate = numpy_rates()
    limit = PSA_DRAWS * max(work / fma_rate, moved / byte_rate)
    total = cpu_best(lambda: psa(model, answers, n_draws=PSA_DRAWS, seed=1))
    n_chunks = -(-PSA_DRAWS // chunk)

    def sampling() -> None:
        rng = np.random.default_rng(1)
        for _ in range(n_chunks):
            sample_parameters(model, chunk, rng)

    def building() -> None:
        for _ in range(n_chunks):
            for g in groups:
                build_tables(model.spec, theta, model.params, g.needed, g.fixed)

    def contracting() -> None:
        for _ in range(n_chunks):
            for g, tables in zip(groups, built, strict=True):
                eng.log_joint(model.structure, tables, model.query_node, g.evidence)

    varying = len(model.params.varying)

    def uniforms() -> None:
        # The generator alone: as many uniform numbers as the sampler turns into draws.
        rng = np.random.default_rng(1)
        for _ in range(n_chunks):
            rng.random((varying, chunk))

    row("draws per chunk, table builds per chunk", f"{chunk:,}, {len(groups)}")
    row("contraction per draw", f"{work:,.0f} madds, {moved / 1e3:.1f} kB")
    row("numpy rates measured", f"{fma_rate / 1e9:.2f} G madd/s, {byte_rate / 1e9:.1f} GB/s")
    row(f"limit for {PSA_DRAWS:,} draws", f"{limit:.3f} s")
    row(f"PSA of {PSA_DRAWS:,} draws, everything", f"{total:.3f} s")
    parts = {
        label: cpu_best(fn, 1)
        for label, fn in (
            (f"  sampling {varying} parameters", sampling),
            ("  building tables", building),
            ("  contraction", contracting),
            (f"  (uniform numbers alone, {varying} per draw)", uniforms),
        )
    }
    for label, seconds in parts.items():
        row(label, f"{seconds:.3f} s")
    ratio = total / limit
    sampled = parts[f"  sampling {varying} parameters"]
    # A lower bound for any design that samples with numpy: its sampler, plus a contraction
    # exactly at the limit (tables for free).
    floor = (sampled + limit) / limit
    row("PSA / limit", f"{ratio:.2f}x", "target <= 1.5x")
    row("floor: (numpy's triangular sampler + limit) / limit", f"{floor:.2f}x")
    return ratio, floor, (sampled + limit) / PSA_DRAWS


# --------------------------------------------------------------------------- explanation
def bench_explanation(model: Model, answers: dict[str, str]) -> float:
    players = len(answers) - len(background_of(model, parse_answers(model.spec, answers)))
    print(f"\n3. Full explanation with {players} findings (query + Shapley + next questions)")

    def explain() -> None:
        query(model, answers)
        shapley(model, answers)
        next_questions(model, answers)

    explain()
    t = cpu_best(explain)
    for label, fn in (
        ("query", lambda: query(model, answers)),
        ("shapley", lambda: shapley(model, answers)),
        ("next_questions", lambda: next_questions(model, answers)),
    ):
        row(f"  {label}", f"{cpu_best(fn) * 1e3:.1f} ms")
    row("full explanation", f"{t * 1e3:.1f} ms", "target <= 50 ms")
    return t


# --------------------------------------------------------------------------- cold start
def bench_cold_start(answers: dict[str, str]) -> tuple[float, float]:
    print("\n4. Cold start (wall time, best of 5)")
    cli = shutil.which("alsodds", path=os.path.dirname(sys.executable)) or "alsodds"
    args = [cli, "query", "--json"]
    for n, s in answers.items():
        args += ["--set", f"{n}={s}"]
    numpy_only = wall_best([sys.executable, "-c", "import numpy"])
    ours = wall_best(args)
    row('python -c "import numpy"', f"{numpy_only:.3f} s")
    row(
        f"alsodds query ({len(answers)} answers)",
        f"{ours:.3f} s",
        "target <= 0.4 s or <= 1.5x numpy",
    )
    row("ratio", f"{ours / numpy_only:.2f}x")
    return ours, numpy_only


# --------------------------------------------------------------------------- memory
def bench_memory(answers: dict[str, str], n_draws: int) -> float:
    print(f"\n5. PSA of {n_draws:,} draws in a child process")
    # The child reports the peak of its own memory map (VmHWM). Its ru_maxrss would not do:
    # Linux carries the high-water mark across exec, so it would include this process's.
    code = (
        "import json, sys; from alsodds import load_model, psa; "
        "r = psa(load_model(), json.loads(sys.argv[1]), n_draws=int(sys.argv[2])); "
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(answers), str(n_draws)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    rss = int(done.stdout.split()[-1]) / 1024
    row("wall time", f"{wall:.1f} s")
    row("peak RSS", f"{rss:.0f} MB", "target <= 150 MB at 10^7 draws")
    return rss


def main() -> None:
    quick = "--quick" in sys.argv
    model = load_model()
    answers = typical_answers(model)
    print(f"alsodds benchmarks: {len(model.structure.nodes)} nodes, {len(model.params)} parameters")
    print("answers:", ", ".join(f"{k}={v}" for k, v in answers.items()))
    ours, vs_agrum = bench_peers(model, answers)
    ratio, floor, floor_per_draw = bench_limit(model, answers)
    explanation = bench_explanation(model, answers)
    cold, numpy_only = bench_cold_start(answers)
    rss = bench_memory(answers, 10**6 if quick else 10**7)
    print("\nSummary (measured | target)")
    row("PSA 100k / contraction limit", f"{ratio:.2f}x", "<= 1.5x")
    row("  floor with numpy's triangular sampler", f"{floor:.2f}x")
    row(
        "per draw vs reused pyAgrum",
        "skipped: pyagrum not installed" if vs_agrum is None else f"{vs_agrum:.0f}x faster",
        ">= 300x",
    )
    if vs_agrum is not None:
        # pyAgrum's time per draw over the same floor (sampler + contraction at the limit,
        # tables free): no PSA that samples with numpy and contracts at numpy's rates does better.
        row("  ceiling with numpy's triangular sampler", f"{vs_agrum * ours / floor_per_draw:.0f}x")
    row("full explanation, 16 findings", f"{explanation * 1e3:.0f} ms", "<= 50 ms")
    row(
        "alsodds query cold start",
        f"{cold:.2f} s ({cold / numpy_only:.2f}x numpy)",
        "<= 0.4 s or <= 1.5x",
    )
    row(f"PSA {10**6 if quick else 10**7:,} draws peak RSS", f"{rss:.0f} MB", "<= 150 MB (10^7)")
    row("batched PSA per draw", f"{ours * 1e6:.1f} us", "")


if __name__ == "__main__":
    main()
