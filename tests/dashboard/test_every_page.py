"""What every page must do: the disclaimer, no '1 in X' figure, no denial wording."""

from __future__ import annotations

import pytest

from alsodds import load_model
from tests.dashboard.conftest import DENIAL, PAGES, bad_ratios, make_app, rendered_text

SITUATIONS = [
    {},
    {"age_band": "30_44", "fasciculations": "yes", "stress": "yes"},
    # large numbers too (thousands in 100,000) and a soft answer
    {
        "age_band": "65_74",
        "weakness": "yes",
        "atrophy": "yes",
        "emg": "abnormal",
        "bulbar": "yes",
        "progression": "yes",
        "twitch_spread": "several_areas",
        "cramps": "not_sure",
    },
]


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("answers", SITUATIONS, ids=["none", "twitching", "red-flags"])
def test_disclaimer_and_fixed_denominator(page: str, answers: dict[str, str]) -> None:
    model = load_model()
    at = make_app(answers, page)
    disclaimer = model.spec.messages.disclaimer
    assert any(disclaimer in i.value for i in at.info), "disclaimer missing"
    text = rendered_text(at)
    assert not bad_ratios(text), bad_ratios(text)
    assert "100,000" in text
    assert not DENIAL.findall(text)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_runs_without_error_and_keeps_answers_in_the_url(page: str) -> None:
    answers = {"age_band": "55_64", "fasciculations": "yes"}
    at = make_app(answers, page)
    assert not at.exception
    assert at.query_params == answers
