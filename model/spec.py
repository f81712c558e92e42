"""Priors files: safe loading, a typed schema, and the checks pydantic cannot express.

A priors file describes the whole network as data: nodes, states, parents (implied by each
node's distribution) and every parameter with its value, plausible range and source.
:func:`load_spec` turns a file into an immutable :class:`NetworkSpec` or raises a single
:class:`~alsodds.errors.PriorsError` naming the file, the field, the bad value and what is
allowed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alsodds import kinds as _kinds
from alsodds.errors import FileError, PriorsError
from alsodds.files import read_text
from alsodds.kinds import Param
from alsodds.signs import prove

MAX_FILE_BYTES = 1_000_000
MAX_YAML_DEPTH = 64
# Caps on table size (states x parent states) keep a priors file from asking for more
# memory than a laptop has; the bundled network needs a few hundred entries.
MAX_TABLE_ENTRIES = 2**16
MAX_TOTAL_TABLE_ENTRIES = 2**20
PRIORS_FILE = "als_default.yaml"
STATE_PATTERN = r"^[A-Za-z0-9_]+$"
_ASSUMPTION_PREFIX = "assumption:"

_FROZEN = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=False)


# --------------------------------------------------------------------------- schema
Distribution = _kinds.Distribution

Role = Literal["background", "finding", "latent", "query"]
Sign = Literal["+", "-", "depends"]


class NodeSpec(BaseModel):
    """One node of the network with its distribution and its words for people."""

    model_config = _FROZEN

    role: Role
    label: str
    states: tuple[Annotated[str, Field(pattern=STATE_PATTERN)], ...] = Field(min_length=2)
    distribution: Distribution
    question: str | None = None
    help: str | None = None
    description: str | None = None
    group: str | None = None
    sign: Sign | None = None
    sign_state: str | None = None
    sign_note: str | None = None
    #: "certified": the validator proves the sign; "searched": no sufficient condition
    #: exists for the structure, so the property search and exhaustive test check it.
    sign_check: Literal["certified", "searched"] = "certified"
    #: The states are ordered (a sign then compares each state with the next).
    ordinal: bool = False
    #: Answers under which a sign is declared (e.g. "longer duration, with nothing new").
    sign_given: dict[str, str] = Field(default_factory=dict)
    red_flag: bool = False
    allow_not_sure: bool = True
    #: The question only makes sense with these other answers (e.g. only for people who
    #: twitch); an answer that contradicts them is refused.
    applies_when: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    #: For a symptom question: the answer meaning "I do not have it" (used for the
    #: no-symptom reference).
    absent_state: str | None = None

    @property
    def parents(self) -> tuple[str, ...]:
        return self.distribution.parent_ids()

    @property
    def answerable(self) -> bool:
        return self.role in ("background", "finding")


class QuerySpec(BaseModel):
    model_config = _FROZEN
    node: str
    state: str


class SoftEvidenceSpec(BaseModel):
    model_config = _FROZEN
    not_sure_ratio: Param


class CrossCheck(BaseModel):
    """A second route to the incidence figure, shown beside it (cases / population)."""

    model_config = _FROZEN
    label: str
    cases: Param
    population: Param


class Messages(BaseModel):
    """Words shown with every result; kept with the priors so the code stays generic."""

    model_config = _FROZEN
    disclaimer: str = Field(min_length=1)
    red_flag: str = Field(min_length=1)
    uncertain_red_flag: str = Field(min_length=1)
    #: Steps offered when no warning sign is reported.
    next_steps: tuple[str, ...] = ()
    #: What comes first when a warning sign is reported (what a doctor will do).
    red_flag_steps: tuple[str, ...] = ()


class WatchSpec(BaseModel):
    """What "if nothing new appears over the next months" means for this network.

    ``duration`` is the ordinal node that advances with time (its states end in an open
    band); ``months`` gives each state's lower edge in months; ``nothing_new`` the answers
    that "nothing new" adds. ``background_new_sign`` is the monthly chance of a new warning
    sign without the query condition.
    """

    model_config = _FROZEN
    duration: str
    months: dict[str, float]
    nothing_new: dict[str, str]
    background_new_sign: Param


class NetworkSpec(BaseModel):
    """A whole priors file, validated and immutable."""

    model_config = _FROZEN

    schema_version: Literal[2]
    title: str
    population: str
    query: QuerySpec
    sources: dict[str, str]
    soft_evidence: SoftEvidenceSpec
    cross_checks: dict[str, CrossCheck] = Field(default_factory=dict)
    messages: Messages
    nodes: dict[Annotated[str, Field(pattern=STATE_PATTERN)], NodeSpec]
    watch: WatchSpec | None = None
    #: Ids of questions a former version asked, with the one line that says what replaced them.
    retired: dict[str, str] = Field(default_factory=dict)

    def node(self, node_id: str) -> NodeSpec:
        return self.nodes[node_id]

    def children(self, node_id: str) -> tuple[str, ...]:
        """Nodes that have ``node_id`` as a parent."""
        return tuple(n for n, s in self.nodes.items() if node_id in s.parents)

    @property
    def answerable(self) -> tuple[str, ...]:
        """Ids a user may answer, in file order."""
        return tuple(n for n, s in self.nodes.items() if s.answerable)

    @property
    def background(self) -> tuple[str, ...]:
        return tuple(n for n, s in self.nodes.items() if s.role == "background")

    @property
    def findings(self) -> tuple[str, ...]:
        return tuple(n for n, s in self.nodes.items() if s.role == "finding")

    @property
    def red_flags(self) -> tuple[str, ...]:
        return tuple(n for n, s in self.nodes.items() if s.red_flag)


# --------------------------------------------------------------------------- YAML
# libyaml's parser when PyYAML was built with it (about five times faster); the pure one if not.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """Safe loader that also refuses duplicate keys (anchors, aliases and deep nesting are
    refused from the event stream first, see :func:`_check_events`)."""


def _construct_mapping(self: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = self.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.YAMLError(f"duplicate key {key!r} (line {key_node.start_mark.line + 1})")
        seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(self, node, deep=deep)


_StrictLoader.construct_mapping = _construct_mapping


def _refuse(problem: str, event: yaml.Event) -> yaml.MarkedYAMLError:
    mark: Any = event.start_mark  # libyaml's own Mark class has the same fields
    return yaml.MarkedYAMLError(problem=problem, problem_mark=mark)


def _check_events(text: str) -> None:
    """Refuse anchors, aliases and nesting deeper than :data:`MAX_YAML_DEPTH` while only
    parsing: the event parser keeps its own stack, whereas building nodes recurses once per
    level (a deeply nested file would end in RecursionError, or worse in C)."""
    depth = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise _refuse(f"YAML aliases (*{event.anchor}) are not allowed", event)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _refuse(f"YAML anchors (&{anchor}) are not allowed", event)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise _refuse(f"nesting deeper than {MAX_YAML_DEPTH} levels", event)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse_yaml(text: str, source: str = "<string>") -> Any:
    """Parse YAML text with the strict safe loader; errors become :class:`PriorsError`."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise PriorsError(source, "", f"{len(text)} characters", "a priors file is at most 1 MB")
    try:
        _check_events(text)
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "document"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PriorsError(source, where, problem, "expected plain, safe YAML") from None


def read_priors_text(path: str | Path) -> str:
    """Read a priors file: a regular UTF-8 file of at most 1 MB, checked before reading
    (a directory, device or FIFO is refused before it is opened)."""
    try:
        return read_text(path, MAX_FILE_BYTES)
    except FileError as exc:
        raise PriorsError(str(path), "", exc.found, exc.allowed) from None


# --------------------------------------------------------------------------- loading
def _loc(loc: tuple[int | str, ...]) -> str:
    """Dotted field path from a pydantic location, without the union-member tags it adds
    (the distribution kind after ``distribution``, the type name after ``source``)."""
    kinds = set(_kinds.KIND_NAMES)
    parts: list[str] = []
    for i, part in enumerate(loc):
        before = str(loc[i - 1]) if i else ""
        if (before == "distribution" and part in kinds) or (
            before == "source" and part in ("str", "tuple[str, ...]")
        ):
            continue
        parts.append(str(part))
    return ".".join(parts)


def spec_from_data(data: Any, source: str = "<string>") -> NetworkSpec:
    """Validate already-parsed data into a :class:`NetworkSpec`."""
    if not isinstance(data, Mapping):
        raise PriorsError(source, "", type(data).__name__, "expected a mapping at the top level")
    try:
        spec = NetworkSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        raise PriorsError(source, _loc(err["loc"]), err.get("input"), err["msg"]) from None
    check_spec(spec, source)
    return spec


def load_spec_text(text: str, source: str = "<string>") -> NetworkSpec:
    """Parse and validate priors given as YAML text (e.g. an uploaded file)."""
    return spec_from_data(parse_yaml(text, source), source)


def load_spec(path: str | Path) -> NetworkSpec:
    """Load and validate a priors file.

    Parameters
    ----------
    path
        A YAML priors file (at most 1 MB).

    Returns
    -------
    NetworkSpec
        The immutable, validated network description.

    Raises
    ------
    PriorsError
        One message naming the file, field, bad value and what is allowed.
    """
    return load_spec_text(read_priors_text(path), Path(path).name)


def default_priors_path() -> Path:
    """The bundled default priors: ``alsodds/priors/`` in a wheel, ``priors/`` in a checkout."""
    package = Path(str(resources.files("alsodds")))
    installed = package / "priors" / PRIORS_FILE
    # An editable install maps `alsodds` to model/, whose sibling priors/ holds the file.
    return installed if installed.is_file() else package.parent / "priors" / PRIORS_FILE


# --------------------------------------------------------------------------- semantic checks
def iter_params(spec: NetworkSpec) -> list[tuple[str, Param, str]]:
    """Every parameter as ``(dotted path, param, domain)``.

    The order is stable and defines the parameter vector used by the engine.
    """
    out: list[tuple[str, Param, str]] = [
        ("soft_evidence.not_sure_ratio", spec.soft_evidence.not_sure_ratio, "ratio")
    ]
    for node_id, node in spec.nodes.items():
        for item in node.distribution.parameters(f"nodes.{node_id}.distribution"):
            out.append((item.path, item.param, item.domain))
    return out


def _fail(source: str, field: str, value: object, allowed: str) -> PriorsError:
    return PriorsError(source, field, value, allowed)


def _check_param(source: str, path: str, p: Param, kind: str, known: set[str]) -> None:
    for name in ("low", "value", "high"):
        v = getattr(p, name)
        if kind == "probability" and not 0.0 <= v <= 1.0:
            raise _fail(source, f"{path}.{name}", v, "expected a probability in [0, 1]")
        if kind == "positive" and not v > 0.0:
            raise _fail(source, f"{path}.{name}", v, "expected a number greater than 0")
        if kind == "ratio" and not v >= 1.0:
            raise _fail(source, f"{path}.{name}", v, "expected a ratio of at least 1")
    if not p.low <= p.value <= p.high:
        raise _fail(
            source,
            path,
            {"low": p.low, "value": p.value, "high": p.high},
            "expected low <= value <= high",
        )
    for s in p.sources:
        if s.startswith(_ASSUMPTION_PREFIX):
            if len(s[len(_ASSUMPTION_PREFIX) :].strip()) < 10:
                raise _fail(source, f"{path}.source", s, "an assumption must give its reasoning")
        elif s not in known:
            raise _fail(
                source,
                f"{path}.source",
                s,
                "expected a key of the 'sources' table or a text starting with 'assumption:'",
            )


def _topological_order(spec: NetworkSpec, source: str) -> tuple[str, ...]:
    indegree = {n: len(spec.nodes[n].parents) for n in spec.nodes}
    children: dict[str, list[str]] = {n: [] for n in spec.nodes}
    for n, node in spec.nodes.items():
        for p in node.parents:
            children[p].append(n)
    ready = [n for n in spec.nodes if indegree[n] == 0]
    order: list[str] = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for c in children[n]:
            indegree[c] -= 1
            if indegree[c] == 0:
                ready.append(c)
    if len(order) != len(spec.nodes):
        stuck = sorted(n for n in spec.nodes if n not in order)
        raise _fail(source, "nodes", stuck, "the parent links must not form a cycle")
    return tuple(order)


def topological_order(spec: NetworkSpec) -> tuple[str, ...]:
    """Node ids with every parent before its children (file order breaks ties)."""
    return _topological_order(spec, "<spec>")


def _check_table_sizes(spec: NetworkSpec, source: str) -> None:
    """Refuse a network whose tables (states x parent states) would exceed the caps, before
    any table is built: a node with many parents needs exponentially many entries."""
    total = 0
    for node_id, node in spec.nodes.items():
        entries = len(node.states) * math.prod(len(spec.nodes[p].states) for p in node.parents)
        if entries > MAX_TABLE_ENTRIES:
            raise _fail(
                source,
                f"nodes.{node_id}.distribution",
                f"a table of {entries:,} entries ({len(node.parents)} parents)",
                f"a node's table (its states x its parents' states) has at most "
                f"{MAX_TABLE_ENTRIES:,} entries",
            )
        total += entries
    if total > MAX_TOTAL_TABLE_ENTRIES:
        raise _fail(
            source,
            "nodes",
            f"{total:,} table entries in all",
            f"the network's tables hold at most {MAX_TOTAL_TABLE_ENTRIES:,} entries in all",
        )


def _check_node(spec: NetworkSpec, node_id: str, node: NodeSpec, source: str) -> None:
    path = f"nodes.{node_id}"
    if len(set(node.states)) != len(node.states):
        raise _fail(source, f"{path}.states", list(node.states), "state names must be distinct")
    for parent in node.parents:
        if parent not in spec.nodes:
            raise _fail(
                source,
                f"{path}.distribution.{parent}",
                parent,
                f"unknown parent; expected a node id ({', '.join(spec.nodes)})",
            )
        if parent == node_id:
            raise _fail(
                source, f"{path}.distribution.{parent}", parent, "a node cannot be its own parent"
            )
    node.distribution.check(spec, node_id, source)
    if node.role == "query" and len(node.states) != 2:
        raise _fail(source, f"{path}.states", list(node.states), "the query node is binary")
    if node.sign_state is not None and node.sign_state not in node.states:
        raise _fail(
            source,
            f"{path}.sign_state",
            node.sign_state,
            f"expected one of {', '.join(node.states)}",
        )
    if node.red_flag and node.sign_state is None:
        raise _fail(
            source,
            f"{path}.sign_state",
            None,
            "a red flag names the state that raises it (sign_state)",
        )
    if node.answerable and node.sign is None:
        raise _fail(
            source, f"{path}.sign", None, "every answerable node declares a sign: +, - or depends"
        )
    if (
        node.sign is not None
        and node.sign != "depends"
        and node.sign_state is None
        and not node.ordinal
    ):
        raise _fail(source, f"{path}.sign_state", None, "a '+'/'-' sign names its state")
    if (node.sign == "depends" or node.sign_check == "searched") and not node.sign_note:
        raise _fail(
            source, f"{path}.sign_note", None, "a 'depends' or searched sign needs a sign_note"
        )
    if node.absent_state is not None and node.absent_state not in node.states:
        raise _fail(
            source,
            f"{path}.absent_state",
            node.absent_state,
            f"expected one of {', '.join(node.states)}",
        )
    for other, state in node.sign_given.items():
        if other not in spec.nodes or not spec.nodes[other].answerable:
            raise _fail(
                source, f"{path}.sign_given.{other}", other, "expected an answerable node id"
            )
        if state not in spec.nodes[other].states:
            raise _fail(
                source,
                f"{path}.sign_given.{other}",
                state,
                f"expected a state of {other}: {', '.join(spec.nodes[other].states)}",
            )
    for other, states in node.applies_when.items():
        if other not in spec.nodes or not spec.nodes[other].answerable:
            raise _fail(
                source, f"{path}.applies_when.{other}", other, "expected an answerable node id"
            )
        for st in states:
            if st not in spec.nodes[other].states:
                raise _fail(
                    source,
                    f"{path}.applies_when.{other}",
                    st,
                    f"expected states of {other}: {', '.join(spec.nodes[other].states)}",
                )


def _check_watch(spec: NetworkSpec, source: str) -> None:
    w = spec.watch
    if w is None:
        return
    if w.duration not in spec.nodes or not spec.nodes[w.duration].ordinal:
        raise _fail(source, "watch.duration", w.duration, "expected an ordinal answerable node id")
    states = spec.nodes[w.duration].states
    if list(w.months) != list(states):
        raise _fail(
            source, "watch.months", list(w.months), f"expected every state in order: {list(states)}"
        )
    edges = list(w.months.values())
    if edges[0] != 0 or any(b <= a for a, b in itertools.pairwise(edges)):
        raise _fail(source, "watch.months", edges, "expected lower edges rising from 0")
    for other, st in w.nothing_new.items():
        if other not in spec.nodes or st not in spec.nodes[other].states:
            raise _fail(
                source, f"watch.nothing_new.{other}", st, "expected a node id and one of its states"
            )
    _check_param(
        source, "watch.background_new_sign", w.background_new_sign, "probability", set(spec.sources)
    )


def check_spec(spec: NetworkSpec, source: str = "<spec>") -> None:
    """Check what the schema cannot: references, states, cycles, ranges, signs, sources."""
    known = set(spec.sources)
    for path, p, domain in iter_params(spec):
        _check_param(source, path, p, domain, known)
    for key, cc in spec.cross_checks.items():
        for name in ("cases", "population"):
            _check_param(source, f"cross_checks.{key}.{name}", getattr(cc, name), "positive", known)
    if spec.query.node not in spec.nodes:
        raise _fail(
            source, "query.node", spec.query.node, f"expected a node id ({', '.join(spec.nodes)})"
        )
    qnode = spec.nodes[spec.query.node]
    if spec.query.state not in qnode.states:
        raise _fail(
            source, "query.state", spec.query.state, f"expected one of {', '.join(qnode.states)}"
        )
    queries = [n for n, node in spec.nodes.items() if node.role == "query"]
    if queries != [spec.query.node]:
        raise _fail(
            source,
            f"nodes.{(queries or [spec.query.node])[-1]}.role",
            "query",
            f"exactly one node, the query ({spec.query.node}), has role 'query'",
        )
    for node_id, node in spec.nodes.items():
        _check_node(spec, node_id, node, source)
    for retired in spec.retired:
        if retired in spec.nodes:
            raise _fail(source, f"retired.{retired}", retired, "a retired id cannot also be a node")
    _topological_order(spec, source)
    _check_table_sizes(spec, source)
    _check_watch(spec, source)
    for node_id, node in spec.nodes.items():
        prove(spec, node_id, node, source)


# --------------------------------------------------------------------------- editing
def dump_spec(spec: NetworkSpec) -> str:
    """The spec as YAML text that :func:`load_spec_text` reads back to an equal spec."""
    data = spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def update_params(
    spec: NetworkSpec, updates: Mapping[str, Mapping[str, float]], source: str = "<edited>"
) -> NetworkSpec:
    """A new, fully validated spec with some parameters' value/low/high replaced.

    Parameters
    ----------
    spec
        The spec to start from (unchanged).
    updates
        parameter name (dotted path, as in :func:`iter_params`) -> ``{"value": .., "low": ..,
        "high": ..}`` (any subset).

    Raises
    ------
    PriorsError
        For an unknown parameter, or if the edited spec breaks any check.
    """
    names = {path for path, _, _ in iter_params(spec)}
    data = spec.model_dump(mode="json", exclude_none=True)
    for name, fields in updates.items():
        if name not in names:
            raise PriorsError(source, name, name, "expected a parameter name of this network")
        target: Any = data
        for part in name.split("."):
            target = target[part]
        for key, val in fields.items():
            if key not in ("value", "low", "high"):
                raise PriorsError(source, f"{name}.{key}", key, "expected value, low or high")
            target[key] = val
    return spec_from_data(data, source)


def param_label(spec: NetworkSpec, name: str) -> str:
    """A readable label for a parameter path, e.g. 'Objective weakness: strength of ...'."""
    parts = name.split(".")
    if parts[0] != "nodes":
        return name.replace("_", " ").replace(".", ": ")
    node = spec.nodes[parts[1]]
    return f"{node.label}: {node.distribution.describe(spec, parts[1], parts[3:])}"
