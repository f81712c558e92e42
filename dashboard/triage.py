"""What a person should do next, decided before any number is shown.

A reported warning sign changes the whole page: seeing a doctor promptly, and what the
doctor will do, come first, and lifestyle steps are not offered beside it. Questions whose
answer the other answers already settle are never suggested. Pure functions over the API's
results, so they can be tested without a browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from alsodds import NetworkSpec, QueryResult, QuestionValue

#: What a doctor usually does when a warning sign is reported (general clinical practice,
#: not specific to any one disease).
DOCTOR_STEPS: tuple[str, ...] = (
    "See a doctor promptly, whatever the number on this page says. Tell them which warning "
    "signs you noticed, when each started and whether it is changing.",
    "The doctor will examine you: strength, reflexes, muscle bulk, sensation and how you "
    "walk and speak.",
    "They may arrange blood tests (for example thyroid, vitamin B12, salts such as "
    "magnesium and calcium, and a muscle enzyme) and an EMG, a test of how nerves and "
    "muscles work, often with nerve conduction studies.",
    "Many causes of these signs are treatable, such as a trapped nerve, thyroid or vitamin "
    "problems or side effects of medicines; an examination is how they are found.",
)
#: A question is not suggested when one answer is this likely already (it is implied).
IMPLIED = 0.99

Kind = Literal["red_flag", "unsure", "routine"]


@dataclass(frozen=True)
class Steps:
    """The next steps to show, in order, with the kind of situation they answer."""

    kind: Kind
    title: str
    lines: tuple[str, ...]


def next_steps(
    spec: NetworkSpec, result: QueryResult | None, answered_red_flags: Sequence[str] = ()
) -> Steps:
    """Doctor first when a warning sign is reported; otherwise the priors' everyday steps.

    ``answered_red_flags`` lets a page that could not score the answers (contradictory
    answers) still put the doctor first for a reported warning sign.
    """
    flags = list(result.red_flags) if result is not None else list(answered_red_flags)
    if flags:
        return Steps("red_flag", "Next steps: see a doctor promptly", DOCTOR_STEPS)
    lines = tuple(spec.messages.next_steps)
    if result is not None and result.uncertain_red_flags:
        return Steps("unsure", "Next steps", (spec.messages.uncertain_red_flag, *lines))
    return Steps("routine", "Next steps", lines)


def reported_red_flags(spec: NetworkSpec, answers: dict[str, str] | None) -> list[str]:
    """Red-flag questions answered in their flagged state (read from the spec alone)."""
    answers = answers or {}
    return [n for n in spec.red_flags if answers.get(n) == spec.nodes[n].sign_state]


def useful_questions(ranked: Sequence[QuestionValue]) -> list[QuestionValue]:
    """The ranked questions without those whose answer is already implied or impossible:
    one answer almost certain, an answer with no chance, or an undefined result."""
    out = []
    for q in ranked:
        probs = [o.probability for o in q.outcomes]
        finite = all(0.0 <= o.posterior <= 1.0 for o in q.outcomes)
        if finite and all(0.0 < p < IMPLIED for p in probs):
            out.append(q)
    return out
