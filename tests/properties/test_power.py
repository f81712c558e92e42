"""Power check: the monotonicity machinery catches a model that breaks a declared sign.

Broken parameter sets are built with the schema check bypassed (a theta outside the box,
or a spec validated by pydantic alone); the checker used by the property tests must find a
violating context, by systematic search and by hypothesis with the same context strategy,
and ``check_spec`` must reject the broken file.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import find, settings

from alsodds.errors import PriorsError
from alsodds.inference import Answer, Model, load_model, parse_answers
from alsodds.spec import NetworkSpec, check_spec, spec_from_data
from alsodds.tables import FloatArray
from tests.oracles import bundled_data, find_sign_violations, param_slot
from tests.properties.strategies import consistent, contexts

BUNDLED = load_model()


def _small_contexts(model: Model, nodes: tuple[str, ...], size: int = 2) -> list[dict[str, Answer]]:
    """Every hard context on up to ``size`` of ``nodes``."""
    out: list[dict[str, Answer]] = [{}]
    for k in range(1, size + 1):
        for combo in itertools.combinations(nodes, k):
            for states in itertools.product(*(model.spec.nodes[n].states for n in combo)):
                raw = dict(zip(combo, states, strict=True))
                if consistent(model.spec, dict(raw)) == raw:  # skip refused contradictions
                    out.append(parse_answers(model.spec, raw))
    return out


def _broken_theta(changes: dict[str, float]) -> FloatArray:
    theta = BUNDLED.point.copy()
    for name, value in changes.items():
        theta[0, BUNDLED.params.position(name)] = value
    return theta


def _broken_spec(change: dict[str, dict[str, Any]]) -> NetworkSpec:
    data = bundled_data()
    for name, fields in change.items():
        param_slot(data, name).update(fields)
    return NetworkSpec.model_validate(data)  # pydantic only: check_spec is bypassed


EMG = "nodes.emg.distribution.causes"
BROKEN_EMG = {
    f"{EMG}.als_form.early": 0.0,
    f"{EMG}.als_form.limb": 0.02,
    f"{EMG}.als_form.bulbar": 0.02,
    f"{EMG}.als_form.widespread": 0.02,
    f"{EMG}.other_mnd": 0.95,
    f"{EMG}.mmn": 0.95,
}
# an abnormal EMG is '+': if ALS hardly ever showed it while competing motor neuron
# diseases always did, it would point away from ALS once their other findings are present.


def test_sign_checker_finds_a_violation_for_a_broken_theta() -> None:
    theta = _broken_theta(BROKEN_EMG)
    found = find_sign_violations(BUNDLED, theta, _small_contexts(BUNDLED, BUNDLED.spec.findings))
    assert any(v.node == "emg" for v in found)
    print("first violation:", next(v for v in found if v.node == "emg"))
    # and the point estimate passes the very same contexts
    assert not find_sign_violations(
        BUNDLED, BUNDLED.point, _small_contexts(BUNDLED, BUNDLED.spec.findings)
    )


def test_hypothesis_context_strategy_finds_the_broken_sign() -> None:
    theta = _broken_theta(BROKEN_EMG)
    ctx = find(
        contexts(BUNDLED),
        lambda c: any(v.node == "emg" for v in find_sign_violations(BUNDLED, theta, [c])),
        settings=settings(max_examples=5000, database=None, derandomize=True),
    )
    print("hypothesis found:", {n: a.label for n, a in ctx.items()})
    assert find_sign_violations(BUNDLED, theta, [ctx])


def _strength(value: float) -> dict[str, float]:
    return {"value": value, "low": value, "high": value}


TRIGGER = "nodes.trigger_response.distribution"
FORM = "nodes.als_form.distribution.given"


def _ungate_trigger_response(data: dict[str, Any]) -> None:
    # Improvement would then also follow from ALS: "improved" could favour it.
    d = data["nodes"]["trigger_response"]["distribution"]
    d.pop("gate")
    d["causes"]["als_form"] = {
        f: {"value": 0.9, "low": 0.9, "high": 0.9, "source": "assumption: broken on purpose"}
        for f in ("early", "limb", "bulbar", "widespread")
    }


def _progression_not_defining(data: dict[str, Any]) -> None:
    # Worsening no longer defines the progressive stage, while the early stage always worsens:
    # a longer history with nothing new would then point towards ALS.
    causes = data["nodes"]["progression"]["distribution"]["causes"]["als_form"]
    causes["early"].update(_strength(1.0))
    for form in ("limb", "bulbar", "widespread"):
        causes[form].update(_strength(0.0))


def _familial_share_reversed(data: dict[str, Any]) -> None:
    rows = data["nodes"]["family_history"]["distribution"]["given"]
    rows["present"]["yes"].update(_strength(0.001))
    rows["absent"]["yes"].update(_strength(0.02))


@pytest.mark.parametrize(
    ("node", "edit", "field"),
    [
        ("trigger_response", _ungate_trigger_response, "nodes.trigger_response"),
        ("symptom_duration", _progression_not_defining, "nodes.symptom_duration"),
        ("family_history", _familial_share_reversed, "nodes.family_history"),
    ],
    ids=["trigger_response_minus", "symptom_duration_minus", "family_history_plus"],
)
def test_broken_spec_is_caught_by_the_checker_and_rejected_by_check_spec(
    node: str, edit: Any, field: str
) -> None:
    data = bundled_data()
    edit(data)
    spec = NetworkSpec.model_validate(data)  # pydantic only: check_spec is bypassed
    model = Model(spec)
    nodes = (*model.spec.findings, *model.spec.background)
    found = [
        v
        for v in find_sign_violations(model, model.point, _small_contexts(model, nodes))
        if v.node == node
    ]
    assert found, f"the checker missed the broken sign of {node}"
    with pytest.raises(PriorsError) as info:
        check_spec(spec, "broken.yaml")
    assert info.value.field.startswith(field)
    assert "sign" in str(info.value)
    with pytest.raises(PriorsError):
        spec_from_data(data, "broken.yaml")
