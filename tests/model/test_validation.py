"""The validation table: every row's number checked against brute-force enumeration on the
bundled network, and against closed-form answers on a tiny hand-built network.

The bundled targets file is read here as plain YAML, so the expected values come from the
file's words (node ids, states, parameter names, ranges), not from the module under test.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
import yaml

from alsodds.errors import PriorsError
from alsodds.inference import Model
from alsodds.marginals import conditional_probability
from alsodds.spec import default_priors_path, load_spec_text
from alsodds.tables import FloatArray, build_tables
from alsodds.uncertainty import sample_parameters
from alsodds.validation import (
    RowResult,
    all_passed,
    default_targets_path,
    load_targets,
    run_validation,
    targets_from_data,
)
from tests.oracles import joint_by_core_enumeration


# --------------------------------------------------------------------------- brute force
def _states(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _indicators(model: Model, *parts: Mapping[str, Any]) -> dict[str, FloatArray]:
    """Indicator likelihoods of the conjunction of assignments (a node in two parts keeps the
    states both allow)."""
    out: dict[str, FloatArray] = {}
    for part in parts:
        for node, value in part.items():
            states = model.spec.nodes[node].states
            row = np.array([1.0 if s in _states(value) else 0.0 for s in states])
            out[node] = out[node] * row if node in out else row
    return out


def brute_probability(
    model: Model, *parts: Mapping[str, Any], theta: FloatArray | None = None
) -> FloatArray:
    """P(conjunction of the assignments) for each draw, by enumerating the network."""
    tables = model.tables if theta is None else build_tables(model.spec, theta, model.params)
    j = joint_by_core_enumeration(
        model.structure, tables, model.query_node, _indicators(model, *parts)
    )
    out: FloatArray = j.sum(axis=1)
    return out


def brute_conditional(
    model: Model,
    event: Mapping[str, Any],
    given: Mapping[str, Any],
    theta: FloatArray | None = None,
) -> FloatArray:
    out: FloatArray = brute_probability(model, event, given, theta=theta) / brute_probability(
        model, given, theta=theta
    )
    return out


def _odds(p: float) -> float:
    return p / (1.0 - p)


def missing_name(model: Model, row: Mapping[str, Any]) -> str | None:
    """The first node, state or network parameter a raw row names that the model lacks."""
    parts = [row.get(k, {}) for k in ("event", "given", "exposure", "reference")]
    if row.get("over") is not None:
        parts.append({row["over"]: [row["low"], row["high"]]})
    for part in parts:
        for node, value in part.items():
            if node not in model.spec.nodes:
                return node
            for s in _states(value):
                if s not in model.spec.nodes[node].states:
                    return s
    for name in row.get("window", []):
        if name not in model.params.index:
            return str(name)
    return None


def window_years(model: Model, names: list[str]) -> float:
    years = 1.0
    for name in names:
        p = model.params.params[model.params.index[name]]
        years *= p.value / p.per
    return years


def expected_value(model: Model, raw: Mapping[str, Any], row: Mapping[str, Any]) -> Any:
    """A row's value computed from the raw file by enumeration (intervals excepted)."""
    kind = row["kind"]
    event, given = row["event"], row.get("given", {})
    scale = math.prod(raw["parameters"][n]["value"] for n in row.get("scale", []))
    per = row.get("per", 1.0)
    if kind == "probability":
        return float(brute_conditional(model, event, given)[0])
    if kind in ("incidence", "cases"):
        p = float(brute_conditional(model, event, given)[0])
        return p / window_years(model, row["window"]) * per * scale
    if kind == "peak":
        over = row["over"]
        by = {
            s: float(brute_conditional(model, event, {**given, over: s})[0])
            for s in model.spec.nodes[over].states
        }
        return max(by, key=by.__getitem__)
    assert kind == "odds_ratio", kind
    p1 = float(brute_conditional(model, event, {**given, **row["exposure"]})[0])
    p0 = float(brute_conditional(model, event, {**given, **row["reference"]})[0])
    return _odds(p1) / _odds(p0)


def expected_status(row: Mapping[str, Any], value: Any, states: tuple[str, ...]) -> str:
    if row.get("shown_only"):
        return "shown"
    if isinstance(value, str):
        ok = states.index(row["low"]) <= states.index(value) <= states.index(row["high"])
    elif isinstance(value, tuple):
        ok = row["low"] <= value[0] and value[1] <= row["high"]
    else:
        ok = row["low"] <= value <= row["high"]
    return "pass" if ok else "fail"


# --------------------------------------------------------------------------- bundled network
RAW = yaml.safe_load(default_targets_path().read_text(encoding="utf-8"))
ROW_IDS = [r["id"] for r in RAW["rows"]]


@pytest.fixture(scope="module")
def bundled_results(model: Model) -> dict[str, RowResult]:
    return {r.id: r for r in run_validation(model)}


def test_bundled_targets_have_the_rows_the_table_promises() -> None:
    kinds = {r["kind"] for r in RAW["rows"]}
    assert kinds == {"probability", "incidence", "cases", "interval", "peak", "odds_ratio"}
    assert any(r.get("shown_only") for r in RAW["rows"])
    assert len(ROW_IDS) == len(set(ROW_IDS)) >= 20
    for row in RAW["rows"]:
        assert row["source"], row["id"]


@pytest.mark.parametrize("row_id", ROW_IDS)
def test_bundled_row_matches_enumeration(
    model: Model, bundled_results: dict[str, RowResult], row_id: str
) -> None:
    row = next(r for r in RAW["rows"] if r["id"] == row_id)
    result = bundled_results[row_id]
    assert (result.low, result.high) == (row["low"], row["high"])
    missing = missing_name(model, row)
    if missing is not None:
        assert result.status == "not_applicable" and result.model is None
        assert result.passed is None
        assert result.reason is not None and missing in result.reason
        return
    if row["kind"] == "interval":
        # the interval is the 2.5th-97.5th percentile of the conditional over the draws; the
        # per-draw conditional is checked against enumeration on a slice of the draws
        settings = RAW.get("psa", {})
        rng = np.random.default_rng(settings.get("seed", 0))
        theta = sample_parameters(model, settings.get("draws", 2000), rng)
        engine = conditional_probability(model, row["event"], row.get("given", {}), theta)
        # a few draws: enumerating the 30-node network costs about 20 MB per draw
        brute = brute_conditional(model, row["event"], row.get("given", {}), theta[:4])
        np.testing.assert_allclose(engine[:4], brute, rtol=1e-10)
        low, high = np.quantile(engine, [0.025, 0.975])
        assert isinstance(result.model, tuple)
        assert result.model == pytest.approx((low, high), rel=1e-12)
        assert result.detail["point"] == pytest.approx(
            float(brute_conditional(model, row["event"], row.get("given", {}))[0]), rel=1e-10
        )
        expected: Any = (float(low), float(high))
    else:
        expected = expected_value(model, RAW, row)
        if isinstance(expected, str):
            assert result.model == expected
        else:
            assert isinstance(result.model, float)
            assert result.model == pytest.approx(expected, rel=1e-10)
    states = model.spec.nodes[row["over"]].states if row.get("over") else ()
    assert result.status == expected_status(row, expected, states)
    assert result.passed == {"pass": True, "fail": False}.get(result.status)


def test_incidence_rows_by_hand_on_the_bundled_network(
    model: Model, bundled_results: dict[str, RowResult]
) -> None:
    """P(ALS) summed over the query's parents entry by entry, then divided by the window."""
    row = next(r for r in RAW["rows"] if r["id"] == "incidence_adults")
    if missing_name(model, row) is not None:
        pytest.skip("this network has no such window parameter")
    parents = model.structure.parents[model.query_node]
    if any(model.structure.parents[p] for p in parents):
        pytest.skip("the hand derivation assumes the query's parents are roots")
    table = model.tables[model.query_node][0]
    total = 0.0
    for idx in np.ndindex(*(model.structure.card(p) for p in parents)):
        w = math.prod(float(model.tables[p][0][i]) for p, i in zip(parents, idx, strict=True))
        total += w * float(table[(model.query_index, *idx)])
    rate = total / window_years(model, row["window"]) * 100_000
    assert bundled_results["incidence_adults"].model == pytest.approx(rate, rel=1e-12)


def test_json_rows_carry_the_contract_fields(bundled_results: dict[str, RowResult]) -> None:
    for r in bundled_results.values():
        d = r.to_dict()
        assert {"quantity", "model", "low", "high", "source", "passed"} <= set(d)
        assert isinstance(d["source"], list) and d["source"]


# --------------------------------------------------------------------------- tiny network
TINY = """
schema_version: {version}
title: tiny
population: test
query: {node: als, state: present}
sources:
  src: a source
soft_evidence:
  not_sure_ratio: {value: 1.5, low: 1.0, high: 3.0, source: "assumption: a test ratio for not sure"}
messages: {disclaimer: d, red_flag: r, uncertain_red_flag: u}
nodes:
  age_band:
    role: background
    label: Age
    states: [young, old]
    sign: depends
    sign_note: ordinal
    distribution:
      kind: weights
      weights:
        young: {value: 0.75, low: 0.75, high: 0.75, source: src}
        old: {value: 0.25, low: 0.25, high: 0.25, source: src}
  als:
    role: query
    label: ALS
    states: [absent, present]
    distribution:
      kind: rate
      state: present
      terms:
        incidence: {value: 2.0, low: 2.0, high: 2.0, per: 100000, source: src}
        window: {value: 18, low: 18, high: 18, per: 12, source: src}
      relative:
        age_band:
          normalise: true
          factors:
            young: {value: 1.0, low: 1.0, high: 1.0, source: src}
            old: {value: 4.0, low: 4.0, high: 4.0, source: src}
  twitch:
    role: finding
    label: Twitch
    states: ["no", "yes"]
    sign: "+"
    sign_state: "yes"
    distribution:
      kind: noisy_or
      state: "yes"
      leak: {value: 0.1, low: 0.1, high: 0.1, source: src}
      causes:
        als: {value: 0.8, low: 0.6, high: 0.9, source: src}
  emg:
    role: finding
    label: EMG
    states: [normal, abnormal]
    sign: "+"
    sign_state: abnormal
    distribution:
      kind: noisy_or
      state: abnormal
      leak: {value: 0.05, low: 0.05, high: 0.05, source: src}
      causes:
        als: {value: 0.8, low: 0.8, high: 0.8, source: src}
"""
#: The tiny network uses only kinds every schema version has; its version is the bundled one's.
SCHEMA_VERSION = yaml.safe_load(default_priors_path().read_text(encoding="utf-8"))["schema_version"]

WINDOW = ["nodes.als.distribution.terms.window"]


def _row(row_id: str, kind: str, low: Any, high: Any, **extra: Any) -> dict[str, Any]:
    return {
        "id": row_id,
        "quantity": row_id,
        "kind": kind,
        "low": low,
        "high": high,
        "unit": "share",
        "source": ["ref"],
        **extra,
    }


TINY_TARGETS: dict[str, Any] = {
    "schema_version": 1,
    "title": "Tiny",
    "intro": "Closed-form checks.",
    "psa": {"draws": 4000, "seed": 7},
    "sources": {"ref": "A reference"},
    "parameters": {
        "half": {"value": 0.5, "low": 0.5, "high": 0.5, "source": "ref"},
        "people": {"value": 1_000_000, "low": 1_000_000, "high": 1_000_000, "source": "ref"},
        "years": {"value": 10, "low": 10, "high": 10, "source": "ref"},
    },
    "rows": [
        _row("inc", "incidence", 1.9, 2.1, event={"als": "present"}, window=WINDOW, per=100_000),
        _row(
            "inc_half",
            "incidence",
            1.5,
            2.0,
            event={"als": "present"},
            window=WINDOW,
            per=100_000,
            scale=["half"],
        ),
        _row(
            "inc_old",
            "incidence",
            0.0,
            1.0,
            event={"als": "present"},
            given={"age_band": "old"},
            window=WINDOW,
            per=100_000,
        ),
        _row(
            "cases",
            "cases",
            199.0,
            201.0,
            event={"als": "present"},
            window=WINDOW,
            scale=["people", "years"],
        ),
        _row(
            "old_share",
            "probability",
            0.5,
            0.6,
            event={"age_band": "old"},
            given={"als": "present"},
        ),
        _row(
            "profile",
            "probability",
            0.0,
            1.0,
            event={"als": "present"},
            given={"age_band": "old", "twitch": "yes", "emg": "abnormal"},
        ),
        _row(
            "any_age",
            "probability",
            0.0,
            1.0,
            event={"als": "present"},
            given={"age_band": ["young", "old"]},
        ),
        _row(
            "same_node",
            "probability",
            0.0,
            1.0,
            event={"age_band": ["old"]},
            given={"age_band": ["young", "old"]},
        ),
        _row(
            "peak",
            "peak",
            "old",
            "old",
            event={"als": "present"},
            over="age_band",
            window=WINDOW,
            per=100_000,
        ),
        _row("peak_low", "peak", "young", "young", event={"als": "present"}, over="age_band"),
        _row(
            "or",
            "odds_ratio",
            1.0,
            2.0,
            event={"twitch": "yes"},
            exposure={"als": "present"},
            reference={"als": "absent"},
            shown_only=True,
        ),
        _row("interval", "interval", 0.6, 0.9, event={"twitch": "yes"}, given={"als": "present"}),
        _row(
            "interval_narrow",
            "interval",
            0.7,
            0.9,
            event={"twitch": "yes"},
            given={"als": "present"},
        ),
        _row("na_node", "probability", 0.0, 1.0, event={"symptom_duration": "over_2_years"}),
        _row("na_state", "probability", 0.0, 1.0, event={"twitch": "sometimes"}),
        _row(
            "na_window",
            "incidence",
            0.0,
            1.0,
            event={"als": "present"},
            window=["nodes.als.distribution.terms.mean_window"],
        ),
        _row("na_over", "peak", "a", "b", event={"als": "present"}, over="age_band"),
        _row("na_zero", "probability", 0.0, 1.0, event={"als": "present"}, given={"age_band": []}),
    ],
}


@pytest.fixture(scope="module")
def tiny() -> Model:
    return Model(
        load_spec_text(TINY.replace("{version}", str(SCHEMA_VERSION)), "tiny.yaml"), "tiny.yaml"
    )


@pytest.fixture(scope="module")
def tiny_results(tiny: Model) -> dict[str, RowResult]:
    return {r.id: r for r in run_validation(tiny, targets_from_data(TINY_TARGETS, "tiny-targets"))}


def test_tiny_network_rows_have_their_closed_form_values(
    tiny_results: dict[str, RowResult],
) -> None:
    r = tiny_results
    # P(ALS) = 2 per 100,000 x 1.5 years x (age factors normalised to average 1)
    mean_factor = 0.75 * 1.0 + 0.25 * 4.0
    assert r["inc"].model == pytest.approx(2.0, rel=1e-12) and r["inc"].status == "pass"
    assert r["inc_half"].model == pytest.approx(1.0, rel=1e-12) and r["inc_half"].status == "fail"
    assert r["inc_old"].model == pytest.approx(2.0 * 4.0 / mean_factor, rel=1e-12)
    assert r["inc_old"].status == "fail"
    assert r["cases"].model == pytest.approx(2e-5 * 1e6 * 10, rel=1e-12)
    assert r["old_share"].model == pytest.approx(0.25 * 4.0 / mean_factor, rel=1e-12)
    prior = 2e-5 * 1.5 * 4.0 / mean_factor
    lr = (1 - 0.9 * 0.2) * (1 - 0.95 * 0.2) / (0.1 * 0.05)
    post_odds = prior / (1 - prior) * lr
    assert r["profile"].model == pytest.approx(post_odds / (1 + post_odds), rel=1e-12)
    assert r["any_age"].model == pytest.approx(3e-5, rel=1e-12)
    assert r["same_node"].model == pytest.approx(0.25, rel=1e-12)
    assert r["peak"].model == "old" and r["peak"].status == "pass"
    assert r["peak"].detail == pytest.approx({"young": 2.0 / mean_factor, "old": 8.0 / mean_factor})
    assert r["peak_low"].status == "fail"
    p1, p0 = 1 - 0.9 * 0.2, 0.1
    assert r["or"].model == pytest.approx((p1 / (1 - p1)) / (p0 / (1 - p0)), rel=1e-12)
    assert r["or"].status == "shown" and r["or"].passed is None


def _triangular_quantile(u: float, a: float, c: float, b: float) -> float:
    if u < (c - a) / (b - a):
        return a + math.sqrt(u * (b - a) * (c - a))
    return b - math.sqrt((1 - u) * (b - a) * (b - c))


def test_tiny_network_interval_is_the_quantiles_of_the_closed_form(
    tiny: Model, tiny_results: dict[str, RowResult]
) -> None:
    """Only the ALS strength varies (triangular 0.6, 0.8, 0.9), and P(twitch | ALS) =
    1 - 0.9 (1 - s) is increasing in it, so its quantiles are the strength's, mapped."""
    result = tiny_results["interval"]
    assert isinstance(result.model, tuple)
    theta = sample_parameters(tiny, 4000, np.random.default_rng(7))
    s = theta[:, tiny.params.index["nodes.twitch.distribution.causes.als"]]
    exact = np.quantile(1 - 0.9 * (1 - s), [0.025, 0.975])
    assert result.model == pytest.approx(tuple(exact), rel=1e-12)
    theory = [1 - 0.9 * (1 - _triangular_quantile(u, 0.6, 0.8, 0.9)) for u in (0.025, 0.975)]
    assert result.model == pytest.approx(tuple(theory), abs=0.01)
    assert result.detail["point"] == pytest.approx(0.82, rel=1e-12)
    assert result.status == "pass"
    # the lower end (about 0.675) lies below 0.7: an interval must fit inside the range
    assert tiny_results["interval_narrow"].status == "fail"


@pytest.mark.parametrize(
    ("row_id", "words"),
    [
        ("na_node", "symptom_duration"),
        ("na_state", "sometimes"),
        ("na_window", "mean_window"),
        ("na_over", "'a'"),
        ("na_zero", "probability zero"),
    ],
)
def test_rows_the_network_cannot_answer_are_not_applicable(
    tiny_results: dict[str, RowResult], row_id: str, words: str
) -> None:
    r = tiny_results[row_id]
    assert r.status == "not_applicable" and r.model is None and r.passed is None
    assert r.reason is not None and words in r.reason


def test_all_passed_needs_every_judged_row_to_pass(tiny_results: dict[str, RowResult]) -> None:
    rows = list(tiny_results.values())
    assert not all_passed(rows)
    good = [tiny_results[k] for k in ("inc", "peak", "or", "interval")]
    assert all_passed(good)  # a shown row does not count against
    assert not all_passed([*good, tiny_results["na_node"]])
    assert not all_passed([*good, tiny_results["inc_half"]])


# --------------------------------------------------------------------------- bad targets
def _bad(**change: Any) -> dict[str, Any]:
    data = {**TINY_TARGETS, "rows": [dict(TINY_TARGETS["rows"][0])]}
    for key, value in change.items():
        if key.startswith("row_"):
            data["rows"][0][key[4:]] = value
        else:
            data[key] = value
    return data


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"row_source": ["nope"]}, "rows.0.source", "sources"),
        ({"row_source": ["assumption: x"]}, "rows.0.source", "reasoning"),
        ({"row_scale": ["unknown"]}, "rows.0.scale", "parameters"),
        ({"row_kind": "median"}, "rows.0.kind", "probability"),
        ({"row_low": 3.0}, "rows.0", "low <= high"),
        ({"row_low": "young"}, "rows.0.low", "number"),
        ({"row_window": []}, "rows.0.window", "window"),
        ({"row_kind": "peak"}, "rows.0.over", "node to scan"),
        ({"row_extra": 1}, "rows.0.extra", "Extra inputs"),
        ({"rows": []}, "rows", "at least 1"),
    ],
)
def test_bad_targets_are_refused_in_one_line(
    change: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(PriorsError) as info:
        targets_from_data(_bad(**change), "t.yaml")
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"t.yaml: {field}")
    assert words in message


def test_duplicate_row_ids_are_refused() -> None:
    data = {**TINY_TARGETS, "rows": [TINY_TARGETS["rows"][0], TINY_TARGETS["rows"][0]]}
    with pytest.raises(PriorsError, match=r"rows\.1\.id.*distinct"):
        targets_from_data(data, "t.yaml")


def test_bundled_targets_load() -> None:
    targets = load_targets()
    assert [r.id for r in targets.rows] == ROW_IDS
