"""The bundled priors file: every number sourced, every finding worded and signed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from alsodds.inference import Model
from alsodds.spec import NoisyOrDist
from alsodds.tables import ParameterSet
from tests.oracles import bundled_data

ASSUMPTION = "assumption:"


def _numbers(data: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mapping in the file that carries a ``value`` (a parameter), found by walking."""
    if isinstance(data, dict):
        if "value" in data:
            yield path, data
            return
        for k, v in data.items():
            yield from _numbers(v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _numbers(v, f"{path}[{i}]")


def test_every_parameter_has_a_range_and_a_known_source() -> None:
    data = bundled_data()
    known = set(data["sources"])
    params = list(_numbers(data["nodes"], "nodes"))
    params += list(_numbers(data["soft_evidence"], "soft_evidence"))
    params += list(_numbers(data.get("cross_checks", {}), "cross_checks"))
    assert params
    for path, p in params:
        assert {"value", "low", "high", "source"} <= set(p), path
        assert p["low"] <= p["value"] <= p["high"], path
        sources = p["source"] if isinstance(p["source"], list) else [p["source"]]
        assert sources, path
        for s in sources:
            if s.startswith(ASSUMPTION):
                reasoning = s[len(ASSUMPTION) :].strip()
                assert len(reasoning.split()) >= 4, f"{path}: an assumption gives its reasoning"
            else:
                assert s in known, f"{path}: source {s!r} is not a key of `sources`"


def test_walk_finds_every_parameter_of_the_engine(model: Model) -> None:
    data = bundled_data()
    found = {path for path, _ in _numbers(data["nodes"], "nodes")}
    found |= {path for path, _ in _numbers(data["soft_evidence"], "soft_evidence")}
    assert found == set(ParameterSet.from_spec(model.spec).names)


def test_every_answerable_node_has_words_and_a_sign(model: Model) -> None:
    for node_id in model.spec.answerable:
        node = model.spec.nodes[node_id]
        assert node.question and node.help, node_id
        assert node.sign in ("+", "-", "depends"), node_id
        if node.sign == "depends":
            assert node.sign_note, node_id
        else:
            assert node.sign_state in node.states, node_id


def test_design_signs_are_declared_as_the_design_lists_them(model: Model) -> None:
    """design.md section 4: which findings are '+' and which '-'."""
    plus = {
        "weakness": "yes",
        "atrophy": "yes",
        "bulbar": "yes",
        "breathing": "yes",
        "emg": "abnormal",
        "family_history": "yes",
        "twitch_spread": "several_areas",
    }
    minus = {"trigger_response": "improved", "stable_12_months": "yes"}
    for node, state in plus.items():
        n = model.spec.nodes[node]
        assert (n.sign, n.sign_state) == ("+", state), node
    for node, state in minus.items():
        n = model.spec.nodes[node]
        assert (n.sign, n.sign_state) == ("-", state), node


def test_red_flags_are_the_design_list(model: Model) -> None:
    assert set(model.spec.red_flags) == {
        "weakness",
        "atrophy",
        "bulbar",
        "breathing",
        "progression",
    }
    for node in model.spec.red_flags:
        assert model.spec.nodes[node].sign == "+"


def test_public_ids_and_states_are_the_contract(model: Model) -> None:
    yes_no = ("no", "yes")
    contract = {
        "age_band": ("under_30", "30_44", "45_54", "55_64", "65_74", "75_plus"),
        "sex": ("female", "male"),
        "family_history": yes_no,
        "fasciculations": yes_no,
        "twitch_spread": ("one_area", "several_areas"),
        "weakness": yes_no,
        "atrophy": yes_no,
        "bulbar": yes_no,
        "breathing": yes_no,
        "cramps": yes_no,
        "sensory_changes": yes_no,
        "trigger_response": ("improved", "not_improved"),
        "stable_12_months": yes_no,
        "emg": ("normal", "abnormal"),
        "caffeine": yes_no,
        "poor_sleep": yes_no,
        "stress": yes_no,
        "strenuous_exercise": yes_no,
        "als": ("absent", "present"),
    }
    for node, states in contract.items():
        assert model.spec.nodes[node].states == states, node
    assert (model.spec.query.node, model.spec.query.state) == ("als", "present")


def test_noisy_or_findings_list_the_query_among_their_causes(model: Model) -> None:
    for node in model.spec.findings:
        d = model.spec.nodes[node].distribution
        if isinstance(d, NoisyOrDist):
            assert model.query_node in d.causes, node
