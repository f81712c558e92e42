"""The one cache: keyed by model and answer set, computed once, refuses inexact keys."""

from __future__ import annotations

import pytest

from alsodds import Model, query
from alsodds.dashboard.cache import AnswerSet, Keyed, cached

CALLS: list[tuple[str, dict[str, str]]] = []


def counting(model: Model, answers: AnswerSet) -> float:
    CALLS.append((model.source, dict(answers)))
    return query(model, answers).posterior


def test_answer_sets_are_order_free_and_hashable() -> None:
    a = AnswerSet({"sex": "male", "age_band": "30_44"})
    b = AnswerSet({"age_band": "30_44", "sex": "male"})
    assert a == b and hash(a) == hash(b)
    assert a == {"age_band": "30_44", "sex": "male"}
    assert a.with_(sex=None) == {"age_band": "30_44"}
    assert a.with_(weakness="yes")["weakness"] == "yes"
    assert a != AnswerSet({"sex": "female", "age_band": "30_44"})


def test_each_answer_set_is_computed_once_per_model(model: Model) -> None:
    CALLS.clear()
    act = Keyed("test-key-1", model)
    first = cached(counting, act, AnswerSet({"age_band": "45_54"}))
    again = cached(counting, act, AnswerSet({"age_band": "45_54"}))
    assert first == again == query(model, {"age_band": "45_54"}).posterior
    assert len(CALLS) == 1
    cached(counting, act, AnswerSet({"age_band": "55_64"}))
    cached(counting, Keyed("test-key-2", model), AnswerSet({"age_band": "45_54"}))
    assert len(CALLS) == 3


def test_arguments_that_cannot_be_keyed_exactly_are_refused(model: Model) -> None:
    with pytest.raises(TypeError, match="cache key"):
        cached(counting, Keyed("k", model), {"age_band": "45_54"})
