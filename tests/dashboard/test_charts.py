"""The hand-written figure specs are valid Vega-Lite, and figures export to PNG and SVG."""

from __future__ import annotations

import jsonschema
import pytest
from altair.vegalite.v6.schema.core import load_schema

from alsodds.dashboard import charts
from alsodds.dashboard.common import png_bytes, svg_text

BARS = [
    charts.Bar("Muscle twitching: yes", 2.9, "×2.9"),
    charts.Bar("Stress or anxiety: yes", 0.88, "×0.88"),
]


@pytest.mark.parametrize(
    "spec",
    [
        charts.contributions(BARS, "What moved the odds"),
        charts.icon_array(0.4, "people like you"),
        charts.icon_array(3.2, "people like you"),
        charts.icon_array(14_914.0, "people like you"),
    ],
    ids=["contributions", "icon-none", "icon-few", "icon-many"],
)
def test_hand_written_specs_are_valid_vega_lite(spec: dict[str, object]) -> None:
    errors = list(jsonschema.Draft7Validator(load_schema()).iter_errors(spec))
    assert not errors, [e.message for e in errors[:3]]


def test_icon_layout_counts_whole_people_and_blocks() -> None:
    assert charts.icon_layout(0.4).shown == 0
    few = charts.icon_layout(3.2)
    assert (few.shown, few.blocks_with_cases, few.in_zoom_block) == (3, 1, 3)
    many = charts.icon_layout(14_914.0)
    assert (many.shown, many.blocks_with_cases, many.in_zoom_block) == (14_914, 150, 100)


def test_figures_export_to_png_and_svg() -> None:
    spec = charts.contributions(BARS, "What moved the odds")
    assert png_bytes(spec).startswith(b"\x89PNG")
    assert svg_text(spec).lstrip().startswith("<svg")
