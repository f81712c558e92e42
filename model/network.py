"""The network as a pgmpy model: validation, reference inference and BIF/XMLBIF files.

pgmpy is imported inside the functions: it takes about a second to import, and only these
commands need it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from alsodds.errors import RequestError
from alsodds.tables import FloatArray, Structure, check_tables

if TYPE_CHECKING:
    from alsodds.inference import Model

Format = Literal["bif", "xmlbif"]
FORMATS: tuple[Format, ...] = ("bif", "xmlbif")


def to_pgmpy_from_tables(structure: Structure, tables: Mapping[str, FloatArray]) -> Any:
    """A pgmpy ``DiscreteBayesianNetwork`` from one draw of tables (``N == 1``).

    Tables are checked more strictly than pgmpy does (columns sum to 1 within 1e-9, no
    negatives) before ``check_model()``.
    """
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    first = {n: t[:1] for n, t in tables.items()}
    check_tables(first)
    net = DiscreteBayesianNetwork()
    net.add_nodes_from(structure.nodes)
    net.add_edges_from((p, n) for n in structure.nodes for p in structure.parents[n])
    cpds = []
    for node in structure.nodes:
        parents = list(structure.parents[node])
        values = first[node][0].reshape(structure.card(node), -1)
        cpds.append(
            TabularCPD(
                variable=node,
                variable_card=structure.card(node),
                values=values,
                evidence=parents or None,
                evidence_card=[structure.card(p) for p in parents] or None,
                state_names={n: list(structure.states[n]) for n in [node, *parents]},
            )
        )
    net.add_cpds(*cpds)
    if not net.check_model():  # pragma: no cover - check_model raises instead
        raise RequestError("pgmpy rejected the network")
    return net


def to_pgmpy(model: Model) -> Any:
    """The model's point estimate as a pgmpy ``DiscreteBayesianNetwork``."""
    return to_pgmpy_from_tables(model.structure, model.tables)


def from_pgmpy(net: Any) -> tuple[Structure, dict[str, FloatArray]]:
    """Structure and ``(1, ...)`` tables from a pgmpy network (any discrete BN).

    State names come back as strings whatever the file stored (pgmpy issue #1221).
    """
    order: list[str] = []
    pending = set(net.nodes())
    while pending:
        ready = sorted(n for n in pending if all(p in order for p in net.get_parents(n)))
        order.extend(ready)
        pending -= set(ready)
    states: dict[str, tuple[str, ...]] = {}
    parents: dict[str, tuple[str, ...]] = {}
    tables: dict[str, FloatArray] = {}
    for node in order:
        cpd = net.get_cpds(node)
        variables = list(cpd.variables)
        states[node] = tuple(str(s) for s in cpd.state_names[node])
        parents[node] = tuple(variables[1:])
        tables[node] = np.asarray(cpd.values, dtype=np.float64)[None, ...]
    return Structure(tuple(order), states, parents), tables


def write_network(model: Model, fmt: Format, path: str | Path) -> Path:
    """Write the point-estimate network as BIF or XMLBIF with the public ids and states."""
    from pgmpy.readwrite import BIFWriter, XMLBIFWriter

    if fmt not in FORMATS:
        raise RequestError(f"unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}")
    out = Path(path)
    net = to_pgmpy(model)
    writer = BIFWriter(net) if fmt == "bif" else XMLBIFWriter(net)
    writer.write(str(out))
    return out


def network_text(model: Model, fmt: Format) -> str:
    """The network as BIF or XMLBIF text (for downloads)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = write_network(model, fmt, Path(tmp) / f"network.{fmt}")
        return path.read_text(encoding="utf-8")


def read_network(path: str | Path, fmt: Format | None = None) -> Any:
    """Read a BIF or XMLBIF file back into a pgmpy network."""
    from pgmpy.readwrite import BIFReader, XMLBIFReader

    p = Path(path)
    kind = fmt or ("xmlbif" if p.suffix.lower() in (".xml", ".xmlbif") else "bif")
    if kind == "bif":
        return BIFReader(str(p)).get_model()
    return XMLBIFReader(str(p)).get_model()


def pgmpy_posterior(
    net: Any,
    query: str,
    state: str,
    evidence: Mapping[str, str],
    method: Literal["ve", "bp"] = "ve",
) -> float:
    """P(query = state | evidence) by pgmpy's VariableElimination or BeliefPropagation."""
    from pgmpy.inference import BeliefPropagation, VariableElimination

    engine = VariableElimination(net) if method == "ve" else BeliefPropagation(net)
    result = engine.query([query], evidence=dict(evidence), show_progress=False)
    return float(result.get_value(**{query: state}))
