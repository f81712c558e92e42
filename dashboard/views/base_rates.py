"""Base rates: why a common finding in a rare disease says little on its own.

For teaching: the two directions of the same conditional probability, a frequency tree (for
100,000, 1 million or 10 million people, so its counts are whole people), the derivation of
the prior, a base-rate slider with its curves, and the same numbers framed as percentages and
as whole people. Figures can be downloaded. Importing this module draws nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from alsodds import (
    Derivation,
    FrequencyTree,
    Model,
    base_rate_parameter,
    derive,
    frequency_tree,
    parse_answers,
    people,
    plain_number,
    posterior_matrix,
    query,
    run_validation,
)
from alsodds.dashboard import answers as ans
from alsodds.dashboard import charts, frame
from alsodds.dashboard.cache import AnswerSet, Keyed, cached
from alsodds.dashboard.words import finding_phrase, plain, source_words, state_words
from alsodds.validation import format_range, format_value

#: The finding the lesson starts with, if the network has it (a public node id).
LESSON = ("fasciculations", "yes")
EVERYONE = "Everyone"
POPULATIONS = (100_000, 1_000_000, 10_000_000)
RATE_KEY = "br_rate"


def background_controls(act: Keyed, answers: AnswerSet) -> AnswerSet:
    """One selector per background question (age, sex, ...); 'everyone' allowed."""
    spec = act.model.spec
    chosen: dict[str, str] = {}
    columns = st.columns(max(1, len(spec.background)))
    for col, node in zip(columns, spec.background, strict=False):
        states = spec.nodes[node].states
        key = f"br_{node}"
        choices = [ans.NO_ANSWER, *states]
        if st.session_state.get(key) not in choices:
            start = answers.get(node, ans.NO_ANSWER)
            st.session_state[key] = start if start in choices else ans.NO_ANSWER
        value: str = col.selectbox(
            plain(spec.nodes[node].label),
            choices,
            key=key,
            format_func=lambda s: EVERYONE if s == ans.NO_ANSWER else state_words(s),
        )
        if value != ans.NO_ANSWER:
            chosen[node] = value
    return AnswerSet(chosen)


def lesson_control(act: Keyed) -> tuple[str, str]:
    spec = act.model.spec
    pairs = [(n, s) for n in spec.findings for s in spec.nodes[n].states]
    default = LESSON if LESSON in pairs else pairs[0]
    names = [f"{n}={s}" for n, s in pairs]
    picked: str = st.selectbox(
        "The finding the lesson is about",
        names,
        index=names.index(f"{default[0]}={default[1]}"),
        format_func=lambda v: finding_phrase(spec, *v.split("=", 1)).capitalize(),
        key="br_finding",
    )
    node, state = picked.split("=", 1)
    return node, state


def group_words(act: Keyed, background: AnswerSet) -> str:
    """'adults, age 30–44, sex male' style words for the chosen background."""
    spec = act.model.spec
    parts = [
        f"{spec.nodes[n].label.lower()} {state_words(s).lower()}" for n, s in background.items()
    ]
    return ", ".join(["adults", *parts])


def two_directions(who: str, finding_words: str, tree: FrequencyTree) -> None:
    st.header("Two questions that sound alike")
    left, right = st.columns(2)
    given_als = tree.finding_given_query
    left.metric(
        f"How many people with early ALS have {finding_words}?",
        f"{plain_number(given_als * 100)}%" if given_als >= 0.01 else people(given_als)[0].text,
    )
    shown = people(tree.query_given_finding)[0]
    right.metric(f"How many people with {finding_words} have early ALS?", shown.text)
    st.markdown(
        f"Among {plain(who)}. The first question starts from the disease and asks about the "
        "symptom; the second starts from the symptom and asks about the disease. Their answers "
        "differ enormously because the two groups differ in size: early ALS is rare, while "
        "twitching and most other symptoms here are common and usually harmless. The few "
        "people with ALS are outnumbered by the many with a harmless cause, even though most "
        "of the few have the symptom."
    )


def tree_counts(tree: FrequencyTree) -> dict[str, str]:
    """Whole people in each box, adding up: the smaller branch of each split is rounded to
    two significant figures and the larger is what remains."""
    n = tree.population
    als, f_als, f_no = people(
        [
            tree.with_query / n,
            tree.with_query_with_finding / n,
            tree.without_query_with_finding / n,
        ],
        denominator=n,
    )

    def words(x: int | None) -> str:
        return "fewer than 1" if x is None else f"{x:,}"

    als_n = als.count or 0
    f_als_n = min(f_als.count or 0, als_n)
    no_als = n - als_n
    f_no_n = min(f_no.count or 0, no_als)
    return {
        "all": f"{n:,}",
        "q": words(als.count),
        "nq": f"{no_als:,}",
        "qf": words(f_als.count if f_als_n else None),
        "qn": words(als_n - f_als_n if als.count else None),
        "nf": words(f_no.count),
        "nn": f"{no_als - f_no_n:,}",
    }


def tree_section(act: Keyed, background: AnswerSet, who: str, finding: str, state: str) -> None:
    st.header("A frequency tree")
    finding_words = finding_phrase(act.model.spec, finding, state)
    population: int = st.radio(
        "Number of people in the tree",
        POPULATIONS,
        index=1,
        format_func=lambda n: people(0.5, denominator=n)[0].text.split(" in ")[1],
        horizontal=True,
        key="br_population",
        help="Bigger crowds show the rare branches as whole people.",
    )
    tree: FrequencyTree = cached(
        frequency_tree, act, background, finding, state, population=population
    )
    c = tree_counts(tree)
    nodes = [
        charts.TreeNode("all", 0, 1.5, c["all"], who, None),
        charts.TreeNode("q", 1, 0.5, c["q"], "early ALS", "all"),
        charts.TreeNode("nq", 1, 2.5, c["nq"], "no ALS", "all"),
        charts.TreeNode("qf", 2, 0, c["qf"], f"ALS, {finding_words}", "q", True),
        charts.TreeNode("qn", 2, 1, c["qn"], f"ALS, without {finding_words}", "q"),
        charts.TreeNode("nf", 2, 2, c["nf"], f"no ALS, {finding_words}", "nq", True),
        charts.TreeNode("nn", 2, 3, c["nn"], f"no ALS, without {finding_words}", "nq"),
    ]
    spec = charts.frequency_tree(nodes, f"{c['all']} {who}")
    share = people(tree.query_given_finding, denominator=population)[0]
    words = (
        f"Of {c['all']} {who}, about {c['q']} have early ALS and {c['nq']} do not. Of those "
        f"with ALS, about {c['qf']} have {finding_words}; of those without, about {c['nf']}. "
        f"So among everyone with {finding_words}, only the {c['qf']} in the top branch have "
        f"ALS: {share.text} people with {finding_words}."
    )
    frame.show_chart(spec, name="frequency-tree", alt_text=words)
    st.markdown(plain(words))


def derivation_section(act: Keyed, background: AnswerSet) -> None:
    st.header("Where the starting number comes from")
    d: Derivation = cached(derive, act, background)
    spec = act.model.spec
    running = people([s.running for s in d.steps])
    rows = [
        {
            "Step": s.label,
            "What is used": s.detail,
            "Multiply by": plain_number(s.factor),
            "Running result": r.text,
            "Sources": source_words(spec, s.sources),
        }
        for s, r in zip(d.steps, running, strict=True)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.markdown(
        f"Multiplying the steps gives the starting point (the prior) for this group: "
        f"**{people(d.prior)[0].text}** have early, not yet diagnosed ALS at any moment. New "
        "cases per year times the time it takes to be diagnosed gives how many are living "
        "with symptoms but no diagnosis yet; the age, sex and family-history factors then "
        "adjust it for the group."
    )
    for label, value in d.cross_checks:
        st.caption(
            f"Cross-check on the incidence figure: {plain(label)} gives "
            f"{plain_number(value)} new cases per 100,000 people a year."
        )


def curve(
    model: Model, answer_sets: tuple[AnswerSet, ...], values: tuple[float, ...]
) -> np.ndarray:
    """P(ALS) for each answer set at each value of the base-rate parameter: one batched call
    of the API's engine over a parameter matrix (rows: the values, other parameters fixed)."""
    position = model.params.position(base_rate_parameter(model))
    theta = np.repeat(model.point, len(values), axis=0)
    theta[:, position] = values
    sets = [parse_answers(model.spec, a) for a in answer_sets]
    out: np.ndarray = posterior_matrix(model, sets, theta)
    return out


def reset_rate(value: float) -> None:
    """Callback: the slider back to the priors' value."""
    st.session_state[RATE_KEY] = value


def slider_section(
    act: Keyed, background: AnswerSet, lesson: AnswerSet, finding_words: str, answers: AnswerSet
) -> None:
    st.header("Move the base rate")
    model = act.model
    name = base_rate_parameter(model)
    param = model.params.params[model.params.position(name)]
    lo, hi = round(param.low / 2, 2), round(param.high * 2, 2)
    default = round(float(param.value), 2)
    unit = param.unit or ""
    if st.session_state.get(RATE_KEY) is None:
        st.session_state[RATE_KEY] = default
    value: float = st.slider(
        f"{plain(param.label or 'Base rate')} ({plain(unit)})",
        min_value=lo,
        max_value=hi,
        step=0.01,
        key=RATE_KEY,
        help=f"The priors use {plain_number(param.value)} (plausible range "
        f"{plain_number(param.low)} to {plain_number(param.high)}).",
    )
    st.button(
        f"Back to the priors' value ({plain_number(default)})",
        on_click=reset_rate,
        args=(default,),
        key="br_rate_reset",
        disabled=value == default,
    )
    who = group_words(act, background)
    scenarios: dict[str, AnswerSet] = {
        f"with {finding_words}": lesson,
        "whatever their symptoms": background,
    }
    if any(n in model.spec.findings for n in answers):
        scenarios["your answers"] = answers
    grid = tuple(float(v) for v in np.round(np.linspace(lo, hi, 13), 3))
    values = (*grid, float(value))
    post = cached(curve, act, tuple(scenarios.values()), values)
    shown = people([float(p) for p in post.ravel()])
    d = shown[0].denominator
    series = {
        label: [float(post[i, j]) * d for i in range(len(grid))]
        for j, label in enumerate(scenarios)
    }
    at_value = [shown[len(grid) * len(scenarios) + j] for j in range(len(scenarios))]
    spec = charts.base_rate_curve(
        grid,
        series,
        value,
        f"{param.label or 'base rate'} ({unit})",
        f"people in {shown[0].text.split(' in ')[-1]} (log scale)",
        "The answer follows the base rate",
    )
    text = f"For {who}, at {plain_number(value)} {unit}: " + "; ".join(
        f"{label}: {s.text}" for label, s in zip(scenarios, at_value, strict=True)
    )
    frame.show_chart(spec, name="base-rate-curve", alt_text=text)
    st.markdown(plain(text) + ".")
    st.caption(
        "The same symptoms mean more when the disease is more common: double the base rate "
        "and, while it stays rare, the answer roughly doubles too. The vertical scale is "
        "logarithmic, so each line keeps its shape however far apart the lines are."
    )


def framing_section(
    act: Keyed, background: AnswerSet, lesson: AnswerSet, finding_words: str
) -> None:
    st.header("Percent or whole people?")
    who = group_words(act, background)
    groups = [f"{who}, whatever their symptoms", f"{who} with {finding_words}"]
    probs = [
        cached(query, act, background).posterior,
        cached(query, act, lesson).posterior,
    ]
    shown = people(probs)
    st.table(
        pd.DataFrame(
            [
                (g, f"{plain_number(p * 100)}%", s.text)
                for g, p, s in zip(groups, probs, shown, strict=True)
            ],
            columns=["Group", "As a percentage", "As whole people"],
        )
    )
    st.markdown(
        "Tiny percentages such as these are hard to picture and easy to misread. Counting "
        "whole people out of one crowd size keeps the numbers on the same scale, so they can "
        "be compared directly; that is why the rest of this site uses whole people."
    )
    last = shown[1]
    icon = charts.icon_array(last.count, last.denominator, f"{who} with {finding_words}")
    words = (
        f"Icon array: {last.denominator:,} {who} with {finding_words}; {last.text} of them "
        "have early ALS, drawn at the same scale as the number."
    )
    frame.show_chart(icon, name="icon-array", alt_text=words)
    st.caption(plain(words))


def render() -> None:
    """Draw the page."""
    act = frame.page_header(
        "Base rates",
        "Why a symptom that is common in ALS still says little on its own: the base-rate "
        "lesson, with figures that can be downloaded for teaching.",
    )
    answers = ans.stored(act)
    ans.sync_url(act, answers)
    background = background_controls(act, answers)
    finding, state = lesson_control(act)
    finding_words = finding_phrase(act.model.spec, finding, state)
    lesson = background.with_(**{finding: state})
    who = group_words(act, background)
    overview: FrequencyTree = cached(frequency_tree, act, background, finding, state)
    two_directions(who, finding_words, overview)
    tree_section(act, background, who, finding, state)
    derivation_section(act, background)
    slider_section(act, background, lesson, finding_words, answers)
    framing_section(act, background, lesson, finding_words)
    comparison_section(act)


VERDICT = {"pass": "agrees", "fail": "disagrees", "shown": "shown only", "not_applicable": "n/a"}


def comparison_section(act: Keyed) -> None:
    st.header("How the model compares with published figures")
    rows = cached(run_validation, act)
    table = [
        {
            "Quantity": r.quantity,
            "Model": format_value(r.model, r.unit),
            "Published": format_range(r.low, r.high, r.unit),
            "Result": VERDICT[r.status],
            "Sources": source_words(act.model.spec, r.source),
        }
        for r in rows
    ]
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    st.caption(
        "Each row computes from the network a figure that studies report and sets it beside "
        'their range. "Shown only" rows measure something different (for example odds '
        "ratios from doctors' records) and are set side by side without a verdict. The same "
        "table, with notes and full references, is docs/validation.md."
    )


__all__: Sequence[str] = ["render"]
