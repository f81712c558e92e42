# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · How findings move the odds
#
# **For educators, students and curious clinicians** who have the base-rate idea
# (notebook 01) and want to see how answers (twitching, weakness, wasting, worsening,
# how long it has lasted, whether the twitching settles once triggers are cut) move
# the odds, and why answers have to be read *together*.
#
# Contents: odds and likelihood ratios; one finding at a time; findings travel
# together; feeling weak versus losing strength; worsening matters through what is
# worsening; how long it has lasted; trigger improvement next to warning signs;
# contradictory answers; the two reference numbers; sharing out the change
# (sequential contributions and Shapley values); "not sure" answers; which question
# would tell the most next; what happens when a warning sign is present.

# %% [markdown]
# > **Educational model only, not a diagnosis.** The numbers describe groups of people,
# > never one person. Weakness, visible muscle wasting, trouble speaking or swallowing,
# > new breathlessness or symptoms that keep getting worse are reasons to see a doctor
# > promptly, whatever any number in this notebook says.

# %%
import itertools
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import vl_convert as vlc
from IPython.display import SVG, display

import alsodds as M
from alsodds.dashboard import charts

warnings.filterwarnings("ignore", category=FutureWarning)
pd.set_option("display.max_colwidth", 120)
m = M.load_model()
spec = m.spec


def show(item: pd.DataFrame | dict[str, Any]) -> None:
    """Show a table, or draw one of the dashboard's figures (a Vega-Lite dict) as SVG.

    The SVG is made on this machine (vl-convert); nothing is fetched from elsewhere.
    """
    if isinstance(item, dict):
        display(SVG(vlc.vegalite_to_svg(item, allowed_base_urls=[])))  # type: ignore[no-untyped-call]
    else:
        display(item)  # type: ignore[no-untyped-call]


def label(node: str) -> str:
    """The node's label in the priors file."""
    return spec.nodes[node].label


def described(answers: dict[str, str]) -> str:
    """Answers in words, background left out."""
    return ", ".join(f"{label(n)} = {s}" for n, s in answers.items() if n not in spec.background)


# The running example: an adult aged 30-44 who notices recurrent twitching.
context = {"age_band": "30_44", "fasciculations": "yes"}
start = M.query(m, context)
print(f"Age 30-44, whatever their symptoms: {M.natural_frequency(start.baseline)}")
print(f"... who notice twitching:           {M.natural_frequency(start.posterior)}")

# %% [markdown]
# ## 1. Odds and likelihood ratios
#
# For small probabilities it is easier to work with **odds**, p / (1 - p); at these
# sizes odds and probability are almost the same number. Bayes' rule in odds form is
# one multiplication:
#
# *odds after an answer = odds before × likelihood ratio (LR)*
#
# The LR of an answer is how much more common that answer is among people with early
# ALS than among people without it, *given everything already known*. An LR above 1
# raises the odds, below 1 lowers them, and exactly 1 means the answer tells nothing.
# `query` reports the LR of every answer in the context of all the others.

# %%
with_weakness = M.query(m, {**context, "weakness": "yes"})
lr = with_weakness.likelihood_ratios["weakness"]
print(f"odds before:  {start.odds:.3e}")
print(f"LR of weakness = yes in this context: {lr:.1f}")
print(f"odds after:   {with_weakness.odds:.3e}  (= {start.odds:.3e} x {lr:.1f})")
assert math.isclose(start.odds * lr, with_weakness.odds, rel_tol=1e-9)

# %% [markdown]
# ## 2. One finding at a time
#
# Each row adds one answer to the running example and reports its LR and the
# resulting probability: objective weakness, visible wasting, feeling weak, stress
# (one of the triggers the seed documents name first), whether the twitching improved
# after a few weeks of less caffeine, more sleep and less stress, and an EMG result.

# %%
FINDINGS: dict[str, list[str]] = {
    "weakness": ["yes", "no"],
    "atrophy": ["yes", "no"],
    "feels_weak": ["yes", "no"],
    "stress": ["yes", "no"],
    "trigger_response": ["not_improved", "improved"],
    "emg": ["abnormal", "normal"],
}
rows: list[dict[str, Any]] = []
for node, states in FINDINGS.items():
    for state in states:
        r = M.query(m, {**context, node: state})
        rows.append(
            {
                "finding": label(node),
                "answer": state,
                "LR": r.likelihood_ratios[node],
                "then": M.natural_frequency(r.posterior),
                "red flag": node in r.red_flags,
            }
        )
one_at_a_time = pd.DataFrame(rows)
show(one_at_a_time.round({"LR": 3}))

# The signs the model declares (and its validator checks) show up here:
lr_of = {(row["finding"], row["answer"]): row["LR"] for row in rows}
for node, state in [("weakness", "yes"), ("atrophy", "yes"), ("emg", "abnormal")]:
    assert lr_of[(label(node), state)] > 1
for node, state in [("trigger_response", "improved"), ("emg", "normal")]:
    assert lr_of[(label(node), state)] < 1
# stress has no fixed direction ('depends'); next to twitching, "yes" offers a
# harmless explanation and lowers the odds, while "no" takes that away
assert lr_of[(label("stress"), "yes")] < 1 < lr_of[(label("stress"), "no")]

# bars start at LR = 1 (no information) and end at the answer's LR
bars = [
    charts.Bar(f"{row['finding']} = {row['answer']}", row["LR"], f"x{row['LR']:.3g}")
    for row in rows
]
show(charts.contributions(bars, "Each answer alone, added to: age 30-44 + twitching"))

# %% [markdown]
# Two things stand out.
#
# * The *absence* of weakness, of wasting, or of EMG changes lowers the odds, because
#   many people with early ALS already show them. A negative answer to a question that
#   often comes back positive in the disease is real evidence.
# * The *presence* of a warning sign raises the odds many times over, yet the
#   probability can stay low in absolute terms, because weakness and wasting also have
#   many other causes. That is the reason such signs need a doctor's examination
#   promptly: several of those other causes are treatable, and only an examination can
#   tell them apart.
#
# ## 3. Findings travel together
#
# ALS usually begins in one region, a hand, a foot, or the muscles of speech, and
# spreads over months; weakness, wasting, EMG change and worsening come *together*.
# The network says so with a hidden node for the stage and the form ALS takes, so the
# findings are linked through it instead of each being an independent coin toss. Three
# pictures for a 55-64-year-old:

# %%
older = {"age_band": "55_64"}
nothing_else = {"weakness": "no", "atrophy": "no", "bulbar": "no", "progression": "no"}
PICTURES = {
    "twitching, nothing else asked": {"fasciculations": "yes"},
    "isolated twitching (no weakness, wasting, speech change or worsening)": {
        "fasciculations": "yes",
        **nothing_else,
    },
    "twitching + weakness + wasting": {
        "fasciculations": "yes",
        "weakness": "yes",
        "atrophy": "yes",
    },
}
pictures = {name: M.query(m, {**older, **a}) for name, a in PICTURES.items()}
show(
    pd.DataFrame(
        {
            "then": {n: M.natural_frequency(r.posterior) for n, r in pictures.items()},
            "odds x vs age alone": {n: r.odds_ratio_vs_baseline for n, r in pictures.items()},
        }
    ).round(3)
)
iso = pictures["isolated twitching (no weakness, wasting, speech change or worsening)"]
classic = pictures["twitching + weakness + wasting"]
# isolated twitching ends below the age group's base rate; the classic picture far above
assert iso.posterior < iso.baseline < classic.posterior
assert classic.posterior > 1000 * iso.posterior

# the validation table sets the isolated-twitching share of early ALS beside its range
share = next(r for r in M.run_validation(m) if r.id == "isolated_twitching")
print(f"\n{share.quantity}: model {share.model:.1%}, published {share.low:.0%}-{share.high:.0%}")
assert share.passed

# %% [markdown]
# Isolated twitching is a small but real share of early ALS (a few percent), so
# twitching with *nothing else* ends below the starting point: what is missing counts.
#
# Because the findings travel together, the LRs of weakness and wasting overlap: once
# weakness is known, wasting adds less than it would alone, and the product of the
# stand-alone LRs overstates the total. And twitching, added to a picture that already
# looks like ALS, still *raises* the odds: people with ALS twitch more often than
# people whose weakness and wasting have another cause.

# %%
signs = {"fasciculations": "yes", "weakness": "yes", "atrophy": "yes"}
alone = {n: M.query(m, {**older, n: s}).likelihood_ratios[n] for n, s in signs.items()}
print("LR alone:          ", {n: round(v, 2) for n, v in alone.items()})
print("LR given the others", {n: round(classic.likelihood_ratios[n], 2) for n in signs})
print(
    f"product alone {math.prod(alone.values()):,.0f}; "
    f"total change {classic.odds_ratio_vs_baseline:,.0f}"
)
assert math.prod(alone.values()) > 1.5 * classic.odds_ratio_vs_baseline
assert classic.likelihood_ratios["atrophy"] < alone["atrophy"]

# twitching added to weakness + wasting (+ worsening) raises P every time
twitch_rows = []
for extra in (
    {},
    {"weakness": "yes"},
    {"weakness": "yes", "atrophy": "yes"},
    {"weakness": "yes", "atrophy": "yes", "progression": "yes"},
):
    without = M.query(m, {**older, **extra, "fasciculations": "no"}).posterior
    unknown = M.query(m, {**older, **extra}).posterior
    with_t = M.query(m, {**older, **extra, "fasciculations": "yes"})
    assert without < unknown < with_t.posterior
    twitch_rows.append(
        {
            "picture": described(extra) or "(nothing else)",
            "no twitching": M.natural_frequency(without),
            "not asked": M.natural_frequency(unknown),
            "twitching": M.natural_frequency(with_t.posterior),
            "LR of twitching": round(with_t.likelihood_ratios["fasciculations"], 2),
        }
    )
show(pd.DataFrame(twitch_rows))

# %% [markdown]
# ## 4. Feeling weak is not losing strength
#
# About a third of people with harmless twitching say their muscles *feel* weak,
# tired or heavy, and anxiety makes that feeling common. The model keeps two separate
# questions: `feels_weak` (how the muscles feel) and `weakness` (a task you can no
# longer do: dropping things, a foot that drags, trouble with keys or buttons). Only
# the second is a warning sign. For an anxious 35-year-old who twitches:

# %%
anxious = {"age_band": "30_44", "stress": "yes", "fasciculations": "yes"}
felt = M.query(m, {**anxious, "feels_weak": "yes"})
measured = M.query(m, {**anxious, "weakness": "yes"})
show(
    pd.DataFrame(
        [
            {
                "answer": label(n),
                "LR": r.likelihood_ratios[n],
                "then": M.natural_frequency(r.posterior),
                "warning sign": n in r.red_flags,
            }
            for n, r in (("feels_weak", felt), ("weakness", measured))
        ]
    ).round(3)
)
print(spec.nodes["feels_weak"].help)
# feeling weak nudges the odds; a real loss of strength moves them many times further
assert 1 < felt.likelihood_ratios["feels_weak"] < 3
assert measured.likelihood_ratios["weakness"] > 10 * felt.likelihood_ratios["feels_weak"]
assert felt.red_flags == [] and measured.red_flags == ["weakness"]

# %% [markdown]
# ## 5. Worsening matters through *what* is worsening
#
# "Is a weakness or difficulty getting worse?" is a warning sign. What it does to the
# odds depends on the answers about what is worsening: worsening with a real loss of
# strength is the classic course of ALS; "worsening" reported with no weakness, no
# wasting and no speech change fits other causes about as well.

# %%
base = {"age_band": "55_64", "fasciculations": "yes"}
COURSES = {
    "worsening, nothing else asked": {"progression": "yes"},
    "worsening, with no weakness, wasting or speech change": {
        "progression": "yes",
        "weakness": "no",
        "atrophy": "no",
        "bulbar": "no",
    },
    "worsening weakness": {"progression": "yes", "weakness": "yes"},
}
courses = {n: M.query(m, {**base, **a}) for n, a in COURSES.items()}
show(
    pd.DataFrame(
        {
            "LR of worsening": {n: r.likelihood_ratios["progression"] for n, r in courses.items()},
            "then": {n: M.natural_frequency(r.posterior) for n, r in courses.items()},
            "warning signs": {n: ", ".join(r.red_flags) for n, r in courses.items()},
        }
    ).round(2)
)
alone_c = courses["worsening, nothing else asked"]
empty = courses["worsening, with no weakness, wasting or speech change"]
weak = courses["worsening weakness"]
assert empty.likelihood_ratios["progression"] < alone_c.likelihood_ratios["progression"]
assert weak.posterior > 100 * empty.posterior
# every version is a warning sign: see a doctor promptly, whatever the number
assert all("progression" in r.red_flags for r in courses.values())

# %% [markdown]
# ## 6. How long it has lasted
#
# In ALS, weakness usually appears before or with the twitching and worsens within
# months; harmless twitching can go on for years. So the duration of the twitching
# says little *on its own* (the small wobble comes from twitching being a little
# commoner early in ALS than later), and a lot together with "nothing new" (no weakness, no
# worsening). The priors declare that sign (`-`, given weakness and progression are
# "no") and the validator proves it for every value in the declared ranges.

# %%
durations = spec.nodes["symptom_duration"].states
calm = {**context, "weakness": "no", "progression": "no"}
by_duration = [M.query(m, {**calm, "symptom_duration": d}) for d in durations]
alone_d = [M.query(m, {**context, "symptom_duration": d}) for d in durations]
show(
    pd.DataFrame(
        {
            "LR, duration alone": [r.likelihood_ratios["symptom_duration"] for r in alone_d],
            "LR, with nothing new": [r.likelihood_ratios["symptom_duration"] for r in by_duration],
            # one denominator for numbers shown together; tiny ones said as "fewer than"
            "then, with nothing new": [
                p.text for p in M.people([r.posterior for r in by_duration])
            ],
        },
        index=durations,
    ).round(4)
)
# alone it barely moves the odds; with nothing new, every longer history lowers them
assert all(0.9 < r.likelihood_ratios["symptom_duration"] < 1.1 for r in alone_d)
assert all(a.posterior > b.posterior for a, b in itertools.pairwise(by_duration))
assert by_duration[-1].posterior < 0.01 * by_duration[0].posterior

# %% [markdown]
# Notebook 04 turns this into a forward look: what happens to the number if nothing
# new appears over the coming months (`watchful_waiting`).
#
# ## 7. Trigger improvement says less once warning signs are present
#
# Twitching that settles after a few weeks of less caffeine, more sleep and less
# stress points to a harmless cause: in ALS the twitching does not respond to cutting
# triggers. But what an answer says depends on who else could be behind it. Next to
# warning signs, the people *without* ALS who share the picture mostly have another
# nerve or muscle condition, not a harmless tendency, and their twitching seldom
# settles either; so "it settled" separates the groups less well and its LR moves
# towards 1.

# %%
settled = {
    "age_band": "55_64",
    "fasciculations": "yes",
    "caffeine": "yes",
    "trigger_response": "improved",
}
steps_in = [
    {},
    {"weakness": "yes"},
    {"weakness": "yes", "atrophy": "yes"},
    {"weakness": "yes", "atrophy": "yes", "progression": "yes"},
]
trigger_lrs = []
for extra in steps_in:
    r = M.query(m, {**settled, **extra})
    trigger_lrs.append(r.likelihood_ratios["trigger_response"])
    print(
        f"{described(extra) or '(no warning sign)':<75} LR of 'improved' x{trigger_lrs[-1]:.3f}"
        f"  -> {M.natural_frequency(r.posterior)}"
    )
assert all(x < 1 for x in trigger_lrs)
assert all(a < b for a, b in itertools.pairwise(trigger_lrs))

# %% [markdown]
# The improvement still lowers the odds, but a little less with each warning sign, and
# the number it leaves behind is far higher: improvement is not a reason to skip a
# doctor's visit when there is weakness, wasting or worsening.
#
# ## 8. Contradictory answers are refused
#
# Some answer sets cannot both be true, for example twitching in several areas from
# someone who said they do not twitch. The model refuses such sets with one line that
# names the conflict instead of returning a number. The same goes for a question the
# model no longer asks, with a pointer to what replaced it.

# %%
refused = {}
for bad in (
    {"fasciculations": "no", "twitch_spread": "several_areas"},
    {"stable_12_months": "yes"},
):
    try:
        M.query(m, {**older, **bad})
    except M.EvidenceError as err:
        refused[next(iter(bad.items()))] = str(err)
        print(f"{bad}:\n  {err}\n")
    else:
        raise AssertionError(f"expected a refusal for {bad}")
assert "contradicts" in refused[("fasciculations", "no")]
assert "symptom_duration" in refused[("stable_12_months", "yes")]
assert "\n" not in "".join(refused.values())  # one line each

# %% [markdown]
# ## 9. Two reference numbers: "people like you" and "no symptoms"
#
# Every result comes with two numbers to set it against, and they answer different
# questions.
#
# * `baseline`: people of the same age, sex and family history *whatever their
#   symptoms*. Some of them have twitching, weakness or worse, so this is not a
#   healthy reference.
# * `no_symptoms`: the same background with every symptom question answered "no".
#
# Which one a sentence uses changes what "your answers moved the odds" means.

# %%
someone = {"age_band": "30_44", "sex": "female", "fasciculations": "yes", "stress": "yes"}
r = M.query(m, someone)
print(f"with these answers:                          {M.natural_frequency(r.posterior)}")
print(f"people of this age and sex (any symptoms):   {M.natural_frequency(r.baseline)}")
print(f"people of this age and sex, with no symptoms: {M.natural_frequency(r.no_symptoms)}")
# the background-only reference already contains people with symptoms
assert r.no_symptoms < r.baseline < r.posterior
# both references depend on the background only, not on the symptom answers given
other = M.query(m, {"age_band": "30_44", "sex": "female", "weakness": "no"})
assert math.isclose(other.baseline, r.baseline, rel_tol=1e-12)
assert math.isclose(other.no_symptoms, r.no_symptoms, rel_tol=1e-12)

# %% [markdown]
# ## 10. Sharing out the change: order matters, Shapley does not
#
# With several answers, how much did *each* one do? One honest way is to add the
# answers one at a time and record how much each moved the odds *at the moment it was
# added*. The steps always multiply up to the total, but each answer's share depends on
# the order, because answers share causes (twitching and stress both point to a
# harmless tendency; a long history says something only once "no weakness" is known).

# %%
profile = {
    **context,
    "stress": "yes",
    "weakness": "no",
    "trigger_response": "improved",
    "symptom_duration": "1_2_years",
}
players = [n for n in profile if n not in spec.background]
r = M.query(m, profile)
order_a = players
order_b = list(reversed(players))
seq: dict[str, dict[str, float]] = {}
for name, order in [("order A", order_a), ("order B", order_b)]:
    steps = M.sequential_contributions(m, profile, order)
    seq[name] = {c.node: c.log_odds for c in steps}
    # prior odds x the product of the sequential factors = posterior odds
    assert math.isclose(r.baseline_odds * math.prod(c.factor for c in steps), r.odds, rel_tol=1e-9)
    print(name, " -> ".join(f"{c.node} x{c.factor:.3g}" for c in steps))
# twitching counts for less once stress has offered a harmless reason for it
assert seq["order A"]["fasciculations"] > seq["order B"]["fasciculations"] + math.log(1.2)
# duration added first (before "no weakness") tells nothing; added after, it lowers the odds
assert math.isclose(seq["order B"]["symptom_duration"], 0.0, abs_tol=1e-9)
assert seq["order A"]["symptom_duration"] < math.log(0.9)

# %% [markdown]
# The **Shapley value**, borrowed from cooperative game theory, averages each answer's
# sequential contribution over *every* possible order. It is the only split that
# always adds up to the total, treats answers that play identical roles equally, and
# gives zero to an answer that never changes anything. `shapley` computes it exactly
# from all 2^k subsets of the answers in one batched call; here there are few enough
# answers to check it against the average over all orders directly.

# %%
sh = M.shapley(m, profile)
phi = {c.node: c.log_odds for c in sh.contributions}
print(f"Shapley values add up to the total: {sum(phi.values()):.6f} vs {sh.total:.6f}")
assert math.isclose(sum(phi.values()), sh.total, rel_tol=1e-9)
assert math.isclose(math.exp(sh.total), r.odds_ratio_vs_baseline, rel_tol=1e-9)

orders = list(itertools.permutations(players))
average = dict.fromkeys(players, 0.0)
for perm in orders:
    for c in M.sequential_contributions(m, profile, list(perm)):
        average[c.node] += c.log_odds / len(orders)
for n in players:
    assert math.isclose(phi[n], average[n], rel_tol=1e-9, abs_tol=1e-12)
print(f"... and equal the average over all {len(orders):,} orders.")
for n in ("fasciculations", "symptom_duration"):
    low, high = sorted([seq["order A"][n], seq["order B"][n]])
    assert low < phi[n] < high

table = pd.DataFrame(
    {
        "order A": [seq["order A"][n] for n in players],
        "order B": [seq["order B"][n] for n in players],
        "Shapley": [phi[n] for n in players],
    },
    index=[label(n) for n in players],
)
show(table.map(math.exp).round(3).rename(columns=lambda c: f"{c} (x odds)"))
shares = [
    charts.Bar(f"{label(c.node)} = {c.answer}", c.factor, f"x{c.factor:.3g}")
    for c in sh.contributions
]
show(charts.contributions(shares, "Each answer's share of the change (Shapley)"))

# %% [markdown]
# ## 11. "Not sure": soft evidence
#
# People are often unsure whether a muscle is really weaker. The model accepts
# `"not_sure"` as an answer and treats it as *soft* (virtual) evidence: saying "not
# sure" is assumed to be somewhat more likely from someone who does have the finding
# than from someone who does not. The ratio between the two is a parameter of the
# priors file, `soft_evidence.not_sure_ratio`, with its own range and reasoning. An
# answer can also be given directly as a likelihood per state.

# %%
ratio = spec.soft_evidence.not_sure_ratio
print(f"not_sure_ratio = {ratio.value} (range {ratio.low}-{ratio.high}); {ratio.source}\n")

answers: dict[str, str] = {"no": "no", "not sure": M.NOT_SURE, "yes": "yes"}
post = {name: M.query(m, {**context, "weakness": a}).posterior for name, a in answers.items()}
post["not asked"] = start.posterior
for name, p in post.items():
    print(f"weakness {name:>9}: {M.natural_frequency(p)}")
assert post["no"] < post["not asked"] < post["not sure"] < post["yes"]

# "not sure" is the same as a likelihood of ratio : 1 for yes : no ...
soft = M.query(m, {**context, "weakness": {"yes": ratio.value, "no": 1.0}}).posterior
assert math.isclose(soft, post["not sure"], rel_tol=1e-12)
# ... and a likelihood of 1 : 1 carries no information at all
neutral = M.query(m, {**context, "weakness": {"yes": 1.0, "no": 1.0}}).posterior
assert math.isclose(neutral, post["not asked"], rel_tol=1e-12)

unsure = M.query(m, {**context, "weakness": M.NOT_SURE})
print("\nuncertain red flags:", unsure.uncertain_red_flags)
print(spec.messages.uncertain_red_flag)
assert unsure.uncertain_red_flags == ["weakness"]

# %%
# Sweep the strength of a soft answer from "leaning no" to "leaning yes"
ratios = [float(x) for x in np.geomspace(0.01, 100, 9)]
sweep = [M.query(m, {**context, "weakness": {"yes": x, "no": 1.0}}).posterior for x in ratios]
assert all(a < b for a, b in itertools.pairwise(sweep))
# the two ends approach a firm "no" and a firm "yes"
assert post["no"] < sweep[0] < sweep[-1] < post["yes"]
show(
    pd.DataFrame(
        {
            "likelihood if weak / if not weak": ratios,
            "then": [M.natural_frequency(p) for p in sweep],
        }
    )
)

# %% [markdown]
# ## 12. Which question would tell the most next?
#
# For every question not yet answered, `next_questions` works out each possible
# answer, how likely that answer is given what is known so far, and where it would
# move the odds. Questions are ranked by the *expected* size of the move (the average
# absolute change in log-odds): a value-of-information ranking.
#
# A useful check on any such table: averaged over the possible answers, weighted by
# how likely each is, the probability after the answer equals the probability now.
# A question can be expected to *sharpen* the estimate, never to shift it in a known
# direction.

# %%
qs = M.next_questions(m, context)
rows = []
for q in qs:
    expected = sum(o.probability * o.posterior for o in q.outcomes)
    assert math.isclose(sum(o.probability for o in q.outcomes), 1.0, rel_tol=1e-9)
    assert math.isclose(expected, start.posterior, rel_tol=1e-9)
    rows.append(
        {
            "question": q.label,
            "expected |change in log-odds|": q.expected_abs_log_odds_change,
            "answers (chance -> then)": "; ".join(
                f"{o.state}: {o.probability:.0%} -> {o.posterior * 100_000:.3g}" for o in q.outcomes
            ),
        }
    )
show(pd.DataFrame(rows).round(3).head(10))
# ranked by the expected size of the move, largest first
moves = [q.expected_abs_log_odds_change for q in qs]
assert moves == sorted(moves, reverse=True)

# %% [markdown]
# The ranking says which answer would be most *informative for the model*, not what
# a person should do next. An EMG, for example, is a specialist test a doctor decides
# on. Warning-sign questions rank high because a "yes", though uncommon, would move
# the odds a long way.
#
# ## 13. When a warning sign is present
#
# Whatever the number, a warning sign (weakness, wasting, speech or swallowing
# trouble, new breathlessness, steady worsening) is reported as a red flag, with
# advice to see a doctor promptly. `explain_lines` puts a result into words.

# %%
flagged = {**context, "weakness": "yes"}
r = M.query(m, flagged)
lines = M.explain_lines(m, flagged)
print("\n".join(lines))
assert r.red_flags == ["weakness"]
assert spec.messages.red_flag in lines
assert spec.messages.disclaimer in lines

# %% [markdown]
# ## Take-aways
#
# * An answer moves the odds by its likelihood ratio *in context*; what is missing
#   (no weakness, no wasting, a long history with nothing new) can matter as much as
#   what is present.
# * Findings travel together: isolated twitching ends below the starting point, while
#   twitching with weakness and wasting ends thousands of times higher, and twitching
#   added to that picture still raises it.
# * Feeling weak is common and says little; a real loss of strength is a warning sign.
#   Worsening counts through what is worsening.
# * Twitching that settles after cutting triggers lowers the odds, less so next to
#   warning signs, and never replaces a doctor's visit when they are present.
# * Contradictory answers are refused with one line naming the conflict.
# * "People like you" (whatever their symptoms) and "no symptoms" are different
#   references; say which one a comparison uses.
# * Sequential contributions depend on order when answers overlap; Shapley values
#   give a fair, order-free split that still adds up to the total.
# * "Not sure" is usable information, weaker than a firm answer.
# * Warning signs always mean: see a doctor promptly.
