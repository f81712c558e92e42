"""The wheel works on its own: built from a copy of the sources, installed into a fresh
virtual environment, and run from outside the checkout, it answers from its bundled priors.

Offline by design: the wheel is built without build isolation and installed without an
index or dependencies; the dependencies come from the environment running the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import site
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What a source distribution holds: the build reads nothing else.
SOURCES = ("pyproject.toml", "README.md", "model", "priors", "dashboard")


@dataclass(frozen=True)
class Installed:
    python: Path
    script: Path
    purelib: Path
    wheel: Path
    env: dict[str, str]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel, built from a copy of the sources, installed into a fresh virtual environment."""
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
    _run([sys.executable, "-m", "venv", "--without-pip", "venv"], base)
    python = base / "venv" / "bin" / "python"
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = Path(_run([str(python), "-c", where], base).strip())
    # The dependencies come from the environment running the tests, as plain path entries:
    # its .pth files (among them the editable install's finder for the checkout) never run.
    (purelib / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    _run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)], base)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return Installed(python, python.parent / "alsodds", purelib, wheel, env)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """An empty working folder outside the checkout."""
    assert ROOT not in tmp_path.parents
    return tmp_path


def _packages(folder: Path, name: str) -> set[str]:
    return {
        ".".join((name, *init.parent.relative_to(folder).parts))
        for init in folder.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def test_the_wheel_holds_every_package_and_the_priors_under_alsodds_only(
    installed: Installed,
) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = wheel.namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"alsodds"}  # no top-level `model`, `priors` or `dashboard`
    shipped = {n.rsplit("/", 1)[0].replace("/", ".") for n in names if n.endswith("__init__.py")}
    expected = _packages(ROOT / "model", "alsodds") | _packages(
        ROOT / "dashboard", "alsodds.dashboard"
    )
    assert expected <= shipped, f"not in the wheel (pyproject packages): {expected - shipped}"
    assert "alsodds/priors/als_default.yaml" in names
    assert "alsodds/dashboard/app.py" in names


def test_the_installed_copy_is_the_one_imported_and_reads_its_own_priors(
    installed: Installed, elsewhere: Path
) -> None:
    code = (
        "import alsodds, alsodds.cli, json, sys; "
        "print(json.dumps([m.__file__ for m in sys.modules.values() "
        "if m.__name__.startswith('alsodds') and getattr(m, '__file__', None)] "
        "+ [str(alsodds.default_priors_path())]))"
    )
    paths = json.loads(_run([str(installed.python), "-c", code], elsewhere, installed.env))
    assert len(paths) > 5
    for path in paths:
        assert Path(path).is_relative_to(installed.purelib), path


@pytest.mark.parametrize("how", ["script", "module"])
def test_the_installed_cli_answers_a_query_from_any_folder(
    installed: Installed, elsewhere: Path, how: str
) -> None:
    cli = [str(installed.script)] if how == "script" else [str(installed.python), "-m", "alsodds"]
    args = ["query", "--set", "age_band=55_64", "--set", "weakness=yes", "--json"]
    data = json.loads(_run([*cli, *args], elsewhere, installed.env))
    assert 0 < data["baseline"] < data["posterior"] < 1
    assert data["per_100k"] == pytest.approx(data["posterior"] * 100_000, rel=1e-12)
    assert set(data["likelihood_ratios"]) == {"age_band", "weakness"}
    assert data["red_flags"] == ["weakness"]
    nodes = json.loads(_run([*cli, "nodes", "--json"], elsewhere, installed.env))
    assert nodes["query"]["node"] in {n["id"] for n in nodes["nodes"]}
    assert list(elsewhere.iterdir()) == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_installed_app_command_serves_the_dashboard_on_localhost(
    installed: Installed, elsewhere: Path
) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [str(installed.script), "app", "--port", str(port)],
        cwd=elsewhere,
        env=installed.env,
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
