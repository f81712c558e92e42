"""Watchful waiting: what happens to P(query) if nothing new appears over the coming months.

The priors' ``watch`` section names the duration question and the answers that "nothing
new" adds (no weakness, no worsening, ...). For each horizon the duration answer moves on
by that many months and those answers are added; the network then gives P(query) at that
point. The chance that a warning sign appears meanwhile combines two parts: with the query
condition, the share of people like you who would no longer have "nothing new" by then
(read from the network's own duration profile, a steady-state approximation), and without
it a small monthly background chance from the priors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from alsodds.errors import EvidenceError, RequestError
from alsodds.inference import (
    Answer,
    AnswerInput,
    Answers,
    Model,
    joint_matrix_or_conflict,
    parse_answers,
    red_flags_in,
)

#: Horizons, in months, shown by default.
DEFAULT_MONTHS = (1, 3, 6, 12)


@dataclass(frozen=True)
class WatchPoint:
    """One horizon of watchful waiting."""

    months: float
    duration: str
    posterior: float
    new_sign_chance: float


@dataclass(frozen=True)
class WatchResult:
    """P(query) now, and if nothing new appears over each horizon."""

    now: float
    duration: str
    points: tuple[WatchPoint, ...]
    watch_for: tuple[str, ...]
    #: P(query) now if the "nothing new" answers hold today as well.
    now_nothing_new: float = float("nan")

    def to_dict(self) -> dict[str, object]:
        return {
            "now": self.now,
            "now_nothing_new": self.now_nothing_new,
            "duration": self.duration,
            "watch_for": list(self.watch_for),
            "points": [
                {
                    "months": p.months,
                    "duration": p.duration,
                    "posterior": p.posterior,
                    "new_sign_chance": p.new_sign_chance,
                }
                for p in self.points
            ],
        }


def band_after(edges: Mapping[str, float], current: str, months: float) -> str:
    """The duration band reached ``months`` after the start of band ``current``."""
    target = edges[current] + months
    return [state for state, edge in edges.items() if edge <= target][-1]


def watchful_waiting(
    model: Model, answers: Mapping[str, AnswerInput], months: Sequence[float] = DEFAULT_MONTHS
) -> WatchResult:
    """P(query) now and if nothing new appears over each of ``months``.

    Parameters
    ----------
    model
        A loaded model whose priors have a ``watch`` section.
    answers
        The current answers; they must include the duration question and no warning sign
        (with a warning sign the advice is to see a doctor, not to wait).
    months
        Horizons in months (each > 0).

    Raises
    ------
    RequestError
        If the priors define no watch section, a warning sign is reported, or a horizon is
        not positive.
    EvidenceError
        If the duration is not answered or an answer contradicts "nothing new".
    """
    w = model.spec.watch
    if w is None:
        raise RequestError("these priors define no watchful-waiting section (watch)")
    if not months or any(not m > 0 for m in months):
        raise RequestError(f"horizons must be positive numbers of months, got {list(months)}")
    parsed = parse_answers(model.spec, answers)
    hard, _ = red_flags_in(model, parsed)
    if hard:
        raise RequestError(
            "watchful waiting is for people without a warning sign; with "
            f"{', '.join(hard)} reported, see a doctor promptly"
        )
    current = parsed.get(w.duration)
    if current is None or not current.is_hard or current.state is None:
        states = ", ".join(model.spec.nodes[w.duration].states)
        raise EvidenceError(f"watchful waiting needs an answer to '{w.duration}' ({states})")
    for node, state in w.nothing_new.items():
        given = parsed.get(node)
        if given is not None and given.is_hard and given.state != state:
            raise EvidenceError(
                f"'{node}={given.label}' is itself something new; watchful waiting assumes {node}={state}"
            )
    nothing_new = {n: Answer(n, state=s) for n, s in w.nothing_new.items()}
    others = {n: a for n, a in parsed.items() if n != w.duration and n not in nothing_new}
    bands = [current.state, *(band_after(w.months, current.state, m) for m in months)]

    def at(band: str, with_nothing_new: bool) -> Answers:
        extra = nothing_new if with_nothing_new else {}
        return {**others, **extra, w.duration: Answer(w.duration, state=band)}

    sets: list[Answers] = [parsed]
    sets += [at(b, True) for b in bands]
    sets += [at(b, False) for b in bands]
    j = joint_matrix_or_conflict(model, sets, parsed)
    k = len(bands)
    posterior = j[:, 1] / j.sum(axis=1)
    # Among people with the query condition and these answers, the share who still have
    # nothing new at each duration band.
    still = j[1 : 1 + k, 1] / j[1 + k :, 1]
    p_now = float(posterior[1])
    b = w.background_new_sign.value
    points = []
    for i, m in enumerate(months, start=1):
        survive = min(1.0, float(still[i] / still[0])) if still[0] > 0 else 1.0
        chance = p_now * (1.0 - survive) + (1.0 - p_now) * (1.0 - (1.0 - b) ** m)
        points.append(WatchPoint(float(m), bands[i], float(posterior[1 + i]), chance))
    watch_for = tuple(model.spec.nodes[n].label for n in w.nothing_new)
    return WatchResult(
        float(posterior[0]), current.state, tuple(points), watch_for, float(posterior[1])
    )
