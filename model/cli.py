"""The ``alsodds`` command line: a thin view over the public API, no maths of its own.

Every command prints a readable table, or one JSON object with ``--json``. User errors
(bad priors, unknown node or state, invalid request) print one line to stderr and exit 2.
Nothing typed is logged or sent anywhere.
"""

from __future__ import annotations

import json
import math
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from alsodds.errors import AlsoddsError
from alsodds.explain import derive, explain_lines, natural_frequency, next_questions, shapley
from alsodds.inference import Model, load_model, parse_assignments, query
from alsodds.spec import load_spec

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Educational Bayesian network: muscle twitching and the odds of ALS. Not a diagnosis.",
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

PriorsOpt = Annotated[
    Path | None,
    typer.Option("--priors", help="Priors YAML file (default: the bundled priors)."),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="An answer ID=STATE (repeatable); STATE may be 'not_sure'."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


class ExportFormat(StrEnum):
    bif = "bif"
    xmlbif = "xmlbif"


class Method(StrEnum):
    tornado = "tornado"
    sobol = "sobol"
    twoway = "twoway"


def _fail(message: str) -> NoReturn:
    err.print(f"error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _model(priors: Path | None) -> Model:
    return load_model(priors)


def _answers(items: list[str] | None) -> dict[str, str]:
    return parse_assignments(items or [])


def _emit(data: dict[str, Any] | list[Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, allow_nan=False, default=_jsonable) + "\n")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


class _LazyProgress:
    """A rich progress bar on stderr that only appears once a run has taken over a second."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.start = time.perf_counter()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.perf_counter() - self.start < 1.0 or done >= total:
                return
            self.bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,}"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        assert self.task is not None
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _disclaimer(model: Model) -> None:
    out.print(f"[dim]{model.spec.messages.disclaimer}[/dim]")


# --------------------------------------------------------------------------- commands
@app.command("query")
def query_cmd(priors: PriorsOpt = None, set_: SetOpt = None, as_json: JsonOpt = False) -> None:
    """Posterior P(ALS | answers), baseline, odds ratio and each answer's likelihood ratio."""
    model = _model(priors)
    result = query(model, _answers(set_))
    data = result.to_dict()
    data["odds"] = _finite(result.odds)
    data["disclaimer"] = model.spec.messages.disclaimer
    if as_json:
        _emit(data)
        return
    table = Table(title="Result", show_header=False)
    table.add_row("With your answers", natural_frequency(result.posterior))
    table.add_row("Same age, sex, family history, no symptoms", natural_frequency(result.baseline))
    table.add_row("Your answers moved the odds", f"x{result.odds_ratio_vs_baseline:.3g}")
    out.print(table)
    if result.likelihood_ratios:
        lr = Table(title="How much each answer moves the odds (given the others)")
        lr.add_column("answer")
        lr.add_column("likelihood ratio", justify="right")
        for node, value in result.likelihood_ratios.items():
            lr.add_row(f"{node} = {result.answers[node]}", f"x{value:.3g}")
        out.print(lr)
    if result.red_flags:
        out.print(f"[bold]{model.spec.messages.red_flag}[/bold]")
    elif result.uncertain_red_flags:
        out.print(model.spec.messages.uncertain_red_flag)
    _disclaimer(model)


@app.command("nodes")
def nodes_cmd(priors: PriorsOpt = None, as_json: JsonOpt = False) -> None:
    """The answerable node ids and their states (and the query node)."""
    spec = _model(priors).spec
    rows: list[dict[str, Any]] = [
        {
            "id": node_id,
            "label": node.label,
            "role": node.role,
            "states": list(node.states),
            "sign": node.sign,
            "sign_state": node.sign_state,
            "red_flag": node.red_flag,
            "question": node.question,
        }
        for node_id, node in spec.nodes.items()
        if node.role != "latent"
    ]
    if as_json:
        _emit({"query": {"node": spec.query.node, "state": spec.query.state}, "nodes": rows})
        return
    table = Table(title="Nodes")
    for col in ("id", "role", "states", "sign"):
        table.add_column(col)
    for r in rows:
        sign = r["sign"] or ""
        if r["sign_state"]:
            sign = f"{sign} ({r['sign_state']})"
        table.add_row(r["id"], r["role"], ", ".join(r["states"]), sign)
    out.print(table)


@app.command("explain")
def explain_cmd(priors: PriorsOpt = None, set_: SetOpt = None, as_json: JsonOpt = False) -> None:
    """A plain-language account: result, what moved the odds, which question next."""
    model = _model(priors)
    answers = _answers(set_)
    lines = explain_lines(model, answers)
    parts = shapley(model, answers)
    nxt = next_questions(model, answers)[:3]
    if as_json:
        _emit(
            {
                "lines": lines,
                "shapley": {c.node: c.log_odds for c in parts.contributions},
                "total_log_odds_change": parts.total,
                "next_questions": [
                    {"id": q.node, "expected_abs_log_odds_change": q.expected_abs_log_odds_change}
                    for q in nxt
                ],
            }
        )
        return
    for line in lines:
        out.print(line, markup=False)
    if nxt:
        out.print(
            "Questions that could move the odds most next: " + ", ".join(q.label for q in nxt)
        )


@app.command("derive")
def derive_cmd(priors: PriorsOpt = None, set_: SetOpt = None, as_json: JsonOpt = False) -> None:
    """The base-rate derivation: incidence x diagnostic window x age x sex x family history."""
    model = _model(priors)
    d = derive(model, _answers(set_))
    if as_json:
        _emit(
            {
                "steps": [
                    {
                        "label": s.label,
                        "detail": s.detail,
                        "factor": s.factor,
                        "running": s.running,
                        "sources": list(s.sources),
                    }
                    for s in d.steps
                ],
                "prior": d.prior,
                "per_100k": d.per_100k,
                "cross_checks": [{"label": c[0], "per_100k": c[1]} for c in d.cross_checks],
            }
        )
        return
    table = Table(title="Base rate, step by step")
    for col in ("step", "detail", "factor", "running product"):
        table.add_column(col)
    for s in d.steps:
        table.add_row(s.label, s.detail, f"{s.factor:.4g}", f"{s.running:.4g}")
    out.print(table)
    out.print(f"Prior: {natural_frequency(d.prior)}")
    for label, rate in d.cross_checks:
        out.print(f"Cross-check ({label}): {rate:.2f} per 100,000 per year")


@app.command("export")
def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="File format.")],
    output: Annotated[Path, typer.Option("--output", help="File to write.")],
    priors: PriorsOpt = None,
) -> None:
    """Write the network (public ids and state names) as BIF or XMLBIF."""
    from alsodds.network import write_network

    model = _model(priors)
    try:
        path = write_network(model, fmt.value, output)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    err.print(f"wrote {path}")


@app.command("validate")
def validate_cmd(
    file: Annotated[Path, typer.Argument(help="Priors YAML file to check.")],
    as_json: JsonOpt = False,
) -> None:
    """Check a priors file: schema, ranges, sources, cycles and declared signs."""
    spec = load_spec(file)
    if as_json:
        _emit({"valid": True, "file": str(file), "nodes": len(spec.nodes)})
    else:
        out.print(f"{file}: valid ({len(spec.nodes)} nodes)")


@app.command("uncertainty")
def uncertainty_cmd(
    priors: PriorsOpt = None,
    set_: SetOpt = None,
    draws: Annotated[int, typer.Option(help="Parameter draws.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    threshold: Annotated[float | None, typer.Option(help="Report the share above this.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Posterior interval from sampling every parameter across its range (PSA)."""
    from alsodds.uncertainty import psa

    model = _model(priors)
    bar = _LazyProgress("sampling")
    try:
        res = psa(
            model, _answers(set_), n_draws=draws, seed=seed, threshold=threshold, progress=bar
        )
    finally:
        bar.close()
    if as_json:
        _emit(res.to_dict())
        return
    out.print(
        f"Posterior median {natural_frequency(res.median)}; 95% interval "
        f"{res.low * 1e5:.3g} to {res.high * 1e5:.3g} in 100,000 ({res.n_draws:,} draws)"
    )
    if res.share_above is not None:
        out.print(f"Share of draws above {res.threshold}: {res.share_above:.1%}")
    _disclaimer(model)


@app.command("sensitivity")
def sensitivity_cmd(
    method: Annotated[Method, typer.Option("--method")] = Method.tornado,
    priors: PriorsOpt = None,
    set_: SetOpt = None,
    params: Annotated[
        list[str] | None, typer.Option("--param", help="Parameter name (repeatable).")
    ] = None,
    n_base: Annotated[int, typer.Option(help="Sobol base sample size (power of 2).")] = 1024,
    steps: Annotated[int, typer.Option(help="Two-way grid steps.")] = 11,
    seed: Annotated[int, typer.Option(help="Random seed (Sobol).")] = 0,
    top: Annotated[int, typer.Option(help="Rows to show.")] = 15,
    list_: Annotated[bool, typer.Option("--list", help="List parameter names.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """One-way (tornado), global (Sobol) or two-way sensitivity of the posterior."""
    from alsodds.uncertainty import param_table, sobol, tornado, two_way

    model = _model(priors)
    answers = _answers(set_)
    if list_:
        frame = param_table(model)
        if as_json:
            _emit({"parameters": frame.to_dict(orient="records")})
        else:
            for row in frame.itertuples():
                out.print(f"{row.name}  [{row.low:g}, {row.high:g}]  {row.label}", markup=False)
        return
    if method is Method.tornado:
        bars = tornado(model, answers, params or None)
        if as_json:
            _emit({"method": "tornado", "bars": [b.__dict__ | {"swing": b.swing} for b in bars]})
            return
        table = Table(title="One-way sensitivity (per 100,000)")
        for col in ("parameter", "range", "at low", "at high"):
            table.add_column(col)
        for b in bars[:top]:
            table.add_row(
                b.label,
                f"{b.low:g}-{b.high:g}",
                f"{b.posterior_low * 1e5:.3g}",
                f"{b.posterior_high * 1e5:.3g}",
            )
        out.print(table)
    elif method is Method.sobol:
        bar = _LazyProgress("model runs")
        try:
            res = sobol(
                model, answers, n_base=n_base, seed=seed, names=params or None, progress=bar
            )
        finally:
            bar.close()
        frame = res.to_frame()
        if as_json:
            _emit({"method": "sobol", "n_runs": res.n_runs, "indices": frame.to_dict("records")})
            return
        table = Table(title=f"Sobol indices of the posterior log-odds ({res.n_runs:,} runs)")
        for col in ("parameter", "S1", "ST"):
            table.add_column(col)
        for row in frame.head(top).itertuples():
            table.add_row(str(row.label), f"{row.S1:.3f}", f"{row.ST:.3f}")
        out.print(table)
    else:
        if not params or len(params) != 2:
            _fail("--method twoway needs exactly two --param names (see --list)")
        grid = two_way(model, answers, params[0], params[1], steps=steps)
        if as_json:
            _emit(
                {
                    "method": "twoway",
                    "params": [grid.name1, grid.name2],
                    "values1": grid.values1,
                    "values2": grid.values2,
                    "posterior": grid.posterior,
                }
            )
            return
        table = Table(title=f"Posterior per 100,000: rows {grid.name1}, columns {grid.name2}")
        table.add_column("")
        for v in grid.values2:
            table.add_column(f"{v:.3g}", justify="right")
        for v, row in zip(grid.values1, grid.posterior, strict=True):
            table.add_row(f"{v:.3g}", *(f"{p * 1e5:.3g}" for p in row))
        out.print(table)


@app.command("flip")
def flip_cmd(
    threshold: Annotated[float, typer.Option(help="Posterior threshold in (0, 1).")],
    priors: PriorsOpt = None,
    set_: SetOpt = None,
    param: Annotated[
        str | None, typer.Option("--param", help="Parameter (default: the base rate).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The value a parameter would need for the posterior to cross a threshold."""
    from alsodds.uncertainty import flip

    model = _model(priors)
    res = flip(model, _answers(set_), param, threshold)
    if as_json:
        _emit(res.to_dict())
        return
    if res.crossing is None:
        side = "above" if res.current > threshold else "below"
        out.print(f"{res.label}: the posterior stays {side} {threshold} over the whole domain.")
    else:
        where = "inside" if res.inside_range else "outside"
        out.print(
            f"{res.label}: crosses {threshold} at {res.crossing:.4g} (declared {res.value:g}, "
            f"range {res.low:g}-{res.high:g}: {where} the range)."
        )


@app.command("validation")
def validation_cmd(
    priors: PriorsOpt = None,
    targets: Annotated[
        Path | None,
        typer.Option("--targets", help="Validation targets YAML (default: the bundled one)."),
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the table as Markdown (docs/validation.md).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """The model beside published figures; exit 1 when a row fails or does not apply."""
    from alsodds.validation import (
        all_passed,
        format_range,
        format_value,
        load_targets,
        run_validation,
        validation_markdown,
    )

    model = _model(priors)
    spec = load_targets(targets)
    rows = run_validation(model, spec)
    if as_json:
        _emit([r.to_dict() for r in rows])
    elif markdown:
        sys.stdout.write(validation_markdown(spec, rows, model.source))
    else:
        table = Table(title=spec.title)
        for col in ("quantity", "model", "published", "result"):
            table.add_column(col)
        for r in rows:
            table.add_row(
                r.quantity,
                format_value(r.model, r.unit),
                format_range(r.low, r.high, r.unit),
                r.status if r.reason is None else f"n/a: {r.reason}",
            )
        out.print(table, markup=False)
        _disclaimer(model)
    if not all_passed(rows):
        # typer.Exit is returned, not raised, under standalone_mode=False; exit directly.
        sys.exit(1)


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2."""
    try:
        app(standalone_mode=False)
    except AlsoddsError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        sys.exit(2)
    except typer.exceptions.TyperException as exc:  # usage errors: bad option or value
        message = exc.format_message()
        if message:
            err.print(f"error: {message}", markup=False, soft_wrap=True)
        sys.exit(2)
    except typer.Abort:
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
