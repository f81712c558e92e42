"""The `alsodds` command line: the JSON contract of design.md section 5 and its errors."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from alsodds import Model, query
from alsodds.cli import APP_FLAGS, dashboard_script
from alsodds.network import pgmpy_posterior, read_network
from tests.cli_run import run_cli as run


def test_query_json_has_the_contract_fields_with_the_api_values(
    model: Model, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sets = {"age_band": "30_44", "fasciculations": "yes", "weakness": "no"}
    args = ["query", *[f"--set={k}={v}" for k, v in sets.items()], "--json"]
    code, out, _ = run(args, capsys, monkeypatch)
    assert code == 0
    data = json.loads(out)
    expected = query(model, sets)
    assert data["posterior"] == pytest.approx(expected.posterior, rel=1e-12)
    assert data["baseline"] == pytest.approx(expected.baseline, rel=1e-12)
    assert data["per_100k"] == pytest.approx(data["posterior"] * 100_000, rel=1e-12)
    odds = data["posterior"] / (1 - data["posterior"])
    base_odds = data["baseline"] / (1 - data["baseline"])
    assert data["odds_ratio_vs_baseline"] == pytest.approx(odds / base_odds, rel=1e-9)
    assert set(data["likelihood_ratios"]) == set(sets)
    assert data["red_flags"] == []


def test_query_lists_red_flags_that_were_answered_yes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        ["query", "--set", "weakness=yes", "--set", "bulbar=yes", "--set", "atrophy=no", "--json"],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert sorted(json.loads(out)["red_flags"]) == ["bulbar", "weakness"]


@pytest.mark.parametrize(
    ("item", "names"),
    [
        ("nonsense=yes", ["nonsense", "weakness", "age_band"]),
        ("weakness=maybe", ["maybe", "no", "yes"]),
    ],
)
def test_unknown_ids_and_states_exit_2_with_one_line_naming_the_choices(
    item: str, names: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["query", "--set", item, "--json"], capsys, monkeypatch)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    for name in names:
        assert name in lines[0]


def test_nodes_json_lists_every_public_id_with_its_states(
    model: Model, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(["nodes", "--json"], capsys, monkeypatch)
    assert code == 0
    data = json.loads(out)
    listed = {n["id"]: n["states"] for n in data["nodes"]}
    public = {i: list(n.states) for i, n in model.spec.nodes.items() if n.role != "latent"}
    assert listed == public
    assert set(model.spec.answerable) <= set(listed)
    query_node = data["query"]["node"]
    assert data["query"]["state"] in listed[query_node]


@pytest.mark.parametrize("fmt", ["bif", "xmlbif"])
def test_export_writes_a_file_that_reads_back_to_the_same_posterior(
    fmt: str,
    model: Model,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / f"net.{fmt}"
    code, _, _ = run(["export", "--format", fmt, "--output", str(target)], capsys, monkeypatch)
    assert code == 0
    evidence = {"age_band": "55_64", "fasciculations": "yes", "emg": "abnormal"}
    net = read_network(target, fmt)  # type: ignore[arg-type]
    assert pgmpy_posterior(net, "als", "present", evidence) == pytest.approx(
        query(model, evidence).posterior, rel=1e-12
    )


def test_validate_reports_a_bad_file_in_one_line_and_leaves_it_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nnodes: [unclosed\n", encoding="utf-8")
    before = bad.read_bytes()
    code, _, err = run(["validate", str(bad)], capsys, monkeypatch)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "bad.yaml" in err
    assert bad.read_bytes() == before


def test_analysis_commands_print_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ["--set", "age_band=45_54", "--set", "fasciculations=yes", "--json"]
    code, out, _ = run(
        ["uncertainty", "--draws", "2000", "--threshold", "1e-5", *base], capsys, monkeypatch
    )
    assert code == 0 and 0 <= json.loads(out)["share_above"] <= 1
    code, out, _ = run(["sensitivity", "--method", "tornado", *base], capsys, monkeypatch)
    assert code == 0 and json.loads(out)["bars"]
    code, out, _ = run(["flip", "--threshold", "1e-4", *base], capsys, monkeypatch)
    assert code == 0 and "inside_range" in json.loads(out)


def test_invalid_analysis_requests_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in (["flip", "--threshold", "2"], ["uncertainty", "--draws", "0"]):
        code, _, err = run(args, capsys, monkeypatch)
        assert code == 2 and len(err.strip().splitlines()) == 1


HEAVY = ("pgmpy", "SALib", "pandas", "streamlit", "scipy", "rich.progress", "networkx")


@pytest.mark.parametrize("command", ["query", "nodes"])
def test_quick_commands_do_not_import_heavy_libraries(command: str) -> None:
    code = (
        "import sys; from alsodds.cli import main\n"
        f"try: main([{command!r}, '--json'])\n"
        "except SystemExit as exc: assert exc.code == 0, exc.code\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m_runs_the_same_command_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alsodds", "query", "--set", "weakness=yes", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["red_flags"] == ["weakness"]


def test_a_bare_command_prints_help_and_help_exits_0(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run([], capsys, monkeypatch)
    assert code == 0 and "query" in out
    code, out, _ = run(["export", "--help"], capsys, monkeypatch)
    assert code == 0 and "--force" in out


def test_export_replaces_a_file_only_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "net.bif"
    target.write_text("old\n", encoding="utf-8")
    code, _, err = run(["export", "--format", "bif", "--output", str(target)], capsys, monkeypatch)
    assert code == 2 and "--force" in err
    assert target.read_text(encoding="utf-8") == "old\n"
    args = ["export", "--format", "bif", "--output", str(target), "--force"]
    code, _, _ = run(args, capsys, monkeypatch)
    assert code == 0
    assert "variable als" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["net.bif"]


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import alsodds.network

    def full_disk(model: Model, fmt: str, path: Path) -> Path:
        Path(path).write_text("variable als {", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(alsodds.network, "write_network", full_disk)
    target = tmp_path / "net.bif"
    target.write_text("old\n", encoding="utf-8")
    args = ["export", "--format", "bif", "--output", str(target), "--force"]
    code, out, err = run(args, capsys, monkeypatch)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and os.strerror(errno.ENOSPC) in err
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["net.bif"]


def test_typer_exit_codes_reach_the_shell(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["sensitivity", "--method", "twoway", "--param", "x", "--json"]
    code, out, err = run(args, capsys, monkeypatch)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and "--param" in err


def test_app_runs_the_installed_dashboard_on_this_machine_only(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []

    class FakeServer:
        def __init__(self, command: list[str]) -> None:
            seen.append(command)

        def __enter__(self) -> FakeServer:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def wait(self) -> int:
            return 3

    monkeypatch.setattr(subprocess, "Popen", FakeServer)
    code, _, _ = run(["app", "--port", "8765"], capsys, monkeypatch)
    assert code == 3  # the server's own exit code
    (command,) = seen
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(command[4]) == dashboard_script() and dashboard_script().name == "app.py"
    assert "--server.port=8765" in command
    assert "--server.address=localhost" in command
    assert "--browser.gatherUsageStats=false" in command


def test_app_flags_are_the_settings_of_the_projects_streamlit_config() -> None:
    config = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text())

    def flag(value: object) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)

    from_file = {
        f"--{section}.{key}={flag(value)}"
        for section, options in config.items()
        for key, value in options.items()
    }
    assert set(APP_FLAGS) == from_file
