"""BIF and XMLBIF written through pgmpy read back to the same network and posteriors."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsodds import engine
from alsodds.inference import Model, parse_answers, posterior_matrix
from alsodds.network import (
    from_pgmpy,
    network_text,
    pgmpy_posterior,
    read_network,
    to_pgmpy_from_tables,
    write_network,
)
from alsodds.tables import build_tables
from tests.model.test_engine import EVIDENCE_SETS, IDS
from tests.oracles import RTOL, evidence_vectors

# pgmpy announces API moves with FutureWarnings at import time; they are not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")

FORMATS = ["bif", "xmlbif"]


@pytest.fixture(scope="module", params=FORMATS)
def read_back(
    request: pytest.FixtureRequest, model: Model, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Any]:
    fmt = request.param
    path = tmp_path_factory.mktemp("export") / f"network.{fmt}"
    write_network(model, fmt, path)
    return fmt, read_network(path, fmt)


def test_read_back_network_has_the_same_nodes_states_and_parents(
    model: Model, read_back: tuple[str, Any]
) -> None:
    _, net = read_back
    structure, tables = from_pgmpy(net)
    assert set(structure.nodes) == set(model.structure.nodes)
    for node in model.structure.nodes:
        assert structure.states[node] == model.structure.states[node], node
        assert structure.parents[node] == model.structure.parents[node], node
        np.testing.assert_allclose(
            tables[node], model.tables[node], rtol=1e-15, atol=0, err_msg=node
        )


@pytest.mark.parametrize(("index", "evidence"), list(enumerate(EVIDENCE_SETS)), ids=IDS)
def test_read_back_network_gives_identical_posteriors(
    model: Model, read_back: tuple[str, Any], index: int, evidence: dict[str, Any]
) -> None:
    fmt, net = read_back
    parsed = parse_answers(model.spec, evidence)
    original = float(posterior_matrix(model, [parsed])[0, 0])
    structure, tables = from_pgmpy(net)
    rows = {n: v[None, :] for n, v in evidence_vectors(model, parsed, model.point[0]).items()}
    j = engine.joint(structure, tables, model.query_node, rows)[0, 0]
    k = structure.states[model.query_node].index(model.spec.query.state)
    assert float(j[k] / j.sum()) == pytest.approx(original, rel=RTOL, abs=0), fmt
    if all(a.is_hard for a in parsed.values()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pg = pgmpy_posterior(
                net,
                model.query_node,
                model.spec.query.state,
                {n: a.state for n, a in parsed.items()},
            )  # type: ignore[misc]
        assert pg == pytest.approx(original, rel=RTOL, abs=0), fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_keeps_every_digit_of_generated_parameters(
    model: Model, tmp_path: Path, fmt: str
) -> None:
    rng = np.random.default_rng(12345)
    ps = model.params
    theta = (ps.lows + (ps.highs - ps.lows) * rng.random(len(ps)))[None, :]
    tables = build_tables(model.spec, theta, ps)
    from pgmpy.readwrite import BIFWriter, XMLBIFWriter

    net = to_pgmpy_from_tables(model.structure, tables)
    path = tmp_path / f"drawn.{fmt}"
    (BIFWriter(net) if fmt == "bif" else XMLBIFWriter(net)).write(str(path))
    _, back = from_pgmpy(read_network(path, fmt))  # type: ignore[arg-type]
    for node, t in tables.items():
        np.testing.assert_allclose(back[node], t, rtol=1e-15, atol=0, err_msg=node)


@pytest.mark.parametrize("fmt", FORMATS)
def test_exported_text_uses_the_public_ids_and_state_names(model: Model, fmt: str) -> None:
    text = network_text(model, fmt)  # type: ignore[arg-type]
    for node in model.spec.answerable:
        assert node in text
        for state in model.spec.nodes[node].states:
            assert state in text
