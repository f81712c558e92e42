"""docs/validation.md is the generated validation table, and the CLI prints the same rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alsodds.inference import Model
from alsodds.validation import all_passed, load_targets, run_validation, validation_markdown
from tests.cli_run import run_cli as run

DOCS = Path(__file__).resolve().parents[2] / "docs" / "validation.md"
REGENERATE = "alsodds validation --markdown > docs/validation.md"


def test_docs_validation_page_is_current(model: Model) -> None:
    targets = load_targets()
    expected = validation_markdown(targets, run_validation(model, targets), model.source)
    assert DOCS.read_text(encoding="utf-8") == expected, f"stale: run `{REGENERATE}`"


def test_cli_markdown_is_the_docs_page(
    model: Model, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(["validation", "--markdown"], capsys, monkeypatch)
    rows = run_validation(model)
    assert out == validation_markdown(load_targets(), rows, model.source)
    assert code == (0 if all_passed(rows) else 1)


def test_cli_json_is_a_list_of_rows_and_the_exit_code_follows_them(
    model: Model, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["validation", "--json"], capsys, monkeypatch)
    data = json.loads(out)
    rows = run_validation(model)
    assert [d["id"] for d in data] == [r.id for r in rows]
    for d, r in zip(data, rows, strict=True):
        assert {"quantity", "model", "low", "high", "source", "passed"} <= set(d)
        assert d["passed"] == r.passed and d["status"] == r.status
    failed = any(d["passed"] is False or d["status"] == "not_applicable" for d in data)
    assert code == (1 if failed else 0)
    assert err == ""


def test_cli_refuses_a_bad_targets_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "targets.yaml"
    bad.write_text("schema_version: 1\ntitle: t\nintro: i\nsources: {}\nrows: []\n", "utf-8")
    code, out, err = run(["validation", "--targets", str(bad)], capsys, monkeypatch)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "targets.yaml" in err and "rows" in err
