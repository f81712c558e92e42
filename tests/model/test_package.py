"""The package's public names: every one resolves, and importing the package stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import alsodds


def test_every_public_name_resolves_to_the_object_its_module_defines() -> None:
    import importlib

    for name in alsodds.__all__:
        home = importlib.import_module(alsodds._HOME[name])
        assert getattr(alsodds, name) is getattr(home, name), name
    assert sorted(alsodds.__all__) == sorted(alsodds._HOME)


def test_an_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        alsodds.no_such_name  # noqa: B018


def test_importing_the_package_and_querying_loads_no_explanation_modules() -> None:
    code = (
        "import sys, alsodds\n"
        "alsodds.query(alsodds.load_model(), {'fasciculations': 'yes'})\n"
        "heavy = ['alsodds.explain', 'alsodds.uncertainty', 'alsodds.validation', 'pandas']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
