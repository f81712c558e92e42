"""Run the ``alsodds`` command line in-process and capture what it prints."""

from __future__ import annotations

import sys

import pytest

from alsodds.cli import main


def run_cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``alsodds ARGS``."""
    monkeypatch.setattr(sys, "argv", ["alsodds", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
