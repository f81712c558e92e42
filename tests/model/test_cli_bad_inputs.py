"""Every hostile or mistaken command line is refused the same way: exit code 2, exactly one
line on stderr, nothing on stdout, no traceback, and nothing written or changed on disk.

The table holds each input a tester fed the command line (wrong files, special files,
oversized work, networks whose tables would not fit in memory, deeply nested YAML,
contradictory answers, typer's own usage errors) and a few more of the same kinds.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from alsodds.cli import MAX_DRAWS, MAX_N_BASE, MAX_STEPS, main
from alsodds.spec import MAX_TABLE_ENTRIES, MAX_YAML_DEPTH, default_priors_path, load_spec_text

BASE = default_priors_path().read_text(encoding="utf-8")


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """Run the real entry point in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(args)
    except SystemExit as exc:
        code = exc.code
    assert isinstance(code, int), code
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every entry under ``folder`` with its bytes (regular files) and modification time."""
    state: dict[str, tuple[bytes | None, int]] = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        body = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        state[str(path.relative_to(folder))] = (body, info.st_mtime_ns)
    return state


# --------------------------------------------------------------------------- priors builders
def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def many_parents(extra: int) -> str:
    """The bundled priors plus ``extra`` binary root nodes, all causes of one noisy-OR node."""
    data = yaml.safe_load(BASE)
    nodes = data["nodes"]
    child = next(n for n, v in nodes.items() if isinstance(v["distribution"].get("causes"), dict))
    root = next(
        n
        for n, v in nodes.items()
        if v["distribution"]["kind"] == "bernoulli" and v.get("role") != "query"
    )
    causes = nodes[child]["distribution"]["causes"]
    strength = copy.deepcopy(min(causes.values(), key=lambda p: p["value"]))
    for i in range(extra):
        nodes[f"extra_{i}"] = copy.deepcopy(nodes[root])
        causes[f"extra_{i}"] = copy.deepcopy(strength)
    return _dump(data)


def many_states(n_states: int, n_nodes: int) -> str:
    """The bundled priors plus ``n_nodes`` root nodes of ``n_states`` states each, all
    relative-risk parents of the query node's rate."""
    data = yaml.safe_load(BASE)
    nodes = data["nodes"]
    rate = next(v["distribution"] for v in nodes.values() if v["distribution"]["kind"] == "rate")
    one = {
        "value": 1.0,
        "low": 1.0,
        "high": 1.0,
        "source": "assumption: a flat factor, so only the size matters",
    }
    states = [f"s{i}" for i in range(n_states)]
    for k in range(n_nodes):
        nodes[f"many_{k}"] = {
            "role": "latent",
            "label": f"Many {k}",
            "states": list(states),
            "distribution": {"kind": "weights", "weights": {s: dict(one) for s in states}},
        }
        rate["relative"][f"many_{k}"] = {
            "normalise": True,
            "label": f"Many {k}",
            "factors": {s: dict(one) for s in states},
        }
    return _dump(data)


def nested(depth: int) -> str:
    return BASE + "extra: " + "{a: " * depth + "1" + "}" * depth + "\n"


INPUT_FILES: dict[str, Callable[[], str]] = {
    "deep_flow.yaml": lambda: BASE + "extra: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep_map.yaml": lambda: nested(MAX_YAML_DEPTH + 10),
    "deep_block.yaml": lambda: (
        BASE
        + "".join(f"{'  ' * i}k{i}:\n" for i in range(MAX_YAML_DEPTH + 5))
        + "  " * (MAX_YAML_DEPTH + 5)
        + "end: 1\n"
    ),
    "parents_15.yaml": lambda: many_parents(15),
    "parents_20.yaml": lambda: many_parents(20),
    "parents_24.yaml": lambda: many_parents(24),
    "parents_100.yaml": lambda: many_parents(100),
    "states_300.yaml": lambda: many_states(300, 2),
    "not_utf8.yaml": lambda: "title: caf\udce9\n",
}


@functools.cache
def input_bytes(name: str) -> bytes:
    return INPUT_FILES[name]().encode("utf-8", errors="surrogateescape")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding every input file the table names; the command runs inside it."""
    for name in INPUT_FILES:
        (tmp_path / name).write_bytes(input_bytes(name))
    (tmp_path / "existing.bif").write_text("old contents\n", encoding="utf-8")
    (tmp_path / "a_folder").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


TWO = ["--param", "base_rate", "--param", "other"]
BAD: list[tuple[str, list[str], list[str]]] = [
    # --- files written: missing folder, directory, device, existing file, full disk
    (
        "export_missing_folder",
        ["export", "--format", "bif", "--output", "no_such_folder/net.bif"],
        ["no_such_folder", "does not exist"],
    ),
    (
        "export_to_directory",
        ["export", "--format", "bif", "--output", "a_folder"],
        ["a_folder", "directory"],
    ),
    (
        "export_to_full_device",
        ["export", "--format", "xmlbif", "--output", "/dev/full"],
        ["/dev/full", "device"],
    ),
    (
        "export_over_existing_file",
        ["export", "--format", "bif", "--output", "existing.bif"],
        ["existing.bif", "--force"],
    ),
    ("export_without_format", ["export", "--output", "new.bif"], ["--format", "bif", "xmlbif"]),
    ("export_without_output", ["export", "--format", "bif"], ["--output"]),
    (
        "export_unknown_format",
        ["export", "--format", "pdf", "--output", "new.pdf"],
        ["--format", "pdf", "bif"],
    ),
    ("export_output_no_value", ["export", "--format", "bif", "--output"], ["--output"]),
    # --- analysis requests
    (
        "twoway_one_param",
        ["sensitivity", "--method", "twoway", "--param", "base_rate"],
        ["--param", "two"],
    ),
    ("twoway_no_param", ["sensitivity", "--method", "twoway"], ["--param", "two"]),
    (
        "twoway_three_params",
        ["sensitivity", "--method", "twoway", *TWO, "--param", "third"],
        ["--param", "two"],
    ),
    ("draws_huge", ["uncertainty", "--draws", str(10**10)], ["--draws", str(10**10), "10,000,000"]),
    ("draws_float", ["uncertainty", "--draws", "1e10"], ["--draws", "1e10"]),
    ("draws_zero", ["uncertainty", "--draws", "0"], ["--draws", "0"]),
    ("draws_over_cap", ["uncertainty", f"--draws={MAX_DRAWS + 1}"], ["--draws", f"{MAX_DRAWS:,}"]),
    ("n_base_2_24", ["sensitivity", "--method", "sobol", "--n-base", str(2**24)], ["--n-base"]),
    (
        "n_base_over_cap",
        ["sensitivity", "--method", "sobol", "--n-base", str(MAX_N_BASE * 2)],
        ["--n-base", f"{MAX_N_BASE:,}"],
    ),
    (
        "n_base_not_power_of_two",
        ["sensitivity", "--method", "sobol", "--n-base", "1000"],
        ["1000", "power of two"],
    ),
    (
        "steps_200000",
        ["sensitivity", "--method", "twoway", *TWO, "--steps", "200000"],
        ["--steps", "200000", str(MAX_STEPS)],
    ),
    ("steps_one", ["sensitivity", "--method", "twoway", *TWO, "--steps", "1"], ["--steps"]),
    ("seed_negative", ["uncertainty", "--seed", "-1"], ["--seed", "-1"]),
    ("seed_huge", ["sensitivity", "--seed", str(2**70)], ["--seed"]),
    ("top_zero", ["sensitivity", "--top", "0"], ["--top", "0"]),
    ("threshold_nan", ["flip", "--threshold", "nan"], ["threshold", "nan"]),
    ("threshold_above_one", ["uncertainty", "--threshold", "2", "--draws", "10"], ["threshold"]),
    ("unknown_parameter", ["flip", "--threshold", "0.5", "--param", "gremlin"], ["gremlin"]),
    ("unknown_method", ["sensitivity", "--method", "bogus"], ["--method", "bogus", "tornado"]),
    # --- answers
    (
        "contradictory_answers",
        ["query", "--set", "weakness=yes", "--set", "weakness=no", "--json"],
        ["weakness", "'yes'", "'no'", "twice"],
    ),
    (
        "same_answer_twice",
        ["explain", "--set", "weakness=yes", "--set", " weakness = yes"],
        ["weakness", "twice"],
    ),
    ("set_without_value", ["query", "--set"], ["--set"]),
    # --- typer's own usage errors
    ("unknown_option", ["query", "--bogus"], ["--bogus"]),
    ("unknown_command", ["bogus"], ["bogus"]),
    ("priors_without_value", ["query", "--priors"], ["--priors"]),
    ("validate_without_file", ["validate"], ["argument", "file"]),
    ("port_out_of_range", ["app", "--port", "80"], ["--port", "80"]),
    # --- priors: special files, devices, folders, size, encoding
    ("priors_dev_zero", ["query", "--priors", "/dev/zero", "--json"], ["/dev/zero", "device"]),
    ("priors_dev_null", ["validate", "/dev/null"], ["/dev/null", "device"]),
    ("priors_directory", ["query", "--priors", "a_folder"], ["a_folder", "directory"]),
    ("priors_missing", ["nodes", "--priors", "absent.yaml"], ["absent.yaml"]),
    ("priors_not_utf8", ["validate", "not_utf8.yaml"], ["not_utf8.yaml", "UTF-8"]),
    # --- priors: YAML nesting and table sizes
    ("yaml_deep_flow", ["validate", "deep_flow.yaml"], ["deep_flow.yaml", "line"]),
    ("yaml_deep_map", ["query", "--priors", "deep_map.yaml"], ["deep_map.yaml", "nesting"]),
    ("yaml_deep_block", ["validate", "deep_block.yaml"], ["deep_block.yaml", "nesting"]),
    (
        "fifteen_extra_parents",
        ["validate", "parents_15.yaml"],
        ["parents_15.yaml", f"{MAX_TABLE_ENTRIES:,}"],
    ),
    (
        "twenty_extra_parents",
        ["query", "--priors", "parents_20.yaml", "--json"],
        ["parents_20.yaml", f"{MAX_TABLE_ENTRIES:,}"],
    ),
    (
        "twenty_four_extra_parents",
        ["uncertainty", "--priors", "parents_24.yaml"],
        ["parents_24.yaml", f"{MAX_TABLE_ENTRIES:,}"],
    ),
    (
        "hundred_extra_parents",
        ["validate", "parents_100.yaml"],
        ["parents_100.yaml", f"{MAX_TABLE_ENTRIES:,}"],
    ),
    (
        "many_states",
        ["validate", "states_300.yaml"],
        ["states_300.yaml", f"{MAX_TABLE_ENTRIES:,}"],
    ),
    (
        "export_huge_network",
        ["export", "--format", "bif", "--output", "new.bif", "--priors", "parents_100.yaml"],
        ["parents_100.yaml"],
    ),
]


@pytest.mark.parametrize(("case", "args", "mentions"), BAD, ids=[c[0] for c in BAD])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    workspace: Path, case: str, args: list[str], mentions: list[str]
) -> None:
    before = snapshot(workspace)
    code, out, err = run_cli(args)
    assert code == 2, (code, out, err)
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    for word in mentions:
        assert word in lines[0], (word, lines[0])
    assert snapshot(workspace) == before


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--priors", "pipe.yaml", "--json"],
        ["validate", "pipe.yaml"],
    ],
)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, args: list[str]) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    os.mkfifo(tmp_path / "pipe.yaml")
    before = snapshot(tmp_path)
    # Nobody ever opens the pipe for writing: a reader that opened it would wait for ever.
    done = subprocess.run(
        [sys.executable, "-m", "alsodds", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        line for line in done.stderr.splitlines() if line.startswith("error: ")
    ]
    assert len(done.stderr.splitlines()) == 1
    assert "pipe.yaml" in done.stderr and "FIFO" in done.stderr
    assert snapshot(tmp_path) == before


def test_the_table_cap_refuses_one_parent_past_it_and_accepts_a_table_at_it(
    tmp_path: Path,
) -> None:
    spec = load_spec_text(many_parents(0))
    child = next(
        n for n, v in yaml.safe_load(BASE)["nodes"].items() if "causes" in v["distribution"]
    )
    node = spec.nodes[child]
    entries = len(node.states) * math.prod(len(spec.nodes[p].states) for p in node.parents)
    extra = int(math.log2(MAX_TABLE_ENTRIES // entries))  # binary causes double the table
    assert entries * 2**extra == MAX_TABLE_ENTRIES
    at_cap, past_cap = tmp_path / "at_cap.yaml", tmp_path / "past_cap.yaml"
    at_cap.write_text(many_parents(extra), encoding="utf-8")
    past_cap.write_text(many_parents(extra + 1), encoding="utf-8")
    code, out, err = run_cli(["validate", str(at_cap), "--json"])
    assert code == 0, err
    assert json.loads(out)["valid"] is True
    code, out, err = run_cli(["validate", str(past_cap)])
    assert code == 2 and out == ""
    assert f"{2 * MAX_TABLE_ENTRIES:,}" in err and f"{MAX_TABLE_ENTRIES:,}" in err
