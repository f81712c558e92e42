"""The test suite. Also registers the hypothesis profile for mutation testing.

``--hypothesis-profile=mutation`` (used by ``[tool.mutmut]`` in pyproject.toml): few,
derandomised examples, so every mutant's verdict is quick and the same on every run. The
``dev`` and ``ci`` profiles are registered in ``tests/conftest.py``.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mutation",
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
