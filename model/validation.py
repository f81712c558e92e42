"""The model beside published figures: quantities computed from any network, each set against
the range its source reports.

A targets file (``priors/validation.yaml`` by default) lists rows. Each row names what to
compute in terms of node ids, states and parameter names, the published range and its
sources; every number and word about ALS lives in that file, not here. The kinds of row:

``probability``
    P(event | given).
``incidence``
    P(event | given) divided by the mean time a case spends in the counted state (the
    product of the named network parameters, each ``value / per``, in years), times
    ``per`` (e.g. per 100,000) and any ``scale`` parameters of the targets file.
``cases``
    The same annual rate per person times ``scale`` parameters (a population, a number of
    years): an expected number of cases.
``interval``
    The 95 % interval of P(event | given) over parameter draws sampled across the declared
    ranges, as the probabilistic sensitivity analysis samples them; passes when the whole
    interval lies inside the published range.
``peak``
    The state of node ``over`` at which P(event | given, over = state) is highest; passes when
    it lies between the states ``low`` and ``high`` (in the node's order).
``odds_ratio``
    odds(event | given, exposure) / odds(event | given, reference).

A row marked ``shown_only`` is displayed beside its published figure without a verdict (the
two measure different things). A row whose nodes, states or parameters the network lacks is
reported as not applicable, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alsodds.errors import AlsoddsError, PriorsError
from alsodds.inference import Model
from alsodds.marginals import Assignment, conditional_probability, missing_from
from alsodds.numbers import plain_number
from alsodds.spec import parse_yaml, read_priors_text
from alsodds.tables import FloatArray

TARGETS_FILE = "validation.yaml"
_ASSUMPTION_PREFIX = "assumption:"
_FROZEN = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=False)

Kind = Literal["probability", "incidence", "cases", "interval", "peak", "odds_ratio"]
Status = Literal["pass", "fail", "shown", "not_applicable"]
StateList = str | tuple[str, ...]


# --------------------------------------------------------------------------- schema
class TargetParameter(BaseModel):
    """A number the comparison needs that is not part of the network (a population size)."""

    model_config = _FROZEN
    value: float = Field(gt=0)
    low: float = Field(gt=0)
    high: float = Field(gt=0)
    source: str | tuple[str, ...]
    label: str | None = None
    unit: str | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else self.source


class TargetRow(BaseModel):
    """One published figure and how to compute its counterpart from a network."""

    model_config = _FROZEN
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    quantity: str = Field(min_length=1)
    kind: Kind
    event: dict[str, StateList] = Field(min_length=1)
    given: dict[str, StateList] = Field(default_factory=dict)
    exposure: dict[str, StateList] = Field(default_factory=dict)
    reference: dict[str, StateList] = Field(default_factory=dict)
    over: str | None = None
    window: tuple[str, ...] = ()
    scale: tuple[str, ...] = ()
    per: float = Field(default=1.0, gt=0)
    low: float | str
    high: float | str
    unit: str = Field(min_length=1)
    source: str | tuple[str, ...]
    shown_only: bool = False
    note: str | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else self.source


class PSASettings(BaseModel):
    model_config = _FROZEN
    draws: int = Field(default=2000, ge=100, le=200_000)
    seed: int = Field(default=0, ge=0)


class ValidationTargets(BaseModel):
    """A whole targets file, validated and immutable."""

    model_config = _FROZEN
    schema_version: Literal[1]
    title: str = Field(min_length=1)
    intro: str = Field(min_length=1)
    psa: PSASettings = Field(default_factory=PSASettings)
    sources: dict[str, str]
    parameters: dict[str, TargetParameter] = Field(default_factory=dict)
    rows: tuple[TargetRow, ...] = Field(min_length=1)


def _fail(source: str, where: str, value: object, allowed: str) -> PriorsError:
    return PriorsError(source, where, value, allowed)


def _check_sources(source: str, where: str, items: tuple[str, ...], known: set[str]) -> None:
    if not items:
        raise _fail(source, where, items, "at least one source key or 'assumption: ...' text")
    for s in items:
        if s.startswith(_ASSUMPTION_PREFIX):
            if len(s[len(_ASSUMPTION_PREFIX) :].strip()) < 10:
                raise _fail(source, where, s, "an assumption must give its reasoning")
        elif s not in known:
            raise _fail(source, where, s, "expected a key of the 'sources' table or 'assumption:'")


def _check_row(source: str, i: int, row: TargetRow, targets: ValidationTargets) -> None:
    where = f"rows.{i}"
    _check_sources(source, f"{where}.source", row.sources, set(targets.sources))
    for name in row.scale:
        if name not in targets.parameters:
            known = ", ".join(targets.parameters) or "none defined"
            raise _fail(source, f"{where}.scale", name, f"expected a key of 'parameters' ({known})")
    need_window = row.kind in ("incidence", "cases")
    if need_window and not row.window:
        raise _fail(source, f"{where}.window", [], "name the parameters that give the window")
    if row.kind == "cases" and not row.scale:
        raise _fail(source, f"{where}.scale", [], "a 'cases' row multiplies by a population")
    if row.kind == "peak" and row.over is None:
        raise _fail(source, f"{where}.over", None, "a 'peak' row names the node to scan")
    if row.kind == "odds_ratio" and not (row.exposure and row.reference):
        raise _fail(source, where, row.id, "an 'odds_ratio' row gives exposure and reference")
    textual = row.kind == "peak"
    for name in ("low", "high"):
        bound = getattr(row, name)
        if isinstance(bound, str) != textual:
            allowed = "a state of the scanned node" if textual else "a number"
            raise _fail(source, f"{where}.{name}", bound, f"expected {allowed}")
    if not textual and float(row.low) > float(row.high):
        raise _fail(source, where, (row.low, row.high), "expected low <= high")


def targets_from_data(data: Any, source: str = "<string>") -> ValidationTargets:
    """Validate already-parsed data into :class:`ValidationTargets`."""
    if not isinstance(data, Mapping):
        raise _fail(source, "", type(data).__name__, "expected a mapping at the top level")
    try:
        targets = ValidationTargets.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"])
        raise _fail(source, where, err.get("input"), err["msg"]) from None
    known = set(targets.sources)
    for key, p in targets.parameters.items():
        _check_sources(source, f"parameters.{key}.source", p.sources, known)
        if not p.low <= p.value <= p.high:
            raise _fail(
                source, f"parameters.{key}", (p.low, p.value, p.high), "low <= value <= high"
            )
    ids = [r.id for r in targets.rows]
    for i, row in enumerate(targets.rows):
        if ids.index(row.id) != i:
            raise _fail(source, f"rows.{i}.id", row.id, "row ids must be distinct")
        _check_row(source, i, row, targets)
    return targets


def default_targets_path() -> Path:
    """The bundled targets file: next to the bundled priors (``priors/validation.yaml``)."""
    package = Path(str(resources.files("alsodds")))
    installed = package / "priors" / TARGETS_FILE
    return installed if installed.is_file() else package.parent / "priors" / TARGETS_FILE


def load_targets(path: str | Path | None = None) -> ValidationTargets:
    """Load and check a targets file (the bundled one if ``path`` is None).

    Raises
    ------
    PriorsError
        One line naming the file, the field, the bad value and what is allowed.
    """
    p = Path(path) if path is not None else default_targets_path()
    return targets_from_data(parse_yaml(read_priors_text(p), p.name), p.name)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class RowResult:
    """One row of the validation table.

    ``model`` is a number, a ``(low, high)`` interval (kind ``interval``), a state name (kind
    ``peak``), or None when the row does not apply to this network. ``passed`` is None for
    rows shown without a verdict and rows that do not apply.
    """

    id: str
    kind: str
    quantity: str
    unit: str
    model: float | tuple[float, float] | str | None
    low: float | str
    high: float | str
    source: tuple[str, ...]
    status: Status
    note: str | None = None
    reason: str | None = None
    detail: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool | None:
        return {"pass": True, "fail": False}.get(self.status)

    def to_dict(self) -> dict[str, Any]:
        model: Any = list(self.model) if isinstance(self.model, tuple) else self.model
        out: dict[str, Any] = {
            "id": self.id,
            "quantity": self.quantity,
            "model": model,
            "low": self.low,
            "high": self.high,
            "source": list(self.source),
            "passed": self.passed,
            "status": self.status,
            "kind": self.kind,
            "unit": self.unit,
            "note": self.note,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if self.detail:
            out["detail"] = dict(self.detail)
        return out


def all_passed(results: Sequence[RowResult]) -> bool:
    """True when no row failed and every row applied (rows shown without a verdict aside)."""
    return all(r.status in ("pass", "shown") for r in results)


class _NotApplicable(Exception):
    """A row names something this network lacks; carries the reason."""


def _odds(p: FloatArray) -> FloatArray:
    out: FloatArray = p / (1.0 - p)
    return out


def _probability(
    model: Model, event: Assignment, given: Assignment, theta: FloatArray | None = None
) -> FloatArray:
    for part in (event, given):
        reason = missing_from(model, part)
        if reason is not None:
            raise _NotApplicable(reason)
    try:
        return conditional_probability(model, event, given, theta)
    except AlsoddsError as exc:
        raise _NotApplicable(str(exc)) from None


def _window_years(model: Model, names: Sequence[str]) -> float:
    years = 1.0
    for name in names:
        i = model.params.index.get(name)
        if i is None:
            raise _NotApplicable(f"the network has no parameter '{name}'")
        p = model.params.params[i]
        years *= p.value / p.per
    return years


def _scale(targets: ValidationTargets, names: Sequence[str]) -> float:
    return math.prod(targets.parameters[n].value for n in names)


def _evaluate(
    model: Model, targets: ValidationTargets, row: TargetRow
) -> tuple[float | tuple[float, float] | str, dict[str, float]]:
    if row.kind == "probability":
        return float(_probability(model, row.event, row.given)[0]), {}
    if row.kind in ("incidence", "cases"):
        p = float(_probability(model, row.event, row.given)[0])
        rate = p / _window_years(model, row.window) * row.per * _scale(targets, row.scale)
        return rate, {}
    if row.kind == "interval":
        from alsodds.uncertainty import sample_parameters

        _probability(model, row.event, row.given)  # not-applicable check before sampling
        rng = np.random.default_rng(targets.psa.seed)
        theta = sample_parameters(model, targets.psa.draws, rng)
        draws = _probability(model, row.event, row.given, theta)
        low, median, high = (float(q) for q in np.quantile(draws, [0.025, 0.5, 0.975]))
        return (low, high), {
            "median": median,
            "point": float(_probability(model, row.event, row.given)[0]),
        }
    if row.kind == "peak":
        assert row.over is not None
        if row.over not in model.spec.nodes:
            raise _NotApplicable(f"the network has no node '{row.over}'")
        states = model.spec.nodes[row.over].states
        for bound in (row.low, row.high):
            if bound not in states:
                raise _NotApplicable(f"node '{row.over}' has no state '{bound}'")
        # Shown per state as a rate when the row names a window, else as a probability.
        factor = row.per / _window_years(model, row.window) if row.window else row.per
        by_state = {
            s: factor * float(_probability(model, row.event, {**row.given, row.over: s})[0])
            for s in states
        }
        return max(states, key=by_state.__getitem__), by_state
    assert row.kind == "odds_ratio"
    exposed = _probability(model, row.event, {**row.given, **row.exposure})
    unexposed = _probability(model, row.event, {**row.given, **row.reference})
    return float((_odds(exposed) / _odds(unexposed))[0]), {
        "p_exposed": float(exposed[0]),
        "p_reference": float(unexposed[0]),
    }


def _status(
    row: TargetRow, value: float | tuple[float, float] | str, states: Sequence[str]
) -> Status:
    if row.shown_only:
        return "shown"
    if isinstance(value, str):
        rank = states.index
        ok = rank(str(row.low)) <= rank(value) <= rank(str(row.high))
    elif isinstance(value, tuple):
        ok = float(row.low) <= value[0] and value[1] <= float(row.high)
    else:
        ok = float(row.low) <= value <= float(row.high)
    return "pass" if ok else "fail"


def evaluate_row(model: Model, targets: ValidationTargets, row: TargetRow) -> RowResult:
    """Compute one row on ``model`` and judge it against its published range."""
    common: dict[str, Any] = {
        "id": row.id,
        "kind": row.kind,
        "quantity": row.quantity,
        "unit": row.unit,
        "low": row.low,
        "high": row.high,
        "source": row.sources,
        "note": row.note,
    }
    try:
        value, detail = _evaluate(model, targets, row)
    except _NotApplicable as exc:
        return RowResult(model=None, status="not_applicable", reason=str(exc), **common)
    states = model.spec.nodes[row.over].states if row.over in model.spec.nodes else ()
    return RowResult(model=value, status=_status(row, value, states), detail=detail, **common)


def run_validation(model: Model, targets: ValidationTargets | None = None) -> tuple[RowResult, ...]:
    """Every row of ``targets`` (the bundled file if None) computed on ``model``.

    Examples
    --------
    >>> from alsodds import load_model
    >>> rows = run_validation(load_model())
    >>> {r.status for r in rows} <= {"pass", "fail", "shown", "not_applicable"}
    True
    """
    targets = targets if targets is not None else load_targets()
    return tuple(evaluate_row(model, targets, row) for row in targets.rows)


# --------------------------------------------------------------------------- words
def format_number(x: float, unit: str = "") -> str:
    """Three significant figures through :func:`alsodds.numbers.plain_number` (never
    scientific notation); a unit of ``share`` is shown as a percentage."""
    if unit == "share":
        return format_number(x * 100.0) + " %"
    return plain_number(x, digits=3)


def format_value(value: float | tuple[float, float] | str | None, unit: str) -> str:
    """A row's model value for a table."""
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return f"{format_number(value[0], unit)} to {format_number(value[1], unit)}"
    return format_number(value, unit)


def format_range(low: float | str, high: float | str, unit: str) -> str:
    if isinstance(low, str) or isinstance(high, str):
        return f"{low} to {high}"
    return f"{format_number(low, unit)} to {format_number(high, unit)}"


_VERDICT = {"pass": "pass", "fail": "**fail**", "shown": "shown", "not_applicable": "n/a"}


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def validation_markdown(
    targets: ValidationTargets, results: Sequence[RowResult], network: str
) -> str:
    """The validation table as Markdown: the rows, their notes, and the full references."""
    lines = [f"# {targets.title}", "", _cell(targets.intro), "", f"Network: `{network}`.", ""]
    counts = {s: sum(r.status == s for r in results) for s in _VERDICT}
    lines += [
        f"Rows: {len(results)}; pass {counts['pass']}, fail {counts['fail']}, "
        f"shown without a verdict {counts['shown']}, not applicable {counts['not_applicable']}.",
        "",
        "| # | Quantity | Model | Published | Unit | Sources | Result |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(results, 1):
        keys = ", ".join("assumption" if s.startswith(_ASSUMPTION_PREFIX) else s for s in r.source)
        lines.append(
            f"| {i} | {_cell(r.quantity)} | {format_value(r.model, r.unit)} | "
            f"{format_range(r.low, r.high, r.unit)} | {_cell(r.unit)} | {keys} | "
            f"{_VERDICT[r.status]} |"
        )
    lines += ["", "## Notes", ""]
    for i, r in enumerate(results, 1):
        parts = [r.note or ""]
        parts += [s for s in r.source if s.startswith(_ASSUMPTION_PREFIX)]
        if r.reason:
            parts.append(f"Not applicable: {r.reason}.")
        if r.detail:
            shown = ", ".join(
                f"{k} {format_number(v, r.unit if r.kind != 'odds_ratio' else 'share')}"
                for k, v in r.detail.items()
            )
            parts.append(f"Detail: {shown}.")
        lines.append(
            f"{i}. **{_cell(r.quantity)}** ({r.id}). {_cell(' '.join(p for p in parts if p))}"
        )
    if targets.parameters:
        lines += ["", "## Parameters of the comparison", ""]
        for key, p in targets.parameters.items():
            label = p.label or key
            src = "; ".join(p.sources)
            lines.append(
                f"- {_cell(label)} (`{key}`): {format_number(p.value)} "
                f"({format_number(p.low)} to {format_number(p.high)}). {_cell(src)}"
            )
    lines += ["", "## References", ""]
    cited = {s for r in results for s in r.source} | {
        s for p in targets.parameters.values() for s in p.sources
    }
    for key, text in targets.sources.items():
        if key in cited:
            lines.append(f"- `{key}`: {_cell(text)}")
    return "\n".join(lines) + "\n"
