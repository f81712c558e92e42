"""Priors files: safe loading, a typed schema, and the checks pydantic cannot express.

A priors file describes the whole network as data: nodes, states, parents (implied by each
node's distribution) and every parameter with its value, plausible range and source.
:func:`load_spec` turns a file into an immutable :class:`NetworkSpec` or raises a single
:class:`~alsodds.errors.PriorsError` naming the file, the field, the bad value and what is
allowed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from alsodds.errors import FileError, PriorsError
from alsodds.files import read_text

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
class Param(BaseModel):
    """One number with its plausible range and where it comes from."""

    model_config = _FROZEN

    value: float
    low: float
    high: float
    source: str | tuple[str, ...]
    label: str | None = None
    unit: str | None = None
    note: str | None = None
    per: float = Field(default=1.0, gt=0)

    @field_validator("source")
    @classmethod
    def _source_not_empty(cls, v: str | tuple[str, ...]) -> str | tuple[str, ...]:
        items = (v,) if isinstance(v, str) else v
        if not items or any(not s.strip() for s in items):
            raise ValueError("a source must be a non-empty text or list of texts")
        return v

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else self.source


class WeightsDist(BaseModel):
    """Root node: one positive weight per state, normalised to sum to one."""

    model_config = _FROZEN
    kind: Literal["weights"]
    weights: dict[str, Param]


class BernoulliDist(BaseModel):
    """Root binary node: ``p`` is the probability of ``state``."""

    model_config = _FROZEN
    kind: Literal["bernoulli"]
    state: str
    p: Param


class RelativeFactor(BaseModel):
    """Relative factors for one parent of a rate node."""

    model_config = _FROZEN
    normalise: bool
    label: str | None = None
    factors: dict[str, Param]


class RateDist(BaseModel):
    """P(state | parents) = prod(terms) x prod(parent factors)."""

    model_config = _FROZEN
    kind: Literal["rate"]
    state: str
    terms: dict[str, Param]
    relative: dict[str, RelativeFactor] = Field(default_factory=dict)


class NoisyOrDist(BaseModel):
    """Binary node produced by independent causes plus a leak."""

    model_config = _FROZEN
    kind: Literal["noisy_or"]
    state: str
    leak: Param
    causes: dict[str, Param]


class ConditionalDist(BaseModel):
    """Binary node with one parent: P(state | parent state) given directly for each state.

    Suits findings that separate the query from "everything else" without caring which
    competing cause is at work (e.g. how twitching behaves over time).
    """

    model_config = _FROZEN
    kind: Literal["conditional"]
    parent: str
    state: str
    given: dict[str, Param]


Distribution = Annotated[
    WeightsDist | BernoulliDist | RateDist | NoisyOrDist | ConditionalDist,
    Field(discriminator="kind"),
]
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
    red_flag: bool = False
    allow_not_sure: bool = True

    @property
    def parents(self) -> tuple[str, ...]:
        d = self.distribution
        if isinstance(d, RateDist):
            return tuple(d.relative)
        if isinstance(d, NoisyOrDist):
            return tuple(d.causes)
        if isinstance(d, ConditionalDist):
            return (d.parent,)
        return ()

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
    next_steps: tuple[str, ...] = ()


class NetworkSpec(BaseModel):
    """A whole priors file, validated and immutable."""

    model_config = _FROZEN

    schema_version: Literal[1]
    title: str
    population: str
    query: QuerySpec
    sources: dict[str, str]
    soft_evidence: SoftEvidenceSpec
    cross_checks: dict[str, CrossCheck] = Field(default_factory=dict)
    messages: Messages
    nodes: dict[Annotated[str, Field(pattern=STATE_PATTERN)], NodeSpec]

    def node(self, node_id: str) -> NodeSpec:
        return self.nodes[node_id]

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
    kinds = {"weights", "bernoulli", "rate", "noisy_or", "conditional"}
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
    """Every parameter as ``(dotted path, param, kind)``; kind is 'probability' or 'positive'.

    The order is stable and defines the parameter vector used by the engine.
    """
    out: list[tuple[str, Param, str]] = [
        ("soft_evidence.not_sure_ratio", spec.soft_evidence.not_sure_ratio, "ratio")
    ]
    for node_id, node in spec.nodes.items():
        d = node.distribution
        base = f"nodes.{node_id}.distribution"
        if isinstance(d, WeightsDist):
            out += [(f"{base}.weights.{s}", p, "positive") for s, p in d.weights.items()]
        elif isinstance(d, BernoulliDist):
            out.append((f"{base}.p", d.p, "probability"))
        elif isinstance(d, RateDist):
            out += [(f"{base}.terms.{t}", p, "positive") for t, p in d.terms.items()]
            for parent, rel in d.relative.items():
                out += [
                    (f"{base}.relative.{parent}.factors.{s}", p, "positive")
                    for s, p in rel.factors.items()
                ]
        elif isinstance(d, ConditionalDist):
            out += [(f"{base}.given.{s}", p, "probability") for s, p in d.given.items()]
        else:
            out.append((f"{base}.leak", d.leak, "probability"))
            out += [(f"{base}.causes.{c}", p, "probability") for c, p in d.causes.items()]
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


def _state_keys(
    source: str, path: str, keys: Mapping[str, object], states: tuple[str, ...], exact: bool
) -> None:
    for k in keys:
        if k not in states:
            raise _fail(source, f"{path}.{k}", k, f"expected one of the states {', '.join(states)}")
    if exact and set(keys) != set(states):
        missing = [s for s in states if s not in keys]
        raise _fail(
            source, path, sorted(keys), f"expected an entry for every state; missing {missing}"
        )


def _check_sign(spec: NetworkSpec, source: str, node_id: str, node: NodeSpec) -> None:
    path = f"nodes.{node_id}"
    q = spec.query.node
    if node.role in ("finding", "background") and node.sign is None:
        raise _fail(
            source, f"{path}.sign", None, "every answerable node declares a sign: +, - or depends"
        )
    if node.sign == "depends":
        if not node.sign_note:
            raise _fail(
                source,
                f"{path}.sign_note",
                None,
                "a 'depends' sign needs a sign_note explaining it",
            )
        return
    if node.sign is None:
        return
    if node.sign_state not in node.states:
        raise _fail(
            source,
            f"{path}.sign_state",
            node.sign_state,
            f"expected one of {', '.join(node.states)}",
        )
    d = node.distribution
    if isinstance(d, NoisyOrDist) and q in d.causes:
        # With the sign's favoured state s: '+' on the noisy-OR state or '-' on its complement
        # both say "the noisy-OR state favours ALS".  Worst case over every context and every
        # point of the box: (1 - s_als) <= prod over other causes of (1 - s_c).
        favours_or_state = (node.sign == "+") == (node.sign_state == d.state)
        if not favours_or_state:
            raise _fail(
                source,
                f"{path}.sign",
                f"{node.sign} on {node.sign_state}",
                f"a noisy-OR node can only guarantee that its state '{d.state}' raises the odds; "
                "declare 'depends' otherwise",
            )
        worst_als = 1.0 - d.causes[q].low
        worst_others = math.prod(1.0 - p.high for c, p in d.causes.items() if c != q)
        if worst_als > worst_others + 1e-12:
            others = ", ".join(f"{c}.high={p.high}" for c, p in d.causes.items() if c != q)
            raise _fail(
                source,
                f"{path}.distribution.causes.{q}.low",
                d.causes[q].low,
                f"the declared sign '{node.sign}' needs 1 - {q}.low <= product of (1 - high) of the "
                f"other causes ({others}) = {worst_others:.6g}",
            )
        return
    if isinstance(d, ConditionalDist) and d.parent == q:
        # The node depends on the query alone, so the sign holds in every context iff
        # P(sign_state | query state) is on the right side of every other column, over the box.
        def bounds(p: Param) -> tuple[float, float]:
            return (p.low, p.high) if node.sign_state == d.state else (1 - p.high, 1 - p.low)

        qs = spec.query.state
        lo_q, hi_q = bounds(d.given[qs])
        rest = [bounds(p) for s, p in d.given.items() if s != qs]
        ok = (
            all(lo_q >= hi for _, hi in rest)
            if node.sign == "+"
            else all(hi_q <= lo for lo, _ in rest)
        )
        if not ok:
            raise _fail(
                source,
                f"{path}.distribution.given.{qs}",
                {"low": d.given[qs].low, "high": d.given[qs].high},
                f"the declared sign '{node.sign}' on '{node.sign_state}' needs this range to lie "
                f"{'above' if node.sign == '+' else 'below'} the other columns' ranges "
                f"(for P({node.sign_state}))",
            )
        return
    qdist = spec.nodes[q].distribution
    if isinstance(qdist, RateDist) and node_id in qdist.relative and not node.parents:
        # A root parent of the query only moves its prior: the favoured state's factor must be
        # at least every other state's factor over the whole box.
        rel = qdist.relative[node_id]
        fav = rel.factors[node.sign_state]
        rivals = [p for s, p in rel.factors.items() if s != node.sign_state]
        ok = (
            all(fav.low >= p.high for p in rivals)
            if node.sign == "+"
            else all(fav.high <= p.low for p in rivals)
        )
        if not ok:
            raise _fail(
                source,
                f"nodes.{q}.distribution.relative.{node_id}.factors.{node.sign_state}",
                fav.low if node.sign == "+" else fav.high,
                f"the declared sign '{node.sign}' of {node_id} needs this factor's range to lie "
                f"{'above' if node.sign == '+' else 'below'} every other state's range",
            )
        return
    raise _fail(
        source,
        f"{path}.sign",
        node.sign,
        "a '+'/'-' sign can only be guaranteed for a noisy-OR or conditional child of the query "
        "or a root parent of a rate-model query; declare 'depends'",
    )


def _rate_upper_bound(spec: NetworkSpec, d: RateDist) -> float:
    bound = math.prod(p.high / p.per for p in d.terms.values())
    for rel in d.relative.values():
        top = max(p.high for p in rel.factors.values())
        bound *= top / min(p.low for p in rel.factors.values()) if rel.normalise else top
    return bound


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


def check_spec(spec: NetworkSpec, source: str = "<spec>") -> None:
    """Check what the schema cannot: references, states, cycles, ranges, signs, sources."""
    known = set(spec.sources)
    for path, p, kind in iter_params(spec):
        _check_param(source, path, p, kind, known)
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
    if qnode.role != "query" or sum(n.role == "query" for n in spec.nodes.values()) != 1:
        raise _fail(
            source,
            f"nodes.{spec.query.node}.role",
            qnode.role,
            "exactly one node, the query, has role 'query'",
        )

    for node_id, node in spec.nodes.items():
        path = f"nodes.{node_id}"
        if len(set(node.states)) != len(node.states):
            raise _fail(source, f"{path}.states", list(node.states), "state names must be distinct")
        d = node.distribution
        dpath = f"{path}.distribution"
        for parent in node.parents:
            if parent not in spec.nodes:
                raise _fail(
                    source,
                    f"{dpath}.{parent}",
                    parent,
                    f"unknown parent; expected a node id ({', '.join(spec.nodes)})",
                )
            if parent == node_id:
                raise _fail(source, f"{dpath}.{parent}", parent, "a node cannot be its own parent")
        if isinstance(d, WeightsDist):
            _state_keys(source, f"{dpath}.weights", d.weights, node.states, exact=True)
        elif isinstance(d, BernoulliDist | NoisyOrDist | RateDist):
            if len(node.states) != 2 and not isinstance(d, RateDist):
                raise _fail(
                    source,
                    f"{path}.states",
                    list(node.states),
                    f"a {d.kind} node has exactly two states",
                )
            if d.state not in node.states:
                raise _fail(
                    source, f"{dpath}.state", d.state, f"expected one of {', '.join(node.states)}"
                )
        if isinstance(d, RateDist):
            if len(node.states) != 2:
                raise _fail(
                    source,
                    f"{path}.states",
                    list(node.states),
                    "a rate node has exactly two states",
                )
            for parent, rel in d.relative.items():
                if parent not in spec.nodes:
                    continue
                pnode = spec.nodes[parent]
                _state_keys(
                    source,
                    f"{dpath}.relative.{parent}.factors",
                    rel.factors,
                    pnode.states,
                    exact=True,
                )
                if rel.normalise and pnode.parents:
                    raise _fail(
                        source,
                        f"{dpath}.relative.{parent}.normalise",
                        True,
                        "only a root parent's factors can be normalised",
                    )
            bound = _rate_upper_bound(spec, d)
            if bound > 1.0:
                raise _fail(
                    source,
                    f"{dpath}.terms",
                    f"upper bound {bound:.3g}",
                    "the rate must stay <= 1 over the whole declared ranges",
                )
        if isinstance(d, ConditionalDist):
            if len(node.states) != 2:
                raise _fail(
                    source,
                    f"{path}.states",
                    list(node.states),
                    "a conditional node has exactly two states",
                )
            if d.state not in node.states:
                raise _fail(
                    source, f"{dpath}.state", d.state, f"expected one of {', '.join(node.states)}"
                )
            if d.parent in spec.nodes:
                _state_keys(
                    source, f"{dpath}.given", d.given, spec.nodes[d.parent].states, exact=True
                )
        if isinstance(d, NoisyOrDist):
            for cause in d.causes:
                if cause in spec.nodes and len(spec.nodes[cause].states) != 2:
                    raise _fail(
                        source,
                        f"{dpath}.causes.{cause}",
                        cause,
                        "a noisy-OR cause must be a binary node (its last state is 'active')",
                    )
        if node.role == "query" and isinstance(d, WeightsDist):
            raise _fail(source, f"{dpath}.kind", d.kind, "the query node is binary")
        if node.red_flag and node.sign_state is None:
            raise _fail(
                source,
                f"{path}.sign_state",
                None,
                "a red flag names the state that raises it (sign_state)",
            )
    _check_table_sizes(spec, source)
    _topological_order(spec, source)
    for node_id, node in spec.nodes.items():
        _check_sign(spec, source, node_id, node)


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
    """A readable label for a parameter path, e.g. 'Objective weakness: strength of als'."""
    parts = name.split(".")
    if parts[0] != "nodes":
        return name.replace("_", " ").replace(".", ": ")
    node = spec.nodes[parts[1]]
    rest = parts[3:]
    if rest[0] == "causes":
        what = f"strength of {spec.nodes[rest[1]].label.lower()}"
    elif rest[0] == "leak":
        what = "leak (other causes)"
    elif rest[0] == "terms":
        p = node.distribution.terms[rest[1]]  # type: ignore[union-attr]
        what = p.label or rest[1]
    elif rest[0] == "relative":
        what = f"{spec.nodes[rest[1]].label.lower()} = {rest[3]} factor"
    elif rest[0] == "given":
        what = f"P({node.distribution.state} | {spec.nodes[node.distribution.parent].label.lower()} = {rest[1]})"  # type: ignore[union-attr]
    elif rest[0] == "weights":
        what = f"share {rest[1]}"
    else:
        what = "probability"
    return f"{node.label}: {what}"
