"""Every bad priors file gets one PriorsError line naming file, field, value and what is
allowed; every bad answer gets an EvidenceError naming the valid choices."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from alsodds.errors import EvidenceError, PriorsError
from alsodds.inference import Model, parse_answers, query
from alsodds.spec import MAX_FILE_BYTES, default_priors_path, load_spec, load_spec_text
from tests.oracles import bundled_data

W = "nodes.weakness.distribution"


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _edit(change: Callable[[dict[str, Any]], object]) -> str:
    data = bundled_data()
    change(data)
    return _dump(data)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node = data
        for part in head:
            node = node[part]
        node[last] = value

    return change


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node = data
        for part in head:
            node = node[part]
        del node[last]

    return change


def _param(value: float, low: float, high: float, source: str = "seed000") -> dict[str, Any]:
    return {"value": value, "low": low, "high": high, "source": source}


def _replace(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced, refusing to pass silently if ``old`` is not there."""
    assert old in text, old
    return text.replace(old, new)


def _cycle(data: dict[str, Any]) -> None:
    # neuropathy becomes a noisy-OR child of weakness, whose cause neuropathy already is
    data["nodes"]["neuropathy"]["distribution"] = {
        "kind": "noisy_or",
        "state": "present",
        "leak": _param(0.01, 0.003, 0.03),
        "causes": {"weakness": _param(0.1, 0.05, 0.2)},
    }


def _unknown_parent(data: dict[str, Any]) -> None:
    data["nodes"]["weakness"]["distribution"]["causes"]["gremlin"] = _param(0.1, 0.05, 0.2)


def _broken_sign(data: dict[str, Any]) -> None:
    # family history is '+': its 'yes' weight with ALS (low end 0.005 here) must keep the
    # yes/no ratio above that without ALS (up to 0.02 / 0.98) over the whole box
    data["nodes"]["family_history"]["distribution"]["given"]["present"]["yes"] = _param(
        0.055, 0.005, 0.10
    )


def _gate_removed(data: dict[str, Any]) -> None:
    # trigger_response is certified '-' only because its causes stop acting with ALS
    del data["nodes"]["trigger_response"]["distribution"]["gate"]


def _gate_widened(data: dict[str, Any]) -> None:
    # ... and with the causes acting in early ALS too, improvement can favour ALS
    data["nodes"]["trigger_response"]["distribution"]["gate"]["states"] = ["none", "early"]


SCHEMA = "schema_version: 2"


def _unsafe_tag(text: str) -> str:
    return _replace(text, SCHEMA, 'schema_version: !!python/object/apply:os.system ["true"]')


def _anchor_and_alias(text: str) -> str:
    return _replace(
        _replace(text, "title: Muscle", "title: &t Muscle"), "query: {node: als", "query: {node: *t"
    )


def _alias(text: str) -> str:
    return _replace(text, "query: {node: als", "query: {node: *t")


def _anchor_only(text: str) -> str:
    return _replace(text, "title: Muscle", "title: &t Muscle")


def _duplicate_key(text: str) -> str:
    return _replace(text, SCHEMA, f"{SCHEMA}\n{SCHEMA}")


def _nan(text: str) -> str:
    data = yaml.safe_load(text)
    data["nodes"]["weakness"]["distribution"]["leak"]["value"] = "NAN_HERE"
    return _dump(data).replace("NAN_HERE", ".nan")


BASE = default_priors_path().read_text()
FH = "nodes.family_history.distribution.given"
TR = "nodes.trigger_response"
STAGE = "nodes.als_stage.distribution"
#: The onset form's states, as the bundled file lists them.
FORM_STATES = ", ".join(bundled_data()["nodes"]["als_form"]["states"])

# (id, text, expected field (substring), value shown (substring), allowed (substring))
CASES: list[tuple[str, str, str, str, str]] = [
    ("unsafe_python_tag", _unsafe_tag(BASE), "line", "tag:yaml.org,2002:python", "safe YAML"),
    ("yaml_alias", _alias(BASE), "line", "alias", "safe YAML"),
    ("yaml_anchor_and_alias", _anchor_and_alias(BASE), "line", "anchor", "safe YAML"),
    ("yaml_anchor", _anchor_only(BASE), "line", "anchor", "safe YAML"),
    ("duplicate_key", _duplicate_key(BASE), "line", "duplicate key 'schema_version'", "safe YAML"),
    ("yaml_syntax", BASE + "\n  : : [unclosed\n", "line", "", "safe YAML"),
    ("top_level_list", "- a\n- b\n", "", "list", "mapping at the top level"),
    (
        "old_schema_version",
        _edit(_set("schema_version", 1)),
        "schema_version",
        "1",
        "2",
    ),
    (
        "probability_above_one",
        _edit(_set(f"{W}.leak", _param(1.5, 0.01, 1.5))),
        f"{W}.leak.value",
        "1.5",
        "probability in [0, 1]",
    ),
    (
        "probability_below_zero",
        _edit(_set(f"{W}.causes.myasthenia", _param(0.5, -0.1, 0.7))),
        f"{W}.causes.myasthenia.low",
        "-0.1",
        "probability in [0, 1]",
    ),
    ("nan", _nan(BASE), f"{W}.leak.value", "nan", "finite number"),
    (
        "low_above_value",
        _edit(_set(f"{W}.leak", _param(0.02, 0.03, 0.04))),
        f"{W}.leak",
        "'low': 0.03",
        "low <= value <= high",
    ),
    (
        "value_above_high",
        _edit(_set(f"{W}.leak", _param(0.05, 0.01, 0.04))),
        f"{W}.leak",
        "'value': 0.05",
        "low <= value <= high",
    ),
    ("unknown_parent", _edit(_unknown_parent), f"{W}.gremlin", "gremlin", "unknown parent"),
    ("cycle", _edit(_cycle), "nodes", "neuropathy", "cycle"),
    (
        "unknown_source_key",
        _edit(_set(f"{W}.leak", _param(0.02, 0.01, 0.04, source="nosuchpaper2020"))),
        f"{W}.leak.source",
        "nosuchpaper2020",
        "key of the 'sources' table",
    ),
    (
        "assumption_without_reasoning",
        _edit(_set(f"{W}.leak", _param(0.02, 0.01, 0.04, source="assumption: x"))),
        f"{W}.leak.source",
        "assumption: x",
        "reasoning",
    ),
    (
        "missing_field",
        _edit(_delete("nodes.weakness.label")),
        "nodes.weakness.label",
        "",
        "required",
    ),
    ("missing_value", _edit(_delete(f"{W}.leak.value")), f"{W}.leak.value", "", "required"),
    (
        "wrong_type",
        _edit(_set(f"{W}.leak.value", "a lot")),
        f"{W}.leak.value",
        "a lot",
        "number",
    ),
    (
        "unknown_key",
        _edit(_set("nodes.weakness.colour", "red")),
        "nodes.weakness.colour",
        "red",
        "not permitted",
    ),
    ("unknown_kind", _edit(_set(f"{W}.kind", "magic")), f"{W}", "magic", "noisy_or"),
    # the v1 kind is gone: a file still using it is told which kinds exist
    (
        "retired_conditional_kind",
        _edit(_set("nodes.family_history.distribution.kind", "conditional")),
        "nodes.family_history.distribution",
        "conditional",
        "table",
    ),
    (
        "unknown_state_in_sign",
        _edit(_set("nodes.weakness.sign_state", "maybe")),
        "nodes.weakness.sign_state",
        "maybe",
        "yes",
    ),
    # a missing number inside each kind of distribution is named by its real path
    # (pydantic's union tags such as 'bernoulli' are not part of the field)
    (
        "missing_weight",
        _edit(_delete("nodes.age_band.distribution.weights.under_30.value")),
        "nodes.age_band.distribution.weights.under_30.value",
        "",
        "required",
    ),
    (
        "missing_bernoulli_p",
        _edit(_delete("nodes.sex.distribution.p.low")),
        "nodes.sex.distribution.p.low",
        "",
        "required",
    ),
    (
        "missing_rate_term",
        _edit(_delete("nodes.als.distribution.terms.incidence.high")),
        "nodes.als.distribution.terms.incidence.high",
        "",
        "required",
    ),
    (
        "missing_table_source",
        _edit(_delete(f"{FH}.present.yes.source")),
        f"{FH}.present.yes.source",
        "",
        "required",
    ),
    (
        "missing_stage_parameter",
        _edit(_delete(f"{STAGE}.monthly_rate.low")),
        f"{STAGE}.monthly_rate.low",
        "",
        "required",
    ),
    # tables
    (
        "table_without_a_row_for_a_parent_state",
        _edit(_delete(f"{FH}.absent")),
        FH,
        "present",
        "every state",
    ),
    (
        "table_row_with_an_unknown_state",
        _edit(_set(f"{FH}.present.maybe", _param(0.1, 0.05, 0.2))),
        f"{FH}.present.maybe",
        "maybe",
        "states no, yes",
    ),
    ("table_row_empty", _edit(_set(f"{FH}.present", {})), f"{FH}.present", "{}", "at least one"),
    (
        "table_row_for_an_unknown_parent_state",
        _edit(_set(f"{FH}.maybe", {"yes": _param(0.1, 0.05, 0.2)})),
        f"{FH}.maybe",
        "maybe",
        "absent, present",
    ),
    # stages
    (
        "stage_clock_months_not_rising",
        _edit(_set(f"{STAGE}.clock_months.1_3_months", 0.2)),
        f"{STAGE}.clock_months",
        "[0.5, 0.2, 4.5",
        "rising",
    ),
    (
        "stage_clock_months_missing_a_state",
        _edit(_delete(f"{STAGE}.clock_months.over_2_years")),
        f"{STAGE}.clock_months",
        "under_1_month",
        "missing ['over_2_years']",
    ),
    (
        "stage_with_two_states",
        _edit(_set("nodes.als_stage.states", ["none", "progressive"])),
        "nodes.als_stage.states",
        "'none', 'progressive'",
        "three states",
    ),
    (
        "stage_active_state_unknown",
        _edit(_set(f"{STAGE}.active", "maybe")),
        f"{STAGE}.active",
        "maybe",
        "state of als",
    ),
    # gates
    (
        "gate_naming_an_unknown_state",
        _edit(_set(f"{TR}.distribution.gate.states", ["none", "maybe"])),
        f"{TR}.distribution.gate.states",
        "maybe",
        FORM_STATES,
    ),
    (
        "gate_naming_an_unknown_node",
        _edit(_set(f"{TR}.distribution.gate.node", "gremlin")),
        f"{TR}.distribution.gremlin",
        "gremlin",
        "unknown parent",
    ),
    (
        "categorical_cause_with_an_unknown_state",
        _edit(_set(f"{W}.causes.als_form.gremlin", _param(0.5, 0.1, 0.7))),
        f"{W}.causes.als_form.gremlin",
        "gremlin",
        FORM_STATES,
    ),
    # questions that apply only with other answers
    (
        "applies_when_naming_an_unknown_node",
        _edit(_set("nodes.twitch_spread.applies_when", {"gremlin": ["yes"]})),
        "nodes.twitch_spread.applies_when.gremlin",
        "gremlin",
        "answerable node id",
    ),
    (
        "applies_when_naming_a_latent_node",
        _edit(_set("nodes.twitch_spread.applies_when", {"benign": ["present"]})),
        "nodes.twitch_spread.applies_when.benign",
        "benign",
        "answerable node id",
    ),
    (
        "applies_when_naming_an_unknown_state",
        _edit(_set("nodes.twitch_spread.applies_when", {"fasciculations": ["maybe"]})),
        "nodes.twitch_spread.applies_when.fasciculations",
        "maybe",
        "no, yes",
    ),
    (
        "absent_state_unknown",
        _edit(_set("nodes.weakness.absent_state", "maybe")),
        "nodes.weakness.absent_state",
        "maybe",
        "no, yes",
    ),
    # watchful waiting
    (
        "watch_months_not_rising",
        _edit(_set("watch.months.1_3_months", 0)),
        "watch.months",
        "[0.0, 0.0, 3.0",
        "rising from 0",
    ),
    (
        "watch_months_not_from_zero",
        _edit(_set("watch.months.under_1_month", 0.5)),
        "watch.months",
        "[0.5, 1.0",
        "rising from 0",
    ),
    (
        "watch_months_missing_a_band",
        _edit(_delete("watch.months.over_2_years")),
        "watch.months",
        "'1_2_years']",
        "every state in order",
    ),
    (
        "watch_duration_not_ordinal",
        _edit(_set("watch.duration", "weakness")),
        "watch.duration",
        "weakness",
        "ordinal",
    ),
    (
        "watch_nothing_new_unknown_state",
        _edit(_set("watch.nothing_new.weakness", "maybe")),
        "watch.nothing_new.weakness",
        "maybe",
        "one of its states",
    ),
    (
        "watch_nothing_new_unknown_node",
        _edit(_set("watch.nothing_new.gremlin", "no")),
        "watch.nothing_new.gremlin",
        "no",
        "node id",
    ),
    (
        "watch_background_chance_above_one",
        _edit(_set("watch.background_new_sign.high", 1.5)),
        "watch.background_new_sign.high",
        "1.5",
        "probability in [0, 1]",
    ),
    # retired questions
    (
        "retired_id_that_is_also_a_node",
        _edit(_set("retired.weakness", "replaced by a question about daily tasks")),
        "retired.weakness",
        "weakness",
        "cannot also be a node",
    ),
    # declared signs
    (
        "finding_without_sign",
        _edit(_delete("nodes.weakness.sign")),
        "nodes.weakness.sign",
        "None",
        "declares a sign",
    ),
    (
        "background_without_sign",
        _edit(_delete("nodes.sex.sign")),
        "nodes.sex.sign",
        "None",
        "declares a sign",
    ),
    (
        "ordinal_without_sign",
        _edit(_delete("nodes.symptom_duration.sign")),
        "nodes.symptom_duration.sign",
        "None",
        "declares a sign",
    ),
    (
        "depends_without_note",
        _edit(_delete("nodes.cramps.sign_note")),
        "nodes.cramps.sign_note",
        "None",
        "sign_note",
    ),
    (
        "searched_without_note",
        _edit(_delete("nodes.weakness.sign_note")),
        "nodes.weakness.sign_note",
        "None",
        "sign_note",
    ),
    (
        "sign_state_unknown",
        _edit(_set("nodes.emg.sign_state", "odd")),
        "nodes.emg.sign_state",
        "odd",
        "abnormal",
    ),
    (
        "noisy_or_sign_on_the_wrong_state",
        _edit(_set(f"{TR}.sign", "+")),
        f"{TR}.sign",
        "noisy-OR dominance",
        "declare 'depends'",
    ),
    # a certified sign broken by an edit is refused
    ("table_sign_broken", _edit(_broken_sign), f"{FH}.present.yes", "ratio yes/no", "'+'"),
    (
        "gated_sign_without_its_gate",
        _edit(_gate_removed),
        f"{TR}.sign",
        "-",
        "no sufficient condition certifies",
    ),
    (
        "gated_sign_with_a_wider_gate",
        _edit(_gate_widened),
        f"{TR}.sign",
        "noisy-OR dominance: with als_form in",
        "declare 'depends'",
    ),
    (
        "duration_sign_without_no_progression",
        _edit(_set("nodes.symptom_duration.sign_given", {"weakness": "no"})),
        "nodes.symptom_duration.sign_given",
        "{'weakness': 'no'}",
        "rule out every state",
    ),
    (
        "root_parent_plus_sign_broken",
        _edit(
            lambda d: (
                _set("nodes.sex.sign", "+")(d),
                _set("nodes.sex.sign_state", "male")(d),
                _set("nodes.als.distribution.relative.sex.factors.male", _param(1.35, 0.9, 1.6))(d),
            )
        ),
        "nodes.als.distribution.relative.sex.factors.male",
        "0.9",
        "above every other state",
    ),
    (
        "root_parent_minus_sign_broken",
        _edit(lambda d: (_set("nodes.sex.sign", "-")(d), _set("nodes.sex.sign_state", "male")(d))),
        "nodes.als.distribution.relative.sex.factors.male",
        "1.6",
        "below every other state",
    ),
    (
        "sign_on_a_node_that_cannot_guarantee_it",
        _edit(
            lambda d: (
                _set("nodes.caffeine.sign", "+")(d),
                _set("nodes.caffeine.sign_state", "yes")(d),
            )
        ),
        "nodes.caffeine.sign",
        "+",
        "declare 'depends'",
    ),
    (
        "red_flag_without_sign_state",
        _edit(_set("nodes.cramps.red_flag", True)),
        "nodes.cramps.sign_state",
        "None",
        "red flag",
    ),
    # structure
    (
        "duplicate_states",
        _edit(_set("nodes.weakness.states", ["no", "no"])),
        "nodes.weakness.states",
        "'no', 'no'",
        "distinct",
    ),
    (
        "query_node_unknown",
        _edit(_set("query.node", "gremlin")),
        "query.node",
        "gremlin",
        "node id",
    ),
    ("query_state_unknown", _edit(_set("query.state", "maybe")), "query.state", "maybe", "present"),
    (
        "two_query_nodes",
        _edit(_set("nodes.neuropathy.role", "query")),
        "*.role",  # either query node's role may be named
        "query",
        "exactly one node",
    ),
    (
        "non_binary_noisy_or_cause",
        _edit(
            lambda d: d["nodes"]["fasciculations"]["distribution"]["causes"].update(
                {"age_band": _param(0.1, 0.05, 0.2)}
            )
        ),
        "nodes.fasciculations.distribution.causes.age_band",
        "age_band",
        "binary",
    ),
    (
        "noisy_or_with_three_states",
        _edit(_set("nodes.weakness.states", ["no", "yes", "maybe"])),
        "nodes.weakness.states",
        "maybe",
        "two states",
    ),
    (
        "ratio_below_one",
        _edit(_set("soft_evidence.not_sure_ratio", _param(0.5, 0.5, 3.0))),
        "soft_evidence.not_sure_ratio.low",
        "0.5",
        "at least 1",
    ),
    (
        "weight_not_positive",
        _edit(_set("nodes.age_band.distribution.weights.under_30", _param(0.0, 0.0, 0.2))),
        "nodes.age_band.distribution.weights.under_30.low",
        "0.0",
        "greater than 0",
    ),
    (
        "rate_above_one",
        _edit(_set("nodes.als.distribution.terms.incidence", _param(2.0, 1.5, 1e9))),
        "nodes.als.distribution.terms",
        "upper bound",
        "<= 1",
    ),
]


def _assert_one_line(err: PriorsError, field: str, value: str, allowed: str, source: str) -> None:
    text = str(err)
    assert len(text.splitlines()) == 1
    assert "Traceback" not in text
    assert source in text.split(": ")[0]
    if field == "line":  # YAML-level problems are located by line, or the whole document
        assert err.field.startswith("line ") or err.field == "document", text
    elif field.startswith("*"):
        assert err.field.startswith("nodes.") and err.field.endswith(field[1:]), text
    else:
        assert err.field == field, (err.field, text)
    assert value in text, text
    assert allowed in text, text


@pytest.mark.parametrize(
    ("case", "text", "field", "value", "allowed"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_priors_text_gets_one_line_priors_error(
    case: str, text: str, field: str, value: str, allowed: str
) -> None:
    with pytest.raises(PriorsError) as info:
        load_spec_text(text, "bad.yaml")
    _assert_one_line(info.value, field, value, allowed, "bad.yaml")


@pytest.mark.parametrize(
    ("case", "text", "field", "value", "allowed"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_priors_file_gets_one_line_priors_error_and_is_left_unchanged(
    tmp_path: Path, case: str, text: str, field: str, value: str, allowed: str
) -> None:
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(PriorsError) as info:
        load_spec(path)
    _assert_one_line(info.value, field, value, allowed, path.name)
    assert path.read_bytes() == before


def test_unsafe_yaml_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = _replace(
        BASE, SCHEMA, f'schema_version: !!python/object/apply:os.system ["touch {marker}"]'
    )
    with pytest.raises(PriorsError):
        load_spec_text(text)
    assert not marker.exists()


def test_file_over_one_megabyte_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    padding = "# padding\n" * (MAX_FILE_BYTES // 10 + 10)
    path.write_text(BASE + padding, encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    with pytest.raises(PriorsError) as info:
        load_spec(path)
    _assert_one_line(info.value, "", "bytes", "at most 1 MB", "huge.yaml")


def test_text_over_one_megabyte_is_refused() -> None:
    with pytest.raises(PriorsError) as info:
        load_spec_text(BASE + "#" * 1_000_001, "big.yaml")
    _assert_one_line(info.value, "", "characters", "at most 1 MB", "big.yaml")


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    body = BASE.encode("utf-8")
    path.write_bytes(body + b"#" * (MAX_FILE_BYTES - len(body) - 1) + b"\n")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert load_spec(path).query.node == "als"


def test_missing_file_and_non_utf8_file_get_priors_error(tmp_path: Path) -> None:
    with pytest.raises(PriorsError) as info:
        load_spec(tmp_path / "nope.yaml")
    assert len(str(info.value).splitlines()) == 1
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(PriorsError) as info:
        load_spec(latin)
    assert "UTF-8" in str(info.value)


def test_bundled_priors_load_cleanly_after_a_yaml_round_trip() -> None:
    # the edits above start from this round trip, so it must not itself be the error
    spec = load_spec_text(_dump(bundled_data()))
    assert spec.query.node == "als"
    assert math.isclose(spec.soft_evidence.not_sure_ratio.value, 1.5)


def test_deep_copies_do_not_leak_between_cases() -> None:
    a = bundled_data()
    b = copy.deepcopy(a)
    _broken_sign(a)
    assert b == bundled_data()


# --------------------------------------------------------------------------- evidence
EVIDENCE_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("unknown_node", {"gremlin": "yes"}, ["gremlin", "weakness", "age_band", "emg"]),
    ("latent_node", {"benign": "present"}, ["benign", "weakness"]),
    ("query_node", {"als": "present"}, ["als", "weakness"]),
    ("unknown_state", {"weakness": "maybe"}, ["maybe", "no", "yes", "not_sure"]),
    ("unknown_age", {"age_band": "40"}, ["40", "under_30", "75_plus"]),
    ("not_sure_on_weights_node", {"age_band": "not_sure"}, ["age_band", "under_30", "75_plus"]),
    ("not_sure_refused_by_the_priors", {"sex": "not_sure"}, ["sex", "female", "male"]),
    ("soft_unknown_state", {"weakness": {"maybe": 1.0}}, ["weakness", "no", "yes"]),
    ("soft_negative", {"weakness": {"no": -1.0, "yes": 1.0}}, ["weakness", ">= 0"]),
    ("soft_nan", {"weakness": {"no": float("nan"), "yes": 1.0}}, ["weakness", "finite"]),
    ("soft_inf", {"weakness": {"no": float("inf"), "yes": 1.0}}, ["weakness", "finite"]),
    ("soft_all_zero", {"weakness": {"no": 0.0, "yes": 0.0}}, ["weakness", "not all zero"]),
    ("soft_not_numbers", {"weakness": {"no": "a", "yes": 1.0}}, ["weakness", "numbers"]),
    ("soft_wrong_type", {"weakness": 3}, ["weakness", "no", "yes"]),
    (
        "not_sure_on_the_duration",
        {"symptom_duration": "not_sure"},
        ["symptom_duration", "1_3_months"],
    ),
    # a question the network no longer asks is named with what replaced it
    ("retired_question", {"stable_12_months": "yes"}, ["stable_12_months", "symptom_duration"]),
    # answers that contradict each other name both
    (
        "twitch_spread_without_twitching",
        {"fasciculations": "no", "twitch_spread": "several_areas"},
        ["twitch_spread=several_areas", "fasciculations=no"],
    ),
    (
        "trigger_response_without_twitching",
        {"trigger_response": "improved", "fasciculations": "no"},
        ["trigger_response=improved", "fasciculations=no"],
    ),
]


@pytest.mark.parametrize(
    ("case", "answers", "mentions"), EVIDENCE_CASES, ids=[c[0] for c in EVIDENCE_CASES]
)
def test_bad_answer_gets_evidence_error_with_the_valid_choices(
    model: Model, case: str, answers: dict[str, Any], mentions: list[str]
) -> None:
    for call in (lambda: parse_answers(model.spec, answers), lambda: query(model, answers)):
        with pytest.raises(EvidenceError) as info:
            call()
        text = str(info.value)
        assert len(text.splitlines()) == 1
        for word in mentions:
            assert word in text, (word, text)


# The ids and states a sign is declared under (``sign_given``) must exist.
SIGN_GIVEN_CASES = [
    ("unknown_node", {"gremlin": "no", "progression": "no"}),
    ("unknown_state", {"weakness": "maybe", "progression": "no"}),
]


@pytest.mark.parametrize(("case", "given"), SIGN_GIVEN_CASES, ids=[c[0] for c in SIGN_GIVEN_CASES])
def test_sign_given_naming_an_unknown_answer_is_refused(case: str, given: dict[str, str]) -> None:
    text = _edit(_set("nodes.symptom_duration.sign_given", given))
    with pytest.raises(PriorsError) as info:
        load_spec_text(text, "bad.yaml")
    assert info.value.field.startswith("nodes.symptom_duration.sign_given"), str(info.value)
