"""Everything above the engine on a five-node network that has nothing to do with ALS.

tests/data/tiny_priors.yaml (rain, sprinkler, wet grass) declares its own query node,
sources and words. Query, explanations, uncertainty, export and the CLI must work on it
unchanged, and agree with two references that never touch the engine: brute-force
enumeration (tests/oracles.py) and pgmpy's variable elimination on the exported file.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

import alsodds as M
from alsodds.network import from_pgmpy, pgmpy_posterior, read_network, write_network
from tests.cli_run import run_cli
from tests.oracles import evidence_vectors, joint_by_enumeration, parse, posterior_from_joint

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny_priors.yaml"
QUERY = "rain"
ANSWER_SETS: list[dict[str, str]] = [
    {},
    {"wet_grass": "yes"},
    {"wet_grass": "no"},
    {"wet_grass": "yes", "hose_heard": "yes"},
    {"season": "wet", "wet_grass": "yes"},
    {"season": "dry", "wet_grass": "yes", "hose_heard": "no"},
]


@pytest.fixture(scope="module")
def tiny() -> M.Model:
    return M.load_model(TINY)


def _brute(model: M.Model, answers: dict[str, str]) -> float:
    evidence = evidence_vectors(model, parse(model, answers), model.point[0])
    joint = joint_by_enumeration(model.structure, model.tables, QUERY, evidence)
    return float(posterior_from_joint(joint, model.structure.states[QUERY].index("yes")))


# --------------------------------------------------------------------------- query
def test_the_file_declares_its_own_query_and_nothing_of_the_default(tiny: M.Model) -> None:
    assert tiny.query_node == QUERY
    assert set(tiny.spec.nodes) == {"season", "rain", "sprinkler", "wet_grass", "hose_heard"}
    assert set(tiny.spec.sources) == {"textbook"}


@pytest.mark.parametrize("answers", ANSWER_SETS, ids=lambda a: ",".join(a) or "none")
def test_query_agrees_with_brute_force_enumeration(tiny: M.Model, answers: dict[str, str]) -> None:
    assert math.isclose(M.query(tiny, answers).posterior, _brute(tiny, answers), rel_tol=1e-12)


def test_base_rate_is_the_rate_terms_times_the_average_season_factor(tiny: M.Model) -> None:
    p = M.param_table(tiny).set_index("name")["value"].to_dict()
    base = "nodes.rain.distribution"
    wet = p["nodes.season.distribution.p"]
    expected = p[f"{base}.terms.nightly"] * (
        (1 - wet) * p[f"{base}.relative.season.factors.dry"]
        + wet * p[f"{base}.relative.season.factors.wet"]
    )
    assert math.isclose(M.query(tiny, {}).baseline, expected, rel_tol=1e-12)
    assert M.base_rate_parameter(tiny) == f"{base}.terms.nightly"


def test_wet_grass_raises_the_odds_and_the_sprinkler_explains_it_away(tiny: M.Model) -> None:
    base = M.query(tiny, {})
    wet = M.query(tiny, {"wet_grass": "yes"})
    explained = M.query(tiny, {"wet_grass": "yes", "hose_heard": "yes"})
    assert wet.posterior > base.posterior
    assert base.posterior < explained.posterior < wet.posterior
    # alone, the sound says nothing about rain
    assert math.isclose(M.query(tiny, {"hose_heard": "yes"}).posterior, base.posterior)
    assert explained.likelihood_ratios["hose_heard"] < 1


def test_not_sure_sits_between_no_and_yes(tiny: M.Model) -> None:
    post = {a: M.query(tiny, {"wet_grass": a}).posterior for a in ("no", M.NOT_SURE, "yes")}
    assert post["no"] < post[M.NOT_SURE] < post["yes"]


# --------------------------------------------------------------------------- explain
@pytest.mark.parametrize("answers", ANSWER_SETS[1:], ids=lambda a: ",".join(a))
def test_shapley_adds_up_to_the_change_in_log_odds(tiny: M.Model, answers: dict[str, str]) -> None:
    r = M.query(tiny, answers)
    sh = M.shapley(tiny, answers)
    findings = {n for n in answers if n in tiny.spec.findings}
    assert {c.node for c in sh.contributions} == findings
    assert math.isclose(math.exp(sh.total), r.odds_ratio_vs_baseline, rel_tol=1e-9)
    assert math.isclose(sum(c.log_odds for c in sh.contributions), sh.total, rel_tol=1e-9)


def test_shapley_is_the_average_over_every_order(tiny: M.Model) -> None:
    answers = {"season": "wet", "wet_grass": "yes", "hose_heard": "yes"}
    phi = {c.node: c.log_odds for c in M.shapley(tiny, answers).contributions}
    players = list(phi)
    orders = list(itertools.permutations(players))
    for node in players:
        mean = sum(
            next(
                c.log_odds
                for c in M.sequential_contributions(tiny, answers, list(o))
                if c.node == node
            )
            for o in orders
        ) / len(orders)
        assert math.isclose(phi[node], mean, rel_tol=1e-9, abs_tol=1e-12)


def test_next_questions_cover_the_unanswered_and_keep_the_expected_posterior(
    tiny: M.Model,
) -> None:
    answers = {"wet_grass": "yes"}
    now = M.query(tiny, answers).posterior
    qs = M.next_questions(tiny, answers)
    assert {q.node for q in qs} == set(tiny.spec.findings) - set(answers)
    for q in qs:
        assert math.isclose(sum(o.probability for o in q.outcomes), 1.0, rel_tol=1e-12)
        expected = sum(o.probability * o.posterior for o in q.outcomes)
        assert math.isclose(expected, now, rel_tol=1e-9)
        for o in q.outcomes:
            assert math.isclose(
                o.posterior, _brute(tiny, {**answers, q.node: o.state}), rel_tol=1e-9
            )


# --------------------------------------------------------------------------- uncertainty
def test_psa_is_seeded_and_brackets_the_point_estimate(tiny: M.Model) -> None:
    answers = {"wet_grass": "yes"}
    point = M.query(tiny, answers).posterior
    res = M.psa(tiny, answers, n_draws=2_000, seed=3, threshold=0.4)
    again = M.psa(tiny, answers, n_draws=2_000, seed=3, threshold=0.4)
    assert np.array_equal(res.draws, again.draws)
    assert np.all((res.draws > 0) & (res.draws < 1))
    assert res.low < point < res.high
    assert res.low < res.median < res.high
    assert res.share_above is not None
    assert math.isclose(res.share_above, float(np.mean(res.draws > 0.4)))
    # a different seed gives different draws
    assert not np.array_equal(res.draws, M.psa(tiny, answers, n_draws=2_000, seed=4).draws)


def test_tornado_bars_are_the_model_rerun_at_each_end(tiny: M.Model) -> None:
    answers = {"wet_grass": "yes", "hose_heard": "yes"}
    bars = M.tornado(tiny, answers)
    names = set(M.param_table(tiny)["name"])
    assert {b.name for b in bars} <= names
    assert [b.swing for b in bars] == sorted((b.swing for b in bars), reverse=True)
    for b in bars[:4]:
        for end, expected in (("low", b.posterior_low), ("high", b.posterior_high)):
            edited = M.Model(M.update_params(tiny.spec, {b.name: {"value": getattr(b, end)}}))
            assert math.isclose(M.query(edited, answers).posterior, expected, rel_tol=1e-9)
    # the sprinkler's strength on the grass matters once the sound explains the grass
    assert bars[0].swing > 0


# --------------------------------------------------------------------------- export
@pytest.mark.parametrize("fmt", ["bif", "xmlbif"])
def test_export_round_trip_keeps_states_and_answers(
    tiny: M.Model, fmt: str, tmp_path: Path
) -> None:
    out = write_network(tiny, fmt, tmp_path / f"tiny.{fmt}")  # type: ignore[arg-type]
    net = read_network(out)
    structure, _ = from_pgmpy(net)
    assert set(structure.nodes) == set(tiny.spec.nodes)
    for node, spec_node in tiny.spec.nodes.items():
        assert structure.states[node] == spec_node.states
        assert set(structure.parents[node]) == set(spec_node.parents)
    for answers in ANSWER_SETS:
        theirs = pgmpy_posterior(net, QUERY, "yes", answers)
        assert math.isclose(theirs, M.query(tiny, answers).posterior, rel_tol=1e-9)


# --------------------------------------------------------------------------- CLI
def _cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    return run_cli(["query", "--priors", str(TINY), *args], capsys, monkeypatch)


def test_cli_query_on_the_tiny_file(
    tiny: M.Model, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = _cli(["--set", "wet_grass=yes", "--json"], capsys, monkeypatch)
    assert code == 0
    data = json.loads(out)
    assert math.isclose(data["posterior"], M.query(tiny, {"wet_grass": "yes"}).posterior)
    assert data["red_flags"] == []


def test_cli_names_the_tiny_files_states_for_a_bad_answer(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = _cli(["--set", "wet_grass=soaked", "--json"], capsys, monkeypatch)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "wet_grass" in err and "soaked" in err and "yes" in err
