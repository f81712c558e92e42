"""'Priors and sensitivity': uploads are validated, edits go through update_params, the
analyses show the API's numbers, and the network is drawn and exportable."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from alsodds import (
    Model,
    PriorsError,
    default_priors_path,
    load_spec_text,
    natural_frequency,
    param_table,
    psa,
    query,
)
from alsodds.dashboard.common import MODEL_STATE
from tests.dashboard.conftest import answer, make_app, metric

ANSWERS = {"age_band": "30_44", "fasciculations": "yes"}
INCIDENCE = "nodes.als.distribution.terms.incidence"


def expected_error(text: str, name: str) -> str:
    with pytest.raises(PriorsError) as info:
        load_spec_text(text, source=name)
    return str(info.value)


def psa_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Sampling every parameter"))


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "application/x-yaml")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def in_use(at: AppTest) -> Model | None:
    held = at.session_state.get(MODEL_STATE)
    return None if held is None else held.model


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("broken.yaml", "nodes: [\n  - unclosed"),
        (
            "ratio.yaml",
            default_priors_path()
            .read_text(encoding="utf-8")
            .replace("not_sure_ratio:\n    value: 1.5", "not_sure_ratio:\n    value: 0.5", 1),
        ),
        ("tiny.yaml", "just a string"),
    ],
)
def test_a_malformed_upload_shows_the_message_and_keeps_the_model(name: str, text: str) -> None:
    at = make_app(ANSWERS, "research")
    before = psa_text(at)
    upload(at, name, text.encode("utf-8"))
    message = expected_error(text, name)
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert in_use(at) is None
    assert psa_text(at) == before
    at.run()  # still in place after a rerun, and the error stays with the file
    assert in_use(at) is None
    assert any(message in e.value for e in at.error)


def test_a_non_utf8_upload_is_refused() -> None:
    at = make_app(page="research")
    upload(at, "binary.yaml", b"\xff\xfe\x00bad")
    assert any("expected a UTF-8 text file" in e.value for e in at.error)
    assert in_use(at) is None


def test_a_valid_upload_becomes_this_sessions_model(model: Model) -> None:
    text = default_priors_path().read_text(encoding="utf-8")
    edited_text = text.replace(
        "          value: 2.0\n          low: 1.5", "          value: 2.8\n          low: 1.5", 1
    )
    assert edited_text != text
    at = make_app(ANSWERS, "research")
    upload(at, "mine.yaml", edited_text.encode("utf-8"))
    now = in_use(at)
    assert now is not None
    assert now.params.values[now.params.position(INCIDENCE)] == pytest.approx(2.8)
    assert any("mine.yaml" in s.value for s in at.success)
    at.switch_page("views/situation.py").run()
    assert metric(at, "With your answers") == natural_frequency(query(now, ANSWERS).posterior)
    assert metric(at, "With your answers") != natural_frequency(query(model, ANSWERS).posterior)
    # another session still sees the bundled priors
    other = make_app(ANSWERS)
    assert metric(other, "With your answers") == natural_frequency(query(model, ANSWERS).posterior)


def edit(at: AppTest, model: Model, name: str, **fields: float) -> AppTest:
    table = param_table(model)
    row = int(table.index[table["name"] == name][0])
    key = next(d.key for d in at.data_editor)
    at.session_state[key] = {"edited_rows": {row: fields}, "added_rows": [], "deleted_rows": []}
    next(b for b in at.button if b.label == "Apply edits").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_editing_a_parameter_builds_a_new_validated_model(model: Model) -> None:
    at = make_app(ANSWERS, "research")
    edit(at, model, INCIDENCE, value=2.5)
    now = in_use(at)
    assert now is not None
    assert now.params.values[now.params.position(INCIDENCE)] == pytest.approx(2.5)
    assert psa_text(at).count(natural_frequency(psa(now, ANSWERS, 10_000, 0, 1e-4).median)) == 1
    # back to the bundled priors
    next(b for b in at.button if b.label == "Back to the bundled priors").click().run()
    assert in_use(at) is None


def test_an_invalid_edit_shows_the_message_and_keeps_the_model(model: Model) -> None:
    at = make_app(ANSWERS, "research")
    edit(at, model, INCIDENCE, value=5.0)  # above its declared high of 3
    assert any(
        "The edits were not applied" in e.value and "low <= value <= high" in e.value
        for e in at.error
    ), [e.value for e in at.error]
    assert in_use(at) is None


def test_analyses_show_the_api_numbers(model: Model) -> None:
    at = make_app(ANSWERS, "research")
    res = psa(model, ANSWERS, n_draws=10_000, seed=0, threshold=10 / 100_000)
    text = psa_text(at)
    assert f"median {natural_frequency(res.median)}" in text
    assert f"95% interval {natural_frequency(res.low)} to {natural_frequency(res.high)}" in text
    words = " ".join(m.value for m in at.markdown)
    assert f"Currently {natural_frequency(query(model, ANSWERS).posterior)}" in words
    assert "Rows:" in words  # two-way grid
    assert any("cross 10 in 100,000" in s.value for s in [*at.success, *at.warning]) or (
        "No value of this parameter" in words
    )


def test_sobol_runs_on_request() -> None:
    at = make_app(ANSWERS, "research")
    at.select_slider(key="sobol_n").set_value(128)
    next(b for b in at.button if b.key == "sobol_run").click().run()
    assert not at.exception
    assert any("model runs" in m.value for m in at.markdown)


def test_the_network_is_drawn_with_every_node(model: Model) -> None:
    at = make_app(page="research")
    graphs = at.get("graphviz_chart")
    assert len(graphs) == 1
    dot = graphs[0].proto.spec
    for node_id, node in model.spec.nodes.items():
        assert f'"{node_id}"' in dot
        for parent in node.parents:
            assert f'"{parent}" -> "{node_id}"' in dot
    labels = [b.label for b in at.get("download_button")]
    assert "Download BIF" in labels
    assert "Download XMLBIF" in labels
    assert "Download these priors (YAML)" in labels


def test_the_situation_answers_feed_the_analyses() -> None:
    at = make_app(page="research")
    assert any("No answers yet" in m.value for m in at.markdown)
    at.switch_page("views/situation.py").run()
    answer(at, {"weakness": "yes"})
    at.switch_page("views/research.py").run()
    assert any("Objective weakness: yes" in m.value for m in at.markdown)
