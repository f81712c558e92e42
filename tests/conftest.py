"""Shared fixtures and the hypothesis profiles (`ci` derandomized, `search` random and long, `dev` quick)."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, settings

from alsodds.inference import Model, load_model

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
# CI: the same examples on every run and no example database, so a submission cannot fail
# by chance. Anything new is found by `make search` and pinned here with @example.
settings.register_profile(
    "ci",
    max_examples=400,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=_QUIET,
    print_blob=True,
)
# `make search`: random exploration with many examples; run it before submitting.
settings.register_profile(
    "search", max_examples=4000, deadline=None, suppress_health_check=_QUIET, print_blob=True
)
settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=_QUIET)
settings.register_profile(
    "mutation",
    max_examples=15,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=_QUIET,
)
settings.load_profile("dev")

# pgmpy announces API moves with FutureWarnings at import time; they are not ours to fix.
warnings.filterwarnings("ignore", category=FutureWarning, module=r"pgmpy\..*")


@pytest.fixture(scope="session")
def model() -> Model:
    """The bundled default model (immutable, shared)."""
    return load_model()
