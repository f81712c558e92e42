"""The ``alsodds`` command line: a thin view over the public API, no maths of its own.

Every command prints a readable table, or one JSON object with ``--json``. Every user error
(bad priors, unknown node or state, invalid request, bad option, unusable file) prints one
line to stderr and exits 2. Files are written atomically and never replaced without
``--force``. Nothing typed is logged or sent anywhere.

Heavy libraries (pgmpy, SALib, pandas, rich's progress bars, streamlit) are imported by the
commands that need them, so ``alsodds query`` starts quickly.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Protocol, TypeGuard

import typer

from alsodds.errors import AlsoddsError
from alsodds.inference import Model, load_model, parse_assignments, query

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console
    from rich.progress import Progress, TaskID

# Caps on the work one command may ask for, so memory stays bounded (a few GB at most) on
# an ordinary laptop; each is far above what a careful analysis needs.
MAX_DRAWS = 10_000_000  # PSA keeps 16 bytes per draw, streamed in chunks
MAX_N_BASE = 2**14  # Sobol: n_base x (parameters + 2) runs, each a row of every parameter
MAX_STEPS = 501  # two-way grid: steps x steps rows of every parameter
MAX_SEED = 2**32 - 1

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Educational Bayesian network: muscle twitching and the odds of ALS. Not a diagnosis.",
)

PriorsOpt = Annotated[
    Path | None,
    typer.Option("--priors", help="Priors YAML file (default: the bundled priors)."),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="An answer ID=STATE (repeatable); STATE may be 'not_sure'."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
SeedOpt = Annotated[int, typer.Option(help=f"Random seed (0 to {MAX_SEED}).")]


class ExportFormat(StrEnum):
    bif = "bif"
    xmlbif = "xmlbif"


class Method(StrEnum):
    tornado = "tornado"
    sobol = "sobol"
    twoway = "twoway"


# --------------------------------------------------------------------------- output
@functools.cache
def _out() -> Console:
    from rich.console import Console

    return Console(highlight=False)  # writes to whatever sys.stdout is at print time


@functools.cache
def _err() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _one_line(text: str) -> str:
    """Fold a message onto one line: line breaks become spaces, other unprintable
    characters are escaped (user-typed option names and values can hold them)."""
    folded = " ".join(part.strip() for part in text.splitlines() if part.strip())
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in folded)


def _error_line(message: str) -> None:
    sys.stderr.write(f"error: {_one_line(message)}\n")
    sys.stderr.flush()


def _fail(message: str) -> NoReturn:
    _error_line(message)
    raise typer.Exit(code=2)


def _check_range(option: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        _fail(f"{option}: got {value}; expected a whole number from {low:,} to {high:,}")


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
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,}"),
                TimeRemainingColumn(),
                console=_err(),
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
    _out().print(f"[dim]{model.spec.messages.disclaimer}[/dim]")


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
    from rich.table import Table

    from alsodds.numbers import people, times

    out = _out()
    if result.red_flags:
        # A warning sign comes first, whatever the number.
        out.print(f"[bold]{model.spec.messages.red_flag}[/bold]", markup=True)
        for step in model.spec.messages.red_flag_steps:
            out.print(f"- {step}", markup=False)
    yours, background = people([result.posterior, result.baseline])
    table = Table(title="Result", show_header=False)
    table.add_row("With your answers", yours.in_words)
    table.add_row("Your age, sex and family history, whatever the symptoms", background.in_words)
    table.add_row("Your answers moved the odds", times(result.odds_ratio_vs_baseline))
    out.print(table)
    if result.likelihood_ratios:
        lr = Table(title="How much each answer moves the odds (given the others)")
        lr.add_column("answer")
        lr.add_column("likelihood ratio", justify="right")
        for node, value in result.likelihood_ratios.items():
            lr.add_row(f"{node} = {result.answers[node]}", times(value))
        out.print(lr)
    if not result.red_flags and result.uncertain_red_flags:
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
    from rich.table import Table

    table = Table(title="Nodes")
    for col in ("id", "role", "states", "sign"):
        table.add_column(col)
    for r in rows:
        sign = r["sign"] or ""
        if r["sign_state"]:
            sign = f"{sign} ({r['sign_state']})"
        table.add_row(r["id"], r["role"], ", ".join(r["states"]), sign)
    _out().print(table)


@app.command("explain")
def explain_cmd(priors: PriorsOpt = None, set_: SetOpt = None, as_json: JsonOpt = False) -> None:
    """A plain-language account: result, what moved the odds, which question next."""
    from alsodds.explain import explain_lines, next_questions, shapley

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
    out = _out()
    for line in lines:
        out.print(line, markup=False)
    if nxt:
        out.print(
            "Questions that could move the odds most next: " + ", ".join(q.label for q in nxt),
            markup=False,
        )


@app.command("derive")
def derive_cmd(priors: PriorsOpt = None, set_: SetOpt = None, as_json: JsonOpt = False) -> None:
    """The base-rate derivation: incidence x diagnostic window x age x sex x family history."""
    from alsodds.explain import derive, natural_frequency

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
    from rich.table import Table

    out = _out()
    table = Table(title="Base rate, step by step")
    for col in ("step", "detail", "factor", "running product"):
        table.add_column(col)
    for s in d.steps:
        table.add_row(s.label, s.detail, f"{s.factor:.4g}", f"{s.running:.4g}")
    out.print(table)
    out.print(f"Prior: {natural_frequency(d.prior)}")
    for label, rate in d.cross_checks:
        out.print(f"Cross-check ({label}): {rate:.2f} per 100,000 per year", markup=False)


@app.command("export")
def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="File format.")],
    output: Annotated[Path, typer.Option("--output", help="File to write.")],
    priors: PriorsOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output file if it exists.")
    ] = False,
) -> None:
    """Write the network (public ids and state names) as BIF or XMLBIF."""
    from alsodds.files import atomic_path, check_output_path
    from alsodds.network import write_network

    check_output_path(output, force)  # refuse before any work is done
    model = _model(priors)
    with atomic_path(output, force) as tmp:
        write_network(model, fmt.value, tmp)
    _err().print(f"wrote {output}", markup=False, soft_wrap=True)


@app.command("validate")
def validate_cmd(
    file: Annotated[Path, typer.Argument(help="Priors YAML file to check.")],
    as_json: JsonOpt = False,
) -> None:
    """Check a priors file: schema, ranges, sources, cycles, table sizes and declared signs."""
    from alsodds.spec import load_spec

    spec = load_spec(file)
    if as_json:
        _emit({"valid": True, "file": str(file), "nodes": len(spec.nodes)})
    else:
        _out().print(f"{file}: valid ({len(spec.nodes)} nodes)", markup=False)


@app.command("uncertainty")
def uncertainty_cmd(
    priors: PriorsOpt = None,
    set_: SetOpt = None,
    draws: Annotated[int, typer.Option(help=f"Parameter draws (1 to {MAX_DRAWS:,}).")] = 10_000,
    seed: SeedOpt = 0,
    threshold: Annotated[float | None, typer.Option(help="Report the share above this.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Posterior interval from sampling every parameter across its range (PSA)."""
    from alsodds.explain import natural_frequency
    from alsodds.uncertainty import psa

    _check_range("--draws", draws, 1, MAX_DRAWS)
    _check_range("--seed", seed, 0, MAX_SEED)
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
    out = _out()
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
    n_base: Annotated[
        int, typer.Option(help=f"Sobol base sample size (a power of 2, at most {MAX_N_BASE:,}).")
    ] = 1024,
    steps: Annotated[int, typer.Option(help=f"Two-way grid steps (2 to {MAX_STEPS}).")] = 11,
    seed: SeedOpt = 0,
    top: Annotated[int, typer.Option(help="Rows to show.")] = 15,
    list_: Annotated[bool, typer.Option("--list", help="List parameter names.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """One-way (tornado), global (Sobol) or two-way sensitivity of the posterior."""
    from alsodds.uncertainty import param_table, sobol, tornado, two_way

    _check_range("--n-base", n_base, 2, MAX_N_BASE)
    _check_range("--steps", steps, 2, MAX_STEPS)
    _check_range("--seed", seed, 0, MAX_SEED)
    _check_range("--top", top, 1, 10**6)
    if method is Method.twoway and not list_ and (not params or len(params) != 2):
        _fail(
            f"--param: got {len(params or [])} of them; --method twoway needs exactly two "
            "(see --list)"
        )
    model = _model(priors)
    answers = _answers(set_)
    out = _out()
    if list_:
        frame = param_table(model)
        if as_json:
            _emit({"parameters": frame.to_dict(orient="records")})
        else:
            for row in frame.itertuples():
                out.print(f"{row.name}  [{row.low:g}, {row.high:g}]  {row.label}", markup=False)
        return
    from rich.table import Table

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
        assert params is not None  # checked above, before the model was loaded
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
    out = _out()
    if res.crossing is None:
        side = "above" if res.current > threshold else "below"
        out.print(
            f"{res.label}: the posterior stays {side} {threshold} over the whole domain.",
            markup=False,
        )
    else:
        where = "inside" if res.inside_range else "outside"
        out.print(
            f"{res.label}: crosses {threshold} at {res.crossing:.4g} (declared {res.value:g}, "
            f"range {res.low:g}-{res.high:g}: {where} the range).",
            markup=False,
        )


# The settings of the project's .streamlit/config.toml, as flags: an installed copy has no
# such folder, and flags win over any config the user's working folder happens to hold.
# A test keeps the two identical.
APP_FLAGS: tuple[str, ...] = (
    "--server.address=localhost",
    "--server.headless=true",
    "--browser.gatherUsageStats=false",
    "--client.showErrorDetails=none",
    "--client.showErrorLinks=false",
    "--client.toolbarMode=minimal",
    "--server.enableXsrfProtection=true",
    "--server.enableCORS=true",
    "--server.maxUploadSize=1",
    "--server.enableStaticServing=false",
    "--server.fileWatcherType=none",
    "--runner.magicEnabled=false",
    "--runner.postScriptGC=false",
    "--logger.level=warning",
    "--theme.base=light",
    "--theme.primaryColor=#0B5CAD",
    "--theme.textColor=#000000",
)


def dashboard_script() -> Path:
    """The installed dashboard's entry script (``alsodds/dashboard/app.py``)."""
    from importlib.util import find_spec

    spec = find_spec("alsodds.dashboard")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        script = Path(folder) / "app.py"
        if script.is_file():
            return script
    raise AlsoddsError("the dashboard is not installed with this copy of alsodds")


@app.command("app")
def app_cmd(
    port: Annotated[int, typer.Option(help="Port on this machine (1024 to 65535).")] = 8501,
) -> None:
    """Run the interactive explainer in your browser at http://localhost:PORT (Ctrl+C stops it)."""
    import subprocess

    _check_range("--port", port, 1024, 65535)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(dashboard_script()),
        f"--server.port={port}",
        *APP_FLAGS,
    ]
    sys.stderr.write(f"alsodds dashboard: http://localhost:{port} (Ctrl+C stops it)\n")
    with subprocess.Popen(command) as server:
        try:
            code = server.wait()
        except KeyboardInterrupt:  # the server got the same Ctrl+C: let it finish cleanly
            code = server.wait()
    raise typer.Exit(code=code)


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
        from rich.table import Table

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
        _out().print(table, markup=False)
        _disclaimer(model)
    if not all_passed(rows):
        raise typer.Exit(code=1)


# --------------------------------------------------------------------------- entry point
class _UsageError(Protocol):
    exit_code: int

    def format_message(self) -> str: ...


def _is_usage_error(exc: Exception) -> TypeGuard[_UsageError]:
    """Typer's (click's) usage errors: unknown option, missing or bad value... Recognised by
    their interface, since typer has moved them from click into a private copy of it."""
    return callable(getattr(exc, "format_message", None)) and isinstance(
        getattr(exc, "exit_code", None), int
    )


def _given_value(args: list[str], param: object) -> str | None:
    """What the user typed for the option a usage error names (typer's messages omit it)."""
    opts = getattr(param, "opts", None) or []
    for i, arg in enumerate(args):
        for opt in opts:
            if arg == opt and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(f"{opt}="):
                return arg[len(opt) + 1 :]
    return None


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: every user error becomes one line on stderr and exit code 2.

    Parameters
    ----------
    argv
        Arguments after the program name (default: ``sys.argv[1:]``).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = app(args=args, standalone_mode=False, prog_name="alsodds")
    except AlsoddsError as exc:
        _error_line(str(exc))
        sys.exit(2)
    except typer.Abort:
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except MemoryError:
        _error_line("this request needs more memory than the machine has; ask for less work")
        sys.exit(2)
    except BrokenPipeError:  # e.g. `alsodds nodes | head -1`: the reader left, say nothing
        # Point stdout at nothing so the flush at exit cannot fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:
        if not _is_usage_error(exc):
            raise  # a bug: let its traceback show
        if not args:  # a bare `alsodds` has printed its help
            sys.exit(0)
        message = exc.format_message().strip().rstrip(".")
        given = _given_value(args, getattr(exc, "param", None))
        if given is not None and repr(given) not in message:
            message = f"{message} (got {given!r})"
        ctx = getattr(exc, "ctx", None)
        hint = f"; see '{ctx.command_path} --help'" if ctx is not None else ""
        _error_line(f"{message}{hint}")
        sys.exit(2)
    # Under standalone_mode=False a typer.Exit comes back as a return value: keep its code.
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
