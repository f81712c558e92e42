"""A session's answers: the choices each question offers, the page address, and the widgets.

Answers live in the browser session and in the page address only (so a situation can be
bookmarked or shared); nothing is stored or sent anywhere else.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import streamlit as st

from alsodds import NOT_SURE, EvidenceError, Model, parse_answers
from alsodds.dashboard.cache import AnswerSet, Keyed, cached

#: Session key of the answers (kept while the person moves between pages).
ANSWERS_STATE = "alsodds_answers"
#: Session key of the questions drawn in the last run.
SHOWN_STATE = "alsodds_shown_questions"
#: The radio option for "leave this question unanswered" (never a valid state name).
NO_ANSWER = ""


def _options(model: Model) -> dict[str, tuple[str, ...]]:
    spec = model.spec
    out: dict[str, tuple[str, ...]] = {}
    for node in spec.answerable:
        states = spec.nodes[node].states
        try:
            parse_answers(spec, {node: NOT_SURE})
        except EvidenceError:
            out[node] = states
        else:
            out[node] = (*states, NOT_SURE)
    return out


def options(act: Keyed) -> dict[str, tuple[str, ...]]:
    """For each question, the answers it accepts: its states, and "not sure" where the model
    can take that answer."""
    return cached(_options, act)


def widget_key(node: str) -> str:
    return f"q_{node}"


def valid_only(given: Mapping[str, str], allowed: Mapping[str, tuple[str, ...]]) -> AnswerSet:
    """The answers among ``given`` that name a question and one of its answers (pure)."""
    return AnswerSet({n: s for n, s in given.items() if s in allowed.get(n, ())})


def from_url(act: Keyed) -> AnswerSet:
    """Valid answers found in the page address; anything else there is ignored."""
    params = {k: st.query_params.get(k) for k in st.query_params}
    return valid_only({k: v for k, v in params.items() if v is not None}, options(act))


def stored(act: Keyed) -> AnswerSet:
    """This session's answers (read from the address on the session's first run)."""
    if ANSWERS_STATE not in st.session_state:
        st.session_state[ANSWERS_STATE] = dict(from_url(act))
    return valid_only(st.session_state[ANSWERS_STATE], options(act))


def store(act: Keyed, answers: Mapping[str, str]) -> None:
    """Keep the answers for this session and write them into the address."""
    st.session_state[ANSWERS_STATE] = dict(answers)
    sync_url(act, answers)


def sync_url(act: Keyed, answers: Mapping[str, str]) -> None:
    """Write the answers into the query string (only the answer keys are touched)."""
    for node in options(act):
        wanted = answers.get(node)
        have = st.query_params.get(node)
        if wanted is None and have is not None:
            del st.query_params[node]
        elif wanted is not None and have != wanted:
            st.query_params[node] = wanted


def from_widgets(act: Keyed, shown: Collection[str]) -> AnswerSet:
    """The answers, read before the widgets are drawn (so the result can be shown above the
    questions). ``shown`` are the questions drawn in this run: their widgets give their
    answers (seeded from the session when new). The others keep their stored answer, or the
    last value their widget sent if it was drawn in the previous run; their widget keys are
    dropped, so a value left from an earlier run can never come back."""
    allowed = options(act)
    kept = stored(act)
    before = st.session_state.get(SHOWN_STATE, frozenset())
    out: dict[str, str] = {}
    for node, states in allowed.items():
        key = widget_key(node)
        if node in shown:
            if st.session_state.get(key) not in (NO_ANSWER, *states):
                st.session_state[key] = kept.get(node, NO_ANSWER)
            value = st.session_state[key]
        else:
            value = kept.get(node, NO_ANSWER)
            if node in before and st.session_state.get(key) in (NO_ANSWER, *states):
                value = st.session_state[key]
            st.session_state.pop(key, None)
        if value != NO_ANSWER:
            out[node] = value
    st.session_state[SHOWN_STATE] = frozenset(shown)
    answers = AnswerSet(out)
    store(act, answers)
    return answers


def clear(act: Keyed) -> None:
    """Callback: forget every answer (widgets included)."""
    st.session_state[ANSWERS_STATE] = {}
    for node in options(act):
        st.session_state[widget_key(node)] = NO_ANSWER
