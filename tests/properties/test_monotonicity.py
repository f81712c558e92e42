"""Monotonicity over the whole declared parameter space and any consistent context.

Each example draws a parameter vector anywhere in the declared box (endpoints included) and
an evidence context (any subset of answerable nodes; hard, "not sure" and soft answers),
builds the tables for that draw and asks the batched engine. The same properties run on the
bundled box and on a widened copy whose ranges reach the valid extremes (base rate near
1e-9, strengths 0 and 1, leaks 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from alsodds.errors import EvidenceError
from alsodds.inference import (
    Answer,
    Model,
    load_model,
    parse_answers,
    posterior_and_evidence,
    query,
)
from alsodds.tables import FloatArray
from tests.oracles import RTOL, find_sign_violations, signed_nodes
from tests.properties.strategies import (
    contexts,
    in_box,
    one_parameter,
    raw_contexts,
    thetas,
    widened_model,
)

BUNDLED = load_model()
WIDENED = widened_model()


def _posteriors(model: Model, sets: list[dict[str, Answer]], theta: FloatArray) -> FloatArray:
    """(N, E) posteriors; NaN where the evidence is impossible under a draw (P(e) = 0)."""
    return posterior_and_evidence(model, sets, theta)[0][:, :, 1]


# Found by hypothesis (ci profile): soft evidence whose likelihoods are all subnormal (here
# 2.2e-311 for both sexes, a valid "no information" answer) underflowed the joint, so with
# family_history=yes the engine returned P(ALS) = 0.0 instead of 1.69e-10 and the '+' sign
# of family history looked broken. Fixed by normalising soft evidence; kept as a regression
# example.
TINY = 2.225073858507e-311
UNDERFLOW_CONTEXT = {
    "age_band": "under_30",
    "sex": {"female": TINY, "male": TINY},
    "family_history": "no",
    "caffeine": "no",
    "poor_sleep": "no",
    "stress": "no",
    "strenuous_exercise": "no",
    "symptom_duration": "3_6_months",
    "fasciculations": "no",
    "feels_weak": "no",
    "weakness": "no",
    "atrophy": "no",
    "bulbar": "no",
    "breathing": "no",
    "progression": "no",
    "cramps": "no",
    "sensory_changes": "no",
    "emg": "normal",
}


# --------------------------------------------------------------------------- declared signs
@example(theta=BUNDLED.point, context=parse_answers(BUNDLED.spec, UNDERFLOW_CONTEXT))
@given(theta=thetas(BUNDLED.params), context=contexts(BUNDLED))
def test_plus_never_lowers_and_minus_never_raises_over_the_declared_box(
    theta: FloatArray, context: dict[str, Answer]
) -> None:
    violations = find_sign_violations(BUNDLED, theta, [context])
    assert not violations, violations[:3]


# Found by `make search`: a soft answer 2^-1023 : 1 on a node whose causes and leak are all 0
# (so only its "no" state is possible) makes P(evidence) ~ 1e-318, below the smallest normal
# double. The sign checker divided absolute joints, which had lost their precision there,
# and saw symptom duration's certified '-' broken by 2.5e-6 relative; it now reads
# posteriors and log P(e) from the engine, which never forms the absolute joint.
def _sensory_impossible_theta() -> FloatArray:
    theta = WIDENED.params.lows[None, :].copy()
    for i, name in enumerate(WIDENED.params.names):
        if name.startswith("nodes.sensory_changes."):
            theta[0, i] = 0.0
    return theta


# Found by `make search`: every parameter at the top of the widened box, a man over 75 with a
# family history, over two years of symptoms and every finding "no": P(ALS) is ~1e-312,
# below the smallest normal double, where the engine keeps no digits (it gave 0.0 against
# 2.5e-313 without the family history). The sign checker now treats differences below
# the smallest normal double as equal (see tests.oracles.FLOOR).
ALL_NO_AT_THE_TOP = {
    "theta": WIDENED.params.highs[None, :],
    "context": parse_answers(
        WIDENED.spec,
        {
            "age_band": "75_plus",
            "sex": "male",
            "family_history": "yes",
            "symptom_duration": "over_2_years",
            **{
                n: WIDENED.spec.nodes[n].states[0]
                for n in WIDENED.spec.findings
                if n not in ("symptom_duration", "twitch_spread", "trigger_response")
            },
        },
    ),
}


# Found by `make search`: every parameter just below the top of the widened box (strengths
# 1 - 1e-12), a woman of 65-74 with every finding "no" and a normal EMG: P(ALS) ~ 1.6e-305,
# a normal double, yet "twitching improved" and "not sure" came out 0.16 % apart when they are
# equal. The engine scaled each factor by its largest entry over both ALS states, so the ALS
# terms went subnormal in products and lost digits. It now keeps a scale per query state and
# computes again, scaled up, a slice whose sum still comes out subnormal.
def _just_below_the_top() -> FloatArray:
    ps = WIDENED.params
    u = np.full(len(ps), 1.0 - 1e-12)
    flip = np.zeros(len(ps), dtype=bool)
    u[ps.index["nodes.age_band.distribution.weights.55_64"]] = 0.125
    flip[ps.index["nodes.family_history.distribution.given.present.no"]] = True
    return in_box(ps.lows, ps.highs, u, flip)[None, :]


QUERY_STATE_SUBNORMAL = {
    "theta": _just_below_the_top(),
    "context": parse_answers(
        WIDENED.spec,
        {
            "age_band": "65_74",
            "sex": "female",
            "family_history": "no",
            "symptom_duration": "1_2_years",
            **{
                n: "no"
                for n in [
                    "caffeine",
                    "poor_sleep",
                    "stress",
                    "strenuous_exercise",
                    "fasciculations",
                    "feels_weak",
                    "weakness",
                    "bulbar",
                    "breathing",
                    "progression",
                    "cramps",
                    "sensory_changes",
                ]
            },
            "emg": "normal",
        },
    ),
}


@example(**QUERY_STATE_SUBNORMAL)
@example(**ALL_NO_AT_THE_TOP)
@example(
    theta=_sensory_impossible_theta(),
    context=parse_answers(WIDENED.spec, {"sensory_changes": {"no": 2.0**-1023, "yes": 1.0}}),
)
@given(theta=thetas(WIDENED.params), context=contexts(WIDENED))
def test_certified_signs_hold_at_extreme_valid_values(
    theta: FloatArray, context: dict[str, Answer]
) -> None:
    # Searched signs are checked over the declared box only; a certificate holds anywhere.
    nodes = signed_nodes(WIDENED.spec, ("certified",))
    violations = find_sign_violations(WIDENED, theta, [context], nodes)
    assert not violations, violations[:3]


# --------------------------------------------------------------------------- base rate
def _non_decreasing_in(
    model: Model, name: str, pinned: list[dict[str, Any]] | None = None
) -> object:
    ps = model.params
    i = ps.position(name)
    values = st.lists(one_parameter(ps.lows[i], ps.highs[i]), min_size=2, max_size=6)

    def check(theta: FloatArray, context: dict[str, Answer], values: list[float]) -> None:
        batch = np.repeat(theta, len(values), axis=0)
        batch[:, i] = sorted(values)
        p = _posteriors(model, [context], batch)[:, 0]
        if np.isnan(p).all():
            return  # the context is impossible whatever this parameter is
        assert not np.isnan(p).any()
        assert np.all(p[1:] >= p[:-1] - RTOL * np.abs(p[:-1])), (sorted(values), p)

    check = given(theta=thetas(ps), context=contexts(model), values=values)(check)
    for kwargs in pinned or []:
        check = example(**kwargs)(check)
    return check


INCIDENCE = "nodes.als.distribution.terms.incidence"
WINDOW = "nodes.als.distribution.terms.window"
ADULTS = "nodes.als.distribution.terms.adults"

test_posterior_non_decreasing_in_incidence = _non_decreasing_in(BUNDLED, INCIDENCE)
test_posterior_non_decreasing_in_diagnostic_window = _non_decreasing_in(BUNDLED, WINDOW)
test_posterior_non_decreasing_in_the_adult_conversion = _non_decreasing_in(BUNDLED, ADULTS)
# Found by hypothesis (ci profile), the same underflow as above: subnormal soft evidence
# gave P(ALS) = NaN at the lowest incidence of the widened box (fixed; regression example).
SUBNORMAL = 2.225073858507203e-309
UNDERFLOW_AT_1E_9 = {
    "theta": WIDENED.params.lows[None, :],
    "context": parse_answers(
        WIDENED.spec,
        {
            "sex": {"female": SUBNORMAL, "male": SUBNORMAL},
            "weakness": {"no": SUBNORMAL, "yes": 1e-06},
        },
    ),
    "values": [5e-5, 2.4],
}
test_posterior_non_decreasing_in_incidence_down_to_1e_9 = _non_decreasing_in(
    WIDENED, INCIDENCE, pinned=[UNDERFLOW_AT_1E_9]
)


def test_widened_box_reaches_a_base_rate_below_1e_9() -> None:
    p = _posteriors(WIDENED, [{}], WIDENED.params.lows[None, :])[0, 0]
    assert 0.0 < p <= 1e-9


# --------------------------------------------------------------------------- red flags
def _red_flag_advice_always_comes(model: Model) -> object:
    @given(context=contexts(model, soft=False))
    def check(context: dict[str, Answer]) -> None:
        raw = {n: a.label for n, a in context.items()}
        for n in model.spec.red_flags:
            state = model.spec.nodes[n].sign_state
            assert state is not None
            try:
                result = query(model, {**raw, n: state})
            except EvidenceError:
                continue  # answers the priors rule out are refused, never scored
            assert n in result.red_flags, (n, raw)

    return check


# A warning sign always brings the "see a doctor promptly" advice, whatever the number does:
# a few (breathlessness, worsening reported alone) can lower the odds in some contexts.
test_a_reported_red_flag_always_brings_the_advice = _red_flag_advice_always_comes(BUNDLED)


def test_red_flags_are_signed_or_explained() -> None:
    assert BUNDLED.spec.red_flags
    for n in BUNDLED.spec.red_flags:
        node = BUNDLED.spec.nodes[n]
        assert node.sign == "+" or (node.sign == "depends" and node.sign_note), n
        assert node.sign_state is not None


# --------------------------------------------------------------------------- contradictions
@given(context=raw_contexts(BUNDLED, soft=False), data=st.data())
def test_an_answer_its_conditions_rule_out_is_refused_naming_both(
    context: dict[str, Any], data: st.DataObject
) -> None:
    conditional = [n for n, node in BUNDLED.spec.nodes.items() if node.applies_when]
    node = data.draw(st.sampled_from(conditional))
    other, allowed = next(iter(BUNDLED.spec.nodes[node].applies_when.items()))
    ruled_out = [s for s in BUNDLED.spec.nodes[other].states if s not in allowed]
    rest = {n: a for n, a in context.items() if n not in conditional}
    answers = {
        **rest,
        other: data.draw(st.sampled_from(ruled_out)),
        node: data.draw(st.sampled_from(BUNDLED.spec.nodes[node].states)),
    }
    with pytest.raises(EvidenceError) as info:
        query(BUNDLED, answers)
    message = str(info.value)
    assert node in message and other in message and "\n" not in message


def test_feeling_weak_is_never_a_red_flag() -> None:
    assert "feels_weak" in BUNDLED.spec.nodes
    assert "feels_weak" not in BUNDLED.spec.red_flags
    assert not query(BUNDLED, {"feels_weak": "yes"}).red_flags
