"""Priors and sensitivity: every parameter with its range and source, searchable and
editable; upload and download of priors files; PSA, tornado, two-way, Sobol and "what would
flip it"; the network as a graph and as BIF/XMLBIF.

Edits and uploads change this browser session's model only. Importing this module draws
nothing; :func:`render` draws the page.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from alsodds import (
    EvidenceError,
    FlipResult,
    NetworkSpec,
    PriorsError,
    PSAResult,
    SobolResult,
    TornadoBar,
    TwoWayGrid,
    base_rate_parameter,
    dump_spec,
    flip,
    load_spec_text,
    param_table,
    people,
    plain_number,
    psa,
    query,
    sobol,
    tornado,
    two_way,
    update_params,
)
from alsodds.dashboard import answers as ans
from alsodds.dashboard import charts, frame, session
from alsodds.dashboard.cache import AnswerSet, Keyed, cached
from alsodds.dashboard.words import answer_words, param_words, plain

EDITABLE = ("value", "low", "high")
ROLE_SHAPES = {
    "background": 'shape=box, style="rounded,filled", fillcolor="#EAF3FB"',
    "finding": 'shape=ellipse, style=filled, fillcolor="#FFFFFF"',
    "latent": 'shape=ellipse, style="dashed,filled", fillcolor="#F2F2F2"',
    "query": 'shape=doubleoctagon, style="bold,filled", fillcolor="#FBE3D6"',
}
UPLOAD_ERROR = "research_upload_error"
UPLOAD_ROUND = "research_upload_round"
FLASH = "research_flash"
#: Rows whose swing or total index is below this share of the largest are hidden.
NEGLIGIBLE = 1e-9


# --------------------------------------------------------------------------- priors
def flash(message: str) -> None:
    """A message to show once, after the rerun that follows a model change."""
    st.session_state[FLASH] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(plain(message), icon=":material/check_circle:")


def read_upload(name: str, data: bytes) -> NetworkSpec:
    """Validate an uploaded priors file with the API's own loader, before anything else is
    built from it (size, depth and table-size limits included); any problem is one
    :class:`PriorsError` line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PriorsError(name, "", f"{len(data)} bytes", "expected a UTF-8 text file") from None
    return load_spec_text(text, source=name)


def answers_summary(act: Keyed, answers: AnswerSet) -> None:
    if answers:
        words = "; ".join(answer_words(act.model.spec, n, s) for n, s in answers.items())
        st.markdown(f"The analyses use the answers from *Your situation*: {plain(words)}.")
    else:
        st.markdown(
            "No answers yet, so the analyses describe the whole adult population. Answer "
            "questions on *Your situation* to analyse a particular case."
        )


def upload_section() -> None:
    """Validate an uploaded priors file; a bad file is cleared and leaves the model in place."""
    round_ = st.session_state.get(UPLOAD_ROUND, 0)
    upload = st.file_uploader(
        "Upload a priors file (YAML, at most 1 MB)",
        type=["yaml", "yml"],
        key=f"upload_{round_}_{session.model_version()}",
        help="Checked against the schema. If anything is wrong you see one message and the "
        "current model stays in use.",
    )
    error = st.session_state.get(UPLOAD_ERROR)
    if error:
        st.error(f"The file was not used: {plain(error)}", icon=":material/error:")
    if upload is None:
        return
    st.session_state.pop(UPLOAD_ERROR, None)
    try:
        spec = read_upload(upload.name, upload.getvalue())
    except PriorsError as exc:
        # clear the widget (a new key) so the bad file is not read again on every rerun
        st.session_state[UPLOAD_ERROR] = str(exc)
        st.session_state[UPLOAD_ROUND] = round_ + 1
        st.rerun()
    session.use_spec(spec, source=upload.name)
    st.session_state[UPLOAD_ROUND] = round_ + 1
    flash(f"Now using the uploaded priors '{upload.name}' (this session only).")
    st.rerun()


def filtered(table: pd.DataFrame, needle: str) -> pd.DataFrame:
    """Rows whose label, name or source contains ``needle`` (any case)."""
    if not needle.strip():
        return table
    n = needle.strip().lower()
    hit = (
        table["label"].str.lower().str.contains(n, regex=False)
        | table["name"].str.lower().str.contains(n, regex=False)
        | table["source"].str.lower().str.contains(n, regex=False)
    )
    return table[hit]


def readable_table(act: Keyed) -> pd.DataFrame:
    table = cached(param_table, act).copy()
    table["label"] = [param_words(x) for x in table["label"]]
    return table


def parameter_editor(act: Keyed) -> None:
    """The parameter table, searchable; edits of value/low/high are validated on submit."""
    table = readable_table(act)
    needle = st.text_input(
        "Find a parameter (label, name or source)", key="param_search", placeholder="e.g. age"
    )
    shown = filtered(table, needle)
    st.caption(f"{len(shown)} of {len(table)} parameters shown.")
    with st.form(key=f"param_form_{session.model_version()}", border=False):
        edited = st.data_editor(
            shown,
            key=f"params_{session.model_version()}_{needle}",
            hide_index=True,
            width="stretch",
            height=360,
            disabled=[c for c in shown.columns if c not in EDITABLE],
            column_order=["label", "value", "low", "high", "kind", "source", "name"],
            column_config={
                "name": st.column_config.TextColumn("Name in the file", width="medium"),
                "label": st.column_config.TextColumn("Parameter", width="large"),
                "value": st.column_config.NumberColumn("Value", format="%.4g"),
                "low": st.column_config.NumberColumn("Low", format="%.4g"),
                "high": st.column_config.NumberColumn("High", format="%.4g"),
                "kind": st.column_config.TextColumn("Kind", width="small"),
                "source": st.column_config.TextColumn("Source", width="large"),
            },
        )
        applied = st.form_submit_button("Apply edits", icon=":material/check:")
    if not applied:
        return
    updates: dict[str, dict[str, float]] = {}
    for (_, row), (_, before) in zip(edited.iterrows(), shown.iterrows(), strict=True):
        changed = {c: float(row[c]) for c in EDITABLE if float(row[c]) != float(before[c])}
        if changed:
            updates[str(row["name"])] = changed
    if not updates:
        st.info("No parameter was changed.")
        return
    try:
        spec = update_params(act.model.spec, updates, source="edited priors")
    except PriorsError as exc:
        st.error(f"The edits were not applied: {plain(str(exc))}", icon=":material/error:")
        return
    session.use_spec(spec, source="edited priors")
    flash(f"Applied {len(updates)} edited parameter(s); the whole file passed validation.")
    st.rerun()


def priors_section(act: Keyed) -> None:
    st.header("Parameters, ranges and sources")
    st.markdown(
        "Every number in the network, with the plausible range the analyses sample from and "
        "where it comes from. Edit *Value*, *Low* or *High* and press *Apply edits*: the "
        "whole file is checked again (ranges, probabilities, declared signs) before the new "
        "model is used. Edited priors stay in this browser session; download them to keep them."
    )
    show_flash()
    upload_section()
    parameter_editor(act)
    spec = act.model.spec
    left, right = st.columns(2)
    left.download_button(
        "Download these priors (YAML)",
        data=lambda: dump_spec(spec),
        file_name="alsodds-priors-edited.yaml" if session.is_edited(act) else "alsodds-priors.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        icon=":material/download:",
        key="dl_yaml",
    )
    if session.is_edited(act):
        right.button(
            "Back to the bundled priors",
            on_click=session.reset_model,
            key="reset_model",
            icon=":material/undo:",
        )


# --------------------------------------------------------------------------- analyses
def unit_of(p: float) -> int:
    """The denominator the current result is written with (thresholds use the same)."""
    return people(p)[0].denominator


def threshold_input(label: str, current: float, key: str) -> tuple[float, int]:
    """A threshold in people out of the current result's denominator, starting at twice the
    current result; returns (probability, denominator)."""
    d = unit_of(current)
    start = min(float(plain_number(2 * current * d).replace(",", "")), d * 0.99)
    count = float(
        st.number_input(
            f"{label} (people in {people(0.5, denominator=d)[0].text.split(' in ')[1]})",
            min_value=0.001,
            max_value=float(d) * 0.999,
            value=start,
            key=f"{key}_{d}",
        )
    )
    return count / d, d


def psa_tab(act: Keyed, answers: AnswerSet, current: float) -> None:
    left, right = st.columns(2)
    with left:
        draws = int(
            st.number_input(
                "Parameter draws",
                min_value=1_000,
                max_value=200_000,
                value=10_000,
                step=1_000,
                key="psa_draws",
            )
        )
    with right:
        threshold, d = threshold_input("Threshold", current, "psa_threshold")
    res: PSAResult = cached(psa, act, answers, n_draws=draws, seed=0, threshold=threshold)
    med, lo, hi, thr = people([res.median, res.low, res.high, threshold], denominator=d)
    share = res.share_above if res.share_above is not None else 0.0
    text = (
        f"Sampling every parameter across its range ({res.n_draws:,} draws, triangular "
        f"distributions peaked at the stated values, seed {res.seed}): median {med.text}, 95% "
        f"interval {lo.count_text} to {hi.text}. {plain_number(share * 100)}% of the draws "
        f"lie above {thr.text}."
    )
    spec = charts.psa_histogram(
        [float(x) * d for x in res.draws],
        res.low * d,
        res.median * d,
        res.high * d,
        "The answer across the parameter ranges",
        f"people in {med.text.split(' in ')[-1]} with answers like these",
    )
    frame.show_chart(spec, name="psa-histogram", alt_text=text)
    st.markdown(plain(text))


def tornado_tab(act: Keyed, answers: AnswerSet, current: float) -> None:
    bars: list[TornadoBar] = cached(tornado, act, answers)
    moving = [b for b in bars if abs(b.posterior_high - b.posterior_low) > NEGLIGIBLE * current]
    hidden = len(bars) - len(moving)
    top = moving[:12]
    d = unit_of(current)
    cur = people(current, denominator=d)[0]
    if hidden:
        st.caption(
            f"{hidden} parameters do not change the answer for these answers (for example "
            "those of questions not answered); they are left out."
        )
    if not top:
        st.markdown("No parameter changes the answer for these answers.")
        return
    spec = charts.tornado_chart(
        [param_words(b.label) for b in top],
        [b.posterior_low * d for b in top],
        [b.posterior_high * d for b in top],
        current * d,
        "Which parameters matter most",
        f"people in {cur.text.split(' in ')[-1]}",
    )
    ends = [people([b.posterior_low, b.posterior_high], denominator=d) for b in moving]
    rows = pd.DataFrame(
        [
            {
                "Parameter": param_words(b.label),
                "Range": f"{plain_number(b.low)} to {plain_number(b.high)}",
                "At low end": lo.text,
                "At high end": hi.text,
                "Name in the file": b.name,
            }
            for b, (lo, hi) in zip(moving, ends, strict=True)
        ]
    )
    text = (
        f"Currently {cur.text}. Largest swings: "
        + "; ".join(
            f"{param_words(b.label)}: {lo.count_text} to {hi.count_text}"
            for b, (lo, hi) in zip(top[:3], ends[:3], strict=True)
        )
        + "."
    )
    frame.show_chart(spec, name="tornado", alt_text=text)
    st.markdown(plain(text))
    with st.expander(f"All {len(moving)} parameters that change the answer"):
        st.dataframe(rows, hide_index=True, width="stretch")


def two_way_tab(act: Keyed, answers: AnswerSet, current: float) -> None:
    table = readable_table(act)
    varying = table[table["high"] > table["low"]]
    names = list(varying["name"])
    labels = dict(zip(varying["name"], varying["label"], strict=True))
    ranked = [
        b.name
        for b in cached(tornado, act, answers)
        if abs(b.posterior_high - b.posterior_low) > NEGLIGIBLE * current
    ]
    first = ranked[0] if ranked else names[0]
    second = next((n for n in ranked if n != first), names[-1])
    left, right = st.columns(2)
    n1: str = left.selectbox(
        "First parameter (rows)",
        names,
        index=names.index(first),
        format_func=labels.__getitem__,
        key="tw_1",
    )
    n2: str = right.selectbox(
        "Second parameter (columns)",
        names,
        index=names.index(second),
        format_func=labels.__getitem__,
        key="tw_2",
    )
    if n1 == n2:
        st.warning("Choose two different parameters.")
        return
    grid: TwoWayGrid = cached(two_way, act, answers, n1, n2, steps=7)
    flat = [float(v) for row in grid.posterior for v in row]
    shown = people(flat)
    d = shown[0].denominator
    k = len(grid.posterior[0])
    texts = [[shown[i * k + j].count_text for j in range(k)] for i in range(len(grid.posterior))]
    counts = [[float(v) * d for v in row] for row in grid.posterior]
    spec = charts.two_way_heatmap(
        [plain_number(v) for v in grid.values2],
        [plain_number(v) for v in grid.values1],
        counts,
        texts,
        labels[n2],
        labels[n1],
        "Two parameters at once",
        f"people in {shown[0].text.split(' in ')[-1]}",
    )
    corners = [shown[0], shown[k - 1], shown[-k], shown[-1]]
    words = (
        f"Rows: {labels[n1]} from {plain_number(grid.values1[0])} to "
        f"{plain_number(grid.values1[-1])}; columns: {labels[n2]} from "
        f"{plain_number(grid.values2[0])} to {plain_number(grid.values2[-1])}. Corners: "
        + ", ".join(c.text for c in corners)
        + "."
    )
    frame.show_chart(spec, name="two-way", alt_text=words)
    st.markdown(plain(words))


def sobol_tab(act: Keyed, answers: AnswerSet) -> None:
    st.markdown(
        "Global sensitivity: all parameters vary together (uniformly over their ranges) and "
        "the variance of the posterior log-odds is shared out between them. First-order "
        "indices (S1) count a parameter alone; total indices (ST) add its interactions."
    )
    st.caption(
        "The indices are estimated from a finite sample, so they carry sampling noise: small "
        "indices can come out slightly negative or above their total, and the error bars (95% "
        "bootstrap intervals) show how far each could move. A larger base sample narrows them."
    )
    n_base: int = st.select_slider(
        "Base sample size (runs = base × (parameters + 2))",
        options=[128, 256, 512, 1024],
        value=256,
        key="sobol_n",
    )
    request = (act.key, answers.key, n_base)
    if st.button("Run the Sobol analysis", icon=":material/play_arrow:", key="sobol_run"):
        st.session_state["sobol_request"] = request
    if st.session_state.get("sobol_request") != request:
        st.caption("Press the button to run it (about a second at 256).")
        return
    with st.spinner("Running the Sobol analysis..."):
        res: SobolResult = cached(sobol, act, answers, n_base=n_base, seed=0)
    frame_ = res.to_frame()
    keep = frame_[(frame_["ST"] > 0.005) | (frame_["ST"] - frame_["ST_conf"] > 0)]
    hidden = len(frame_) - len(keep)
    top = keep.head(12)
    if hidden:
        st.caption(
            f"{hidden} parameters with a total index below 0.005 (no measurable share of the "
            "variance for these answers) are left out."
        )
    if top.empty:
        st.markdown("No parameter has a measurable share of the variance for these answers.")
        return
    spec = charts.sobol_chart(
        [param_words(x) for x in top["label"]],
        list(top["S1"]),
        list(top["S1_conf"]),
        list(top["ST"]),
        list(top["ST_conf"]),
        "Global sensitivity (Sobol indices)",
    )
    text = f"{res.n_runs:,} model runs. Largest total indices: " + "; ".join(
        f"{param_words(str(label))}: ST {plain_number(float(st_))} (S1 {plain_number(float(s1))})"
        for label, st_, s1 in zip(top["label"][:3], top["ST"][:3], top["S1"][:3], strict=True)
    )
    frame.show_chart(spec, name="sobol", alt_text=text)
    st.markdown(plain(text) + ".")
    with st.expander("All indices"):
        shown = keep.copy()
        shown["label"] = [param_words(x) for x in shown["label"]]
        for c in ("S1", "S1_conf", "ST", "ST_conf"):
            shown[c] = [plain_number(v) for v in shown[c]]
        st.dataframe(shown, hide_index=True, width="stretch")


def flip_tab(act: Keyed, answers: AnswerSet, current: float) -> None:
    table = readable_table(act)
    names = list(table["name"])
    labels = dict(zip(table["name"], table["label"], strict=True))
    default = base_rate_parameter(act.model)
    left, right = st.columns(2)
    name: str = left.selectbox(
        "Parameter",
        names,
        index=names.index(default),
        format_func=labels.__getitem__,
        key="flip_name",
    )
    with right:
        threshold, d = threshold_input("Threshold", current, "flip_threshold")
    res: FlipResult = cached(flip, act, answers, name, threshold)
    now, thr = people([res.current, threshold], denominator=d)
    st.markdown(
        f"Now: **{now.text}** with {plain(labels[name])} at {plain_number(res.value)} (range "
        f"{plain_number(res.low)} to {plain_number(res.high)}). The threshold starts at twice "
        "the current result; change it to ask another question."
    )
    if res.crossing is None:
        st.markdown(
            f"No value of this parameter takes the answer across {thr.text}: the conclusion "
            "does not hinge on it."
        )
    elif res.inside_range:
        st.warning(
            f"The answer would cross {thr.text} at {plain_number(res.crossing)}, **inside** "
            "the cited range: the conclusion is sensitive to this parameter.",
            icon=":material/priority_high:",
        )
    else:
        st.success(
            f"The answer would cross {thr.text} only at {plain_number(res.crossing)}, "
            "**outside** the cited range.",
            icon=":material/check_circle:",
        )


def _dot_text(value: str) -> str:
    """A DOT string literal: double-quoted, quotes and backslashes escaped, newlines as \\n."""
    return json.dumps(value, ensure_ascii=False)


def network_dot(spec: NetworkSpec) -> str:
    """The network as Graphviz DOT, drawn from the spec's structure (roles as shapes)."""
    lines = [
        "digraph alsodds {",
        "  rankdir=LR; nodesep=0.25; ranksep=0.9;",
        '  node [fontname="Helvetica", fontsize=12, penwidth=1.2];',
    ]
    for node_id, node in spec.nodes.items():
        style = ROLE_SHAPES.get(node.role, "shape=ellipse")
        flag = ", penwidth=3" if node.red_flag else ""
        note = "\n(warning sign)" if node.red_flag else ""
        label = _dot_text(f"{node.label}\n[{node_id}]{note}")
        lines.append(f"  {_dot_text(node_id)} [label={label}, {style}{flag}];")
    for node_id, node in spec.nodes.items():
        for parent in node.parents:
            lines.append(f"  {_dot_text(parent)} -> {_dot_text(node_id)};")
    lines.append("}")
    return "\n".join(lines)


def network_text(act: Keyed, fmt: str) -> str:
    """BIF or XMLBIF text for a download; pgmpy is imported only now (about a second)."""
    from alsodds.network import network_text as write_text

    return write_text(act.model, "bif" if fmt == "bif" else "xmlbif")


def network_tab(act: Keyed) -> None:
    spec = act.model.spec
    edges = [(p, n) for n, node in spec.nodes.items() for p in node.parents]
    alt_text = f"The network: {len(spec.nodes)} nodes and {len(edges)} arrows; see the table."
    st.graphviz_chart(network_dot(spec), width="stretch", alt=alt_text)
    st.caption(
        "Boxes: background (age, sex, family history). Double octagon: the question (ALS). "
        "Dashed: hidden competing causes. Ovals: findings; thick outline and '(warning sign)': "
        "red flags. Arrows point from cause to effect."
    )
    table = pd.DataFrame(
        [
            {
                "Node": f"{node.label} [{n}]",
                "Role": node.role,
                "Parents": ", ".join(node.parents) or "(none)",
                "States": ", ".join(node.states),
            }
            for n, node in spec.nodes.items()
        ]
    )
    with st.expander("The network as a table"):
        st.dataframe(table, hide_index=True, width="stretch")
    left, right = st.columns(2)
    left.download_button(
        "Download BIF",
        data=lambda: network_text(act, "bif"),
        file_name="alsodds.bif",
        mime="text/plain",
        on_click="ignore",
        icon=":material/download:",
        key="dl_bif",
    )
    right.download_button(
        "Download XMLBIF",
        data=lambda: network_text(act, "xmlbif"),
        file_name="alsodds.xml",
        mime="application/xml",
        on_click="ignore",
        icon=":material/download:",
        key="dl_xmlbif",
    )
    st.caption("The files hold the point-estimate network with the public ids and state names.")


TABS = (
    "Uncertainty interval",
    "One at a time",
    "Two at a time",
    "Global (Sobol)",
    "What would flip it",
    "The network",
)


def render() -> None:
    """Draw the page."""
    act = frame.page_header(
        "Priors and sensitivity",
        "For researchers: what the model assumes, and how much the answer depends on it.",
    )
    answers = ans.stored(act)
    ans.sync_url(act, answers)
    priors_section(act)
    st.header("How much does the answer depend on the priors?")
    answers_summary(act, answers)
    try:
        current = cached(query, act, answers).posterior
    except EvidenceError as exc:
        st.error(f"These answers cannot be analysed: {plain(str(exc))}", icon=":material/block:")
        return
    tabs = st.tabs(list(TABS))
    with tabs[0]:
        psa_tab(act, answers, current)
    with tabs[1]:
        tornado_tab(act, answers, current)
    with tabs[2]:
        two_way_tab(act, answers, current)
    with tabs[3]:
        sobol_tab(act, answers)
    with tabs[4]:
        flip_tab(act, answers, current)
    with tabs[5]:
        network_tab(act)
