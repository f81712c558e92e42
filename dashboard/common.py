"""Shared pieces of the dashboard: the model in use, cached API calls, answers and the URL,
wording, and chart output with downloads.

Nothing here computes a probability: every number comes from the ``model`` API. This module
caches those calls, keeps per-session state and turns results into words and pictures.
Nothing a user enters is logged or sent anywhere; answers live in the browser session and in
the page address only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import streamlit as st

from alsodds import (
    NOT_SURE,
    Derivation,
    EvidenceError,
    FlipResult,
    FrequencyTree,
    Model,
    NetworkSpec,
    PriorsError,
    PSAResult,
    QueryResult,
    QuestionValue,
    ShapleyResult,
    SobolResult,
    TornadoBar,
    TwoWayGrid,
    base_rate_parameter,
    derive,
    dump_spec,
    flip,
    load_model,
    load_spec_text,
    next_questions,
    param_table,
    parse_answers,
    psa,
    query,
    shapley,
    sobol,
    tornado,
    two_way,
    update_params,
)
from alsodds import (
    frequency_tree as api_frequency_tree,
)

#: Session keys (per browser session, never shared).
MODEL_STATE = "alsodds_model"
MODEL_VERSION = "alsodds_model_version"
ANSWERS_STATE = "alsodds_answers"
#: Cache key of the bundled priors.
BUNDLED = "bundled"
#: The radio option for "leave this question unanswered" (never a valid state name).
NO_ANSWER = ""
#: Draws for the interval shown with every result (fast enough for each rerun).
PATIENT_DRAWS = 2000
#: Fixed denominator of every natural frequency shown.
DENOMINATOR = 100_000

AnswerKey = tuple[tuple[str, str], ...]


# --------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class Active:
    """The model a session is using and a key that identifies its spec in caches."""

    key: str
    model: Model
    edited: bool


@st.cache_resource(show_spinner=False)
def bundled_model() -> Model:
    """The bundled priors, compiled once per server and shared (the model is immutable)."""
    model = load_model()
    _ = model.tables  # fill the lazy caches before sessions share the object
    return model


def spec_key(spec: NetworkSpec) -> str:
    """A content hash of a spec: equal specs share cached results, different ones never do."""
    return hashlib.sha256(spec.model_dump_json().encode("utf-8")).hexdigest()[:24]


def active() -> Active:
    """This session's model: an edited or uploaded one if any, else the bundled priors."""
    held = st.session_state.get(MODEL_STATE)
    if isinstance(held, Active):
        return held
    return Active(BUNDLED, bundled_model(), edited=False)


def use_spec(spec: NetworkSpec, source: str) -> Active:
    """Make a validated spec this session's model (other sessions are not affected)."""
    model = Model(spec, source=source)
    _ = model.tables
    chosen = Active(spec_key(spec), model, edited=True)
    st.session_state[MODEL_STATE] = chosen
    _bump_version()
    return chosen


def reset_model() -> None:
    """Go back to the bundled priors for this session."""
    st.session_state.pop(MODEL_STATE, None)
    _bump_version()


def _bump_version() -> None:
    st.session_state[MODEL_VERSION] = model_version() + 1


def model_version() -> int:
    """Counts model changes in this session (widgets tied to one model use it in their key)."""
    version: int = st.session_state.get(MODEL_VERSION, 0)
    return version


def load_uploaded(name: str, data: bytes) -> NetworkSpec:
    """Validate an uploaded priors file; any problem is one :class:`PriorsError` message."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PriorsError(name, "", f"{len(data)} bytes", "expected a UTF-8 text file") from None
    return load_spec_text(text, source=name)


# --------------------------------------------------------------------------- answers
def answer_key(answers: Mapping[str, str]) -> AnswerKey:
    """Answers as a hashable, order-free cache key."""
    return tuple(sorted(answers.items()))


@st.cache_data(max_entries=64, show_spinner=False)
def answer_options(model_key: str, _model: Model) -> dict[str, tuple[str, ...]]:
    """For each answerable node, the answers it accepts (its states, and "not sure" if the
    model can take that answer as soft evidence)."""
    spec = _model.spec
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


def answers_from_url(act: Active) -> dict[str, str]:
    """Valid answers found in the page address; anything else there is ignored."""
    options = answer_options(act.key, act.model)
    out: dict[str, str] = {}
    for node, allowed in options.items():
        value = st.query_params.get(node)
        if value is not None and value in allowed:
            out[node] = value
    return out


def current_answers(act: Active) -> dict[str, str]:
    """This session's answers, read from the address on the session's first run."""
    if ANSWERS_STATE not in st.session_state:
        st.session_state[ANSWERS_STATE] = answers_from_url(act)
    stored: dict[str, str] = st.session_state[ANSWERS_STATE]
    options = answer_options(act.key, act.model)
    return {n: s for n, s in stored.items() if s in options.get(n, ())}


def store_answers(act: Active, answers: Mapping[str, str]) -> None:
    """Keep the answers for this session and put them in the address, so it can be shared."""
    st.session_state[ANSWERS_STATE] = dict(answers)
    sync_url(act, answers)


def sync_url(act: Active, answers: Mapping[str, str]) -> None:
    """Write the answers into the query string (only the answer keys are touched)."""
    for node in answer_options(act.key, act.model):
        wanted = answers.get(node)
        have = st.query_params.get(node)
        if wanted is None and have is not None:
            del st.query_params[node]
        elif wanted is not None and have != wanted:
            st.query_params[node] = wanted


def clear_answers(act: Active) -> None:
    """Callback: forget every answer (widgets included)."""
    st.session_state[ANSWERS_STATE] = {}
    for node in answer_options(act.key, act.model):
        st.session_state[f"q_{node}"] = NO_ANSWER


# --------------------------------------------------------------------------- cached API calls
@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def cached_query(model_key: str, answers: AnswerKey, _model: Model) -> QueryResult:
    return query(_model, dict(answers))


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def cached_shapley(model_key: str, answers: AnswerKey, _model: Model) -> ShapleyResult:
    return shapley(_model, dict(answers))


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def cached_next_questions(model_key: str, answers: AnswerKey, _model: Model) -> list[QuestionValue]:
    return next_questions(_model, dict(answers))


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def cached_psa(
    model_key: str,
    answers: AnswerKey,
    n_draws: int,
    threshold: float | None,
    _model: Model,
) -> PSAResult:
    return psa(_model, dict(answers), n_draws=n_draws, seed=0, threshold=threshold)


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def cached_tornado(model_key: str, answers: AnswerKey, _model: Model) -> list[TornadoBar]:
    return tornado(_model, dict(answers))


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def cached_sobol(model_key: str, answers: AnswerKey, n_base: int, _model: Model) -> SobolResult:
    return sobol(_model, dict(answers), n_base=n_base, seed=0)


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def cached_flip(
    model_key: str, answers: AnswerKey, name: str, threshold: float, _model: Model
) -> FlipResult:
    return flip(_model, dict(answers), name, threshold)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def cached_two_way(
    model_key: str, answers: AnswerKey, name1: str, name2: str, steps: int, _model: Model
) -> TwoWayGrid:
    return two_way(_model, dict(answers), name1, name2, steps=steps)


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def cached_derive(model_key: str, background: AnswerKey, _model: Model) -> Derivation:
    return derive(_model, dict(background))


@st.cache_data(max_entries=32, show_spinner=False)
def cached_param_table(model_key: str, _model: Model) -> pd.DataFrame:
    return param_table(_model)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_yaml(model_key: str, _model: Model) -> str:
    return dump_spec(_model.spec)


def network_text(model: Model, fmt: str) -> str:
    """BIF or XMLBIF text for a download; pgmpy is imported only now (about a second)."""
    from alsodds.network import network_text as write_text

    if fmt not in ("bif", "xmlbif"):
        raise ValueError(f"unknown network format {fmt!r}")
    return write_text(model, "bif" if fmt == "bif" else "xmlbif")


@dataclass(frozen=True)
class CurvePoint:
    """The result for one value of the base-rate parameter."""

    value: float
    posterior: float
    baseline: float


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def cached_base_rate_curve(
    model_key: str, answers: AnswerKey, values: tuple[float, ...], _model: Model
) -> list[CurvePoint]:
    """The API's answer at several values of the base-rate parameter.

    Each point is a model whose base-rate parameter is set to that value (its declared range
    widened to admit it), validated by :func:`model.update_params` and queried as usual.
    """
    name = base_rate_parameter(_model)
    param = _model.params.params[_model.params.position(name)]
    out: list[CurvePoint] = []
    for v in values:
        spec = update_params(
            _model.spec,
            {name: {"value": v, "low": min(param.low, v), "high": max(param.high, v)}},
        )
        r = query(Model(spec, source="<base-rate slider>"), dict(answers))
        out.append(CurvePoint(v, r.posterior, r.baseline))
    return out


# --------------------------------------------------------------------------- words
_RANGE = re.compile(r"(\d+)_(\d+)")


def state_words(state: str) -> str:
    """A state name for people: '30_44' -> '30-44', 'not_improved' -> 'Not improved'."""
    if state == NO_ANSWER:
        return "No answer"
    if state == NOT_SURE:
        return "Not sure"
    m = _RANGE.fullmatch(state)
    if m:
        return f"{m.group(1)}–{m.group(2)}"
    words = state.replace("_plus", "+").replace("_", " ")
    return words[:1].upper() + words[1:]


def percent(p: float) -> str:
    """A probability as a percentage with two significant digits, never in e-notation."""
    digits = np.format_float_positional(p * 100, precision=2, fractional=False, trim="-")
    return f"{digits}%"


def plain(x: float, digits: int = 3) -> str:
    """A number with a few significant digits and no e-notation: 0.00002, 1.08, 13."""
    return np.format_float_positional(x, precision=digits, fractional=False, trim="-")


def count_text(n: float) -> str:
    """An expected number of people: '85,012', '12', '1.6', '0.43'."""
    if n >= 10:
        return f"{n:,.0f}"
    return np.format_float_positional(n, precision=2, fractional=False, trim="-")


def per_100k(p: float) -> str:
    """The count behind a natural frequency, e.g. '1.6' (for axes and tables)."""
    return count_text(p * DENOMINATOR)


def times(factor: float) -> str:
    """A multiplier on the odds, e.g. '×3.8'."""
    return "×" + np.format_float_positional(factor, precision=2, fractional=False, trim="-")


def answer_words(act: Active, node: str, state: str) -> str:
    """'Objective weakness: yes' for a node and one of its answers."""
    return f"{act.model.spec.nodes[node].label}: {state_words(state).lower()}"


_PAREN = re.compile(r"\s*\([^)]*\)")


def short_label(label: str) -> str:
    """A parameter label without parenthetical asides, for chart axes."""
    return _PAREN.sub("", label)


def finding_phrase(act: Active, node: str, state: str) -> str:
    """'muscle twitching' for a yes, 'no muscle twitching' for a no, else 'label (state)'."""
    spec_node = act.model.spec.nodes[node]
    label = spec_node.label[:1].lower() + spec_node.label[1:]
    if spec_node.states == ("no", "yes"):
        return label if state == "yes" else f"no {label}"
    return f"{label} ({state_words(state).lower()})"


def source_words(spec: NetworkSpec, keys: tuple[str, ...]) -> str:
    """Source keys as short readable references ('assumption: ...' kept as written)."""
    out = []
    for k in keys:
        full = spec.sources.get(k)
        out.append(f"{k} ({full[:60]}…)" if full and len(full) > 60 else (full or k))
    return "; ".join(out)


# --------------------------------------------------------------------------- page frame
def page_header(title: str, intro: str) -> Active:
    """Title, the disclaimer (on every page) and the sidebar status; returns the model."""
    act = active()
    st.title(title)
    disclaimer(act)
    if intro:
        st.markdown(intro)
    sidebar_status(act)
    sync_url(act, current_answers(act))
    return act


def disclaimer(act: Active) -> None:
    st.info(act.model.spec.messages.disclaimer, icon=":material/info:")


def footer(act: Active) -> None:
    st.divider()
    st.caption(f"{act.model.spec.messages.disclaimer} It is not medical advice.")


def sidebar_status(act: Active) -> None:
    with st.sidebar:
        if act.edited:
            st.warning(
                f"Using edited priors ({act.model.source}) in this session only.",
                icon=":material/edit:",
            )
            st.button("Back to the bundled priors", on_click=reset_model, key="sidebar_reset")
        else:
            st.caption(f"Priors: {act.model.source} (bundled)")
        st.caption(
            "Your answers stay in this browser session and in the page address (so you can "
            "bookmark or share a situation). Nothing is stored or sent anywhere else."
        )


# --------------------------------------------------------------------------- charts
@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def _chart(
    name: str, args: tuple[Any, ...], _build: Callable[..., dict[str, Any]]
) -> dict[str, Any]:
    return _build(*args)


def chart(build: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """A figure from :mod:`dashboard.charts`, cached by its inputs (Altair is slow to build)."""
    return _chart(build.__name__, args, build)


def png_bytes(spec: dict[str, Any]) -> bytes:
    import vl_convert as vlc

    out: bytes = vlc.vegalite_to_png(spec, scale=2, allowed_base_urls=[])
    return out


def svg_text(spec: dict[str, Any]) -> str:
    import vl_convert as vlc

    out: str = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
    return out


def show_chart(
    spec: dict[str, Any],
    *,
    name: str,
    alt_text: str,
    downloads: bool = True,
    width: int | Literal["stretch", "content"] = "content",
) -> None:
    """A Vega-Lite chart, its text equivalent for screen readers and PNG/SVG downloads.

    The images are made only when a button is pressed (the data is a callable).
    """
    st.vega_lite_chart(spec, width=width, theme=None, alt=alt_text)
    if not downloads:
        return
    left, right, _ = st.columns([1, 1, 3])
    png: Callable[[], bytes] = lambda: png_bytes(spec)  # noqa: E731
    svg: Callable[[], str] = lambda: svg_text(spec)  # noqa: E731
    left.download_button(
        "Download PNG",
        data=png,
        file_name=f"alsodds-{name}.png",
        mime="image/png",
        on_click="ignore",
        key=f"dl_png_{name}",
        icon=":material/image:",
    )
    right.download_button(
        "Download SVG",
        data=svg,
        file_name=f"alsodds-{name}.svg",
        mime="image/svg+xml",
        on_click="ignore",
        key=f"dl_svg_{name}",
        icon=":material/draw:",
    )


# --------------------------------------------------------------------------- frequency tree
@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def cached_frequency_tree(
    model_key: str, answers: AnswerKey, finding: str, state: str, _model: Model
) -> FrequencyTree:
    """Expected counts out of 100,000 people with these answers (``model.frequency_tree``)."""
    return api_frequency_tree(_model, dict(answers), finding, state, population=DENOMINATOR)
