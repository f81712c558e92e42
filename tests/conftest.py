"""Shared fixtures and the hypothesis profiles (`dev` quick, `ci` thorough)."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, settings

from model.inference import Model, load_model

settings.register_profile(
    "ci",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "dev",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "mutation",
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("dev")

# pgmpy announces API moves with FutureWarnings at import time; they are not ours to fix.
warnings.filterwarnings("ignore", category=FutureWarning, module=r"pgmpy\..*")


@pytest.fixture(scope="session")
def model() -> Model:
    """The bundled default model (immutable, shared)."""
    return load_model()
