"""Explanations of a result: order-free contributions, which question next, the base rate.

All numbers come from the batched engine in one call per explanation (all 2^k evidence
subsets for Shapley values, every possible next answer for the question ranking).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from alsodds import engine
from alsodds.errors import RequestError
from alsodds.inference import (
    Answer,
    AnswerInput,
    Answers,
    Model,
    QueryResult,
    answer_vector,
    background_of,
    log_odds_from_joint,
    log_odds_matrix,
    parse_answers,
    posterior_and_evidence,
    query,
)
from alsodds.kinds import Rate, Weights
from alsodds.numbers import people, times
from alsodds.tables import FloatArray, build_tables

#: Beyond this many answered findings the 2^k subsets stop being cheap.
MAX_SHAPLEY_PLAYERS = 20


# --------------------------------------------------------------------------- Shapley
@dataclass(frozen=True)
class Contribution:
    """One answer's share of the change in log-odds from the baseline."""

    node: str
    answer: str
    log_odds: float

    @property
    def factor(self) -> float:
        """The same share as a multiplier on the odds."""
        return math.exp(self.log_odds)


@dataclass(frozen=True)
class ShapleyResult:
    """Exact Shapley decomposition of ``posterior log-odds - baseline log-odds``."""

    baseline_log_odds: float
    posterior_log_odds: float
    contributions: tuple[Contribution, ...]

    @property
    def total(self) -> float:
        return self.posterior_log_odds - self.baseline_log_odds


def shapley_weights(k: int) -> FloatArray:
    """Weight of a coalition of size s that excludes the player: s!(k-s-1)!/k!."""
    return np.array(
        [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)]
    )


def shapley_from_values(values: FloatArray) -> FloatArray:
    """Exact Shapley values from a game given on all subsets.

    Parameters
    ----------
    values
        ``values[..., m]`` is the worth of the coalition whose members are the set bits of
        ``m``; the last axis has length ``2**k``.

    Returns
    -------
    ndarray
        ``(..., k)`` Shapley values; they sum to ``values[..., -1] - values[..., 0]``.
    """
    size = values.shape[-1]
    k = size.bit_length() - 1
    if size != 1 << k:
        raise RequestError("the game must give a value for every one of the 2^k coalitions")
    masks = np.arange(size)
    popcount = np.bitwise_count(masks)
    weights = shapley_weights(k) if k else np.zeros(0)
    out = np.zeros((*values.shape[:-1], k))
    for i in range(k):
        without = masks[(masks >> i) & 1 == 0]
        gain = values[..., without | (1 << i)] - values[..., without]
        out[..., i] = (gain * weights[popcount[without]]).sum(axis=-1)
    return out


def subset_log_odds(
    model: Model, answers: Answers, base: Answers, players: list[str]
) -> FloatArray:
    """Log-odds of the query state for ``base + S``, over every subset S of ``players``.

    Entry ``m`` (of ``2^k``) includes player ``i`` when bit ``i`` of ``m`` is set; all
    subsets come from one contraction (:func:`alsodds.engine.subset_log_joint`).
    """
    theta = model.point
    post, _ = engine.subset_log_joint(
        model.structure,
        model.tables,
        model.query_node,
        {n: answer_vector(model, a, theta)[0] for n, a in base.items()},
        {n: answer_vector(model, answers[n], theta)[0] for n in players},
    )
    k = model.query_index
    return log_odds_from_joint(np.stack([post.sum(axis=1) - post[:, k], post[:, k]], axis=1))


def shapley(model: Model, answers: Mapping[str, AnswerInput]) -> ShapleyResult:
    """Order-free contribution of each answered finding to the log-odds change.

    The background answers (age band, sex, family history) define the baseline; every other
    answer is a player. The values are exact (all ``2^k`` subsets evaluated in one batched
    contraction) and sum to the total change in log-odds.
    """
    parsed = parse_answers(model.spec, answers)
    base = background_of(model, parsed)
    players = [n for n in parsed if n not in base]
    if len(players) > MAX_SHAPLEY_PLAYERS:
        raise RequestError(
            f"{len(players)} answered findings; exact Shapley values are limited to "
            f"{MAX_SHAPLEY_PLAYERS}"
        )
    values = subset_log_odds(model, parsed, base, players)
    phi = shapley_from_values(values)
    contributions = tuple(
        sorted(
            (Contribution(p, parsed[p].label, float(phi[i])) for i, p in enumerate(players)),
            key=lambda c: -abs(c.log_odds),
        )
    )
    return ShapleyResult(float(values[0]), float(values[-1]), contributions)


def sequential_contributions(
    model: Model, answers: Mapping[str, AnswerInput], order: list[str] | None = None
) -> list[Contribution]:
    """Log-odds change of each finding added one at a time in ``order`` (order matters)."""
    parsed = parse_answers(model.spec, answers)
    base = background_of(model, parsed)
    players = order or [n for n in parsed if n not in base]
    sets: list[Answers] = [dict(base)]
    for p in players:
        sets.append({**sets[-1], p: parsed[p]})
    lo = log_odds_matrix(model, sets)[0]
    return [
        Contribution(p, parsed[p].label, float(lo[i + 1] - lo[i])) for i, p in enumerate(players)
    ]


# --------------------------------------------------------------------------- next question
@dataclass(frozen=True)
class Outcome:
    """One possible answer to a question not yet answered."""

    state: str
    probability: float
    posterior: float
    log_odds_change: float


@dataclass(frozen=True)
class QuestionValue:
    """How much answering one more question is expected to move the log-odds."""

    node: str
    label: str
    expected_abs_log_odds_change: float
    outcomes: tuple[Outcome, ...]

    @property
    def largest_factor(self) -> float:
        """The biggest multiplier on the odds any answer could bring (up or down)."""
        return math.exp(max(abs(o.log_odds_change) for o in self.outcomes))


def next_questions(model: Model, answers: Mapping[str, AnswerInput]) -> list[QuestionValue]:
    """Rank unanswered findings by the expected absolute change in log-odds.

    For each finding and each of its states, the posterior if it were answered so, and the
    probability of that answer given the current answers (value of information).
    """
    parsed = parse_answers(model.spec, answers)
    candidates = [n for n in model.spec.findings if n not in parsed]
    sets: list[Answers] = [parsed]
    index: list[tuple[str, str]] = []
    for node in candidates:
        for state in model.spec.nodes[node].states:
            sets.append({**parsed, node: Answer(node, state=state)})
            index.append((node, state))
    # Posteriors and log P(e), never absolute joints: those underflow for unlikely answers.
    post, logz = posterior_and_evidence(model, sets)
    post, logz = post[0], logz[0]
    lo = log_odds_from_joint(post)
    out: list[QuestionValue] = []
    for node in candidates:
        rows = [i for i, (n, _) in enumerate(index) if n == node]
        outcomes = tuple(
            Outcome(
                state=index[i][1],
                probability=float(np.exp(logz[i + 1] - logz[0])),
                posterior=float(post[i + 1, 1]),
                log_odds_change=float(lo[i + 1] - lo[0]),
            )
            for i in rows
        )
        # An answer the current ones rule out (probability 0) adds nothing.
        expected = sum(o.probability * abs(o.log_odds_change) for o in outcomes if o.probability)
        out.append(QuestionValue(node, model.spec.nodes[node].label, expected, outcomes))
    return sorted(out, key=lambda q: -q.expected_abs_log_odds_change)


# --------------------------------------------------------------------------- frequency tree
@dataclass(frozen=True)
class FrequencyTree:
    """Expected counts in a population of people who gave ``answers``, split by the query
    and then by one finding's state (natural frequencies for the base-rate lesson)."""

    population: int
    finding: str
    state: str
    with_query: float
    without_query: float
    with_query_with_finding: float
    with_query_without_finding: float
    without_query_with_finding: float
    without_query_without_finding: float

    @property
    def finding_given_query(self) -> float:
        """P(finding = state | query, answers)."""
        return self.with_query_with_finding / self.with_query

    @property
    def query_given_finding(self) -> float:
        """P(query | finding = state, answers)."""
        with_finding = self.with_query_with_finding + self.without_query_with_finding
        return self.with_query_with_finding / with_finding


def frequency_tree(
    model: Model,
    answers: Mapping[str, AnswerInput],
    finding: str,
    state: str,
    population: int = 100_000,
) -> FrequencyTree:
    """Split ``population`` people with these answers by the query, then by ``finding``."""
    parsed = parse_answers(model.spec, answers)
    if finding in parsed:
        raise RequestError(f"'{finding}' is already answered; leave it out to split by it")
    extra = parse_answers(model.spec, {finding: state})[finding]
    post, logz = posterior_and_evidence(model, [parsed, {**parsed, finding: extra}])
    # Joints relative to P(answers), from posteriors and log P(e) so nothing underflows.
    share = np.exp(logz[0] - logz[0, 0])
    j = np.nan_to_num(post[0]) * share[:, None]  # an impossible split gets no one
    scale = float(population)
    return FrequencyTree(
        population=population,
        finding=finding,
        state=state,
        with_query=float(j[0, 1] * scale),
        without_query=float(j[0, 0] * scale),
        with_query_with_finding=float(j[1, 1] * scale),
        with_query_without_finding=float((j[0, 1] - j[1, 1]) * scale),
        without_query_with_finding=float(j[1, 0] * scale),
        without_query_without_finding=float((j[0, 0] - j[1, 0]) * scale),
    )


# --------------------------------------------------------------------------- base rate
@dataclass(frozen=True)
class DerivationStep:
    """One factor of the prior, with where it comes from and the running product."""

    label: str
    detail: str
    factor: float
    running: float
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Derivation:
    """The prior built step by step, and cross-checks on the incidence figure."""

    steps: tuple[DerivationStep, ...]
    prior: float
    cross_checks: tuple[tuple[str, float], ...]

    @property
    def per_100k(self) -> float:
        return self.prior * 100_000


def derive(model: Model, answers: Mapping[str, AnswerInput] | None = None) -> Derivation:
    """The base-rate derivation for the background answers given (others averaged).

    Each step multiplies the running product: the rate terms (e.g. incidence x diagnostic
    window), then one relative factor per parent of the query. A parent that was answered
    contributes its state's factor; one that was not contributes the population average.
    A background answer the query explains (a child of the query) then acts as a likelihood
    ratio on the odds. The result equals ``query(model, background).baseline``.
    """
    parsed = parse_answers(model.spec, answers or {})
    qnode = model.spec.nodes[model.query_node]
    d = qnode.distribution
    if not isinstance(d, Rate):
        raise RequestError("a base-rate derivation needs a query node of kind 'rate'")
    theta = model.point
    tables = build_tables(model.spec, theta, model.params)
    idx = model.params.index
    base = f"nodes.{model.query_node}.distribution"
    steps: list[DerivationStep] = []
    running = 1.0
    for name, p in d.terms.items():
        factor = p.value / p.per
        running *= factor
        unit = f" {p.unit}" if p.unit else ""
        steps.append(
            DerivationStep(
                p.label or name, f"{p.value:g}{unit} / {p.per:g}", factor, running, p.sources
            )
        )
    for parent, rel in d.relative.items():
        states = model.spec.nodes[parent].states
        f = np.array([theta[0, idx[f"{base}.relative.{parent}.factors.{s}"]] for s in states])
        marg = tables[parent][0]
        if rel.normalise:
            f = f / float(marg @ f)
        answer = parsed.get(parent)
        if answer is not None and answer.is_hard and answer.state is not None:
            i = states.index(answer.state)
            factor, detail = float(f[i]), f"{parent} = {answer.state}"
            srcs = rel.factors[answer.state].sources
        else:
            weights = marg if answer is None or answer.likelihood is None else None
            if weights is None:
                raise RequestError(f"the derivation needs a plain answer for '{parent}'")
            factor, detail = float(weights @ f), f"{parent} not given: population average"
            srcs = tuple(dict.fromkeys(s for p in rel.factors.values() for s in p.sources))
        running *= factor
        how = "relative to the population average" if rel.normalise else "relative risk"
        steps.append(
            DerivationStep(rel.label or parent, f"{detail} ({how})", factor, running, srcs)
        )
    # Background answers that the query explains (e.g. a family history, written as how often
    # each group has it) act as a likelihood ratio on the odds.
    for node_id, answer in parsed.items():
        node = model.spec.nodes[node_id]
        if node.role != "background" or model.query_node not in node.parents:
            continue
        if not answer.is_hard or answer.state is None:
            raise RequestError(f"the derivation needs a plain answer for '{node_id}'")
        i = node.states.index(answer.state)
        t = tables[node_id][0]  # (card, query states)
        lr = float(t[i, model.query_index] / t[i, 1 - model.query_index])
        odds = running / (1.0 - running) * lr
        new = odds / (1.0 + odds)
        factor, running = new / running, new
        srcs = tuple(
            dict.fromkeys(
                s for item in node.distribution.parameters("") for s in item.param.sources
            )
        )
        steps.append(
            DerivationStep(
                node.label,
                f"{node_id} = {answer.state} (likelihood ratio {times(lr)} on the odds)",
                factor,
                running,
                srcs,
            )
        )
    checks = tuple(
        (cc.label, cc.cases.value / cc.population.value * 100_000)
        for cc in model.spec.cross_checks.values()
    )
    return Derivation(tuple(steps), running, checks)


def implied_incidence_per_100k(model: Model) -> float:
    """Annual incidence implied by the model for its own population mix (per 100,000)."""
    d = model.spec.nodes[model.query_node].distribution
    if not isinstance(d, Rate):
        raise RequestError("implied incidence needs a query node of kind 'rate'")
    prior = query(model, {}).baseline
    window = math.prod(p.value / p.per for n, p in d.terms.items() if n != "incidence")
    return prior / window * 100_000


def population_weights(model: Model, node: str) -> dict[str, float]:
    """Normalised population shares of a root node (e.g. the age distribution)."""
    d = model.spec.nodes[node].distribution
    if not isinstance(d, Weights):
        raise RequestError(f"'{node}' has no population weights")
    t = model.tables[node][0]
    return {s: float(t[i]) for i, s in enumerate(model.spec.nodes[node].states)}


# --------------------------------------------------------------------------- words
def natural_frequency(p: float, denominator: int = 100_000) -> str:
    """``p`` as whole people out of a fixed ``denominator`` ("about 3 in 100,000", or "fewer
    than 1 in 100,000"), written by :func:`alsodds.numbers.people`."""
    return people([p], denominator=denominator)[0].text


def factor_words(factor: float) -> str:
    """A multiplier on the odds in words: 'raised the odds ×3.2' or 'lowered the odds ×0.15'."""
    verb = "raised" if factor >= 1 else "lowered"
    return f"{verb} the odds {times(factor)}"


def explain_lines(model: Model, answers: Mapping[str, AnswerInput]) -> list[str]:
    """A plain-language account of a query, one paragraph per line.

    A reported warning sign comes first, whatever the number; every number shown together
    shares one denominator.
    """
    result: QueryResult = query(model, answers)
    parts = shapley(model, answers)
    msgs = model.spec.messages
    lines: list[str] = []
    if result.red_flags:
        lines += [msgs.red_flag, *msgs.red_flag_steps]
    elif result.uncertain_red_flags:
        lines.append(msgs.uncertain_red_flag)
    yours, background = people([result.posterior, result.baseline])
    # The no-symptom reference is a different kind of number: shown apart, on its own scale.
    (none,) = people([result.no_symptoms])
    lines += [
        f"With your answers: {yours.in_words} people like you would have early, not yet "
        "diagnosed ALS.",
        f"People of your age, sex and family history, whatever their symptoms: "
        f"{background.in_words}; your answers {factor_words(result.odds_ratio_vs_baseline)}.",
        f"People of your age, sex and family history with none of the symptoms asked about: "
        f"{none.in_words}.",
    ]
    for c in parts.contributions:
        label = model.spec.nodes[c.node].label
        lines.append(f"- {label} = {c.answer}: {factor_words(c.factor)}.")
    lines.append(msgs.disclaimer)
    return lines
