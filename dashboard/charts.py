"""Vega-Lite figures for the dashboard, built with Altair and returned as plain dicts.

Every function here lays out numbers it is given (already computed by the ``model`` API);
none computes a probability. Figures use large fonts so they read on a projector, a
colour-blind-safe palette, and never rely on colour alone: shapes, dash patterns or text
labels carry the same meaning. The pages show a text equivalent next to each figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import altair as alt
import numpy as np
import pandas as pd

from alsodds.numbers import denominator_words

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies).
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
VERMILLION = "#D55E00"
BLUE = "#0072B2"
GREY = "#B0B0B0"
DARK = "#333333"

FONT = "Helvetica, Arial, sans-serif"


#: The same look as :func:`_finish`, for specs written directly as dicts.
CONFIG: dict[str, Any] = {
    "font": FONT,
    "background": "white",
    "axis": {"labelFontSize": 14, "titleFontSize": 15, "labelLimit": 150, "titlePadding": 8},
    "legend": {"labelFontSize": 14, "titleFontSize": 14, "labelLimit": 300, "symbolSize": 150},
    "title": {
        "fontSize": 18,
        "anchor": "start",
        "subtitleFontSize": 14,
        "offset": 10,
        "limit": 340,
    },
    "view": {"stroke": None},
}


def _raw(body: dict[str, Any]) -> dict[str, Any]:
    """A hand-written Vega-Lite spec with the shared look and fixed sizes.

    The two figures redrawn on every change of an answer are written as plain dicts:
    building them through Altair (object model and schema validation) would cost more than
    the whole model computation.
    """
    return {"autosize": {"type": "pad", "contains": "padding"}, **body, "config": CONFIG}


def _finish(chart: Any) -> dict[str, Any]:
    """Projector-friendly fonts and a plain background; returns the Vega-Lite dict."""
    styled = (
        chart.configure(font=FONT, background="white")
        .configure_axis(
            labelFontSize=14, titleFontSize=15, labelLimit=150, titleLimit=260, titlePadding=8
        )
        .configure_legend(labelFontSize=14, titleFontSize=14, labelLimit=300, symbolSize=150)
        .configure_title(fontSize=18, anchor="start", subtitleFontSize=14, offset=10, limit=320)
        .configure_header(labelFontSize=14, titleFontSize=15)
        .configure_view(stroke=None)
    )
    out: dict[str, Any] = styled.to_dict()
    # Charts take their column's width (never wider than a phone's screen): the plot
    # shrinks to leave room for its labels, which are limited in length.
    out["autosize"] = {"type": "fit-x", "contains": "padding"}
    return out


# --------------------------------------------------------------------------- icon array
@dataclass(frozen=True)
class IconArrayLayout:
    """How a crowd of ``denominator`` people is drawn: one mark per person up to 1,000
    people, else 1,000 squares of equal groups; ``filled`` is each case square's share."""

    denominator: int
    cases: int
    per_mark: int
    columns: int
    rows: int
    filled: tuple[float, ...]
    first: int

    @property
    def marks(self) -> int:
        return self.columns * self.rows

    @property
    def tiny(self) -> bool:
        """True when the cases fill less than one mark (they are ringed so they can be found)."""
        return 0 < self.cases < self.per_mark


def icon_layout(cases: int | None, denominator: int) -> IconArrayLayout:
    """Place whole people with the condition in a crowd of ``denominator``, at scale.

    Every mark stands for the same number of people; a square holding fewer cases than
    people is filled only in that share, so nothing is enlarged.
    """
    n = max(0, min(cases or 0, denominator))
    if denominator <= 1_000:
        columns = 10 if denominator <= 100 else 40
        per = 1
    else:
        columns = 40
        per = denominator // 1_000
    rows = -(-denominator // (per * columns))
    full, rest = divmod(n, per)
    filled = (1.0,) * full + ((rest / per,) if rest else ())
    total = columns * rows
    # a single mark's worth sits in the middle so the eye finds it; more fill from the top
    first = (rows // 2) * columns + columns // 2 if len(filled) == 1 and per > 1 else 0
    return IconArrayLayout(denominator, n, per, columns, rows, filled, min(first, total - 1))


def icon_array(cases: int | None, denominator: int, who: str) -> dict[str, Any]:
    """A crowd of ``denominator`` people (``who``) with the cases marked, at the scale of the
    number shown beside it (no zoom). Cases differ by colour and shape (or by fill and a ring
    when there are too few to see)."""
    lay = icon_layout(cases, denominator)
    step = 24 if lay.columns == 10 else 8
    gap = 0.18
    cols = lay.columns
    # the crowd is generated in the browser from a sequence (a small spec to send on every
    # answer); only the marks that hold cases are listed
    crowd = {
        "data": {"sequence": {"start": 0, "stop": lay.marks, "as": "i"}},
        "transform": [
            {"calculate": f"datum.i % {cols}", "as": "x"},
            {"calculate": f"floor(datum.i / {cols})", "as": "y"},
            {"calculate": f"datum.x + {1 - gap}", "as": "x2"},
            {"calculate": f"datum.y + {1 - gap}", "as": "y2"},
        ],
    }
    rows = []
    for k, share in enumerate(lay.filled):
        i = lay.first + k
        col, row = i % cols, i // cols
        rows.append(
            {
                "x": col,
                "x2": col + 1 - gap,
                "y": row,
                "y2": row + 1 - gap,
                "fy": row + (1 - gap) * (1 - share),
                "share": share,
                "cx": col + (1 - gap) / 2,
                "cy": row + (1 - gap) / 2,
            }
        )
    cases_data = {"data": {"values": rows or [{"share": 0}]}}
    xs = {"domain": [0, lay.columns], "nice": False, "zero": True}
    ys = {"domain": [0, lay.rows], "nice": False, "zero": True, "reverse": True}
    x = {"field": "x", "type": "quantitative", "scale": xs, "axis": None}
    y = {"field": "y", "type": "quantitative", "scale": ys, "axis": None}
    unit = "person" if lay.per_mark == 1 else f"{lay.per_mark:,} people"
    layers: list[dict[str, Any]] = [
        {
            **crowd,
            "mark": {"type": "rect", "color": GREY},
            "encoding": {"x": x, "x2": {"field": "x2"}, "y": y, "y2": {"field": "y2"}},
        },
        {
            **cases_data,
            "transform": [{"filter": "datum.share > 0"}],
            "mark": {"type": "rect", "color": VERMILLION},
            "encoding": {
                "x": x,
                "x2": {"field": "x2"},
                "y": {**y, "field": "fy"},
                "y2": {"field": "y2"},
            },
        },
    ]
    if lay.per_mark == 1:
        # one person per mark: a white triangle on each case, so shape carries it too
        layers.append(
            {
                **cases_data,
                "transform": [{"filter": "datum.share > 0"}],
                "mark": {"type": "point", "shape": "triangle-up", "filled": True, "color": "white"},
                "encoding": {
                    "x": {**x, "field": "cx"},
                    "y": {**y, "field": "cy"},
                    "size": {"value": 70},
                },
            }
        )
    if lay.tiny:
        layers.append(
            {
                **cases_data,
                "transform": [{"filter": "datum.share > 0"}],
                "mark": {"type": "point", "shape": "circle", "filled": False, "color": DARK},
                "encoding": {
                    "x": {**x, "field": "cx"},
                    "y": {**y, "field": "cy"},
                    "size": {"value": 700},
                    "strokeWidth": {"value": 2.5},
                },
            }
        )
    return _raw(
        {
            "title": {
                "text": wrap(f"{denominator_words(denominator)} {who}", 34).split("\n"),
                "subtitle": f"each square is {unit}",
                "fontSize": 18,
                "subtitleFontSize": 14,
            },
            "width": lay.columns * step,
            "height": lay.rows * step,
            # data inside each layer stays plain JSON (top-level data would be converted
            # to Arrow on every rerun, which costs more than drawing the figure)
            "layer": layers,
        }
    )


# --------------------------------------------------------------------------- contributions
@dataclass(frozen=True)
class Bar:
    """One labelled multiplier on the odds (a contribution, a likelihood ratio)."""

    label: str
    factor: float
    text: str


def contributions(bars: Sequence[Bar], title: str) -> dict[str, Any]:
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
            "width": "container",
            "autosize": {"type": "fit-x", "contains": "padding"},
            "height": max(80, 40 * len(rows)),
            "layer": [
                {"data": {"values": rows}, **layer}
                for layer in cast(
                    list[dict[str, Any]],
                    [
                        {
                            "mark": {"type": "bar", "height": 22},
                            "encoding": {
                                "y": y,
                                "x": {**x, "title": "multiplier on the odds"},
                                "x2": {"datum": 1},
                                "color": {
                                    "field": "direction",
                                    "type": "nominal",
                                    "scale": {
                                        "domain": [raised, lowered],
                                        "range": [VERMILLION, BLUE],
                                    },
                                    "legend": {
                                        "title": None,
                                        "orient": "bottom",
                                        "direction": "vertical",
                                    },
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
                            "encoding": {
                                "x": {"field": "one", "type": "quantitative", "scale": xscale}
                            },
                        },
                    ],
                )
            ],
        }
    )


# --------------------------------------------------------------------------- frequency tree
@dataclass(frozen=True)
class TreeNode:
    """One box of a frequency tree: its place, its count and words, its parent (or None)."""

    key: str
    level: int
    slot: float
    count: str
    words: str
    parent: str | None
    highlight: bool = False


def wrap(text: str, width: int = 16) -> str:
    """Break ``text`` into lines of at most about ``width`` characters (on spaces)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def frequency_tree(nodes: Sequence[TreeNode], title: str) -> dict[str, Any]:
    """A left-to-right tree of counts that fits a phone's width (it stretches to its column).

    Each box shows its count in bold and its words below; the boxes the lesson compares
    have a thick outline and a tint (two cues, not colour alone). Text is plain strings
    split on a line-break character, which every Vega renderer draws.
    """
    by_key = {n.key: n for n in nodes}
    half_w, half_h = 0.46, 0.42
    focus, other = "the groups the lesson compares", "other groups"
    boxes = [
        {
            "x": n.level - half_w,
            "x2": n.level + half_w,
            "y": n.slot - half_h,
            "y2": n.slot + half_h,
            "cx": float(n.level),
            "cy": float(n.slot),
            "count": n.count,
            "words": wrap(n.words),
            "kind": focus if n.highlight else other,
        }
        for n in nodes
    ]
    edges = [
        {
            "x": by_key[n.parent].level + half_w,
            "y": by_key[n.parent].slot,
            "x2": n.level - half_w,
            "y2": n.slot,
        }
        for n in nodes
        if n.parent is not None
    ]
    levels = max(n.level for n in nodes) + 1
    slots = max(n.slot for n in nodes) + 1
    xs = {"domain": [-0.5, levels - 0.5], "nice": False, "zero": False}
    ys = {"domain": [-0.5, slots - 0.5], "nice": False, "zero": False, "reverse": True}
    x = {"field": "x", "type": "quantitative", "scale": xs, "axis": None}
    y = {"field": "y", "type": "quantitative", "scale": ys, "axis": None}
    kind_scale = {"domain": [other, focus]}
    return _raw(
        {
            "title": {"text": title, "fontSize": 18},
            "width": "container",
            "height": int(slots * 82),
            "autosize": {"type": "fit-x", "contains": "padding"},
            "layer": [
                {
                    "data": {"values": edges},
                    "mark": {"type": "rule", "color": DARK, "strokeWidth": 1.5},
                    "encoding": {"x": x, "y": y, "x2": {"field": "x2"}, "y2": {"field": "y2"}},
                },
                {
                    "data": {"values": boxes},
                    "mark": {"type": "rect", "cornerRadius": 5},
                    "encoding": {
                        "x": x,
                        "x2": {"field": "x2"},
                        "y": y,
                        "y2": {"field": "y2"},
                        "fill": {
                            "field": "kind",
                            "type": "nominal",
                            "scale": {**kind_scale, "range": ["#F2F2F2", "#FBE3D6"]},
                            "legend": {
                                "title": None,
                                "orient": "bottom",
                                "labelLimit": 300,
                                "direction": "vertical",
                            },
                        },
                        "stroke": {
                            "field": "kind",
                            "type": "nominal",
                            "scale": {**kind_scale, "range": ["#767676", VERMILLION]},
                            "legend": None,
                        },
                        "strokeWidth": {
                            "field": "kind",
                            "type": "nominal",
                            "scale": {**kind_scale, "range": [1.2, 3.5]},
                            "legend": None,
                        },
                    },
                },
                {
                    "data": {"values": boxes},
                    "mark": {
                        "type": "text",
                        "fontSize": 15,
                        "fontWeight": "bold",
                        "color": DARK,
                        "baseline": "bottom",
                        "dy": -2,
                    },
                    "encoding": {
                        "x": {**x, "field": "cx"},
                        "y": {**y, "field": "cy", "scale": ys},
                        "text": {"field": "count", "type": "nominal"},
                    },
                },
                {
                    "data": {"values": boxes},
                    "mark": {
                        "type": "text",
                        "fontSize": 12,
                        "lineHeight": 14,
                        "lineBreak": "\n",
                        "color": DARK,
                        "baseline": "top",
                        "dy": 2,
                    },
                    "encoding": {
                        "x": {**x, "field": "cx"},
                        "y": {**y, "field": "cy"},
                        "text": {"field": "words", "type": "nominal"},
                    },
                },
            ],
        }
    )


# --------------------------------------------------------------------------- watchful waiting
def watch_chart(
    months: Sequence[float], counts: Sequence[int | None], labels: Sequence[str], unit: str
) -> dict[str, Any]:
    """Whole people now (month 0) and if nothing new appears by each horizon, on a log
    scale with each point labelled; fewer than one person sits on the bottom line, 1."""
    rows = [
        {"months": m, "count": max(c or 1, 1), "label": t}
        for m, c, t in zip(months, counts, labels, strict=True)
    ]
    x = {
        "field": "months",
        "type": "quantitative",
        "title": "months from now, if nothing new appears",
        "axis": {"values": list(months), "format": "d"},
    }
    y = {
        "field": "count",
        "type": "quantitative",
        "title": unit,
        "scale": {"type": "log", "domainMin": 1},
        "axis": {"format": ",d", "tickCount": 3},
    }
    return _raw(
        {
            "width": "container",
            "height": 220,
            "autosize": {"type": "fit-x", "contains": "padding"},
            "layer": [
                {
                    "data": {"values": rows},
                    "mark": {
                        "type": "line",
                        "color": BLUE,
                        "strokeWidth": 3,
                        "point": {"filled": True, "size": 90, "color": BLUE},
                    },
                    "encoding": {"x": x, "y": y},
                },
                {
                    "data": {"values": rows},
                    "mark": {"type": "text", "dy": -12, "fontSize": 13, "color": DARK},
                    "encoding": {"x": x, "y": y, "text": {"field": "label", "type": "nominal"}},
                },
            ],
        }
    )


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
        y=alt.Y("y:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(format=",~r")),
        color=alt.Color(
            "scenario:N",
            scale=alt.Scale(domain=names, range=palette),
            legend=alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=250),
        ),
        strokeDash=alt.StrokeDash(
            "scenario:N", scale=alt.Scale(domain=names, range=dashes), legend=None
        ),
        shape=alt.Shape("scenario:N", scale=alt.Scale(domain=names, range=shapes), legend=None),
        tooltip=[
            "scenario:N",
            alt.Tooltip("x:Q", format=".2~f"),
            alt.Tooltip("y:Q", format=",.0f"),
        ],
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [marker], "label": ["slider"]}))
        .mark_rule(color=DARK, strokeWidth=2, strokeDash=[4, 4])
        .encode(x="x:Q")
    )
    rule_text = (
        alt.Chart(pd.DataFrame({"x": [marker], "label": ["slider"]}))
        .mark_text(align="left", dx=6, dy=-8, fontSize=16, color=DARK, baseline="top")
        .encode(x="x:Q", y=alt.value(4), text="label:N")
    )
    chart = (line + rule + rule_text).properties(width="container", height=320)
    return _finish(chart)


# --------------------------------------------------------------------------- research figures
def tornado_chart(
    labels: Sequence[str],
    at_low: Sequence[float],
    at_high: Sequence[float],
    current: float,
    title: str,
    unit: str,
) -> dict[str, Any]:
    """Each parameter at the low and the high end of its range, in ``unit`` (people in N).

    The two ends differ by colour and by a written label at the end of each bar.
    """
    lo, hi = "parameter at the low end", "parameter at the high end"
    rows = []
    for lab, a, b in zip(labels, at_low, at_high, strict=True):
        rows.append({"parameter": lab, "end": lo, "start": current, "stop": a, "tag": "low"})
        rows.append({"parameter": lab, "end": hi, "start": current, "stop": b, "tag": "high"})
    df = pd.DataFrame(rows)
    order = list(labels)
    base = alt.Chart(
        df, title=alt.Title(title, subtitle=[unit, "the dark line is the current value"])
    )
    bars = base.mark_bar(height=16, opacity=0.9).encode(
        y=alt.Y("parameter:N", sort=order, title=None),
        yOffset=alt.YOffset("end:N"),
        x=alt.X("start:Q", title=unit, axis=alt.Axis(format=",~r")),
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
    return _finish(
        (bars + tags + rule).properties(width="container", height=max(120, 42 * len(order)))
    )


def psa_histogram(
    counts: Sequence[float], low: float, median: float, high: float, title: str, x_title: str
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
            x=alt.X("start:Q", title=x_title, axis=alt.Axis(format=",~r")),
            x2="stop:Q",
            y=alt.Y("draws:Q", title="draws"),
            y2=alt.datum(0),
        )
    )
    marks = pd.DataFrame(
        {
            "x": [low, median, high],
            "label": ["interval starts", "median", "interval ends"],
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
    return _finish((hist + rule + text).properties(width="container", height=360))


def sobol_chart(
    labels: Sequence[str],
    s1: Sequence[float],
    s1_conf: Sequence[float],
    st_: Sequence[float],
    st_conf: Sequence[float],
    title: str,
) -> dict[str, Any]:
    """First-order and total Sobol indices with their 95% bootstrap half-widths."""
    first, total = "S1: this parameter alone", "ST: with its interactions"
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
        .transform_calculate(short="indexof(datum.index, 'S1') == 0 ? 'S1' : 'ST'")
    )
    return _finish(
        (bars + err + tag).properties(width="container", height=max(120, 44 * len(order)))
    )


def two_way_heatmap(
    x_values: Sequence[str],
    y_values: Sequence[str],
    counts: Sequence[Sequence[float]],
    texts: Sequence[Sequence[str]],
    x_title: str,
    y_title: str,
    title: str,
    unit: str,
) -> dict[str, Any]:
    """The result (in ``unit``) over a grid of two parameters, each cell labelled; the
    parameter values arrive already written for people."""
    rows = [
        {"y": yv, "x": xv, "n": counts[i][j], "text": texts[i][j]}
        for i, yv in enumerate(y_values)
        for j, xv in enumerate(x_values)
    ]
    xs = list(x_values)
    ys = list(y_values)
    base = alt.Chart(pd.DataFrame(rows), title=alt.Title(title, subtitle=f"{unit} in each cell"))
    rect = base.mark_rect().encode(
        x=alt.X("x:O", sort=xs, title=x_title),
        y=alt.Y("y:O", sort=ys, title=y_title),
        color=alt.Color("n:Q", scale=alt.Scale(scheme="blues"), legend=None),
    )
    middle = float(max(max(row) for row in counts)) / 2
    text = base.mark_text(fontSize=11).encode(
        x=alt.X("x:O", sort=xs),
        y=alt.Y("y:O", sort=ys),
        text="text:N",
        color=alt.condition(f"datum.n > {middle!r}", alt.value("white"), alt.value(DARK)),
    )
    return _finish((rect + text).properties(width="container", height=340))
