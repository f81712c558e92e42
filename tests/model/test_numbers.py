"""How numbers are written for people: whole people, one denominator, two significant
figures, no scientific notation, an honest floor."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from alsodds.numbers import (
    DENOMINATORS,
    FLOOR,
    SMALLEST_COUNT,
    People,
    denominator_words,
    people,
    plain_number,
    times,
)

#: Scientific notation in any form: "1.9e-05", "1E+02", "4e6".
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")
#: A count with a fractional part: "0.36 in", "1.9 in".
FRACTION_OF_A_PERSON = re.compile(r"\d\.\d+ in ")

probability = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
#: Includes subnormals and values far below the floor, where formatting used to break.
tiny = st.floats(min_value=0.0, max_value=1e-4, allow_nan=False, allow_subnormal=True)
any_probability = st.one_of(probability, tiny)
denominator = st.sampled_from(DENOMINATORS)


def rank(x: People) -> int:
    return -1 if x.count is None else x.count


@given(st.lists(any_probability, min_size=1, max_size=6))
@example([1.9e-10, 4.2e-11, 1.2e-9])
@example([0.27963, 0.0708, 0.54605, 0.0000319])
@example([0.0, 1.0])
def test_numbers_shown_together_share_one_denominator_of_whole_people(ps: list[float]) -> None:
    shown = people(ps)
    assert len(shown) == len(ps)
    assert len({x.denominator for x in shown}) == 1
    d = shown[0].denominator
    assert d in DENOMINATORS
    for p, x in zip(ps, shown, strict=True):
        assert x.probability == p
        assert not SCIENTIFIC.search(x.text), x.text
        assert not FRACTION_OF_A_PERSON.search(x.text), x.text
        if x.count is None:
            assert x.text == f"fewer than 1 in {denominator_words(d)}"
            assert p * d < 1 or p < FLOOR
        else:
            assert isinstance(x.count, int)
            assert x.count >= 1
            assert str(f"{x.count:,}") in x.text or x.text.startswith("more than")
    # the denominator is the smallest that shows every supported value as enough whole people
    supported = [p for p in ps if p >= FLOOR]
    if supported and d != DENOMINATORS[-1]:
        assert min(supported) * d >= SMALLEST_COUNT * (1 - 1e-9)
        smaller = DENOMINATORS[DENOMINATORS.index(d) - 1] if d != DENOMINATORS[0] else None
        if smaller is not None:
            assert min(supported) * smaller < SMALLEST_COUNT


@given(any_probability, any_probability, denominator)
@example(0.0000229, 0.0000231, 100_000)
@example(0.0949, 0.0951, 100)
def test_monotone_at_a_fixed_denominator(a: float, b: float, d: int) -> None:
    lo, hi = sorted((a, b))
    x, y = people([lo, hi], denominator=d)
    assert rank(x) <= rank(y)


@given(probability, denominator)
def test_counts_have_two_significant_figures_and_stay_close(p: float, d: int) -> None:
    (x,) = people(p, denominator=d)
    if x.count is None or x.text.startswith("more than"):
        return
    digits = str(x.count).rstrip("0")
    assert len(digits) <= 2
    # two significant figures move a count by at most 5 %; whole people by at most a half
    assert abs(x.count - p * d) <= max(0.05 * p * d, 0.5) + 1e-9


@given(any_probability)
def test_percent_only_at_one_percent_and_above(p: float) -> None:
    (x,) = people(p)
    if p >= 0.01:
        assert x.percent is not None
        assert x.percent.endswith("%")
        assert not SCIENTIFIC.search(x.percent)
        assert x.in_words == f"{x.text} ({x.percent})"
    else:
        assert x.percent is None
        assert "%" not in x.in_words


def test_the_floor_is_said_honestly() -> None:
    assert people(1.9e-10)[0].text == "fewer than 1 in 10 million"
    assert people(0.0)[0].text == "fewer than 1 in 10 million"
    assert people(FLOOR)[0].text == "about 1 in 10 million"
    # a chosen denominator that cannot show a whole person says so in its own units
    assert people(3.6e-6, denominator=100_000)[0].text == "fewer than 1 in 100,000"


def test_no_certainty_the_model_does_not_give() -> None:
    (x,) = people(0.9996)
    assert x.text == "more than 99 in 100"
    assert x.percent == "more than 99%"


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_out_of_range_probabilities_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        people(bad)


def test_denominator_words() -> None:
    assert [denominator_words(d) for d in DENOMINATORS] == [
        "100",
        "1,000",
        "10,000",
        "100,000",
        "1 million",
        "10 million",
    ]


@given(
    st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True).filter(
        lambda v: abs(v) < 1e30
    )
)
@example(8759.2)
@example(1.2e-12)
@example(99.96)
def test_plain_numbers_never_use_scientific_notation(v: float) -> None:
    text = plain_number(v)
    assert not SCIENTIFIC.search(text), text
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?", text), text
    back = float(text.replace(",", ""))
    assert abs(back - v) <= 0.05 * abs(v) + 1e-300


def test_multipliers() -> None:
    assert times(8759.0) == "×8,800"
    assert times(0.153) == "×0.15"
    assert times(1.0) == "×1"
