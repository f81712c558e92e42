"""Watchful waiting: each horizon is a direct query with the duration moved on and the
priors' "nothing new" answers added; warning signs and a missing duration are refused."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from alsodds import EvidenceError, Model, RequestError, query, watchful_waiting

PERSON: dict[str, Any] = {
    "age_band": "45_54",
    "sex": "female",
    "fasciculations": "yes",
    "cramps": "yes",
    "caffeine": "yes",
    "symptom_duration": "1_3_months",
}


def _band_after(model: Model, band: str, months: float) -> str:
    """By hand from the priors' lower edges: the last band starting no later than
    ``months`` after the start of ``band``."""
    w = model.spec.watch
    assert w is not None
    target = w.months[band] + months
    reached = [s for s in model.spec.nodes[w.duration].states if w.months[s] <= target]
    return reached[-1]


@pytest.mark.parametrize(
    "answers",
    [
        PERSON,
        {**PERSON, "symptom_duration": "under_1_month", "weakness": "no"},
        {"symptom_duration": "6_12_months"},
    ],
    ids=["twitching", "with_no_weakness", "duration_only"],
)
def test_each_horizon_equals_a_direct_query(model: Model, answers: dict[str, Any]) -> None:
    w = model.spec.watch
    assert w is not None
    months = (1, 3, 6, 12, 24)
    res = watchful_waiting(model, answers, months=months)
    assert res.now == pytest.approx(query(model, answers).posterior, rel=1e-12)
    nothing_new = dict(w.nothing_new)
    assert res.now_nothing_new == pytest.approx(
        query(model, {**answers, **nothing_new}).posterior, rel=1e-12
    )
    assert [p.months for p in res.points] == list(months)
    for point in res.points:
        band = _band_after(model, answers[w.duration], point.months)
        assert point.duration == band
        direct = query(model, {**answers, **nothing_new, w.duration: band}).posterior
        assert point.posterior == pytest.approx(direct, rel=1e-12), point


def test_the_duration_moves_on_from_the_start_of_the_current_band(model: Model) -> None:
    # 1_3_months starts at month 1: one month on is month 2 (same band), two months on is
    # month 3 (the next band); waiting is counted from the start of the band, so the
    # reassurance is never overstated
    res = watchful_waiting(model, PERSON, months=(1, 2, 4, 12, 100))
    assert [p.duration for p in res.points] == [
        "1_3_months",
        "3_6_months",
        "3_6_months",
        "1_2_years",
        "over_2_years",
    ]


def test_chances_move_with_the_horizon(model: Model) -> None:
    res = watchful_waiting(model, PERSON, months=(1, 3, 6, 12, 24))
    chances = [p.new_sign_chance for p in res.points]
    posteriors = [p.posterior for p in res.points]
    # the longer one waits, the likelier a warning sign has appeared by then ...
    assert all(b > a for a, b in itertools.pairwise(chances)), chances
    assert all(0 < c < 1 for c in chances)
    # ... and with nothing new, the longer the history the lower the odds (the certified
    # sign of the duration given no weakness and no worsening)
    assert all(b <= a for a, b in itertools.pairwise(posteriors)), posteriors
    assert posteriors[-1] < res.now_nothing_new


@pytest.mark.parametrize("flag", ["weakness", "atrophy", "bulbar", "breathing", "progression"])
def test_a_reported_warning_sign_is_refused_with_see_a_doctor(model: Model, flag: str) -> None:
    assert flag in model.spec.red_flags
    state = model.spec.nodes[flag].sign_state
    with pytest.raises(RequestError) as info:
        watchful_waiting(model, {**PERSON, flag: state})
    text = str(info.value)
    assert len(text.splitlines()) == 1
    assert flag in text and "doctor" in text


def test_feeling_weak_does_not_stop_watchful_waiting(model: Model) -> None:
    res = watchful_waiting(model, {**PERSON, "feels_weak": "yes"})
    assert 0 < res.now < 1


def test_a_missing_duration_is_refused_naming_the_question_and_its_states(model: Model) -> None:
    w = model.spec.watch
    assert w is not None
    no_duration = {k: v for k, v in PERSON.items() if k != w.duration}
    for answers in (no_duration, {**no_duration, w.duration: "not_sure"}):
        with pytest.raises(EvidenceError) as info:
            watchful_waiting(model, answers)
        text = str(info.value)
        assert len(text.splitlines()) == 1
        assert w.duration in text
        for state in model.spec.nodes[w.duration].states:
            assert state in text


def test_non_positive_horizons_are_refused(model: Model) -> None:
    for months in ((), (0,), (3, -1)):
        with pytest.raises(RequestError, match="positive"):
            watchful_waiting(model, PERSON, months=months)
