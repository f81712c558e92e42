"""Figures: valid Vega-Lite, drawn at the scale of the number beside them, fit a phone."""

from __future__ import annotations

import json

import jsonschema
import pytest
from altair.vegalite.v6.schema.core import load_schema

from alsodds import people
from alsodds.dashboard import charts
from alsodds.dashboard.frame import png_bytes, svg_text

BARS = [
    charts.Bar("Muscle twitching: yes", 2.9, "×2.9"),
    charts.Bar("Stress or anxiety: yes", 0.88, "×0.88"),
]
TREE = [
    charts.TreeNode("all", 0, 1.5, "1,000,000", "adults", None),
    charts.TreeNode("q", 1, 0.5, "4", "early ALS", "all"),
    charts.TreeNode("nq", 1, 2.5, "999,996", "no ALS", "all"),
    charts.TreeNode("qf", 2, 0, "3", "ALS, muscle twitching", "q", True),
    charts.TreeNode("qn", 2, 1, "1", "ALS, without muscle twitching", "q"),
    charts.TreeNode("nf", 2, 2, "180,000", "no ALS, muscle twitching", "nq", True),
    charts.TreeNode("nn", 2, 3, "819,996", "no ALS, without muscle twitching", "nq"),
]
PHONE = 390


@pytest.mark.parametrize(
    "spec",
    [
        charts.contributions(BARS, "What moved the odds"),
        charts.icon_array(None, 10_000_000, "people like you"),
        charts.icon_array(3, 100_000, "people like you"),
        charts.icon_array(28, 100, "people like you"),
        charts.icon_array(14_914, 100_000, "people like you"),
        charts.frequency_tree(TREE, "1 million adults"),
    ],
    ids=["contributions", "icon-none", "icon-few", "icon-percent", "icon-many", "tree"],
)
def test_specs_are_valid_and_fit_a_phone(spec: dict[str, object]) -> None:
    errors = list(jsonschema.Draft7Validator(load_schema()).iter_errors(spec))
    assert not errors, [e.message for e in errors[:3]]
    width = spec.get("width")
    assert width == "container" or (isinstance(width, int) and width <= PHONE - 60)


@pytest.mark.parametrize("p", [2.3e-5, 3.1e-6, 0.0034, 0.28, 0.6, 1.9e-10], ids=lambda p: f"p={p}")
def test_icon_array_is_at_the_scale_of_the_number(p: float) -> None:
    shown = people(p)[0]
    lay = charts.icon_layout(shown.count, shown.denominator)
    assert lay.denominator == shown.denominator
    assert lay.marks * lay.per_mark >= shown.denominator
    # the coloured area is exactly the cases' share of the crowd: no zoom, no inflation
    coloured_people = sum(lay.filled) * lay.per_mark
    assert coloured_people == pytest.approx(shown.count or 0)
    assert lay.tiny == (0 < (shown.count or 0) < lay.per_mark)


def test_tree_labels_are_plain_strings_the_chart_renderer_draws() -> None:
    spec = charts.frequency_tree(TREE, "1 million adults")
    values = [row for layer in spec["layer"] for row in layer["data"]["values"]]  # type: ignore[index]
    for row in values:
        for v in row.values():
            assert not isinstance(v, list | tuple)
    assert not any(str(r.get("words", "")).startswith("[") for r in values)
    assert json.dumps(spec)
    assert any(layer["mark"].get("lineBreak") == "\n" for layer in spec["layer"])  # type: ignore[index]


def test_figures_export_to_png_and_svg() -> None:
    spec = charts.frequency_tree(TREE, "1 million adults")
    assert png_bytes(spec).startswith(b"\x89PNG")
    assert svg_text(spec).lstrip().startswith("<svg")
