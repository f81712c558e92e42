"""'Base rates': the lesson's numbers, the derivation and the slider are the API's."""

from __future__ import annotations

from alsodds import (
    Model,
    base_rate_parameter,
    derive,
    frequency_tree,
    load_model,
    natural_frequency,
    query,
    update_params,
)
from alsodds.dashboard.common import percent
from tests.dashboard.conftest import make_app, metric


def test_lesson_numbers_follow_the_chosen_age(model: Model) -> None:
    at = make_app(page="base_rates")
    at.selectbox(key="br_age_band").set_value("30_44").run()
    assert not at.exception
    expected = query(model, {"age_band": "30_44", "fasciculations": "yes"}).posterior
    label = "How many people with muscle twitching have early ALS?"
    assert metric(at, label) == natural_frequency(expected)
    prior = derive(model, {"age_band": "30_44"}).prior
    assert any(natural_frequency(prior) in m.value for m in at.markdown)


def test_the_age_comes_from_the_situation_answers(model: Model) -> None:
    at = make_app({"age_band": "65_74"}, page="base_rates")
    assert at.selectbox(key="br_age_band").value == "65_74"
    expected = query(model, {"age_band": "65_74", "fasciculations": "yes"}).posterior
    assert metric(at, "How many people with muscle twitching have early ALS?") == (
        natural_frequency(expected)
    )


def test_base_rate_slider_gives_the_api_answer_for_the_new_rate(model: Model) -> None:
    at = make_app(page="base_rates")
    at.slider(key="br_rate").set_value(4.0).run()
    assert not at.exception
    name = base_rate_parameter(model)
    spec = update_params(model.spec, {name: {"value": 4.0, "high": 4.0}})
    edited = Model(spec)
    with_finding = query(edited, {"fasciculations": "yes"}).posterior
    without = query(edited, {}).posterior
    text = " ".join(m.value for m in at.markdown)
    assert "At 4 per 100,000 adults per year: muscle twitching (adults): " in text
    assert natural_frequency(with_finding) in text
    assert natural_frequency(without) in text


def test_percent_and_natural_frequency_side_by_side(model: Model) -> None:
    at = make_app(page="base_rates")
    p = query(model, {"fasciculations": "yes"}).posterior
    values = [m.value for m in at.metric]
    assert natural_frequency(p) in values
    assert any(v.endswith("%") for v in values)
    table = at.table[-1].value
    assert list(table.columns) == ["Group", "As a percentage", "As a natural frequency"]


def test_figures_can_be_downloaded() -> None:
    at = make_app(page="base_rates")
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("Download PNG") >= 3
    assert labels.count("Download SVG") == labels.count("Download PNG")


def test_the_frequency_tree_comes_from_the_api() -> None:
    tree = frequency_tree(load_model(), {"age_band": "30_44"}, "fasciculations", "yes")
    at = make_app({"age_band": "30_44"}, page="base_rates")
    assert not at.exception
    assert any(h.value == "A frequency tree for 100,000 people" for h in at.header)
    label = "How many people with early ALS have muscle twitching?"
    assert metric(at, label) == percent(tree.finding_given_query)
    words = " ".join(m.value for m in at.markdown)
    assert natural_frequency(tree.query_given_finding) in words
    keys = [b.key for b in at.get("download_button")]
    assert "dl_png_frequency-tree" in keys
