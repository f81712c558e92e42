"""Priors and sensitivity: every parameter with its range and source, editable; upload and
download of priors files; PSA, tornado, two-way, Sobol and "what would flip it"; the network
as a graph and as BIF/XMLBIF.

Edits and uploads change this browser session's model only. Every number comes from the
``model`` API.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from alsodds import (
    NetworkSpec,
    PriorsError,
    base_rate_parameter,
    dump_spec,
    natural_frequency,
    update_params,
)
from alsodds.dashboard import charts, common

EDITABLE = ("value", "low", "high")
ROLE_SHAPES = {
    "background": 'shape=box, style="rounded,filled", fillcolor="#EAF3FB"',
    "finding": 'shape=ellipse, style=filled, fillcolor="#FFFFFF"',
    "latent": 'shape=ellipse, style="dashed,filled", fillcolor="#F2F2F2"',
    "query": 'shape=doubleoctagon, style="bold,filled", fillcolor="#FBE3D6"',
}


# --------------------------------------------------------------------------- priors
def flash(message: str) -> None:
    """A message to show once, after the rerun that follows a model change."""
    st.session_state["research_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("research_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def answers_summary(act: common.Active, answers: dict[str, str]) -> None:
    if answers:
        words = "; ".join(common.answer_words(act, n, s) for n, s in answers.items())
        st.markdown(f"The analyses use the answers from *Your situation*: {words}.")
    else:
        st.markdown(
            "No answers yet, so the analyses describe the whole adult population. Answer "
            "questions on *Your situation* to analyse a particular case."
        )


def upload_section(act: common.Active) -> common.Active:
    """Validate an uploaded priors file; a bad file leaves the current model in place."""
    upload = st.file_uploader(
        "Upload a priors file (YAML, at most 1 MB)",
        type=["yaml", "yml"],
        key=f"upload_{common.model_version()}",
        help="Checked against the schema. If anything is wrong you see one message and the "
        "current model stays in use.",
    )
    if upload is None:
        return act
    seen = st.session_state.get("upload_result")
    if not (isinstance(seen, tuple) and seen[0] == upload.file_id):
        try:
            spec = common.load_uploaded(upload.name, upload.getvalue())
        except PriorsError as exc:
            st.session_state["upload_result"] = (upload.file_id, str(exc))
        else:
            st.session_state["upload_result"] = (upload.file_id, "")
            common.use_spec(spec, source=upload.name)
            flash(f"Now using the uploaded priors '{upload.name}' (this session only).")
            st.rerun()
        seen = st.session_state["upload_result"]
    message = seen[1] if isinstance(seen, tuple) else ""
    if message:
        st.error(f"This file was not used: {message}", icon=":material/error:")
    return act


def parameter_editor(act: common.Active) -> None:
    """The parameter table; edits of value/low/high are validated and applied on submit."""
    table = common.cached_param_table(act.key, act.model)
    with st.form(key=f"param_form_{common.model_version()}", border=False):
        edited = st.data_editor(
            table,
            key=f"params_{common.model_version()}",
            hide_index=True,
            width="stretch",
            height=420,
            disabled=[c for c in table.columns if c not in EDITABLE],
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
    for (_, row), (_, before) in zip(edited.iterrows(), table.iterrows(), strict=True):
        changed = {c: float(row[c]) for c in EDITABLE if float(row[c]) != float(before[c])}
        if changed:
            updates[str(row["name"])] = changed
    if not updates:
        st.info("No parameter was changed.")
        return
    try:
        spec = update_params(act.model.spec, updates, source="edited priors")
    except PriorsError as exc:
        st.error(f"The edits were not applied: {exc}", icon=":material/error:")
        return
    common.use_spec(spec, source="edited priors")
    flash(f"Applied {len(updates)} edited parameter(s); the whole file passed validation.")
    st.rerun()


def priors_section(act: common.Active) -> common.Active:
    st.header("Parameters, ranges and sources")
    st.markdown(
        "Every number in the network, with the plausible range the analyses sample from and "
        "where it comes from. Edit *Value*, *Low* or *High* and press *Apply edits*: the "
        "whole file is checked again (ranges, probabilities, declared signs) before the new "
        "model is used. Changes stay in this browser session."
    )
    show_flash()
    act = upload_section(act)
    parameter_editor(act)
    spec = act.model.spec
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "Download these priors (YAML)",
        data=lambda: dump_spec(spec),
        file_name="alsodds-priors.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        icon=":material/download:",
        key="dl_yaml",
    )
    if act.edited:
        right.button(
            "Back to the bundled priors",
            on_click=common.reset_model,
            key="reset_model",
            icon=":material/undo:",
        )
    return act


# --------------------------------------------------------------------------- analyses
def psa_tab(act: common.Active, key: common.AnswerKey) -> None:
    left, right = st.columns(2)
    draws = int(
        left.number_input(
            "Parameter draws",
            min_value=1_000,
            max_value=200_000,
            value=10_000,
            step=1_000,
            key="psa_draws",
        )
    )
    threshold_count = float(
        right.number_input(
            "Threshold (people in 100,000)",
            min_value=0.001,
            max_value=99_999.0,
            value=10.0,
            key="psa_threshold",
        )
    )
    res = common.cached_psa(act.key, key, draws, threshold_count / common.DENOMINATOR, act.model)
    share = res.share_above if res.share_above is not None else 0.0
    text = (
        f"Sampling every parameter across its range ({res.n_draws:,} draws, triangular "
        f"distributions peaked at the stated values, seed {res.seed}): median "
        f"{natural_frequency(res.median)}, 95% interval {natural_frequency(res.low)} to "
        f"{natural_frequency(res.high)}. {common.percent(share)} of the draws lie above "
        f"{common.count_text(threshold_count)} in 100,000."
    )
    spec = common.chart(
        charts.psa_histogram,
        [d * common.DENOMINATOR for d in res.draws],
        res.low * common.DENOMINATOR,
        res.median * common.DENOMINATOR,
        res.high * common.DENOMINATOR,
        "The answer across the parameter ranges",
    )
    common.show_chart(spec, name="psa-histogram", alt_text=text)
    st.markdown(text)


def tornado_tab(act: common.Active, key: common.AnswerKey) -> None:
    bars = common.cached_tornado(act.key, key, act.model)
    current = common.cached_query(act.key, key, act.model).posterior
    top = bars[:15]
    spec = common.chart(
        charts.tornado_chart,
        [common.short_label(b.label) for b in top],
        [b.posterior_low * common.DENOMINATOR for b in top],
        [b.posterior_high * common.DENOMINATOR for b in top],
        current * common.DENOMINATOR,
        "Which parameters matter most (one at a time)",
    )
    rows = pd.DataFrame(
        [
            {
                "Parameter": b.label,
                "Range": f"{common.plain(b.low)} to {common.plain(b.high)}",
                "At low end": natural_frequency(b.posterior_low),
                "At high end": natural_frequency(b.posterior_high),
                "name": b.name,
            }
            for b in bars
        ]
    )
    text = (
        f"Currently {natural_frequency(current)}. Largest swings: "
        + "; ".join(
            f"{b.label}: {natural_frequency(b.posterior_low)} to "
            f"{natural_frequency(b.posterior_high)}"
            for b in top[:3]
        )
        + "."
    )
    common.show_chart(spec, name="tornado", alt_text=text)
    st.markdown(text)
    with st.expander(f"All {len(bars)} parameters that vary"):
        st.dataframe(rows, hide_index=True, width="stretch")


def two_way_tab(act: common.Active, key: common.AnswerKey) -> None:
    table = common.cached_param_table(act.key, act.model)
    varying = table[table["high"] > table["low"]]
    names = list(varying["name"])
    labels = dict(zip(varying["name"], varying["label"], strict=True))
    ranked = [b.name for b in common.cached_tornado(act.key, key, act.model)]
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
    grid = common.cached_two_way(act.key, key, n1, n2, 9, act.model)
    counts = [[v * common.DENOMINATOR for v in row] for row in grid.posterior]
    texts = [[common.per_100k(v) for v in row] for row in grid.posterior]
    spec = common.chart(
        charts.two_way_heatmap,
        list(grid.values2),
        list(grid.values1),
        counts,
        texts,
        common.short_label(labels[n2]),
        common.short_label(labels[n1]),
        "Two parameters at once",
    )
    words = (
        f"Rows: {labels[n1]} from {common.plain(grid.values1[0])} to "
        f"{common.plain(grid.values1[-1])}; columns: {labels[n2]} from "
        f"{common.plain(grid.values2[0])} to {common.plain(grid.values2[-1])}. Corners: "
        f"{natural_frequency(grid.posterior[0][0])}, {natural_frequency(grid.posterior[0][-1])}, "
        f"{natural_frequency(grid.posterior[-1][0])}, {natural_frequency(grid.posterior[-1][-1])}."
    )
    common.show_chart(spec, name="two-way", alt_text=words)
    st.markdown(words)


def sobol_tab(act: common.Active, key: common.AnswerKey) -> None:
    st.markdown(
        "Global sensitivity: all parameters vary together (uniformly over their ranges) and "
        "the variance of the posterior log-odds is shared out between them. First-order "
        "indices count a parameter alone; total indices add its interactions."
    )
    n_base: int = st.select_slider(
        "Base sample size (runs = base x (parameters + 2))",
        options=[128, 256, 512, 1024],
        value=256,
        key="sobol_n",
    )
    request = (act.key, key, n_base)
    if st.button("Run the Sobol analysis", icon=":material/play_arrow:", key="sobol_run"):
        st.session_state["sobol_request"] = request
    if st.session_state.get("sobol_request") != request:
        st.caption("Press the button to run it (about a second at 256).")
        return
    with st.spinner("Running the Sobol analysis..."):
        res = common.cached_sobol(act.key, key, n_base, act.model)
    frame = res.to_frame()
    top = frame.head(15)
    spec = common.chart(
        charts.sobol_chart,
        [common.short_label(x) for x in top["label"]],
        list(top["S1"]),
        list(top["S1_conf"]),
        list(top["ST"]),
        list(top["ST_conf"]),
        "Global sensitivity (Sobol indices)",
    )
    text = f"{res.n_runs:,} model runs. Largest total indices: " + "; ".join(
        f"{r.label}: ST {r.ST:.2f} (S1 {r.S1:.2f})" for r in top.head(3).itertuples()
    )
    common.show_chart(spec, name="sobol", alt_text=text)
    st.markdown(text + ".")
    with st.expander("All indices"):
        st.dataframe(frame.round(4), hide_index=True, width="stretch")


def flip_tab(act: common.Active, key: common.AnswerKey) -> None:
    table = common.cached_param_table(act.key, act.model)
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
    count = float(
        right.number_input(
            "Threshold (people in 100,000)",
            min_value=0.001,
            max_value=99_999.0,
            value=10.0,
            key="flip_threshold",
        )
    )
    res = common.cached_flip(act.key, key, name, count / common.DENOMINATOR, act.model)
    st.markdown(
        f"Now: **{natural_frequency(res.current)}** with {res.label} at "
        f"{common.plain(res.value)} (range {common.plain(res.low)} to {common.plain(res.high)})."
    )
    if res.crossing is None:
        st.markdown(
            f"No value of this parameter takes the answer across "
            f"{common.count_text(count)} in 100,000: the conclusion does not hinge on it."
        )
    elif res.inside_range:
        st.warning(
            f"The answer would cross {common.count_text(count)} in 100,000 at "
            f"{common.plain(res.crossing)}, **inside** the cited range: the conclusion is "
            "sensitive to this parameter.",
            icon=":material/priority_high:",
        )
    else:
        st.success(
            f"The answer would cross {common.count_text(count)} in 100,000 only at "
            f"{common.plain(res.crossing)}, **outside** the cited range.",
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


def network_tab(act: common.Active) -> None:
    spec = act.model.spec
    dot = network_dot(spec)
    edges = [(p, n) for n, node in spec.nodes.items() for p in node.parents]
    alt_text = f"The network: {len(spec.nodes)} nodes and {len(edges)} arrows; see the table."
    st.graphviz_chart(dot, width="stretch", alt=alt_text)
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
    model = act.model
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "Download BIF",
        data=lambda: common.network_text(model, "bif"),
        file_name="alsodds.bif",
        mime="text/plain",
        on_click="ignore",
        icon=":material/download:",
        key="dl_bif",
    )
    right.download_button(
        "Download XMLBIF",
        data=lambda: common.network_text(model, "xmlbif"),
        file_name="alsodds.xml",
        mime="application/xml",
        on_click="ignore",
        icon=":material/download:",
        key="dl_xmlbif",
    )
    st.caption("The files hold the point-estimate network with the public ids and state names.")


def main() -> None:
    act = common.page_header(
        "Priors and sensitivity",
        "For researchers: what the model assumes, and how much the answer depends on it.",
    )
    act = priors_section(act)
    answers = common.current_answers(act)
    key = common.answer_key(answers)
    st.header("How much does the answer depend on the priors?")
    answers_summary(act, answers)
    tabs = st.tabs(
        [
            "Uncertainty interval",
            "One at a time",
            "Two at a time",
            "Global (Sobol)",
            "What would flip it",
            "The network",
        ]
    )
    with tabs[0]:
        psa_tab(act, key)
    with tabs[1]:
        tornado_tab(act, key)
    with tabs[2]:
        two_way_tab(act, key)
    with tabs[3]:
        sobol_tab(act, key)
    with tabs[4]:
        flip_tab(act, key)
    with tabs[5]:
        network_tab(act)
    common.footer(act)


main()
