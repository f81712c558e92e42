"""The teaching notebooks: scripts as the source, paired notebooks in step, and runnable.

``notebooks/NN_name.py`` (jupytext percent format) is the source of truth; the paired
``NN_name.ipynb`` is generated from it for readers (``jupytext --update --to ipynb
notebooks/NN_name.py``) and stored without outputs.

Execution (marker ``notebooks``) reads each script with jupytext and runs it top to bottom
with nbclient in a temporary folder, in a kernel started from this interpreter
(``sys.executable -m ipykernel_launcher``), so it uses the project's venv whatever
kernelspecs the machine has installed, and nothing in the repository changes. Each
notebook asserts the numbers it teaches, so a notebook that has drifted from the model
fails here; ``test_a_false_assert_fails_the_run`` shows that such a failure is caught.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
SOURCES = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.py"))
EXPECTED = {
    "01_base_rates",
    "02_how_findings_move_the_odds",
    "03_tweaking_priors",
    "04_uncertainty_and_sensitivity",
}
#: Project modules a notebook may import: the public API and the dashboard's figures.
#: ``alsodds.network`` (BIF/XMLBIF files and pgmpy's reference engine) and ``alsodds.signs``
#: (how each declared sign is established) are not re-exported by the package; notebook 03
#: uses them to show the export round trip and the sign certificates.
ALLOWED_PROJECT_IMPORTS = {"alsodds", "alsodds.dashboard", "alsodds.network", "alsodds.signs"}
#: A hung cell fails the run instead of blocking the suite.
CELL_TIMEOUT_S = 300
KERNEL_NAME = "alsodds-test-python"


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def _cells(nb: Any) -> list[tuple[str, str]]:
    return [(c["cell_type"], "".join(c["source"]).strip("\n")) for c in nb["cells"]]


def _read_source(path: Path) -> Any:
    import jupytext

    return jupytext.read(path)


def test_the_four_notebooks_exist_as_scripts_with_a_paired_notebook() -> None:
    assert {p.stem for p in SOURCES} >= EXPECTED
    assert not (NOTEBOOK_DIR / "build.py").exists()
    paired = {p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")}
    assert paired == {p.stem for p in SOURCES}, "every script has one .ipynb and no more"


@pytest.mark.parametrize("path", SOURCES, ids=_ids(SOURCES))
def test_paired_notebook_matches_its_script(path: Path) -> None:
    stored = json.loads(path.with_suffix(".ipynb").read_text(encoding="utf-8"))
    assert _cells(stored) == _cells(_read_source(path)), (
        f"{path.with_suffix('.ipynb').name} differs from {path.name}; "
        f"run `jupytext --update --to ipynb notebooks/{path.name}`"
    )


@pytest.mark.parametrize("path", SOURCES, ids=_ids(SOURCES))
def test_paired_notebook_stored_without_outputs(path: Path) -> None:
    nb = json.loads(path.with_suffix(".ipynb").read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell.get("outputs") == [], f"{path.stem} cell {i} has outputs; strip them"
        assert cell.get("execution_count") is None, f"{path.stem} cell {i} has a count"


def _imports(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", SOURCES, ids=_ids(SOURCES))
def test_notebook_uses_the_public_api_and_the_package_figures(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports = _imports(tree)
    project = [n for n in imports if n.split(".")[0] in ("alsodds", "model", "dashboard")]
    assert "alsodds" in project, f"{path.name} does not import the package"
    bad = [n for n in project if n not in ALLOWED_PROJECT_IMPORTS]
    assert not bad, f"{path.name} imports {bad}; use the public API (import alsodds)"
    # figures come from the package, not from plotting code of the notebook's own
    assert not [n for n in imports if n.split(".")[0] == "matplotlib"], path.name


@pytest.mark.parametrize("path", SOURCES, ids=_ids(SOURCES))
def test_notebook_asserts_what_it_teaches(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    asserts = sum(isinstance(node, ast.Assert) for node in ast.walk(tree))
    assert asserts >= 10, f"{path.name} checks only {asserts} statements"


# --------------------------------------------------------------------------- execution
def _kernel_manager(tmp: Path) -> Any:
    """A kernel manager whose only kernelspec runs this interpreter's ipykernel."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    kernel_dir = tmp / "kernels" / KERNEL_NAME
    kernel_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "alsodds (test venv)",
        "language": "python",
    }
    (kernel_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    ksm = KernelSpecManager(kernel_dirs=[str(tmp / "kernels")], ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm)


def _execute(nb: Any, tmp_path: Path) -> None:
    from nbclient import NotebookClient

    work = tmp_path / "run"
    work.mkdir()
    NotebookClient(
        nb,
        km=_kernel_manager(tmp_path),
        timeout=CELL_TIMEOUT_S,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(work)}},
    ).execute()


@pytest.mark.notebooks
@pytest.mark.parametrize("path", SOURCES, ids=_ids(SOURCES))
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    before = path.read_bytes()
    nb = _read_source(path)
    _execute(nb, tmp_path)  # raises CellExecutionError on the first failing cell
    code = [c for c in nb.cells if c.cell_type == "code"]
    # every code cell ran, once, in order
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    # the package's figures were drawn (SVG outputs), where the notebook shows any
    figures = sum("image/svg+xml" in o.get("data", {}) for c in code for o in c.outputs)
    assert figures >= path.read_text(encoding="utf-8").count("show(charts."), path.name
    assert path.read_bytes() == before  # the run happened in memory and in tmp_path


@pytest.mark.notebooks
def test_a_false_assert_fails_the_run(tmp_path: Path) -> None:
    import jupytext
    from nbclient.exceptions import CellExecutionError

    nb = jupytext.reads(
        "# %%\nimport alsodds as M\n\n# %%\nassert M.query(M.load_model(), {}).posterior > 1\n",
        fmt="py:percent",
    )
    with pytest.raises(CellExecutionError, match="AssertionError"):
        _execute(nb, tmp_path)
