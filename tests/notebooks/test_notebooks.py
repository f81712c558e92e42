"""The teaching notebooks: stored without outputs, in sync with their source, and runnable.

Execution (marker ``notebooks``) runs every notebook top to bottom with nbclient on a copy
in a temporary folder, in a kernel started from this interpreter (``sys.executable -m
ipykernel_launcher``), so it uses the project's venv whatever kernelspecs the machine has
installed, and nothing in the repository changes. Each notebook asserts the numbers it
teaches, so a notebook that has drifted from the model fails here.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = {
    "01_base_rates.ipynb",
    "02_how_findings_move_the_odds.ipynb",
    "03_tweaking_priors.ipynb",
    "04_uncertainty_and_sensitivity.ipynb",
}
#: Per-cell timeout for nbclient (a hung cell fails), and the whole-notebook budget.
CELL_TIMEOUT_S = 120
NOTEBOOK_BUDGET_S = 60  # issue 6: each notebook runs in under a minute on 2 cores
KERNEL_NAME = "alsodds-test-python"


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notebooks_build", NOTEBOOK_DIR / "build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_four_notebooks_exist() -> None:
    assert {p.name for p in NOTEBOOKS} >= EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_committed_without_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell.get("outputs") == [], f"{path.name} cell {i} has outputs; strip them"
        assert cell.get("execution_count") is None, (
            f"{path.name} cell {i} has an execution count; strip it"
        )


def test_notebooks_match_their_build_script() -> None:
    build = _build_script()
    assert set(build.NOTEBOOKS) == EXPECTED
    for name, cells in build.NOTEBOOKS.items():
        text = (NOTEBOOK_DIR / name).read_text(encoding="utf-8")
        assert text == build.render(cells), (
            f"{name} differs from notebooks/build.py; run `python notebooks/build.py`"
        )


def test_notebooks_use_only_the_public_api() -> None:
    allowed = {"import model as M", "from alsodds.network import"}
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            for line in "".join(cell["source"]).splitlines():
                stripped = line.strip()
                if stripped.startswith(("import model", "from model")):
                    assert stripped.startswith(tuple(allowed)), f"{path.name}: {stripped}"


def _kernel_manager(tmp: Path) -> object:
    """A kernel manager whose only kernelspec runs this interpreter's ipykernel."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    kernel_dir = tmp / "kernels" / KERNEL_NAME
    kernel_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "alsodds (test venv)",
        "language": "python",
        # headless plotting; figures still render as inline images in the outputs
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline"},
    }
    (kernel_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    ksm = KernelSpecManager(kernel_dirs=[str(tmp / "kernels")], ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm)


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    work = tmp_path / "run"
    work.mkdir()
    copy = work / path.name
    shutil.copy(path, copy)
    nb = nbformat.read(copy, as_version=4)
    client = NotebookClient(
        nb,
        km=_kernel_manager(tmp_path),
        timeout=CELL_TIMEOUT_S,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(work)}},
    )
    started = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - started
    assert elapsed < NOTEBOOK_BUDGET_S, f"{path.name} took {elapsed:.0f} s"
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors
    # The run happened on the copy: the committed notebook still has no outputs.
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert all(c.get("outputs", []) == [] for c in committed["cells"] if c["cell_type"] == "code")
