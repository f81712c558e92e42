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
from tests.properties.strategies import contexts

BUNDLED = load_model()
WEAK = "nodes.weakness.distribution.causes"


def _small_contexts(model: Model, nodes: tuple[str, ...], size: int = 2) -> list[dict[str, Answer]]:
    """Every hard context on up to ``size`` of ``nodes``."""
    out: list[dict[str, Answer]] = [{}]
    for k in range(1, size + 1):
        for combo in itertools.combinations(nodes, k):
            for states in itertools.product(*(model.spec.nodes[n].states for n in combo)):
                out.append(parse_answers(model.spec, dict(zip(combo, states, strict=True))))
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


BROKEN_WEAKNESS = {f"{WEAK}.als": 0.2, f"{WEAK}.mimic": 0.9}
# weakness is '+': with ALS's strength below mimic's, weakness can point to the mimic and
# away from ALS when another finding (atrophy, EMG, ...) needs explaining.


def test_sign_checker_finds_a_violation_for_a_broken_theta() -> None:
    theta = _broken_theta(BROKEN_WEAKNESS)
    found = find_sign_violations(BUNDLED, theta, _small_contexts(BUNDLED, BUNDLED.spec.findings))
    assert any(v.node == "weakness" for v in found)
    print("first violation:", next(v for v in found if v.node == "weakness"))
    # and the point estimate passes the very same contexts
    assert not find_sign_violations(
        BUNDLED, BUNDLED.point, _small_contexts(BUNDLED, BUNDLED.spec.findings)
    )


def test_hypothesis_context_strategy_finds_the_broken_sign() -> None:
    theta = _broken_theta(BROKEN_WEAKNESS)
    ctx = find(
        contexts(BUNDLED),
        lambda c: any(v.node == "weakness" for v in find_sign_violations(BUNDLED, theta, [c])),
        settings=settings(max_examples=5000, database=None, derandomize=True),
    )
    print("hypothesis found:", {n: a.label for n, a in ctx.items()})
    assert find_sign_violations(BUNDLED, theta, [ctx])


@pytest.mark.parametrize(
    ("node", "change", "field"),
    [
        (
            "weakness",
            {
                f"{WEAK}.als": {"value": 0.2, "low": 0.1, "high": 0.3},
                f"{WEAK}.mimic": {"value": 0.9, "low": 0.8, "high": 0.95},
            },
            f"{WEAK}.als.low",
        ),
        (
            "emg",
            {
                "nodes.emg.distribution.causes.als": {"value": 0.3, "low": 0.2, "high": 0.4},
                "nodes.emg.distribution.causes.mimic": {"value": 0.95, "low": 0.9, "high": 0.99},
            },
            "nodes.emg.distribution.causes.als.low",
        ),
        (
            "trigger_response",
            {
                "nodes.trigger_response.distribution.given.present": {
                    "value": 0.3,
                    "low": 0.2,
                    "high": 0.4,
                },
                "nodes.trigger_response.distribution.given.absent": {
                    "value": 0.9,
                    "low": 0.8,
                    "high": 0.95,
                },
            },
            "nodes.trigger_response.distribution.given.present",
        ),
        (
            "family_history",
            {
                "nodes.als.distribution.relative.family_history.factors.yes": {
                    "value": 0.5,
                    "low": 0.4,
                    "high": 0.6,
                }
            },
            "nodes.als.distribution.relative.family_history.factors.yes",
        ),
    ],
    ids=["weakness_plus", "emg_plus", "trigger_response_minus", "family_history_plus"],
)
def test_broken_spec_is_caught_by_the_checker_and_rejected_by_check_spec(
    node: str, change: dict[str, dict[str, Any]], field: str
) -> None:
    spec = _broken_spec(change)
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
    assert field in info.value.field
    assert "sign" in str(info.value)
    with pytest.raises(PriorsError):
        spec_from_data(bundled_data() | {"nodes": spec.model_dump()["nodes"]}, "broken.yaml")
