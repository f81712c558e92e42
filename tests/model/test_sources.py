"""Every source key a priors or targets file uses is defined, and every defined source is used.

Read as plain YAML: a key counts as cited only where it stands as a `source` (alone or in a
list), not where an `assumption:` text mentions it in passing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from alsodds.spec import default_priors_path
from alsodds.validation import default_targets_path

FILES = {"priors": default_priors_path(), "validation targets": default_targets_path()}
ASSUMPTION = "assumption:"


def cited(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(field path, source entry) for every `source` field anywhere in the parsed file."""
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{where}.{key}" if where else str(key)
            if key == "source" and where != "" and not isinstance(value, dict):
                for entry in [value] if isinstance(value, str) else value:
                    yield path, entry
            elif key != "sources":
                yield from cited(value, path)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from cited(item, f"{where}.{i}")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("name", list(FILES))
def test_every_source_key_is_defined(name: str) -> None:
    data = _load(FILES[name])
    defined = set(data["sources"])
    unknown = [
        f"{path}: {entry}"
        for path, entry in cited(data)
        if not entry.startswith(ASSUMPTION) and entry not in defined
    ]
    assert not unknown, f"{name}: source keys not in the sources table: {unknown}"


@pytest.mark.parametrize("name", list(FILES))
def test_every_defined_source_is_cited(name: str) -> None:
    data = _load(FILES[name])
    used = {entry for _, entry in cited(data)}
    unused = sorted(set(data["sources"]) - used)
    assert not unused, f"{name}: defined but never cited as a source key: {unused}"


@pytest.mark.parametrize("name", list(FILES))
def test_every_assumption_gives_its_reasoning(name: str) -> None:
    short = [
        path
        for path, entry in cited(_load(FILES[name]))
        if entry.startswith(ASSUMPTION) and len(entry[len(ASSUMPTION) :].strip()) < 10
    ]
    assert not short, f"{name}: assumptions without reasoning at {short}"


def test_the_source_walker_finds_keys_in_lists_and_strings() -> None:
    data = {
        "sources": {"a": "A", "b": "B"},
        "nodes": {"x": {"p": {"value": 1, "source": ["a", "assumption: because of b"]}}},
        "rows": [{"source": "b"}],
    }
    assert sorted(cited(data)) == [
        ("nodes.x.p.source", "a"),
        ("nodes.x.p.source", "assumption: because of b"),
        ("rows.0.source", "b"),
    ]
