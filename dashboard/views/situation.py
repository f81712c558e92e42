"""Your situation: plain-language questions and what the model makes of the answers.

Shows the result as a natural frequency out of a fixed 100,000, the baseline for the same
background, an uncertainty interval, an icon array, what moved the odds, which question would
help most, red flags and next steps. Every number comes from the ``model`` API.
"""

from __future__ import annotations

import streamlit as st

from alsodds import QueryResult, factor_words, natural_frequency
from alsodds.dashboard import charts, common

#: Headings for the question groups of the priors file, in the order a person would go.
GROUP_TITLES: dict[str, str] = {
    "": "About you",
    "twitching": "The twitching",
    "triggers": "Things that can set off twitching right now",
    "red_flags": "Warning signs",
    "other": "Other symptoms",
    "course": "How it has gone over time",
    "tests": "Tests you may have had",
}


@st.cache_data(max_entries=64, show_spinner=False)
def icon_array_spec(shown_cases: float, who: str) -> dict[str, object]:
    return charts.icon_array(shown_cases, who)


def grouped(act: common.Active) -> list[tuple[str, list[str]]]:
    """Answerable nodes by group: known groups in reading order, then any others."""
    spec = act.model.spec
    groups: dict[str, list[str]] = {}
    for node in spec.answerable:
        groups.setdefault(spec.nodes[node].group or "", []).append(node)
    order = [g for g in GROUP_TITLES if g in groups] + [g for g in groups if g not in GROUP_TITLES]
    return [(g, groups[g]) for g in order]


def ask(act: common.Active, node: str, options: tuple[str, ...], answers: dict[str, str]) -> str:
    """One question as a radio group; returns the chosen answer or NO_ANSWER."""
    spec_node = act.model.spec.nodes[node]
    key = f"q_{node}"
    choices = [common.NO_ANSWER, *options]
    if st.session_state.get(key) not in choices:
        st.session_state[key] = answers.get(node, common.NO_ANSWER)
    label = f"**{spec_node.label}**: {spec_node.question or spec_node.label}"
    choice: str = st.radio(label, choices, key=key, format_func=common.state_words, horizontal=True)
    if spec_node.help:
        st.caption(f"Why we ask: {spec_node.help}")
    return choice


def questions(act: common.Active, answers: dict[str, str]) -> tuple[dict[str, str], object]:
    """All questions; returns the new answers and the slot under the warning-sign group."""
    options = common.answer_options(act.key, act.model)
    new: dict[str, str] = {}
    red_slot: object = None
    for group, nodes in grouped(act):
        title = GROUP_TITLES.get(group) or group.replace("_", " ").capitalize()
        with st.container(border=True):
            st.subheader(title)
            for node in nodes:
                choice = ask(act, node, options[node], answers)
                if choice != common.NO_ANSWER:
                    new[node] = choice
            if group == "red_flags":
                red_slot = st.empty()
    return new, red_slot


def red_flag_panel(act: common.Active, result: QueryResult) -> None:
    messages = act.model.spec.messages
    if result.red_flags:
        names = ", ".join(act.model.spec.nodes[n].label.lower() for n in result.red_flags)
        st.error(
            f"**Warning sign reported: see a doctor promptly.**\n\n{messages.red_flag}\n\n"
            f"You reported: {names}.",
            icon=":material/warning:",
        )
    elif result.uncertain_red_flags:
        names = ", ".join(act.model.spec.nodes[n].label.lower() for n in result.uncertain_red_flags)
        st.warning(
            f"**Not sure about a warning sign ({names}).** {messages.uncertain_red_flag}",
            icon=":material/help:",
        )


def headline(act: common.Active, answers: dict[str, str], result: QueryResult) -> None:
    st.metric(
        "With your answers",
        natural_frequency(result.posterior),
        help="Out of 100,000 people who gave the same answers, about this many would have "
        "early ALS that has not been diagnosed yet.",
    )
    st.caption(
        "people with answers like yours would have early ALS that has not yet been diagnosed "
        f"(as a percentage: {common.percent(result.posterior)})."
    )
    st.metric(
        "Same age, sex and family history, no symptoms",
        natural_frequency(result.baseline),
        help="The starting point before any symptom is taken into account.",
    )
    has_findings = any(n in act.model.spec.findings for n in answers)
    if has_findings:
        st.markdown(
            f"**Your answers {factor_words(result.odds_ratio_vs_baseline)}** "
            "compared with that starting point."
        )
    else:
        st.markdown("Answer the questions about symptoms to see how they move the odds.")


def interval(act: common.Active, key: common.AnswerKey) -> None:
    res = common.cached_psa(act.key, key, common.PATIENT_DRAWS, None, act.model)
    st.markdown(
        "**How sure is this number?** The published figures behind the model come with "
        "ranges. Re-running the model "
        f"{res.n_draws:,} times across those ranges puts the number between "
        f"{natural_frequency(res.low)} and {natural_frequency(res.high)} "
        "(a 95% interval)."
    )


def icon_block(result: QueryResult) -> None:
    spec = icon_array_spec(round(result.per_100k), "people with answers like yours")
    lay = charts.icon_layout(result.per_100k)
    if lay.shown:
        count = common.per_100k(result.posterior)
        whole = "" if count == f"{lay.shown:,}" else f" (drawn as {lay.shown:,} whole people)"
        words = (
            "Picture 100,000 people with answers like yours as 1,000 blocks of 100. About "
            f"{count} of them would have early ALS{whole}. The highlighted blocks "
            f"({lay.blocks_with_cases:,}) hold them; they are grouped together here so you can "
            "find them, though in real life they would be scattered. The zoom below shows one "
            "block of 100."
        )
    else:
        words = (
            "Picture 100,000 people with answers like yours as 1,000 blocks of 100. About "
            f"{common.per_100k(result.posterior)} of them would have early ALS: fewer than one "
            "whole person, so no block is highlighted."
        )
    common.show_chart(spec, name="icon-array", alt_text=words, downloads=False)
    st.caption(words)


def moved(act: common.Active, key: common.AnswerKey) -> None:
    st.subheader("What moved the odds")
    result = common.cached_shapley(act.key, key, act.model)
    if not result.contributions:
        st.markdown("Nothing yet: answer a question about symptoms, triggers or tests.")
        return
    bars = [
        charts.Bar(common.answer_words(act, c.node, c.answer), c.factor, common.times(c.factor))
        for c in result.contributions
    ]
    lines = [f"- **{b.label}**: {factor_words(b.factor)}." for b in bars]
    spec = charts.contributions(bars, "Each answer's share", width=250)
    common.show_chart(spec, name="contributions", alt_text=" ".join(lines), downloads=False)
    st.markdown("\n".join(lines))
    st.caption(
        "Each answer's fair share of the change from the starting point, whatever order the "
        "questions are taken in (exact Shapley values); multiplied together they give the total."
    )


def next_question(act: common.Active, key: common.AnswerKey) -> None:
    st.subheader("Which question would tell the most")
    ranked = common.cached_next_questions(act.key, key, act.model)
    if not ranked:
        st.markdown("You have answered every question.")
        return
    top = ranked[0]
    node = act.model.spec.nodes[top.node]
    st.markdown(
        f"Of the questions you have not answered, **{node.label.lower()}** is expected to move "
        f"the odds the most (up to {common.times(top.largest_factor)}):"
    )
    st.markdown(
        "\n".join(
            f"- if the answer were *{common.state_words(o.state).lower()}*: "
            f"{natural_frequency(o.posterior)}"
            for o in top.outcomes
        )
    )
    if len(ranked) > 1:
        others = ", ".join(act.model.spec.nodes[q.node].label.lower() for q in ranked[1:4])
        st.caption(f"Next most informative: {others}.")


def next_steps(act: common.Active) -> None:
    st.subheader("Next steps")
    st.markdown("\n".join(f"- {s}" for s in act.model.spec.messages.next_steps))
    st.markdown(
        "A low number does not rule anything out and a higher one is not a diagnosis: only a "
        "doctor who examines you can judge what is going on."
    )


def main() -> None:
    act = common.page_header(
        "Your situation",
        "Answer as many questions as you like; you can skip any of them or say you are not "
        "sure. The numbers update as you go. They describe people who gave the same answers, "
        "not you personally.",
    )
    answers = common.current_answers(act)
    st.sidebar.button(
        "Clear all answers", on_click=common.clear_answers, args=(act,), key="clear_answers"
    )
    left, right = st.columns([11, 10], gap="large")
    with left:
        answers, red_slot = questions(act, answers)
    common.store_answers(act, answers)
    key = common.answer_key(answers)
    result = common.cached_query(act.key, key, act.model)
    if result.red_flags and red_slot is not None:
        red_slot.error(  # type: ignore[attr-defined]
            "Warning sign reported: see a doctor promptly (details beside the questions).",
            icon=":material/warning:",
        )
    with right:
        red_flag_panel(act, result)
        headline(act, answers, result)
        interval(act, key)
        icon_block(result)
        moved(act, key)
        next_question(act, key)
    next_steps(act)
    common.footer(act)


main()
