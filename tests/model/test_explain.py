"""Explanations: frequency trees and Shapley subsets agree with direct queries."""

from __future__ import annotations

import pytest

from alsodds import Model, RequestError, frequency_tree, query, shapley
from alsodds.explain import sequential_contributions


def test_frequency_tree_counts_add_up_and_match_the_queries(model: Model) -> None:
    background = {"age_band": "55_64", "sex": "female"}
    tree = frequency_tree(model, background, "fasciculations", "yes", population=100_000)
    assert tree.with_query + tree.without_query == pytest.approx(100_000)
    assert tree.with_query_with_finding + tree.with_query_without_finding == pytest.approx(
        tree.with_query
    )
    assert tree.with_query / 100_000 == pytest.approx(query(model, background).posterior)
    with_finding = {**background, "fasciculations": "yes"}
    assert tree.query_given_finding == pytest.approx(query(model, with_finding).posterior)
    # The base-rate lesson: the finding is common in ALS yet ALS is rare among those with it.
    assert tree.finding_given_query > 0.5 > 1e-3 > tree.query_given_finding


def test_frequency_tree_refuses_a_finding_that_is_already_answered(model: Model) -> None:
    with pytest.raises(RequestError, match="already answered"):
        frequency_tree(model, {"weakness": "no"}, "weakness", "yes")


def test_shapley_with_many_findings_matches_the_total_and_the_two_order_average(
    model: Model,
) -> None:
    answers = {
        "age_band": "45_54",
        "fasciculations": "yes",
        "weakness": "no",
        "atrophy": "no",
        "cramps": "yes",
        "caffeine": "yes",
        "trigger_response": "improved",
        "symptom_duration": "6_12_months",
        "feels_weak": "yes",
    }
    res = shapley(model, answers)
    assert sum(c.log_odds for c in res.contributions) == pytest.approx(res.total, abs=1e-9)
    r = query(model, answers)
    assert res.total == pytest.approx(r.log_odds - r.baseline_log_odds, abs=1e-9)
    # With two players the Shapley value is the average of both orders' marginal gains.
    pair = {"age_band": "45_54", "fasciculations": "yes", "cramps": "yes"}
    both = {c.node: c.log_odds for c in shapley(model, pair).contributions}
    forward = {c.node: c.log_odds for c in sequential_contributions(model, pair)}
    backward = {
        c.node: c.log_odds
        for c in sequential_contributions(model, pair, order=["cramps", "fasciculations"])
    }
    for node in ("fasciculations", "cramps"):
        assert both[node] == pytest.approx((forward[node] + backward[node]) / 2, abs=1e-12)
