"""Your situation: questions a person can answer, and what the model makes of the answers.

The result comes first (on a phone it is the first thing below the title): a warning sign
puts "see a doctor promptly" above any number; the number is written as whole people,
beside the reference group and the uncertainty interval in the same units. The questions
follow, one group per tab, then the picture, what moved the odds and the next steps.
Importing this module draws nothing; :func:`render` draws the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from alsodds import (
    EvidenceError,
    People,
    PSAResult,
    QueryResult,
    QuestionValue,
    RequestError,
    ShapleyResult,
    WatchResult,
    next_questions,
    people,
    plain_number,
    psa,
    query,
    shapley,
    times,
    watchful_waiting,
)
from alsodds.dashboard import answers as ans
from alsodds.dashboard import charts, frame, triage
from alsodds.dashboard.cache import AnswerSet, Keyed, cached
from alsodds.dashboard.words import (
    answer_words,
    group_of,
    group_title,
    grouped,
    join_words,
    lower_first,
    plain,
    reference_group,
    state_words,
)

#: Draws for the interval shown with every result (fast enough for each new answer set).
PATIENT_DRAWS = 2000
RESULT_LABEL = "Answers like yours"


@dataclass(frozen=True)
class Outcome:
    """What the model makes of one set of answers, or why it cannot score them."""

    result: QueryResult | None
    interval: PSAResult | None
    problem: str | None


def evaluate(act: Keyed, answers: AnswerSet) -> Outcome:
    """The API's result and interval for these answers; contradictory answers give the
    model's one-line message instead of a number."""
    try:
        result = cached(query, act, answers)
        interval = cached(psa, act, answers, n_draws=PATIENT_DRAWS, seed=0)
    except EvidenceError as exc:
        return Outcome(None, None, str(exc))
    return Outcome(result, interval, None)


@dataclass(frozen=True)
class Headline:
    """The numbers shown together, all on one denominator."""

    result: People
    reference: People
    low: People
    high: People


def headline_numbers(result: QueryResult, interval: PSAResult) -> Headline:
    r, b, lo, hi = people([result.posterior, result.baseline, interval.low, interval.high])
    return Headline(r, b, lo, hi)


def has_findings(act: Keyed, answers: AnswerSet) -> bool:
    return any(n in act.model.spec.findings for n in answers)


def change_words(act: Keyed, answers: AnswerSet, result: QueryResult) -> str:
    """'Your answers raised the odds ×38 compared with people of your age (whatever their
    symptoms).' (or a prompt when no symptom is answered)."""
    if not has_findings(act, answers):
        return "Answer the questions about symptoms to see how they move the odds."
    factor = result.odds_ratio_vs_baseline
    verb = "raised" if factor >= 1 else "lowered"
    return (
        f"Your answers {verb} the odds {times(factor)} compared with "
        f"{reference_group(act.model.spec, answers)}."
    )


# --------------------------------------------------------------------------- result bar
def red_flag_panel(act: Keyed, answers: AnswerSet, outcome: Outcome) -> None:
    spec = act.model.spec
    reported = (
        outcome.result.red_flags
        if outcome.result is not None
        else triage.reported_red_flags(spec, dict(answers))
    )
    if reported:
        names = join_words(lower_first(spec.nodes[n].label) for n in reported)
        st.error(
            f"**See a doctor promptly: warning sign reported ({plain(names)}).** "
            f"{plain(spec.messages.red_flag)}",
            icon=":material/warning:",
        )
    elif outcome.result is not None and outcome.result.uncertain_red_flags:
        names = join_words(
            lower_first(spec.nodes[n].label) for n in outcome.result.uncertain_red_flags
        )
        st.warning(
            f"**Not sure about a warning sign ({plain(names)}).** "
            f"{plain(spec.messages.uncertain_red_flag)}",
            icon=":material/help:",
        )


def result_bar(act: Keyed, answers: AnswerSet, outcome: Outcome) -> Headline | None:
    """The warning-sign panel and the headline, above the questions."""
    red_flag_panel(act, answers, outcome)
    if outcome.problem is not None:
        st.error(
            f"These answers cannot be scored: {plain(outcome.problem)}",
            icon=":material/block:",
        )
        return None
    assert outcome.result is not None and outcome.interval is not None
    nums = headline_numbers(outcome.result, outcome.interval)
    spec = act.model.spec
    reference = reference_group(spec, answers)
    crowd = nums.result.text.split(" in ")[-1]
    left, right = st.columns(2)
    left.metric(
        f"{RESULT_LABEL}, out of {crowd}",
        nums.result.count_text,
        help="Out of this many people who gave the same answers, about this many would have "
        "early ALS that has not been diagnosed yet.",
    )
    right.metric(
        f"Reference group, out of {crowd}",
        nums.reference.count_text,
        help="The reference group: the same background answers, whatever the symptoms.",
    )
    percent = f" ({nums.result.percent})" if nums.result.percent else ""
    st.markdown(
        f"**{nums.result.text}**{percent} people with answers like yours would have early ALS "
        f"that has not been diagnosed yet; the reference is {nums.reference.text} "
        f"{plain(reference)}. {plain(change_words(act, answers, outcome.result))}"
    )
    alone = people(outcome.result.no_symptoms)[0]
    st.caption(
        f"A separate reference: {plain(reference.replace(' (whatever their symptoms)', ''))} "
        f"with none of the symptoms asked about: {alone.text}."
        if reference.startswith("people")
        else f"A separate reference: everyone in the model's population with none of the "
        f"symptoms asked about: {alone.text}."
    )
    st.caption(
        f"How sure is this? Re-running the model {outcome.interval.n_draws:,} times across the "
        f"ranges of its published figures puts it between {nums.low.count_text} and "
        f"{nums.high.text} (a 95% interval)."
    )
    return nums


# --------------------------------------------------------------------------- questions
#: Session key of the open question group (its tab title).
GROUPS_KEY = "question_groups"


def ask(act: Keyed, node: str, options: tuple[str, ...]) -> None:
    """One question as a radio group (its value is read from the session before drawing)."""
    spec_node = act.model.spec.nodes[node]
    st.radio(
        plain(spec_node.question or spec_node.label),
        [ans.NO_ANSWER, *options],
        key=ans.widget_key(node),
        format_func=state_words,
        horizontal=True,
        help=f"Why we ask: {plain(spec_node.help)}" if spec_node.help else None,
    )


def open_group(act: Keyed) -> list[str]:
    """The questions of the open group (the first group until another tab is chosen)."""
    groups = grouped(act.model.spec)
    chosen = st.session_state.get(GROUPS_KEY)
    return next((nodes for g, nodes in groups if group_title(g) == chosen), groups[0][1])


def questions(act: Keyed) -> None:
    """The questions, one group per tab; only the open group is drawn."""
    options = ans.options(act)
    groups = grouped(act.model.spec)
    # fixed tab names: a name that changed with each answer would reset the open tab
    titles = [group_title(g) for g, _ in groups]
    st.subheader("Questions")
    st.caption("Answer as many as you like, one group at a time; skip any or say you are not sure.")
    tabs = st.tabs(titles, key=GROUPS_KEY, on_change="rerun")
    for tab, (_, nodes) in zip(tabs, groups, strict=True):
        with tab:
            # Only the open group is drawn (a closed group's answers live in the session).
            if tab.open:
                for node in nodes:
                    ask(act, node, options[node])


# --------------------------------------------------------------------------- details
def icon_block(result: People) -> None:
    who = "people with answers like yours"
    spec = charts.icon_array(result.count, result.denominator, who)
    lay = charts.icon_layout(result.count, result.denominator)
    crowd = f"{result.denominator:,}"
    if result.count is None:
        words = (
            f"Picture {crowd} people with answers like yours: {result.text}, fewer than one "
            "whole person in this crowd, so no square is filled."
        )
    elif lay.tiny:
        words = (
            f"Picture {crowd} people with answers like yours, each square standing for "
            f"{lay.per_mark:,} people. About {result.count_text} of them would have early ALS: "
            f"too few to fill a square, so only a sliver of the ringed square is coloured. "
            "The rest are everyone else."
        )
    else:
        per = "person" if lay.per_mark == 1 else f"{lay.per_mark:,} people"
        words = (
            f"Picture {crowd} people with answers like yours, each square standing for {per}. "
            f"The {result.count_text} coloured ones would have early ALS; they are grouped so "
            "you can count them, though in life they would be scattered."
        )
    frame.show_chart(spec, name="icon-array", alt_text=words, downloads=False)
    st.caption(words)


def moved(act: Keyed, answers: AnswerSet) -> None:
    st.subheader("What moved the odds")
    parts: ShapleyResult = cached(shapley, act, answers)
    if not parts.contributions:
        st.markdown("Nothing yet: answer a question about symptoms, triggers or tests.")
        return
    spec = act.model.spec
    bars = [
        charts.Bar(answer_words(spec, c.node, c.answer), c.factor, times(c.factor))
        for c in parts.contributions
    ]
    lines = [
        f"- {plain(b.label)}: {'raised' if b.factor >= 1 else 'lowered'} the odds {b.text}"
        for b in bars
    ]
    chart = charts.contributions(bars, "Each answer's share")
    frame.show_chart(chart, name="contributions", alt_text="; ".join(lines), downloads=False)
    st.markdown("\n".join(lines))
    st.caption(
        "Each answer's fair share of the change from the reference, whatever order the "
        "questions are taken in (exact Shapley values); multiplied together they give the total."
    )


def suggested_question(act: Keyed, answers: AnswerSet, nums: Headline) -> None:
    """The unanswered question expected to tell the most (never one the answers settle)."""
    ranked: list[QuestionValue] = triage.useful_questions(cached(next_questions, act, answers))
    st.subheader("Which question would tell the most")
    if not ranked:
        st.markdown("No other question would change the picture much.")
        return
    top = ranked[0]
    spec = act.model.spec
    shown = people(
        [nums.result.probability, *(o.posterior for o in top.outcomes)],
        denominator=nums.result.denominator,
    )
    st.markdown(
        f"Of the questions you have not answered, **{plain(lower_first(top.label))}** is "
        f"expected to move the odds the most (up to {times(top.largest_factor)}):"
    )
    st.markdown(
        "\n".join(
            f"- if the answer were {state_words(o.state).lower()}: {s.text}"
            for o, s in zip(top.outcomes, shown[1:], strict=True)
        )
    )
    if len(ranked) > 1:
        others = join_words(lower_first(spec.nodes[q.node].label) for q in ranked[1:4])
        st.caption(f"Next most informative: {plain(others)}.")


def duration_hint(act: Keyed) -> str:
    """Which question unlocks the watchful-waiting view, in the words the page uses."""
    spec = act.model.spec
    if spec.watch is None:
        return "These priors define no watchful-waiting view."
    node = spec.nodes[spec.watch.duration]
    where = group_of(spec, spec.watch.duration)
    place = f" (questions: '{where}')" if where else ""
    return (
        f"Answer '{plain(node.question or node.label)}'{place} with how long it has been, to "
        "see how the number changes while you wait."
    )


def watching(act: Keyed, answers: AnswerSet) -> None:
    """How the number changes if nothing new appears over the coming months, and what to
    watch for (only without a warning sign: with one, the advice is to see a doctor)."""
    st.subheader("If nothing new appears")
    try:
        w: WatchResult = cached(watchful_waiting, act, answers)
    except (RequestError, EvidenceError):
        st.caption(duration_hint(act))
        return
    shown = people([w.now, *(p.posterior for p in w.points)])
    unit = f"people in {shown[0].text.split(' in ')[-1]}"
    months = [0.0, *(p.months for p in w.points)]
    labels = ["<1" if s.count is None else s.count_text for s in shown]
    chart = charts.watch_chart(months, [s.count for s in shown], labels, unit)
    lines = [f"- now: {shown[0].text}"] + [
        f"- after {plain_number(p.months)} month{'s' if p.months != 1 else ''} with nothing "
        f"new: {s.text} (chance a warning sign appears by then: "
        f"{plain_number(p.new_sign_chance * 100)}%)"
        for p, s in zip(w.points, shown[1:], strict=True)
    ]
    frame.show_chart(chart, name="watchful-waiting", alt_text=" ".join(lines), downloads=False)
    st.markdown("\n".join(lines))
    st.markdown(
        "Watch for these, and see a doctor promptly if one appears: "
        + plain(join_words(lower_first(x) for x in w.watch_for))
        + ". A short note once a week is enough; checking your muscles all day feeds worry "
        "and makes twitches more noticeable."
    )


def next_steps(act: Keyed, answers: AnswerSet, outcome: Outcome) -> None:
    spec = act.model.spec
    steps = triage.next_steps(spec, outcome.result, triage.reported_red_flags(spec, dict(answers)))
    st.subheader(steps.title)
    st.markdown("\n".join(f"- {plain(line)}" for line in steps.lines))
    st.caption(
        "A low number does not rule anything out and a higher one is not a diagnosis: only a "
        "doctor who examines you can judge what is going on."
    )


def render() -> None:
    """Draw the page."""
    act = frame.page_header(
        "Your situation",
        "The numbers describe people who gave the same answers, not you personally. "
        "They update as you answer.",
    )
    answers = ans.from_widgets(act, open_group(act))
    st.sidebar.button("Clear all answers", on_click=ans.clear, args=(act,), key="clear_answers")
    outcome = evaluate(act, answers)
    nums = result_bar(act, answers, outcome)
    left, right = st.columns([11, 10], gap="large")
    with left:
        questions(act)
    with right:
        if nums is not None:
            icon_block(nums.result)
            moved(act, answers)
        if nums is not None and outcome.result is not None and not outcome.result.red_flags:
            suggested_question(act, answers, nums)
            watching(act, answers)
        next_steps(act, answers, outcome)
