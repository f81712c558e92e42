"""The engine on networks that are not the ALS one: large random ones, dense hand-built ones,
chains and grids; impossible evidence; memory-bounded chunks; likelihoods near 1e-300.

References: pgmpy's VariableElimination (on a pgmpy model with string state names), plain
enumeration with itertools, and an enumeration in extended precision (``numpy.longdouble``).
"""

from __future__ import annotations

import itertools
import math
import tracemalloc
import warnings
from typing import Any

import numpy as np
import pytest

from alsodds import engine
from alsodds.errors import AlsoddsError, EvidenceError, RequestError
from alsodds.network import from_pgmpy, to_pgmpy_from_tables
from alsodds.tables import FloatArray, Structure
from tests.oracles import RTOL, joint_by_enumeration

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")


def random_tables(structure: Structure, rng: np.random.Generator, draws: int = 1) -> dict[str, Any]:
    """Dirichlet(1) columns for every node, ``draws`` independent sets of tables."""
    out: dict[str, FloatArray] = {}
    for n in structure.nodes:
        shape = [structure.card(p) for p in structure.parents[n]]
        cols = rng.dirichlet(np.ones(structure.card(n)), size=(draws, *shape))
        out[n] = np.moveaxis(cols, -1, 1)
    return out


def one_hot(card: int, state: int, rows: int = 1) -> FloatArray:
    return np.repeat(np.eye(card)[[state]], rows, axis=0)


# --------------------------------------------------------------------------- pgmpy, 60-120 nodes
def random_network(n_nodes: int, seed: int) -> tuple[Structure, dict[str, FloatArray]]:
    from pgmpy.models import DiscreteBayesianNetwork

    names = [f"n{i:03d}" for i in range(n_nodes)]
    net = DiscreteBayesianNetwork.get_random(
        n_nodes=n_nodes,
        edge_prob=3.0 / n_nodes,
        node_names=names,
        n_states={v: 2 + (i % 3 == 0) for i, v in enumerate(names)},
        seed=seed,
    )
    structure, tables = from_pgmpy(net)
    # State names become words (pgmpy's random networks number them).
    words = {n: tuple(f"s{s}" for s in structure.states[n]) for n in structure.nodes}
    return Structure(structure.nodes, words, structure.parents), tables


def pgmpy_posteriors(
    structure: Structure, tables: dict[str, FloatArray], query: str, evidence: dict[str, str]
) -> FloatArray:
    from pgmpy.inference import VariableElimination

    net = to_pgmpy_from_tables(structure, tables)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = VariableElimination(net).query([query], evidence=evidence, show_progress=False)
    return np.array([result.get_value(**{query: s}) for s in structure.states[query]])


@pytest.mark.parametrize(("n_nodes", "seed"), [(60, 1), (80, 2), (100, 3), (120, 4)])
def test_random_networks_of_60_to_120_nodes_agree_with_pgmpy(n_nodes: int, seed: int) -> None:
    """Three evidence sets (12 hard answers, 6 of them, none) in one call, against pgmpy."""
    structure, tables = random_network(n_nodes, seed)
    rng = np.random.default_rng(seed)
    # The query and evidence are among the nodes with the most ancestors, so the contraction
    # reaches far back.
    reach = {n: len(engine.ancestral_set(structure, {n})) for n in structure.nodes}
    deep = sorted(structure.nodes, key=lambda n: -reach[n])[:20]
    picks = rng.choice(len(deep), size=13, replace=False)
    query, observed = deep[picks[0]], [deep[i] for i in picks[1:]]
    sets = [
        {v: int(rng.integers(structure.card(v))) for v in observed},
        {v: int(rng.integers(structure.card(v))) for v in observed[:6]},
        {},
    ]
    evidence = {
        v: np.array(
            [
                np.eye(structure.card(v))[s[v]] if v in s else np.ones(structure.card(v))
                for s in sets
            ]
        )
        for v in observed
    }
    post, logz = engine.log_joint(structure, tables, query, evidence)
    keep = engine.ancestral_set(structure, {query, *observed})
    if n_nodes >= 100:
        assert len(keep) > 52  # more variables than numpy.einsum has letters
    for e, s in enumerate(sets):
        named = {v: structure.states[v][k] for v, k in s.items()}
        expected = pgmpy_posteriors(structure, tables, query, named)
        np.testing.assert_allclose(post[0, e], expected, rtol=RTOL, atol=1e-15)
    assert logz[0, 2] == pytest.approx(0.0, abs=1e-12)  # no evidence: probability one
    assert np.all(logz[0, :2] < 0)


def test_many_draws_and_sets_equal_one_call_per_draw() -> None:
    structure, _ = random_network(70, 7)
    rng = np.random.default_rng(7)
    tables = random_tables(structure, rng, draws=5)
    query, observed = structure.nodes[-1], list(structure.nodes[40:52])
    evidence = {v: rng.random((4, structure.card(v))) for v in observed}
    post, logz = engine.log_joint(structure, tables, query, evidence)
    assert post.shape == (5, 4, structure.card(query))
    for z in range(5):
        one = {n: t[z : z + 1] for n, t in tables.items()}
        for e in range(4):
            p1, z1 = engine.log_joint(
                structure, one, query, {v: r[e : e + 1] for v, r in evidence.items()}
            )
            np.testing.assert_allclose(post[z, e], p1[0, 0], rtol=1e-12)
            assert logz[z, e] == pytest.approx(z1[0, 0], rel=1e-12)


# --------------------------------------------------------------------------- dense, hand-built
def dense_network(cards: list[int]) -> Structure:
    """Every node a child of every earlier node: the moral graph is complete."""
    names = tuple(f"d{i}" for i in range(len(cards)))
    return Structure(
        nodes=names,
        states={n: tuple(f"v{k}" for k in range(c)) for n, c in zip(names, cards, strict=True)},
        parents={n: names[:i] for i, n in enumerate(names)},
    )


@pytest.mark.parametrize("seed", range(6))
def test_dense_networks_agree_with_enumeration_and_pgmpy(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    structure = dense_network([int(c) for c in rng.integers(2, 4, size=7)])
    tables = random_tables(structure, rng)
    nodes = list(structure.nodes)
    query = nodes[int(rng.integers(len(nodes)))]
    observed = [n for n in nodes if n != query and rng.random() < 0.5]
    hard = {v: int(rng.integers(structure.card(v))) for v in observed}
    rows = {v: np.eye(structure.card(v))[s] for v, s in hard.items()}
    got = engine.joint(structure, tables, query, {v: r[None] for v, r in rows.items()})[0, 0]
    brute = joint_by_enumeration(structure, tables, query, rows, sum_leaves=False)
    np.testing.assert_allclose(got, brute, rtol=1e-12, atol=0)
    named = {v: structure.states[v][s] for v, s in hard.items()}
    np.testing.assert_allclose(
        got / got.sum(), pgmpy_posteriors(structure, tables, query, named), rtol=RTOL, atol=1e-15
    )


# --------------------------------------------------------------------------- plans
def chain(n: int) -> Structure:
    names = tuple(f"c{i}" for i in range(n))
    return Structure(
        names,
        {v: ("a", "b") for v in names},
        {v: (names[i - 1],) if i else () for i, v in enumerate(names)},
    )


def grid(k: int) -> Structure:
    """A k x k grid, each cell a child of its left and upper neighbours (treewidth k)."""
    names = tuple(f"g{r}_{c}" for r in range(k) for c in range(k))
    parents = {
        f"g{r}_{c}": tuple([f"g{r}_{c - 1}"] * (c > 0) + [f"g{r - 1}_{c}"] * (r > 0))
        for r in range(k)
        for c in range(k)
    }
    return Structure(names, {v: ("a", "b") for v in names}, parents)


def test_a_chain_of_300_nodes_eliminates_with_pairs_only() -> None:
    s = chain(300)
    tables = random_tables(s, np.random.default_rng(0))
    evidence = {"c299": np.array([[0.0, 1.0]]), "c150": np.array([[1.0, 0.0]])}
    (group,) = engine.describe(s, tables, "c0", evidence)
    assert len(group.variables) == 298  # both answers are sliced into the tables
    assert max(step.entries for step in group.plan.steps) <= 2  # intermediates
    assert group.plan.peak_entries(1, 1) == 4  # the 2 x 2 tables are the largest factors
    post, _ = engine.log_joint(s, tables, "c0", evidence)
    assert post.shape == (1, 1, 2) and abs(post.sum() - 1.0) < 1e-12


def test_min_fill_finds_the_width_of_a_grid() -> None:
    s = grid(7)
    tables = random_tables(s, np.random.default_rng(1))
    (group,) = engine.describe(s, tables, "g0_0", {"g6_6": np.array([[0.3, 1.0]])})
    # An optimal order of a 7 x 7 grid's moral graph has cliques of 8-9 binary variables.
    assert group.plan.peak_entries(1, 1) <= 2**9
    brute_free = engine.joint(s, tables, "g0_0", {"g6_6": np.array([[0.3, 1.0]])})
    assert brute_free.shape == (1, 1, 2)


# --------------------------------------------------------------------------- impossible
def test_impossible_evidence_raises_one_line_evidence_error() -> None:
    s = chain(4)
    tables = random_tables(s, np.random.default_rng(2))
    tables["c2"][0, :, 0] = [1.0, 0.0]  # c1 = a forces c2 = a
    evidence = {"c1": np.array([[1.0, 0.0], [1.0, 0.0]]), "c2": np.array([[1.0, 1.0], [0.0, 1.0]])}
    with pytest.raises(EvidenceError) as info:
        engine.joint(s, tables, "c3", evidence)
    assert isinstance(info.value, AlsoddsError)
    message = str(info.value)
    assert "\n" not in message and "probability zero" in message and "set 1" in message
    post, logz = engine.log_joint(s, tables, "c3", evidence, on_impossible="zero")
    assert np.all(post[0, 1] == 0.0) and logz[0, 1] == -np.inf
    assert np.isfinite(logz[0, 0]) and post[0, 0].sum() == pytest.approx(1.0)
    assert np.all(engine.joint(s, tables, "c3", evidence, on_impossible="zero")[0, 1] == 0.0)


def test_all_zero_likelihood_row_is_impossible() -> None:
    s = chain(3)
    tables = random_tables(s, np.random.default_rng(3))
    with pytest.raises(EvidenceError, match="probability zero"):
        engine.joint(s, tables, "c0", {"c2": np.zeros((1, 2))})


def test_malformed_evidence_is_refused() -> None:
    s = chain(3)
    tables = random_tables(s, np.random.default_rng(3))
    with pytest.raises(EvidenceError, match="shape"):
        engine.joint(s, tables, "c0", {"c2": np.ones((1, 3))})
    with pytest.raises(EvidenceError, match="non-negative"):
        engine.joint(s, tables, "c0", {"c2": np.array([[-1.0, 1.0]])})
    with pytest.raises(RequestError, match="same number of rows"):
        engine.joint(s, tables, "c0", {"c2": np.ones((2, 2)), "c1": np.ones((3, 2))})


# --------------------------------------------------------------------------- memory budget
def test_chunks_keep_the_largest_intermediate_within_the_budget() -> None:
    s = grid(6)
    rng = np.random.default_rng(4)
    # Enough draws that the chunks, not the fixed cost of a call (plans, views, small
    # arrays: ~0.3 MB), decide the measured peak, whichever tests ran before in this worker.
    draws = 3000
    tables = random_tables(s, rng, draws=draws)
    evidence = {f"g5_{c}": rng.random((3, 2)) for c in range(6)}
    query = "g0_0"
    (free,) = engine.describe(s, tables, query, evidence, budget=2**40)
    assert (free.chunk_draws, free.chunk_sets) == (draws, 3)
    budget = free.peak_bytes // 20
    (tight,) = engine.describe(s, tables, query, evidence, budget=budget)
    assert tight.peak_bytes <= budget
    assert tight.chunk_draws < draws
    expected = engine.log_joint(s, tables, query, evidence, budget=2**40)
    tracemalloc.start()
    got = engine.log_joint(s, tables, query, evidence, budget=budget)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Measured, not just planned: well under what one unchunked contraction needs.
    assert peak < free.peak_bytes // 4
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-13)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-13)


def test_chunks_split_sets_when_one_draw_is_too_big() -> None:
    s = grid(5)
    rng = np.random.default_rng(5)
    tables = random_tables(s, rng)
    evidence = {f"g4_{c}": rng.random((64, 2)) for c in range(5)}
    (free,) = engine.describe(s, tables, "g0_0", evidence, budget=2**40)
    budget = free.peak_bytes // 8
    (tight,) = engine.describe(s, tables, "g0_0", evidence, budget=budget)
    assert tight.chunk_draws == 1 and tight.chunk_sets < 64 and tight.peak_bytes <= budget
    np.testing.assert_allclose(
        engine.log_joint(s, tables, "g0_0", evidence, budget=budget)[0],
        engine.log_joint(s, tables, "g0_0", evidence)[0],
        rtol=1e-13,
    )
    with pytest.raises(RequestError, match="memory budget"):
        engine.log_joint(s, tables, "g0_0", evidence, budget=64)


# --------------------------------------------------------------------------- tiny likelihoods
LONG = np.finfo(np.longdouble)


def longdouble_joint(
    structure: Structure, tables: dict[str, FloatArray], query: str, evidence: dict[str, FloatArray]
) -> Any:
    """Enumeration with every product in extended precision (range down to ~1e-4951)."""
    nodes = list(structure.nodes)
    out = np.zeros(structure.card(query), dtype=np.longdouble)
    for config in itertools.product(*(range(structure.card(n)) for n in nodes)):
        x = dict(zip(nodes, config, strict=True))
        w = np.longdouble(1)
        for n in nodes:
            w *= np.longdouble(tables[n][(0, x[n], *(x[p] for p in structure.parents[n]))])
            if n in evidence:
                w *= np.longdouble(evidence[n][x[n]])
        out[x[query]] += w
    return out


@pytest.mark.skipif(LONG.minexp > -16000, reason="numpy.longdouble is plain double here")
@pytest.mark.parametrize("tiny", [1e-300, 1e-310], ids=["normal", "subnormal"])
@pytest.mark.parametrize("seed", range(4))
def test_likelihoods_near_1e_300_agree_with_extended_precision(seed: int, tiny: float) -> None:
    """Eight soft answers whose every likely state carries a likelihood near ``tiny``: the
    product is ~1e-2400, yet the posterior and log P(evidence) keep full precision (a
    subnormal row entry is exact as stored; it must not lose more bits when weighted)."""
    rng = np.random.default_rng(200 + seed)
    names = ("q", "h", *(f"x{i}" for i in range(8)))
    parents: dict[str, tuple[str, ...]] = {"q": (), "h": ("q",)}
    parents.update({f"x{i}": ("q", "h") if i % 2 else ("h",) for i in range(8)})
    cards = {"q": 2, "h": 3, **{f"x{i}": 3 for i in range(8)}}
    s = Structure(names, {n: tuple(map(str, range(cards[n]))) for n in names}, parents)
    tables = random_tables(s, rng)
    evidence: dict[str, FloatArray] = {}
    for i in range(8):
        t = tables[f"x{i}"]
        t[0, 0] = 0.0  # state 0, the one with likelihood 1, is impossible
        t[0] /= t[0].sum(axis=0, keepdims=True)
        evidence[f"x{i}"] = np.array([1.0, *(rng.uniform(0.5, 2.0, 2) * tiny)])
    post, logz = engine.log_joint(s, tables, "q", {n: r[None] for n, r in evidence.items()})
    ref = longdouble_joint(s, tables, "q", evidence)
    total = ref.sum()
    assert (
        total < np.longdouble("1e-2000") * np.longdouble(tiny / 1e-300) ** 8
    )  # far below the smallest double
    np.testing.assert_allclose(post[0, 0], (ref / total).astype(np.float64), rtol=1e-12, atol=0)
    assert logz[0, 0] == pytest.approx(float(np.log(total)), rel=1e-12)
    # The absolute joint is honestly zero in double precision.
    assert np.all(engine.joint(s, tables, "q", {n: r[None] for n, r in evidence.items()}) == 0.0)


@pytest.mark.skipif(LONG.minexp > -16000, reason="numpy.longdouble is plain double here")
@pytest.mark.parametrize("seed", range(3))
def test_a_query_state_300_orders_of_magnitude_below_keeps_its_digits(seed: int) -> None:
    """P(q = 1) = 1e-300 and twelve hard answers of ten states each, every one about as
    likely under either state of q: the posterior of q = 1 stays near 1e-300, a normal double,
    though the product of its terms (~1e-312) is not. Each state of the query must keep its own
    scale (one scale for the whole factor would leave q = 1 in subnormal numbers)."""
    rng = np.random.default_rng(400 + seed)
    names = ("q", *(f"x{i}" for i in range(12)))
    parents: dict[str, tuple[str, ...]] = {"q": (), **{f"x{i}": ("q",) for i in range(12)}}
    s = Structure(names, {n: tuple(map(str, range(2 if n == "q" else 10))) for n in names}, parents)
    tables = random_tables(s, rng)
    tables["q"] = np.array([[1.0 - 1e-300, 1e-300]])
    states = {f"x{i}": int(rng.integers(10)) for i in range(12)}
    evidence = {n: one_hot(10, k)[0] for n, k in states.items()}
    # Every answer is a child of q alone: P(q, e) = P(q) * prod_i P(x_i | q), in long double.
    ref = np.asarray(tables["q"][0], dtype=np.longdouble)
    for n, k in states.items():
        ref = ref * np.asarray(tables[n][0, k], dtype=np.longdouble)
    assert ref[1] < np.longdouble(2.0**-1022)  # the joint term itself is subnormal
    expected = (ref / ref.sum()).astype(np.float64)
    assert expected[1] > 1e-306
    post, _ = engine.log_joint(s, tables, "q", {n: r[None] for n, r in evidence.items()})
    np.testing.assert_allclose(post[0, 0], expected, rtol=1e-12, atol=0)
    players = {n: evidence[n] for n in list(evidence)[:4]}
    base = {n: evidence[n] for n in list(evidence)[4:]}
    sub, _ = engine.subset_log_joint(s, tables, "q", base, players)
    np.testing.assert_allclose(sub[-1], expected, rtol=1e-12, atol=0)


@pytest.mark.skipif(LONG.minexp > -16000, reason="numpy.longdouble is plain double here")
def test_terms_whose_factors_peak_apart_keep_their_digits() -> None:
    """Every factor's slice for q = 1 peaks at 1, but each at a different state of h, so every
    term of P(q = 1, e) is ~1e-320 (subnormal) while the posterior, ~4.5e-160, is a normal
    double: the subnormal sum is computed again scaled up rather than kept with lost digits."""
    s = Structure(
        ("q", "h", "x1", "x2"),
        {"q": ("0", "1"), "h": ("0", "1", "2"), "x1": ("0", "1"), "x2": ("0", "1")},
        {"q": (), "h": ("q",), "x1": ("h",), "x2": ("h",)},
    )
    t = 1e-160
    h_given_q = np.array([[1 / 3, 1.0 - 2 * t], [1 / 3, t], [1 / 3, t]])
    x1_yes, x2_yes = np.array([t, 1.0, t]), np.array([t, t, 1.0])
    tables = {
        "q": np.array([[0.5, 0.5]]),
        "h": h_given_q[None],
        "x1": np.stack([1.0 - x1_yes, x1_yes])[None],
        "x2": np.stack([1.0 - x2_yes, x2_yes])[None],
    }
    evidence = {"x1": np.array([0.0, 1.0]), "x2": np.array([0.0, 1.0])}
    ref = longdouble_joint(s, tables, "q", evidence)
    assert ref[1] < np.longdouble(2.0**-1022)
    expected = (ref / ref.sum()).astype(np.float64)
    post, logz = engine.log_joint(s, tables, "q", {n: r[None] for n, r in evidence.items()})
    np.testing.assert_allclose(post[0, 0], expected, rtol=1e-12, atol=0)
    assert logz[0, 0] == pytest.approx(float(np.log(ref.sum())), rel=1e-12)
    sub, _ = engine.subset_log_joint(s, tables, "q", {}, evidence)
    np.testing.assert_allclose(sub[-1], expected, rtol=1e-12, atol=0)


# --------------------------------------------------------------------------- subset games
def flat_subsets(
    s: Structure,
    tables: dict[str, FloatArray],
    query: str,
    base: dict[str, FloatArray],
    players: dict[str, FloatArray],
) -> tuple[FloatArray, FloatArray]:
    """The 2^k sets laid out one by one for :func:`engine.log_joint`."""
    masks = np.arange(1 << len(players))
    evidence = {n: np.repeat(r[None], masks.size, axis=0) for n, r in base.items()}
    for i, (n, r) in enumerate(players.items()):
        evidence[n] = np.where(((masks >> i) & 1).astype(bool)[:, None], r, 1.0)
    post, logz = engine.log_joint(s, tables, query, evidence)
    return post[0], logz[0]


@pytest.mark.parametrize("seed", range(6))
def test_subset_games_equal_every_subset_contracted_on_its_own(seed: int) -> None:
    rng = np.random.default_rng(300 + seed)
    s, _ = random_network(60, seed)
    tables = random_tables(s, rng)
    nodes = list(s.nodes)
    picked = rng.choice(len(nodes), size=12, replace=False)
    query = nodes[picked[0]]
    base = {nodes[picked[1]]: one_hot(s.card(nodes[picked[1]]), 0)[0]}
    base[nodes[picked[2]]] = rng.uniform(0.1, 1.0, s.card(nodes[picked[2]]))  # soft
    players: dict[str, FloatArray] = {}
    for j in picked[3:]:
        card = s.card(nodes[j])
        hard = rng.random() < 0.6
        players[nodes[j]] = one_hot(card, int(rng.integers(card)))[0] if hard else rng.random(card)
    post, logz = engine.subset_log_joint(s, tables, query, base, players)
    ref_post, ref_logz = flat_subsets(s, tables, query, base, players)
    np.testing.assert_allclose(post, ref_post, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(logz, ref_logz, rtol=1e-12)


def test_subsets_far_below_the_likeliest_are_computed_on_their_own() -> None:
    """Three answers whose possible states carry likelihoods near 1e-200: with all three the
    subset's probability is ~1e-600, below the smallest double relative to the likeliest
    subset, yet its posterior keeps full precision (extended precision where available)."""
    rng = np.random.default_rng(7)
    s = dense_network([2, 3, 2, 2, 3])
    tables = random_tables(s, rng)
    q, *rest = s.nodes
    players: dict[str, FloatArray] = {}
    for node in (rest[0], rest[2], rest[3]):
        t = tables[node]
        t[0, 0] = 0.0  # the state with likelihood 1 is impossible: only the tiny ones remain
        t[0] /= t[0].sum(axis=0, keepdims=True)
        players[node] = np.array([1.0, *(rng.uniform(0.5, 2.0, s.card(node) - 1) * 1e-200)])
    post, logz = engine.subset_log_joint(s, tables, q, {}, players)
    ref_post, ref_logz = flat_subsets(s, tables, q, {}, players)
    assert ref_logz[-1] < math.log(2.0**-1074)
    np.testing.assert_allclose(post, ref_post, rtol=1e-12)
    np.testing.assert_allclose(logz, ref_logz, rtol=1e-12)
    if LONG.minexp <= -16000:
        ref = longdouble_joint(s, tables, q, players)
        np.testing.assert_allclose(post[-1], (ref / ref.sum()).astype(np.float64), rtol=1e-12)


def test_a_subset_of_probability_zero_raises() -> None:
    s = chain(4)
    tables = random_tables(s, np.random.default_rng(0))
    tables["c1"][0, :, 0] = [1.0, 0.0]  # c1 = b is impossible when c0 = a
    with pytest.raises(EvidenceError, match="probability zero"):
        engine.subset_log_joint(
            s, tables, "c3", {"c0": np.array([1.0, 0.0])}, {"c1": np.array([0.0, 1.0])}
        )


def test_subset_games_refuse_the_query_as_a_player() -> None:
    s = chain(3)
    tables = random_tables(s, np.random.default_rng(0))
    with pytest.raises(RequestError, match="players"):
        engine.subset_log_joint(s, tables, "c0", {}, {"c0": np.array([1.0, 0.0])})


# --------------------------------------------------------------------------- groups
def test_sets_answering_different_nodes_are_split_only_when_the_work_repays_it() -> None:
    s = grid(4)
    tables = random_tables(s, np.random.default_rng(11))
    answered = [n for n in s.nodes if n != "g0_0"]
    rng = np.random.default_rng(12)

    def evidence(n_sets: int) -> dict[str, FloatArray]:
        # Even sets answer every node, odd sets only the last one.
        out = {}
        for n in answered:
            rows = one_hot(2, int(rng.integers(2)), n_sets)
            if n != answered[-1]:
                rows[1::2] = 1.0
            out[n] = rows
        return out

    small = evidence(4)
    assert len(engine.describe(s, tables, "g0_0", small)) == 1  # not worth planning twice
    big = evidence(40_000)
    plans = engine.describe(s, tables, "g0_0", big)
    assert sorted(p.sets for p in plans) == [20_000, 20_000]
    post, _ = engine.log_joint(s, tables, "g0_0", big)
    for e in (0, 1, 39_998, 39_999):
        one, _ = engine.log_joint(s, tables, "g0_0", {n: r[[e]] for n, r in big.items()})
        np.testing.assert_allclose(post[0, e], one[0, 0], rtol=1e-12)
