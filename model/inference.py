"""The public inference API: a compiled model, answers, and what they do to P(query).

Everything here is computed by the batched engine (:mod:`alsodds.engine`); pgmpy is only the
reference engine in tests and the route to standard file formats (:mod:`alsodds.network`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from alsodds import engine
from alsodds.errors import EvidenceError
from alsodds.spec import NetworkSpec, default_priors_path, load_spec
from alsodds.tables import FloatArray, ParameterSet, Structure, build_tables, structure_of

#: The answer that turns a finding into soft evidence.
NOT_SURE = "not_sure"

#: An answer as users give it: a state name, ``"not_sure"``, or a likelihood per state.
AnswerInput = str | Mapping[str, float]


@dataclass(frozen=True)
class Answer:
    """One validated answer: a hard state, "not sure", or an explicit likelihood per state."""

    node: str
    state: str | None = None
    likelihood: tuple[float, ...] | None = None

    @property
    def is_hard(self) -> bool:
        return self.state is not None and self.state != NOT_SURE

    @property
    def label(self) -> str:
        if self.state is not None:
            return self.state
        return "soft"


Answers = Mapping[str, Answer]


@dataclass(frozen=True, eq=False)
class Model:
    """A validated network with its parameters; immutable, safe to share between sessions."""

    spec: NetworkSpec
    source: str = "<spec>"

    @cached_property
    def structure(self) -> Structure:
        return structure_of(self.spec)

    @cached_property
    def params(self) -> ParameterSet:
        return ParameterSet.from_spec(self.spec)

    @cached_property
    def point(self) -> FloatArray:
        return self.params.point()

    @cached_property
    def tables(self) -> dict[str, FloatArray]:
        return build_tables(self.spec, self.point, self.params)

    @property
    def query_node(self) -> str:
        return self.spec.query.node

    @property
    def query_index(self) -> int:
        return self.spec.nodes[self.query_node].states.index(self.spec.query.state)


def load_model(path: str | Path | None = None) -> Model:
    """Load a priors file (the bundled default if ``path`` is None) into a :class:`Model`."""
    p = Path(path) if path is not None else default_priors_path()
    return Model(load_spec(p), source=p.name)


# --------------------------------------------------------------------------- answers
def present_state(spec: NetworkSpec, node: str) -> str:
    """The state a "not sure" answer leans towards: the state the node's causes produce."""
    leaning = spec.nodes[node].distribution.leaning_state(spec.nodes[node])
    if spec.nodes[node].allow_not_sure and leaning is not None:
        return leaning
    raise EvidenceError(
        f"'{node}' cannot be answered '{NOT_SURE}'; choose one of {', '.join(spec.nodes[node].states)}"
    )


def parse_answers(spec: NetworkSpec, answers: Mapping[str, AnswerInput]) -> dict[str, Answer]:
    """Validate answers against the network.

    Raises
    ------
    EvidenceError
        Naming the bad node or state and the valid choices.
    """
    out: dict[str, Answer] = {}
    for node, given in answers.items():
        if node in spec.retired:
            raise EvidenceError(f"'{node}' is no longer asked: {spec.retired[node]}")
        if node not in spec.nodes or not spec.nodes[node].answerable:
            valid = ", ".join(spec.answerable)
            raise EvidenceError(f"unknown node {node!r}; valid nodes: {valid}")
        states = spec.nodes[node].states
        if isinstance(given, str):
            if given == NOT_SURE:
                present_state(spec, node)
            elif given not in states:
                choices = [*states, NOT_SURE] if _allows_not_sure(spec, node) else list(states)
                raise EvidenceError(
                    f"'{node}' has no state '{given}'; valid states: {', '.join(choices)}"
                )
            out[node] = Answer(node, state=given)
            continue
        if not isinstance(given, Mapping) or set(given) - set(states):
            raise EvidenceError(
                f"soft evidence for '{node}' must map its states ({', '.join(states)}) to likelihoods"
            )
        try:
            vec = tuple(float(given.get(s, 0.0)) for s in states)
        except (TypeError, ValueError, OverflowError):
            raise EvidenceError(f"soft evidence for '{node}' must be numbers") from None
        if not all(np.isfinite(v) and v >= 0 for v in vec) or max(vec) <= 0:
            raise EvidenceError(
                f"soft evidence for '{node}' needs finite likelihoods >= 0, not all zero; got {vec}"
            )
        # Only ratios matter; scaling by the largest keeps tiny likelihoods from underflowing.
        top = max(vec)
        out[node] = Answer(node, likelihood=tuple(v / top for v in vec))
    _check_applies(spec, out)
    return out


def _allows_not_sure(spec: NetworkSpec, node: str) -> bool:
    n = spec.nodes[node]
    return n.allow_not_sure and n.distribution.leaning_state(n) is not None


def _check_applies(spec: NetworkSpec, answers: Mapping[str, Answer]) -> None:
    """Refuse an answer to a question that the other answers rule out (e.g. where the
    twitching is, from someone who said they do not twitch)."""
    for node, answer in answers.items():
        for other, states in spec.nodes[node].applies_when.items():
            given = answers.get(other)
            if given is not None and given.is_hard and given.state not in states:
                raise EvidenceError(
                    f"'{node}={answer.label}' contradicts '{other}={given.label}': "
                    f"{node} is asked only when {other} is {' or '.join(states)}"
                )


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """Turn ``["weakness=yes", ...]`` into a dict, rejecting malformed items and any id
    given twice (keeping either answer would silently drop the other)."""
    out: dict[str, str] = {}
    for item in items:
        node, sep, state = item.partition("=")
        if not sep or not node.strip() or not state.strip():
            raise EvidenceError(f"expected ID=STATE, got '{item}'")
        node, state = node.strip(), state.strip()
        if node in out:
            raise EvidenceError(
                f"'{node}' is answered twice ('{out[node]}' and '{state}'); "
                "give one answer per question"
            )
        out[node] = state
    return out


# --------------------------------------------------------------------------- core numbers
def answer_vector(model: Model, answer: Answer, theta: FloatArray) -> FloatArray:
    """Likelihood of one answer over its node's states: ``(N, card)``, or ``(1, card)``
    when it does not depend on the parameters (everything but "not sure")."""
    states = model.spec.nodes[answer.node].states
    if answer.likelihood is not None:
        return np.asarray(answer.likelihood, dtype=np.float64)[None, :]
    if answer.state == NOT_SURE:
        ratio = theta[:, model.params.index["soft_evidence.not_sure_ratio"]]
        rows = np.ones((theta.shape[0], len(states)))
        rows[:, states.index(present_state(model.spec, answer.node))] = ratio
        return rows
    assert answer.state is not None
    row = np.zeros((1, len(states)))
    row[0, states.index(answer.state)] = 1.0
    return row


def _likelihood_rows(
    model: Model, sets: Sequence[Answers], node: str, theta: FloatArray
) -> FloatArray:
    vectors: dict[Answer, FloatArray] = {}
    for s in sets:
        a = s.get(node)
        if a is not None and a not in vectors:
            vectors[a] = answer_vector(model, a, theta)
    n_draws = max(v.shape[0] for v in vectors.values())
    rows = np.ones((n_draws, len(sets), model.structure.card(node)))
    for e, s in enumerate(sets):
        a = s.get(node)
        if a is not None:
            rows[:, e, :] = vectors[a]
    return rows if n_draws > 1 else rows[0]


def posterior_from_evidence(
    model: Model,
    evidence: Mapping[str, FloatArray],
    n_sets: int,
    theta: FloatArray | None = None,
    tables: Mapping[str, FloatArray] | None = None,
    on_impossible: engine.OnImpossible = "raise",
) -> tuple[FloatArray, FloatArray]:
    """(P(not query state | e), P(query state | e)) ``(N, E, 2)`` and ``log P(e)`` ``(N, E)``.

    From likelihood arrays already built (see :mod:`engine`); no product underflows.
    """
    theta = model.point if theta is None else theta
    if tables is None and theta is model.point:
        tables = model.tables
    elif tables is None:
        # Only the query's and the answered nodes' ancestors matter, sliced to the hard
        # answers: once for all sets, or once per set when that builds fewer entries.
        groups = engine.table_groups(model.structure, model.query_node, evidence, len(theta))
        if len(groups) > 1:
            parts = [
                posterior_from_evidence(model, g.evidence, 1, theta, None, on_impossible)
                for g in groups
            ]
            order = np.argsort([e for g in groups for e in g.sets])
            post = np.concatenate([p for p, _ in parts], axis=1)[:, order]
            logz = np.concatenate([z for _, z in parts], axis=1)[:, order]
            return post, logz
        tables = build_tables(model.spec, theta, model.params, groups[0].needed, groups[0].fixed)
    if not evidence:
        # No answers anywhere: a neutral likelihood on the query keeps one row per set.
        evidence = {model.query_node: np.ones((n_sets, model.structure.card(model.query_node)))}
    post, logz = engine.log_joint(
        model.structure, tables, model.query_node, evidence, on_impossible=on_impossible
    )
    k = model.query_index
    return np.stack([post.sum(axis=2) - post[:, :, k], post[:, :, k]], axis=2), logz


def joint_from_evidence(
    model: Model,
    evidence: Mapping[str, FloatArray],
    n_sets: int,
    theta: FloatArray | None = None,
    tables: Mapping[str, FloatArray] | None = None,
) -> FloatArray:
    """Like :func:`joint_matrix`, from likelihood arrays already built (see :mod:`engine`)."""
    post, logz = posterior_from_evidence(model, evidence, n_sets, theta, tables, "zero")
    out: FloatArray = post * np.exp(logz)[..., None]
    return out


def evidence_of(model: Model, sets: Sequence[Answers], theta: FloatArray) -> dict[str, FloatArray]:
    """The engine's likelihood arrays of some answer sets: node -> ``(E, card)``, or
    ``(N, E, card)`` for a node whose "not sure" likelihood depends on the draws."""
    nodes = sorted({n for s in sets for n in s}, key=model.structure.nodes.index)
    return {n: _likelihood_rows(model, sets, n, theta) for n in nodes}


def joint_matrix(
    model: Model,
    sets: Sequence[Answers],
    theta: FloatArray | None = None,
    tables: Mapping[str, FloatArray] | None = None,
) -> FloatArray:
    """``P(query state, evidence_e)`` and its complement: shape ``(N, E, 2)``.

    Axis 2 holds (P(not query state, e), P(query state, e)); evidence of probability zero
    gives a row of zeros.
    """
    theta = model.point if theta is None else theta
    return joint_from_evidence(model, evidence_of(model, sets, theta), len(sets), theta, tables)


def log_odds_from_joint(j: FloatArray) -> FloatArray:
    """Log-odds of the query state from a ``(..., 2)`` joint."""
    with np.errstate(divide="ignore"):
        out: FloatArray = np.log(j[..., 1]) - np.log(j[..., 0])
    return out


def log_odds_matrix(
    model: Model, sets: Sequence[Answers], theta: FloatArray | None = None
) -> FloatArray:
    """Posterior log-odds of the query state for each draw and evidence set, ``(N, E)``.

    Raises
    ------
    EvidenceError
        If a set has probability zero under some draw.
    """
    theta = model.point if theta is None else theta
    post, _ = posterior_from_evidence(model, evidence_of(model, sets, theta), len(sets), theta)
    return log_odds_from_joint(post)


def posterior_matrix(
    model: Model, sets: Sequence[Answers], theta: FloatArray | None = None
) -> FloatArray:
    """Posterior P(query state | evidence_e) for each draw and evidence set, ``(N, E)``.

    Raises
    ------
    EvidenceError
        If a set has probability zero under some draw.
    """
    theta = model.point if theta is None else theta
    post, _ = posterior_from_evidence(model, evidence_of(model, sets, theta), len(sets), theta)
    out: FloatArray = post[:, :, 1]
    return out


def posterior_and_evidence(
    model: Model, sets: Sequence[Answers], theta: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """(P(not query state | e), P(query state | e)) ``(N, E, 2)`` and ``log P(e)`` ``(N, E)``.

    Evidence of probability zero under a draw gives NaN posteriors and ``-inf``; nothing
    underflows however unlikely the evidence (unlike :func:`joint_matrix`, whose absolute
    probabilities can fall below the smallest double).
    """
    theta = model.point if theta is None else theta
    post, logz = posterior_from_evidence(
        model, evidence_of(model, sets, theta), len(sets), theta, on_impossible="zero"
    )
    out: FloatArray = np.where((logz > -np.inf)[..., None], post, np.nan)
    return out, logz


def background_of(model: Model, answers: Answers) -> dict[str, Answer]:
    """The part of the answers that defines the baseline (age, sex, family history...)."""
    return {n: a for n, a in answers.items() if model.spec.nodes[n].role == "background"}


def red_flags_in(model: Model, answers: Answers) -> tuple[list[str], list[str]]:
    """Red flags answered in their flagged state, and those answered "not sure"/soft."""
    hard, unsure = [], []
    for n in model.spec.red_flags:
        a = answers.get(n)
        if a is None:
            continue
        if a.state == model.spec.nodes[n].sign_state:
            hard.append(n)
        elif not a.is_hard:
            unsure.append(n)
    return hard, unsure


# --------------------------------------------------------------------------- query
def odds(p: float) -> float:
    """p / (1 - p), infinite at 1."""
    return float("inf") if p >= 1.0 else p / (1.0 - p)


@dataclass(frozen=True)
class QueryResult:
    """What a set of answers does to P(query).

    Attributes
    ----------
    posterior, baseline
        P(ALS | all answers) and P(ALS | background answers only): the baseline is people
        of the same background *whatever their symptoms*, not people without symptoms.
    no_symptoms
        P(ALS | background answers and every symptom question answered "absent").
    likelihood_ratios
        For each answer: odds with it / odds without it, the others kept.
    red_flags, uncertain_red_flags
        Red-flag findings answered in their flagged state, or answered "not sure".
    """

    posterior: float
    baseline: float
    log_odds: float
    baseline_log_odds: float
    likelihood_ratios: dict[str, float]
    red_flags: list[str]
    uncertain_red_flags: list[str]
    answers: dict[str, str] = field(default_factory=dict)
    no_symptoms: float = float("nan")

    @property
    def odds(self) -> float:
        return odds(self.posterior)

    @property
    def baseline_odds(self) -> float:
        return odds(self.baseline)

    @property
    def odds_ratio_vs_baseline(self) -> float:
        return float(np.exp(self.log_odds - self.baseline_log_odds))

    @property
    def per_100k(self) -> float:
        return self.posterior * 100_000

    @property
    def baseline_per_100k(self) -> float:
        return self.baseline * 100_000

    def to_dict(self) -> dict[str, Any]:
        return {
            "posterior": self.posterior,
            "baseline": self.baseline,
            "odds": self.odds,
            "baseline_odds": self.baseline_odds,
            "odds_ratio_vs_baseline": self.odds_ratio_vs_baseline,
            "per_100k": self.per_100k,
            "baseline_per_100k": self.baseline_per_100k,
            "no_symptoms": self.no_symptoms,
            "likelihood_ratios": self.likelihood_ratios,
            "red_flags": self.red_flags,
            "uncertain_red_flags": self.uncertain_red_flags,
            "answers": self.answers,
        }


def query(model: Model, answers: Mapping[str, AnswerInput]) -> QueryResult:
    """Posterior, baseline and the likelihood ratio of each answer in context.

    Parameters
    ----------
    model
        A loaded model.
    answers
        node id -> state name, ``"not_sure"``, or ``{state: likelihood}``.

    Examples
    --------
    >>> m = load_model()
    >>> r = query(m, {"age_band": "30_44", "fasciculations": "yes", "weakness": "no"})
    >>> 0 < r.posterior < r.baseline * 10
    True
    """
    parsed = parse_answers(model.spec, answers)
    items = list(parsed)
    background = background_of(model, parsed)
    sets: list[Answers] = [parsed, background, {**background, **symptom_free(model)}]
    sets += [{n: a for n, a in parsed.items() if n != item} for item in items]
    j = joint_matrix_or_conflict(model, sets, parsed)
    lo = log_odds_from_joint(j)
    post = j[:3, 1] / j[:3].sum(axis=1)
    hard, unsure = red_flags_in(model, parsed)
    return QueryResult(
        posterior=float(post[0]),
        baseline=float(post[1]),
        log_odds=float(lo[0]),
        baseline_log_odds=float(lo[1]),
        likelihood_ratios={item: float(np.exp(lo[0] - lo[3 + i])) for i, item in enumerate(items)},
        red_flags=hard,
        uncertain_red_flags=unsure,
        answers={n: a.label for n, a in parsed.items()},
        no_symptoms=float(post[2]),
    )


def symptom_free(model: Model) -> dict[str, Answer]:
    """Every symptom question answered with its "absent" state (the no-symptom reference)."""
    return {
        n: Answer(n, state=node.absent_state)
        for n, node in model.spec.nodes.items()
        if node.absent_state is not None
    }


def joint_matrix_or_conflict(model: Model, sets: Sequence[Answers], parsed: Answers) -> FloatArray:
    """:func:`joint_matrix` for one draw, refusing answers the network rules out.

    When the answers together have probability zero, the error names the smallest group of
    answers (a pair where one exists) that conflict, never a silently scored number.
    """
    j: FloatArray = joint_matrix(model, sets)[0]
    if j[0].sum() > 0:
        return j
    names = list(parsed)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    singles = [{n: parsed[n]} for n in names]
    jp = joint_matrix(model, [*singles, *({a: parsed[a], b: parsed[b]} for a, b in pairs)])[0]
    mass = jp.sum(axis=1)
    bad = [names[i] for i in range(len(names)) if not mass[i] > 0]
    if not bad:
        bad = next(
            ([a, b] for k, (a, b) in enumerate(pairs) if not mass[len(names) + k] > 0), names
        )
    shown = ", ".join(f"{n}={parsed[n].label}" for n in bad)
    raise EvidenceError(
        f"these answers cannot all be true under the priors ({shown}); change one of them"
    )
