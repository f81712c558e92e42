"""Base rates: why a common finding in a rare disease says little on its own.

For teaching: the two directions of the same conditional probability, a frequency tree for
100,000 people, the derivation of the prior, a base-rate slider with its curve, and the same
numbers framed as percentages and as natural frequencies. Figures are large and can be
downloaded as PNG or SVG. Every number comes from the ``model`` API.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from alsodds import FrequencyTree, QueryResult, base_rate_parameter, natural_frequency
from alsodds.dashboard import charts, common

#: The finding the lesson starts with, if the network has it (design.md's public id).
LESSON = ("fasciculations", "yes")
EVERYONE = "Everyone (population mix)"


@st.cache_data(max_entries=64, show_spinner=False)
def icon_array_spec(shown_cases: float, who: str) -> dict[str, object]:
    return charts.icon_array(shown_cases, who)


def background_controls(act: common.Active, answers: dict[str, str]) -> dict[str, str]:
    """One selector per background node (age, sex, family history); 'everyone' allowed."""
    spec = act.model.spec
    chosen: dict[str, str] = {}
    columns = st.columns(max(1, len(spec.background)))
    for col, node in zip(columns, spec.background, strict=False):
        states = spec.nodes[node].states
        key = f"br_{node}"
        choices = [common.NO_ANSWER, *states]
        if st.session_state.get(key) not in choices:
            start = answers.get(node, common.NO_ANSWER)
            st.session_state[key] = start if start in choices else common.NO_ANSWER
        value: str = col.selectbox(
            spec.nodes[node].label,
            choices,
            key=key,
            format_func=lambda s: EVERYONE if s == common.NO_ANSWER else common.state_words(s),
        )
        if value != common.NO_ANSWER:
            chosen[node] = value
    return chosen


def lesson_control(act: common.Active) -> tuple[str, str]:
    spec = act.model.spec
    pairs = [(n, s) for n in spec.findings for s in spec.nodes[n].states]
    default = LESSON if LESSON in pairs else pairs[0]
    names = [f"{n}={s}" for n, s in pairs]
    picked: str = st.selectbox(
        "Finding the lesson is about",
        names,
        index=names.index(f"{default[0]}={default[1]}"),
        format_func=lambda v: common.answer_words(act, *v.split("=", 1)),
        key="br_finding",
    )
    node, state = picked.split("=", 1)
    return node, state


def group_words(act: common.Active, background: dict[str, str]) -> str:
    """'adults, age 30-44, sex male' style words for the chosen background."""
    spec = act.model.spec
    parts = [
        f"{spec.nodes[n].label.lower()} {common.state_words(s).lower()}"
        for n, s in background.items()
    ]
    return ", ".join(["adults", *parts])


def two_directions(
    who: str,
    finding_words: str,
    tree: FrequencyTree,
    with_finding: QueryResult,
) -> None:
    st.header("Two questions that sound alike")
    left, right = st.columns(2)
    with left:
        st.metric(
            f"How many people with early ALS have {finding_words}?",
            common.percent(tree.finding_given_query),
        )
        st.caption(f"Among {who} who have early ALS.")
    with right:
        st.metric(
            f"How many people with {finding_words} have early ALS?",
            natural_frequency(with_finding.posterior),
        )
        st.caption(f"Among {who} with {finding_words} ({common.percent(with_finding.posterior)}).")
    st.markdown(
        "The first question starts from the disease and asks about the symptom; the second "
        "starts from the symptom and asks about the disease. They have very different "
        "answers because the two groups differ enormously in size: early ALS is rare, while "
        "twitching and most other symptoms here are common and usually harmless. The few "
        "people with ALS are outnumbered by the many with a harmless cause, even though most "
        "of the few have the symptom."
    )


def tree_section(who: str, finding_words: str, tree: FrequencyTree) -> None:
    st.header("A frequency tree for 100,000 people")

    def c(n: float) -> str:
        # one decimal where rounding would make "no ALS" look like the whole population
        whole = round(n) == tree.population and n != tree.population
        return f"{n:,.1f}" if whole else common.count_text(n)

    nodes = [
        charts.TreeNode("all", 0, 1.5, (f"{tree.population:,}", who), None),
        charts.TreeNode("q", 1, 0.5, (f"{c(tree.with_query)}", "early ALS"), "all"),
        charts.TreeNode("nq", 1, 2.5, (f"{c(tree.without_query)}", "no ALS"), "all"),
        charts.TreeNode(
            "qf",
            2,
            0,
            (f"{c(tree.with_query_with_finding)}", f"ALS, {finding_words}"),
            "q",
            True,
        ),
        charts.TreeNode(
            "qn",
            2,
            1,
            (f"{c(tree.with_query_without_finding)}", f"ALS, without {finding_words}"),
            "q",
        ),
        charts.TreeNode(
            "nf",
            2,
            2,
            (f"{c(tree.without_query_with_finding)}", f"no ALS, {finding_words}"),
            "nq",
            True,
        ),
        charts.TreeNode(
            "nn",
            2,
            3,
            (f"{c(tree.without_query_without_finding)}", f"no ALS, without {finding_words}"),
            "nq",
        ),
    ]
    spec = common.chart(charts.frequency_tree, nodes, f"100,000 {who}")
    words = (
        f"Of {tree.population:,} {who}, about {c(tree.with_query)} have early ALS and "
        f"{c(tree.without_query)} do not. Of those with ALS, about "
        f"{c(tree.with_query_with_finding)} have {finding_words}; of those without, about "
        f"{c(tree.without_query_with_finding)}. So among everyone with {finding_words}, "
        f"only the {c(tree.with_query_with_finding)} in the top branch have ALS: "
        f"{natural_frequency(tree.query_given_finding)} of people with {finding_words}."
    )
    common.show_chart(spec, name="frequency-tree", alt_text=words)
    st.markdown(words)


def derivation_section(act: common.Active, background: dict[str, str]) -> None:
    st.header("Where the starting number comes from")
    d = common.cached_derive(act.key, common.answer_key(background), act.model)
    spec = act.model.spec
    rows = [
        {
            "Step": s.label,
            "What is used": s.detail,
            "Multiply by": common.plain(s.factor),
            "Running result": natural_frequency(s.running),
            "Sources": common.source_words(spec, s.sources),
        }
        for s in d.steps
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.markdown(
        f"Multiplying the steps gives the starting point (the prior) for this group: "
        f"**{natural_frequency(d.prior)}** have early, not yet diagnosed ALS at any moment. "
        "New cases per year times the months it takes to be diagnosed gives how many are "
        "living with symptoms but no diagnosis yet; the age, sex and family-history factors "
        "then adjust it for the group."
    )
    for label, value in d.cross_checks:
        st.caption(
            f"Cross-check on the incidence figure: {label} gives {common.count_text(value)} "
            "per 100,000 per year."
        )


def slider_section(
    act: common.Active,
    background: dict[str, str],
    lesson: dict[str, str],
    finding_words: str,
    answers: dict[str, str],
) -> None:
    st.header("Move the base rate")
    model = act.model
    name = base_rate_parameter(model)
    param = model.params.params[model.params.position(name)]
    lo, hi = round(param.low / 2, 2), round(param.high * 2, 2)
    unit = param.unit or ""
    value: float = st.slider(
        f"{param.label or 'Base rate'} ({unit})",
        min_value=lo,
        max_value=hi,
        value=float(param.value),
        step=0.1,
        key="br_rate",
        help=f"The priors use {param.value:g} (plausible range {param.low:g} to {param.high:g}).",
    )
    grid = tuple(float(v) for v in np.round(np.linspace(lo, hi, 12), 3))
    scenarios: dict[str, dict[str, str]] = {
        f"{finding_words} ({group_words(act, background)})": lesson,
        f"no symptoms ({group_words(act, background)})": background,
    }
    if any(n in model.spec.findings for n in answers):
        scenarios["your answers on 'Your situation'"] = answers
    series: dict[str, Sequence[float]] = {}
    at_value: dict[str, float] = {}
    for label, ans in scenarios.items():
        points = common.cached_base_rate_curve(act.key, common.answer_key(ans), grid, model)
        series[label] = [pt.posterior * common.DENOMINATOR for pt in points]
        here = common.cached_base_rate_curve(act.key, common.answer_key(ans), (value,), model)
        at_value[label] = here[0].posterior
    spec = common.chart(
        charts.base_rate_curve,
        grid,
        series,
        value,
        f"{param.label or 'base rate'} ({unit})",
        "people in 100,000",
        "The answer follows the base rate",
    )
    words = "; ".join(f"{k}: {natural_frequency(v)}" for k, v in at_value.items())
    text = f"At {value:g} {unit}: {words}."
    common.show_chart(spec, name="base-rate-curve", alt_text=text)
    st.markdown(text)
    st.caption(
        "The same symptoms mean more when the disease is more common: double the base rate "
        "and, while it stays rare, the answer roughly doubles too."
    )


def framing_section(
    act: common.Active, background: dict[str, str], lesson: dict[str, str], finding_words: str
) -> None:
    st.header("Percent or natural frequency?")
    who = group_words(act, background)
    rows = [
        (
            f"{who}, no symptoms",
            common.cached_query(act.key, common.answer_key(background), act.model).posterior,
        ),
        (
            f"{who} with {finding_words}",
            common.cached_query(act.key, common.answer_key(lesson), act.model).posterior,
        ),
    ]
    left, right = st.columns(2)
    left.metric(f"As a percentage ({rows[1][0]})", common.percent(rows[1][1]))
    right.metric(f"As a natural frequency ({rows[1][0]})", natural_frequency(rows[1][1]))
    st.table(
        pd.DataFrame(
            [(g, common.percent(p), natural_frequency(p)) for g, p in rows],
            columns=["Group", "As a percentage", "As a natural frequency"],
        )
    )
    st.markdown(
        "Tiny percentages are hard to picture and easy to misread. Counting people out of a "
        "fixed 100,000 keeps every number on the same scale, so they can be compared directly."
    )
    spec = common.chart(
        charts.framing_bars,
        [g for g, _ in rows],
        [p * common.DENOMINATOR for _, p in rows],
        [f"{natural_frequency(p)} ({common.percent(p)})" for _, p in rows],
        "The same numbers, counted out of 100,000",
    )
    common.show_chart(
        spec, name="framings", alt_text="; ".join(f"{g}: {natural_frequency(p)}" for g, p in rows)
    )
    group, p = rows[1]
    icon = icon_array_spec(round(p * common.DENOMINATOR), f"{who} with {finding_words}")
    words = (
        f"Icon array: 100,000 {group}, drawn as 1,000 blocks of 100. About "
        f"{common.per_100k(p)} of them have early ALS; they are gathered into the highlighted "
        "block so they can be seen, and the zoom shows one block person by person."
    )
    common.show_chart(icon, name="icon-array", alt_text=words)
    st.caption(words)


def main() -> None:
    act = common.page_header(
        "Base rates",
        "Why a symptom that is common in ALS still says little on its own: the base-rate "
        "lesson, with figures sized for a projector (each can be downloaded).",
    )
    answers = common.current_answers(act)
    background = background_controls(act, answers)
    finding, state = lesson_control(act)
    finding_words = common.finding_phrase(act, finding, state)
    lesson = {**background, finding: state}
    who = group_words(act, background)
    with_finding = common.cached_query(act.key, common.answer_key(lesson), act.model)
    tree = common.cached_frequency_tree(
        act.key, common.answer_key(background), finding, state, act.model
    )
    two_directions(who, finding_words, tree, with_finding)
    tree_section(who, finding_words, tree)
    derivation_section(act, background)
    slider_section(act, background, lesson, finding_words, answers)
    framing_section(act, background, lesson, finding_words)
    common.footer(act)


main()
