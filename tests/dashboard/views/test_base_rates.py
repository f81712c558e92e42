"""'Base rates': the API's lesson numbers, a tree of whole people, a slider that returns."""

from __future__ import annotations

import pytest

from alsodds import Model, frequency_tree, people, query
from alsodds.dashboard.views import base_rates
from tests.dashboard.conftest import make_app, rendered_text, unescape


def test_lesson_numbers_follow_the_situation_age(model: Model) -> None:
    at = make_app({"age_band": "65_74"}, "base_rates")
    assert at.selectbox(key="br_age_band").value == "65_74"
    lesson = {"age_band": "65_74", "fasciculations": "yes"}
    shown = [m.value for m in at.metric]
    assert people(query(model, lesson).posterior)[0].text in shown


def test_tree_counts_are_whole_people_that_add_up(model: Model) -> None:
    for population in base_rates.POPULATIONS:
        tree = frequency_tree(model, {}, "fasciculations", "yes", population=population)
        c = {k: v for k, v in base_rates.tree_counts(tree).items()}
        whole = {k: int(v.replace(",", "")) for k, v in c.items() if v != "fewer than 1"}
        assert whole["all"] == population
        assert whole["q"] + whole["nq"] == population
        if "qf" in whole and "qn" in whole:
            assert whole["qf"] + whole["qn"] == whole["q"]
        assert whole["nf"] + whole["nn"] == whole["nq"]


def test_the_tree_population_can_be_chosen() -> None:
    at = make_app({}, "base_rates")
    at.radio(key="br_population").set_value(10_000_000).run()
    assert "10,000,000 adults" in unescape(rendered_text(at))


def test_the_base_rate_slider_returns_to_its_default(model: Model) -> None:
    at = make_app({}, "base_rates")
    default = at.slider(key="br_rate").value
    at.slider(key="br_rate").set_value(default * 2).run()
    assert at.slider(key="br_rate").value == default * 2
    at.button(key="br_rate_reset").click().run()
    assert at.slider(key="br_rate").value == default


def test_curves_come_from_one_batched_call(model: Model) -> None:
    from alsodds import base_rate_parameter
    from alsodds.dashboard.cache import AnswerSet

    v = float(model.params.params[model.params.position(base_rate_parameter(model))].value)
    sets = (AnswerSet({}), AnswerSet({"fasciculations": "yes"}))
    out = base_rates.curve(model, sets, (v / 2, v, v * 2))
    assert out.shape == (3, 2)
    assert (out[1:] > out[:-1]).all()  # a higher base rate raises every curve
    # at the priors' own value the batched call gives the API's answer
    assert out[1, 1] == pytest.approx(query(model, {"fasciculations": "yes"}).posterior, rel=1e-9)
