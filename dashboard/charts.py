"""Vega-Lite figures for the dashboard, built with Altair and returned as plain dicts.

Every function here lays out numbers it is given (already computed by the ``model`` API);
none computes a probability. Figures use large fonts so they read on a projector, a
colour-blind-safe palette, and never rely on colour alone: shapes, dash patterns or text
labels carry the same meaning. The pages show a text equivalent next to each figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies).
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
VERMILLION = "#D55E00"
BLUE = "#0072B2"
GREY = "#B0B0B0"
DARK = "#333333"

FONT = "Helvetica, Arial, sans-serif"
#: The people one block in the overview of an icon array stands for, and the grid shape.
BLOCK = 100
OVERVIEW_COLUMNS = 40
OVERVIEW_ROWS = 25
ZOOM_SIDE = 10


#: The same look as :func:`_finish`, for specs written directly as dicts.
CONFIG: dict[str, Any] = {
    "font": FONT,
    "background": "white",
    "axis": {"labelFontSize": 16, "titleFontSize": 18, "labelLimit": 420, "titlePadding": 10},
    "legend": {"labelFontSize": 16, "titleFontSize": 16, "labelLimit": 480, "symbolSize": 200},
    "title": {"fontSize": 22, "anchor": "start", "subtitleFontSize": 16, "offset": 12},
    "view": {"stroke": None},
}


def _raw(body: dict[str, Any]) -> dict[str, Any]:
    """A hand-written Vega-Lite spec with the shared look and fixed sizes.

    The two figures redrawn on every change of an answer are written as plain dicts:
    building them through Altair (object model and schema validation) would cost more than
    the whole model computation.
    """
    return {**body, "config": CONFIG, "autosize": {"type": "pad", "contains": "padding"}}


def _finish(chart: Any) -> dict[str, Any]:
    """Projector-friendly fonts and a plain background; returns the Vega-Lite dict."""
    styled = (
        chart.configure(font=FONT, background="white")
        .configure_axis(labelFontSize=16, titleFontSize=18, labelLimit=420, titlePadding=10)
        .configure_legend(labelFontSize=16, titleFontSize=16, labelLimit=480, symbolSize=200)
        .configure_title(fontSize=22, anchor="start", subtitleFontSize=16, offset=12)
        .configure_header(labelFontSize=16, titleFontSize=18)
        .configure_view(stroke=None)
    )
    out: dict[str, Any] = styled.to_dict()
    # Fixed sizes: the marks keep their size and the text its legibility (Streamlit would
    # otherwise squeeze axes, labels and legend into the plotting width).
    out["autosize"] = {"type": "pad", "contains": "padding"}
    return out


# --------------------------------------------------------------------------- icon array
@dataclass(frozen=True)
class IconArrayLayout:
    """Where the cases sit in a 100,000-person icon array (whole people, for drawing)."""

    shown: int
    first_block: int
    blocks_with_cases: int
    in_zoom_block: int


def icon_layout(expected_cases: float) -> IconArrayLayout:
    """Round the expected count to whole people and place them for drawing.

    Up to one block's worth, the cases are grouped in one block near the middle so the eye
    can find them; more cases fill blocks from the top left.
    """
    total_blocks = OVERVIEW_COLUMNS * OVERVIEW_ROWS
    shown = max(0, min(round(expected_cases), total_blocks * BLOCK))
    blocks = -(-shown // BLOCK)
    first = (OVERVIEW_ROWS // 2) * OVERVIEW_COLUMNS + OVERVIEW_COLUMNS // 2 if blocks == 1 else 0
    return IconArrayLayout(shown, first, blocks, min(shown, BLOCK))


def _dots(
    rows: list[dict[str, Any]],
    field: str,
    domain: list[str],
    colours: list[str],
    shapes: list[str],
    sizes: list[int],
    title: dict[str, str],
    step: int,
    columns: int,
    lines: int,
) -> dict[str, Any]:
    """One grid of marks; the category is shown by colour, shape and size together."""
    legend = {"title": None, "orient": "bottom", "direction": "vertical"}
    return {
        "title": title,
        "data": {"values": rows},
        "mark": {"type": "point", "filled": True, "opacity": 1},
        "width": columns * step,
        "height": lines * step,
        "encoding": {
            "x": {"field": "col", "type": "ordinal", "axis": None},
            "y": {"field": "row", "type": "ordinal", "axis": None},
            "color": {
                "field": field,
                "type": "nominal",
                "scale": {"domain": domain, "range": colours},
                "legend": legend,
            },
            "shape": {
                "field": field,
                "type": "nominal",
                "scale": {"domain": domain, "range": shapes},
                "legend": legend,
            },
            "size": {
                "field": field,
                "type": "nominal",
                "scale": {"domain": domain, "range": sizes},
                "legend": None,
            },
        },
    }


def icon_array(expected_cases: float, who: str) -> dict[str, Any]:
    """100,000 people as 1,000 blocks of 100, and a zoom into the block that holds the cases.

    ``who`` names the crowd, e.g. "people with answers like yours".
    """
    lay = icon_layout(expected_cases)
    total_blocks = OVERVIEW_COLUMNS * OVERVIEW_ROWS
    case_label = "block with someone who has early ALS"
    none_label = "block of 100 with no one who has it"
    blocks = [
        {
            "col": b % OVERVIEW_COLUMNS,
            "row": b // OVERVIEW_COLUMNS,
            "block": case_label
            if lay.first_block <= b < lay.first_block + lay.blocks_with_cases
            else none_label,
        }
        for b in range(total_blocks)
    ]
    person_case, person_none = "person with early ALS", "person without it"
    people = [
        {
            "col": i % ZOOM_SIDE,
            "row": i // ZOOM_SIDE,
            "person": person_case if i < lay.in_zoom_block else person_none,
        }
        for i in range(ZOOM_SIDE * ZOOM_SIDE)
    ]
    subtitle = (
        f"{lay.in_zoom_block} of these 100 people would have it"
        if lay.shown
        else "fewer than one person in the whole crowd: no block holds a whole case"
    )
    overview = _dots(
        blocks,
        "block",
        [none_label, case_label],
        [GREY, VERMILLION],
        ["square", "diamond"],
        [60, 260],
        {"text": f"100,000 {who}", "subtitle": "each mark is a block of 100 people"},
        11,
        OVERVIEW_COLUMNS,
        OVERVIEW_ROWS,
    )
    zoom = _dots(
        people,
        "person",
        [person_none, person_case],
        [GREY, VERMILLION],
        ["circle", "triangle-up"],
        [200, 420],
        {"text": "Zoom: one block of 100 people", "subtitle": subtitle},
        26,
        ZOOM_SIDE,
        ZOOM_SIDE,
    )
    return _raw(
        {
            "vconcat": [overview, zoom],
            "spacing": 30,
            "resolve": {
                "scale": {"color": "independent", "shape": "independent", "size": "independent"}
            },
        }
    )


# --------------------------------------------------------------------------- contributions
@dataclass(frozen=True)
class Bar:
    """One labelled multiplier on the odds (a contribution, a likelihood ratio)."""

    label: str
    factor: float
    text: str


def contributions(bars: Sequence[Bar], title: str, width: int = 300) -> dict[str, Any]:
    """Horizontal bars on a log scale from x1: right raises the odds, left lowers them.

    Direction is shown three ways: side of the line at 1, colour, and the written multiplier.
    """
    raised, lowered = "raises the odds", "lowers the odds"
    rows = [
        {
            "answer": b.label,
            "factor": b.factor,
            "text": b.text,
            "direction": raised if b.factor >= 1 else lowered,
        }
        for b in bars
    ]
    factors = [b.factor for b in bars] + [1.0]
    xscale = {"type": "log", "domain": [min(factors) / 3, max(factors) * 3]}
    y = {"field": "answer", "type": "nominal", "sort": [b.label for b in bars], "title": None}
    x = {"field": "factor", "type": "quantitative", "scale": xscale}
    text = {"field": "text", "type": "nominal"}
    label = {"type": "text", "fontSize": 16, "color": DARK}
    return _raw(
        {
            "title": {
                "text": title,
                "subtitle": "multiplier on the odds (log scale); 1 = no change",
            },
            "data": {"values": rows},
            "width": width,
            "height": max(80, 40 * len(rows)),
            "layer": [
                {
                    "mark": {"type": "bar", "height": 22},
                    "encoding": {
                        "y": y,
                        "x": {**x, "title": "multiplier on the odds"},
                        "x2": {"datum": 1},
                        "color": {
                            "field": "direction",
                            "type": "nominal",
                            "scale": {"domain": [raised, lowered], "range": [VERMILLION, BLUE]},
                            "legend": {"title": None, "orient": "bottom"},
                        },
                        "tooltip": [
                            {"field": "answer", "type": "nominal"},
                            {"field": "text", "type": "nominal"},
                        ],
                    },
                },
                {
                    "transform": [{"filter": "datum.factor >= 1"}],
                    "mark": {**label, "align": "left", "dx": 6},
                    "encoding": {"y": y, "x": x, "text": text},
                },
                {
                    "transform": [{"filter": "datum.factor < 1"}],
                    "mark": {**label, "align": "right", "dx": -6},
                    "encoding": {"y": y, "x": x, "text": text},
                },
                {
                    "data": {"values": [{"one": 1.0}]},
                    "mark": {"type": "rule", "color": DARK, "strokeWidth": 2},
                    "encoding": {"x": {"field": "one", "type": "quantitative", "scale": xscale}},
                },
            ],
        }
    )


# --------------------------------------------------------------------------- frequency tree
@dataclass(frozen=True)
class TreeNode:
    """One box of a frequency tree: its place, its text and its parent box (or None)."""

    key: str
    level: int
    slot: float
    lines: tuple[str, ...]
    parent: str | None
    highlight: bool = False


def frequency_tree(nodes: Sequence[TreeNode], title: str) -> dict[str, Any]:
    """A left-to-right tree of counts; highlighted boxes have a thick outline and a tint."""
    by_key = {n.key: n for n in nodes}
    x_step, y_step, half_w, half_h = 380, 115, 150, 44
    focus, other = "the groups the lesson compares", "other groups"
    boxes = pd.DataFrame(
        [
            {
                "x": n.level * x_step - half_w,
                "x2": n.level * x_step + half_w,
                "y": n.slot * y_step - half_h,
                "y2": n.slot * y_step + half_h,
                "cx": n.level * x_step,
                "cy": n.slot * y_step,
                "text": list(n.lines),
                "kind": focus if n.highlight else other,
            }
            for n in nodes
        ]
    )
    edges = pd.DataFrame(
        [
            {
                "x": by_key[n.parent].level * x_step + half_w,
                "y": by_key[n.parent].slot * y_step,
                "x2": n.level * x_step - half_w,
                "y2": n.slot * y_step,
            }
            for n in nodes
            if n.parent is not None
        ]
    )
    levels = max(n.level for n in nodes) + 1
    slots = max(n.slot for n in nodes) + 1
    xs = alt.Scale(domain=[-half_w - 10, (levels - 1) * x_step + half_w + 10])
    ys = alt.Scale(domain=[-half_h - 10, (slots - 1) * y_step + half_h + 10], reverse=True)
    x_enc = alt.X("x:Q", scale=xs, axis=None)
    y_enc = alt.Y("y:Q", scale=ys, axis=None)
    lines = (
        alt.Chart(edges)
        .mark_rule(color=DARK, strokeWidth=2)
        .encode(x=x_enc, y=y_enc, x2="x2:Q", y2="y2:Q")
    )
    box = (
        alt.Chart(boxes)
        .mark_rect(cornerRadius=6)
        .encode(
            x=x_enc,
            x2="x2:Q",
            y=y_enc,
            y2="y2:Q",
            fill=alt.Fill(
                "kind:N",
                scale=alt.Scale(domain=[other, focus], range=["#F2F2F2", "#FBE3D6"]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            stroke=alt.Stroke(
                "kind:N",
                scale=alt.Scale(domain=[other, focus], range=[GREY, VERMILLION]),
                legend=None,
            ),
            strokeWidth=alt.StrokeWidth(
                "kind:N", scale=alt.Scale(domain=[other, focus], range=[1.5, 4]), legend=None
            ),
        )
    )
    text = (
        alt.Chart(boxes)
        .mark_text(fontSize=18, lineHeight=24, color=DARK)
        .encode(
            x=alt.X("cx:Q", scale=xs, axis=None), y=alt.Y("cy:Q", scale=ys, axis=None), text="text"
        )
    )
    width = int((levels - 1) * x_step + 2 * half_w + 20)
    height = int((slots - 1) * y_step + 2 * half_h + 20)
    chart = alt.layer(lines, box, text, title=title).properties(width=width, height=height)
    return _finish(chart)


# --------------------------------------------------------------------------- base-rate curve
def base_rate_curve(
    values: Sequence[float],
    series: Mapping[str, Sequence[float]],
    marker: float,
    x_title: str,
    y_title: str,
    title: str,
) -> dict[str, Any]:
    """Counts per 100,000 against the base-rate parameter; one line per scenario.

    Lines differ by colour, dash pattern and point shape; a vertical rule marks the slider.
    """
    rows = [
        {"x": x, "y": y, "scenario": name}
        for name, ys in series.items()
        for x, y in zip(values, ys, strict=True)
    ]
    names = list(series)
    palette = [VERMILLION, BLUE, GREEN, ORANGE][: len(names)]
    dashes = [[1, 0], [8, 5], [2, 3], [10, 3, 2, 3]][: len(names)]
    shapes = ["circle", "square", "triangle-up", "diamond"][: len(names)]
    base = alt.Chart(pd.DataFrame(rows), title=title)
    line = base.mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=110, filled=True)).encode(
        x=alt.X("x:Q", title=x_title),
        y=alt.Y("y:Q", title=y_title),
        color=alt.Color(
            "scenario:N",
            scale=alt.Scale(domain=names, range=palette),
            legend=alt.Legend(title=None, orient="bottom", direction="vertical"),
        ),
        strokeDash=alt.StrokeDash(
            "scenario:N", scale=alt.Scale(domain=names, range=dashes), legend=None
        ),
        shape=alt.Shape("scenario:N", scale=alt.Scale(domain=names, range=shapes), legend=None),
        tooltip=["scenario:N", alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", format=".3g")],
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [marker], "label": ["slider"]}))
        .mark_rule(color=DARK, strokeWidth=2, strokeDash=[4, 4])
        .encode(x="x:Q")
    )
    rule_text = (
        alt.Chart(pd.DataFrame({"x": [marker], "label": ["slider"]}))
        .mark_text(align="left", dx=6, dy=-8, fontSize=16, color=DARK, baseline="top")
        .encode(x="x:Q", y=alt.datum(0), text="label:N")
    )
    chart = (line + rule + rule_text).properties(width=720, height=400)
    return _finish(chart)


# --------------------------------------------------------------------------- framings
def framing_bars(
    labels: Sequence[str], counts: Sequence[float], texts: Sequence[str], title: str
) -> dict[str, Any]:
    """Counts per 100,000 as bars with their words written beside them."""
    df = pd.DataFrame({"label": list(labels), "count": list(counts), "text": list(texts)})
    base = alt.Chart(df, title=title)
    bar = base.mark_bar(color=BLUE, height=28).encode(
        y=alt.Y("label:N", sort=list(labels), title=None),
        x=alt.X("count:Q", title="people in 100,000"),
    )
    text = base.mark_text(align="left", dx=6, fontSize=16, color=DARK).encode(
        y=alt.Y("label:N", sort=list(labels)), x="count:Q", text="text:N"
    )
    return _finish((bar + text).properties(width=620, height=max(90, 50 * len(df))))


# --------------------------------------------------------------------------- research figures
def tornado_chart(
    labels: Sequence[str],
    at_low: Sequence[float],
    at_high: Sequence[float],
    current: float,
    title: str,
) -> dict[str, Any]:
    """Each parameter at the low and the high end of its range: people per 100,000.

    The two ends differ by colour and by a written label at the end of each bar.
    """
    lo, hi = "parameter at the low end of its range", "parameter at the high end of its range"
    rows = []
    for lab, a, b in zip(labels, at_low, at_high, strict=True):
        rows.append({"parameter": lab, "end": lo, "start": current, "stop": a, "tag": "low"})
        rows.append({"parameter": lab, "end": hi, "start": current, "stop": b, "tag": "high"})
    df = pd.DataFrame(rows)
    order = list(labels)
    base = alt.Chart(
        df, title=alt.Title(title, subtitle="people in 100,000; the dark line is the current value")
    )
    bars = base.mark_bar(height=16, opacity=0.9).encode(
        y=alt.Y("parameter:N", sort=order, title=None),
        yOffset=alt.YOffset("end:N"),
        x=alt.X("start:Q", title="people in 100,000"),
        x2="stop:Q",
        color=alt.Color(
            "end:N",
            scale=alt.Scale(domain=[lo, hi], range=[BLUE, VERMILLION]),
            legend=alt.Legend(title=None, orient="bottom", direction="vertical"),
        ),
        tooltip=["parameter:N", "end:N", alt.Tooltip("stop:Q", format=".3g")],
    )
    tags = base.mark_text(fontSize=13, dx=4, align="left", color=DARK).encode(
        y=alt.Y("parameter:N", sort=order), yOffset="end:N", x="stop:Q", text="tag:N"
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [current]}))
        .mark_rule(color=DARK, strokeWidth=2)
        .encode(x="x:Q")
    )
    return _finish((bars + tags + rule).properties(width=620, height=max(120, 42 * len(order))))


def psa_histogram(
    counts: Sequence[float], low: float, median: float, high: float, title: str
) -> dict[str, Any]:
    """Histogram of the posterior over parameter draws (people per 100,000), with the
    median and the 95% interval marked by labelled lines."""
    # Binned here so the browser gets 45 bars, not every draw (counting, not modelling).
    heights, edges = np.histogram(np.asarray(counts, dtype=float), bins=45)
    df = pd.DataFrame({"start": edges[:-1], "stop": edges[1:], "draws": heights})
    hist = (
        alt.Chart(df, title=alt.Title(title, subtitle="each bar counts parameter draws"))
        .mark_bar(color=SKY, stroke="white")
        .encode(
            x=alt.X("start:Q", title="people in 100,000 with answers like these"),
            x2="stop:Q",
            y=alt.Y("draws:Q", title="draws"),
            y2=alt.datum(0),
        )
    )
    marks = pd.DataFrame(
        {
            "x": [low, median, high],
            "label": ["2.5% (interval starts)", "median", "97.5% (interval ends)"],
            "dash": ["interval", "median", "interval"],
        }
    )
    rule = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=3, color=DARK)
        .encode(
            x="x:Q",
            strokeDash=alt.StrokeDash(
                "dash:N",
                scale=alt.Scale(domain=["median", "interval"], range=[[1, 0], [6, 4]]),
                legend=None,
            ),
        )
    )
    text = (
        alt.Chart(marks)
        .mark_text(angle=270, align="right", dy=-6, fontSize=14, color=DARK, baseline="bottom")
        .encode(x="x:Q", y=alt.value(4), text="label:N")
    )
    return _finish((hist + rule + text).properties(width=680, height=360))


def sobol_chart(
    labels: Sequence[str],
    s1: Sequence[float],
    s1_conf: Sequence[float],
    st_: Sequence[float],
    st_conf: Sequence[float],
    title: str,
) -> dict[str, Any]:
    """First-order and total Sobol indices with their 95% bootstrap half-widths."""
    first, total = "first-order (S1): this parameter alone", "total (ST): including interactions"
    rows = []
    for lab, a, ac, b, bc in zip(labels, s1, s1_conf, st_, st_conf, strict=True):
        rows.append({"parameter": lab, "index": first, "value": a, "lo": a - ac, "hi": a + ac})
        rows.append({"parameter": lab, "index": total, "value": b, "lo": b - bc, "hi": b + bc})
    df = pd.DataFrame(rows)
    order = list(labels)
    base = alt.Chart(
        df, title=alt.Title(title, subtitle="share of the variance of the posterior log-odds")
    )
    enc = {
        "y": alt.Y("parameter:N", sort=order, title=None),
        "yOffset": alt.YOffset("index:N", scale=alt.Scale(domain=[first, total])),
    }
    bars = base.mark_bar(height=14).encode(
        x=alt.X("value:Q", title="Sobol index"),
        color=alt.Color(
            "index:N",
            scale=alt.Scale(domain=[first, total], range=[SKY, BLUE]),
            legend=alt.Legend(title=None, orient="bottom", direction="vertical"),
        ),
        opacity=alt.Opacity(
            "index:N", scale=alt.Scale(domain=[first, total], range=[0.85, 1.0]), legend=None
        ),
        **enc,
    )
    err = base.mark_rule(color=DARK, strokeWidth=1.5).encode(x="lo:Q", x2="hi:Q", **enc)
    tag = (
        base.mark_text(align="left", dx=4, fontSize=12, color=DARK)
        .encode(
            x="hi:Q",
            text=alt.Text("short:N"),
            **enc,
        )
        .transform_calculate(short="indexof(datum.index, 'first') == 0 ? 'S1' : 'ST'")
    )
    return _finish((bars + err + tag).properties(width=460, height=max(120, 44 * len(order))))


def two_way_heatmap(
    x_values: Sequence[float],
    y_values: Sequence[float],
    counts: Sequence[Sequence[float]],
    texts: Sequence[Sequence[str]],
    x_title: str,
    y_title: str,
    title: str,
) -> dict[str, Any]:
    """Posterior (people per 100,000) over a grid of two parameters, each cell labelled."""
    rows = [
        {"y": f"{yv:.3g}", "x": f"{xv:.3g}", "n": counts[i][j], "text": texts[i][j]}
        for i, yv in enumerate(y_values)
        for j, xv in enumerate(x_values)
    ]
    xs = [f"{v:.3g}" for v in x_values]
    ys = [f"{v:.3g}" for v in y_values]
    base = alt.Chart(
        pd.DataFrame(rows), title=alt.Title(title, subtitle="people in 100,000 in each cell")
    )
    rect = base.mark_rect().encode(
        x=alt.X("x:O", sort=xs, title=x_title),
        y=alt.Y("y:O", sort=ys, title=y_title),
        color=alt.Color(
            "n:Q", scale=alt.Scale(scheme="blues"), legend=alt.Legend(title="per 100,000")
        ),
    )
    middle = float(max(max(row) for row in counts)) / 2
    text = base.mark_text(fontSize=11).encode(
        x=alt.X("x:O", sort=xs),
        y=alt.Y("y:O", sort=ys),
        text="text:N",
        color=alt.condition(f"datum.n > {middle!r}", alt.value("white"), alt.value(DARK)),
    )
    return _finish((rect + text).properties(width=640, height=480))
