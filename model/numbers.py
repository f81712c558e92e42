"""Numbers for people: the one place that decides how a probability is written.

The rules (risk communication):

- whole people out of one denominator for every number shown together (a result, its
  reference and its interval), never a fraction of a person;
- at most two significant figures, never scientific notation;
- a percentage only at 1 % and above (below that a percentage such as "0.003 %" is hard to
  picture and easy to misread);
- below what the data can support, an honest floor ("fewer than 1 in 10 million") instead of
  a precise-looking tiny number.

:func:`people` applies them to probabilities; :func:`plain_number` writes any other number a
person reads (multipliers on the odds, parameter values, sensitivity indices) with the same
rounding and no scientific notation. The CLI, the dashboard and the notebooks call these and
nothing else to turn a number into words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: Denominators a group of numbers may be written over (powers of ten people).
DENOMINATORS: tuple[int, ...] = (100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000)
#: Below one in ten million the sources cannot support a figure: say "fewer than".
FLOOR: float = 1e-7
#: Significant figures of every number shown.
DIGITS: int = 2
#: The default denominator is large enough that the smallest number shown is this many
#: people (two significant figures in whole people), up to the largest denominator.
SMALLEST_COUNT: int = 10

__all__ = [
    "DENOMINATORS",
    "DIGITS",
    "FLOOR",
    "SMALLEST_COUNT",
    "People",
    "denominator_words",
    "people",
    "plain_number",
    "times",
]


@dataclass(frozen=True)
class People:
    """One probability written as whole people out of a denominator.

    Attributes
    ----------
    probability
        The probability as given.
    denominator
        The size of the imagined crowd (shared by every number shown together).
    count
        Whole people out of ``denominator`` (two significant figures), or ``None`` when fewer
        than one whole person would be shown.
    text
        The words to show, e.g. ``"about 3 in 100,000"``, ``"about 28 in 100"`` or
        ``"fewer than 1 in 10 million"``.
    count_text
        The count alone, e.g. ``"3"``, ``"28,000"`` or ``"fewer than 1"``.
    percent
        ``"28%"`` for probabilities of 1 % and above, else ``None``.
    """

    probability: float
    denominator: int
    count: int | None
    text: str
    count_text: str
    percent: str | None

    @property
    def in_words(self) -> str:
        """The text with the percentage beside it when there is one: "about 28 in 100 (28%)"."""
        return f"{self.text} ({self.percent})" if self.percent else self.text


def denominator_words(denominator: int) -> str:
    """'100,000', '1 million', '10 million' (the crowd's size as people say it)."""
    if denominator >= 1_000_000 and denominator % 1_000_000 == 0:
        return f"{denominator // 1_000_000:,} million"
    return f"{denominator:,}"


def _significant(x: float, digits: int = DIGITS) -> Decimal:
    """``x`` rounded half-up to ``digits`` significant figures, exactly (no float residue)."""
    if x == 0 or not math.isfinite(x):
        return Decimal(0) if x == 0 else Decimal(repr(x))
    d = Decimal(repr(float(x)))
    exponent = d.adjusted() - digits + 1
    return d.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def _positional(d: Decimal) -> str:
    """A Decimal in plain positional notation with thousands separators: '8,800', '0.00012'."""
    text = format(d.normalize(), "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    out = f"{int(whole):,}"
    return f"{sign}{out}.{frac}" if frac else f"{sign}{out}"


def plain_number(x: float, digits: int = DIGITS) -> str:
    """Any number a person reads, with ``digits`` significant figures and no e-notation.

    Examples
    --------
    >>> plain_number(8759.2), plain_number(0.000123), plain_number(1.08), plain_number(0)
    ('8,800', '0.00012', '1.1', '0')
    """
    if not math.isfinite(x):
        return "infinite" if x > 0 else ("minus infinite" if x < 0 else "not a number")
    return _positional(_significant(x, digits))


def times(factor: float) -> str:
    """A multiplier on the odds: '×8,800', '×0.15'."""
    return "×" + plain_number(factor)


def _percent(p: float) -> str | None:
    if p < 0.01:
        return None
    if p < 1.0 and _significant(p * 100) >= 100:
        return "more than 99%"
    return plain_number(p * 100) + "%"


def _smallest_denominator(values: Sequence[float], floor: float) -> int:
    """The smallest denominator at which every value at or above the floor is at least
    :data:`SMALLEST_COUNT` whole people (or the largest denominator)."""
    needed = [p for p in values if p >= floor] or [floor]
    for d in DENOMINATORS:
        # a tiny tolerance so that float rounding cannot push a count just below the mark
        if all(p * d >= SMALLEST_COUNT * (1 - 1e-9) for p in needed):
            return d
    return DENOMINATORS[-1]


def _one(p: float, denominator: int, floor: float) -> People:
    words = denominator_words(denominator)
    expected = p * denominator
    if p < floor or expected < 1 - 1e-9:
        return People(p, denominator, None, f"fewer than 1 in {words}", "fewer than 1", None)
    count = max(1, int(_significant(expected).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    if count >= denominator and p < 1.0:
        # never write a certainty the model does not give
        almost = int(denominator * 0.99)
        return People(
            p,
            denominator,
            count,
            f"more than {almost:,} in {words}",
            f"more than {almost:,}",
            _percent(p),
        )
    return People(p, denominator, count, f"about {count:,} in {words}", f"{count:,}", _percent(p))


def people(
    probabilities: float | Sequence[float],
    *,
    denominator: int | None = None,
    floor: float = FLOOR,
) -> tuple[People, ...]:
    """Write probabilities that are shown together as whole people out of one denominator.

    Parameters
    ----------
    probabilities
        One probability, or several that a person sees side by side (a result, its
        reference and the ends of its interval): they share one denominator.
    denominator
        The crowd size to use (e.g. the population a frequency tree starts from). By
        default the smallest of :data:`DENOMINATORS` at which every value at or above
        ``floor`` is at least :data:`SMALLEST_COUNT` people (two significant figures in
        whole people), or the largest one.
    floor
        Below this probability the text is "fewer than 1 in ..." (the data cannot support
        a smaller figure). The default, 1 in 10 million, matches the largest denominator.

    Returns
    -------
    tuple of People
        One entry per probability, in the order given.

    Raises
    ------
    ValueError
        For a probability outside [0, 1] (or NaN), or a denominator below 1.

    Examples
    --------
    >>> [x.text for x in people([0.28, 0.000031, 0.071, 0.55], denominator=100_000)]
    ['about 28,000 in 100,000', 'about 3 in 100,000', 'about 7,100 in 100,000', 'about 55,000 in 100,000']
    >>> [x.text for x in people([0.000023, 0.000031])]
    ['about 23 in 1 million', 'about 31 in 1 million']
    >>> people(0.28)[0].in_words
    'about 28 in 100 (28%)'
    >>> people(1.9e-10)[0].text
    'fewer than 1 in 10 million'
    """
    raw = [probabilities] if isinstance(probabilities, int | float) else list(probabilities)
    values = [float(p) for p in raw]
    for p in values:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"probability {p!r} is not a number between 0 and 1")
    if denominator is not None and denominator < 1:
        raise ValueError(f"denominator {denominator!r} is not a whole number of people >= 1")
    d = denominator if denominator is not None else _smallest_denominator(values, floor)
    return tuple(_one(p, d, floor) for p in values)
