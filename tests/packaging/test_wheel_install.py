"""The wheel works on its own: built from a copy of the sources, installed into an empty
folder, and run from outside the checkout, it answers from its bundled priors.

Offline by design: the wheel is built without build isolation and installed without an
index or dependencies; the dependencies come from the environment running the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What a source distribution holds: the build reads nothing else.
SOURCES = ("pyproject.toml", "README.md", "model", "priors", "dashboard")


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(install folder, environment that sees it first): the wheel installed with --target."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "*.egg-info", "build")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=skip)
        else:
            shutil.copy2(path, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    build = ["wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", "dist", str(src)]
    _run([*pip, *build], base)
    (wheel,) = (base / "dist").glob("alsodds-*.whl")
    target = base / "site"
    _run([*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)], base)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(target)
    return target, env


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """An empty working folder outside the checkout."""
    assert ROOT not in tmp_path.parents
    return tmp_path


def test_the_wheel_installs_alsodds_and_nothing_else_at_the_top_level(
    installed: tuple[Path, dict[str, str]],
) -> None:
    target, _ = installed
    top = {p.name for p in target.iterdir() if not p.name.endswith(".dist-info")}
    assert top == {"alsodds", "bin"}  # no top-level `model`, `priors` or `dashboard`
    assert (target / "alsodds" / "priors" / "als_default.yaml").is_file()
    assert (target / "alsodds" / "dashboard" / "app.py").is_file()


def test_the_installed_copy_is_the_one_imported_and_reads_its_own_priors(
    installed: tuple[Path, dict[str, str]], elsewhere: Path
) -> None:
    target, env = installed
    code = (
        "import alsodds, json; "
        "print(json.dumps([alsodds.__file__, str(alsodds.default_priors_path())]))"
    )
    module, priors = json.loads(_run([sys.executable, "-c", code], elsewhere, env))
    assert Path(module).is_relative_to(target)
    assert Path(priors).is_relative_to(target)


@pytest.mark.parametrize("how", ["script", "module"])
def test_the_installed_cli_answers_a_query_from_any_folder(
    installed: tuple[Path, dict[str, str]], elsewhere: Path, how: str
) -> None:
    target, env = installed
    cli = (
        [str(target / "bin" / "alsodds")] if how == "script" else [sys.executable, "-m", "alsodds"]
    )
    args = ["query", "--set", "age_band=55_64", "--set", "weakness=yes", "--json"]
    data = json.loads(_run([*cli, *args], elsewhere, env))
    assert 0 < data["baseline"] < data["posterior"] < 1
    assert data["per_100k"] == pytest.approx(data["posterior"] * 100_000, rel=1e-12)
    assert set(data["likelihood_ratios"]) == {"age_band", "weakness"}
    assert data["red_flags"] == ["weakness"]
    nodes = json.loads(_run([*cli, "nodes", "--json"], elsewhere, env))
    assert nodes["query"]["node"] in {n["id"] for n in nodes["nodes"]}
    assert list(elsewhere.iterdir()) == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_installed_app_command_serves_the_dashboard_on_localhost(
    installed: tuple[Path, dict[str, str]], elsewhere: Path
) -> None:
    target, env = installed
    port = _free_port()
    server = subprocess.Popen(
        [str(target / "bin" / "alsodds"), "app", "--port", str(port)],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # one signal stops the command and the server it started
    )
    try:
        deadline = time.monotonic() + 60
        health = ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                url = f"http://localhost:{port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=2) as reply:
                    health = reply.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert health == "ok", server.poll()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        assert server.stdout is not None
        server.stdout.close()
