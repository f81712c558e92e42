"""Batched engine vs pgmpy, measured side by side in one run (``make bench``).

Prints scaling tables first and the four headline lines last:

    psa_100k_seconds, psa_speedup_vs_pgmpy, shapley_speedup_vs_pgmpy, psa_10m_peak_rss_mb

The pgmpy baselines are timed on fewer draws / subsets than the batched runs and reported
per draw / per subset (the output says how many). Both sides use the same parameter draws
and evidence, and their answers are compared.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from alsodds import load_model, psa, shapley
from alsodds.engine import joint
from alsodds.inference import Answers, Model, background_of, log_odds_matrix, parse_answers
from alsodds.network import from_pgmpy, to_pgmpy, to_pgmpy_from_tables
from alsodds.tables import build_tables
from alsodds.uncertainty import sample_parameters

warnings.filterwarnings("ignore", category=FutureWarning)

ANSWERS = {
    "age_band": "45_54",
    "sex": "male",
    "family_history": "no",
    "fasciculations": "yes",
    "twitch_spread": "one_area",
    "weakness": "no",
    "atrophy": "no",
    "bulbar": "no",
    "cramps": "yes",
    "sensory_changes": "no",
    "caffeine": "yes",
    "stress": "yes",
    "trigger_response": "improved",
    "emg": "normal",
}
PGMPY_DRAWS = 200
PGMPY_SUBSETS = 128


def subsets(players: list[str], answers: Answers, base: Answers) -> list[Answers]:
    """Evidence sets (as dictionaries, for pgmpy) ``base + S`` for every subset S of players, indexed by bitmask."""
    out: list[Answers] = []
    for m in range(1 << len(players)):
        chosen = {p: answers[p] for i, p in enumerate(players) if (m >> i) & 1}
        out.append({**base, **chosen})
    return out


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Shortest wall time of ``repeat`` runs (seconds)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def pgmpy_posterior(net: Any, evidence: dict[str, str]) -> float:
    from pgmpy.inference import VariableElimination

    result = VariableElimination(net).query(["als"], evidence=evidence, show_progress=False)
    return float(result.get_value(als="present"))


def bench_psa(model: Model) -> tuple[float, float]:
    """Seconds for 100k batched draws, and the per-draw speed-up over pgmpy rebuild+query."""
    psa(model, ANSWERS, n_draws=1_000)  # warm caches (plans, imports)
    batched = best_of(lambda: psa(model, ANSWERS, n_draws=100_000, seed=1))
    theta = sample_parameters(model, PGMPY_DRAWS, np.random.default_rng(2))
    parsed = parse_answers(model.spec, ANSWERS)
    ours = 1 / (1 + np.exp(-log_odds_matrix(model, [parsed], theta)[:, 0]))
    evidence = dict(ANSWERS)
    start = time.perf_counter()
    theirs = []
    for row in theta:
        tables = build_tables(model.spec, row[None, :], model.params)
        theirs.append(pgmpy_posterior(to_pgmpy_from_tables(model.structure, tables), evidence))
    pg_per_draw = (time.perf_counter() - start) / PGMPY_DRAWS
    rel = np.max(np.abs(np.array(theirs) - ours) / ours)
    print(f"pgmpy rebuild+query: {PGMPY_DRAWS} draws, {pg_per_draw * 1e3:.2f} ms per draw")
    print(f"batched: 100,000 draws in {batched:.3f} s ({batched / 1e5 * 1e6:.2f} us per draw)")
    print(f"max relative difference on the {PGMPY_DRAWS} shared draws: {rel:.2e}")
    return batched, pg_per_draw / (batched / 1e5)


def bench_shapley(model: Model) -> float:
    """Per-subset speed-up of the exact Shapley decomposition over 10 answered findings."""
    answers = {k: v for k, v in ANSWERS.items() if k != "emg"}  # 3 background + 10 findings
    parsed = parse_answers(model.spec, answers)
    base = background_of(model, parsed)
    players = [n for n in parsed if n not in base]
    assert len(players) == 10
    shapley(model, answers)
    batched = best_of(lambda: shapley(model, answers))
    net = to_pgmpy(model)
    sets = subsets(players, parsed, base)
    step = len(sets) // PGMPY_SUBSETS
    chosen = sets[::step][:PGMPY_SUBSETS]
    start = time.perf_counter()
    for s in chosen:
        pgmpy_posterior(net, {n: str(a.state) for n, a in s.items()})
    pg_per_subset = (time.perf_counter() - start) / len(chosen)
    print(
        f"shapley over 10 findings: batched {batched * 1e3:.1f} ms for all {len(sets)} subsets; "
        f"pgmpy VE {pg_per_subset * 1e3:.2f} ms per subset ({len(chosen)} subsets timed)"
    )
    return pg_per_subset * len(sets) / batched


def bench_scaling(model: Model) -> None:
    print("\nPSA time vs draws (batched, sampling and tables included):")
    for n in (1_000, 10_000, 100_000, 1_000_000):
        t = best_of(partial(psa, model, ANSWERS, n_draws=n), repeat=1 if n >= 10**6 else 3)
        print(f"  {n:>9,} draws: {t:8.3f} s  ({t / n * 1e6:6.2f} us per draw)")


def bench_network_size() -> None:
    from pgmpy.inference import VariableElimination
    from pgmpy.models import DiscreteBayesianNetwork

    print("\nRandom networks (pgmpy get_random, 2-3 states, edge_prob 3/n): one query, 3 observed")
    print("  nodes  pgmpy VE (ms)  batched 1 draw (ms)  batched 1,000 draws (ms)  rel diff")
    for n_nodes in (10, 20, 40, 60):
        names = [f"v{i}" for i in range(n_nodes)]
        net = DiscreteBayesianNetwork.get_random(
            n_nodes=n_nodes,
            edge_prob=3.0 / n_nodes,  # sparse: about three parents per node on average
            node_names=names,
            n_states={v: 2 + i % 2 for i, v in enumerate(names)},
            seed=n_nodes,
        )
        structure, tables = from_pgmpy(net)
        nodes = list(structure.nodes)
        q, observed = nodes[-1], nodes[:3]
        evidence = {v: structure.states[v][0] for v in observed}
        raw = {v: net.get_cpds(v).state_names[v][0] for v in observed}  # pgmpy keeps ints
        ve = VariableElimination(net)
        start = time.perf_counter()
        ref = ve.query([q], evidence=raw, show_progress=False)
        t_pg = time.perf_counter() - start
        lik = {
            v: np.eye(structure.card(v))[[structure.states[v].index(s)]]
            for v, s in evidence.items()
        }
        out = joint(structure, tables, q, lik)
        many = {k: np.repeat(t, 1_000, axis=0) for k, t in tables.items()}
        t_one = best_of(partial(joint, structure, tables, q, lik))
        t_many = best_of(partial(joint, structure, many, q, lik))
        post = out[0, 0] / out[0, 0].sum()
        expected = np.array([ref.get_value(**{q: s}) for s in net.get_cpds(q).state_names[q]])
        rel = float(np.max(np.abs(post - expected) / np.maximum(expected, 1e-300)))
        print(
            f"  {n_nodes:5d}  {t_pg * 1e3:13.2f}  {t_one * 1e3:19.3f}  "
            f"{t_many * 1e3:24.1f}  {rel:.1e}"
        )


def peak_rss_10m() -> float:
    """Peak resident memory (MB) of a separate process running PSA on 10,000,000 draws."""
    code = (
        "from alsodds import load_model, psa; import json, sys; "
        "a = json.loads(sys.argv[1]); r = psa(load_model(), a, n_draws=10_000_000); "
        "print(r.median)"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [sys.executable, "-c", code, json.dumps(ANSWERS)], check=True, stdout=subprocess.DEVNULL
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024


def main() -> None:
    model = load_model()
    if "--sizes-only" in sys.argv:
        bench_network_size()
        return
    print("alsodds benchmarks (2-core machine; best of 3 unless noted)\n")
    psa_seconds, psa_speedup = bench_psa(model)
    shapley_speedup = bench_shapley(model)
    bench_scaling(model)
    bench_network_size()
    rss = peak_rss_10m()
    print()
    print(f"psa_100k_seconds: {psa_seconds:.3f}")
    print(f"psa_speedup_vs_pgmpy: {psa_speedup:.0f}x")
    print(f"shapley_speedup_vs_pgmpy: {shapley_speedup:.0f}x")
    print(f"psa_10m_peak_rss_mb: {rss:.0f}")


if __name__ == "__main__":
    main()
