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
# (notebook 01) and want to see how single answers (weakness, wasting, stress, whether
# the twitching settles once triggers are cut, a year without change, an EMG) move the
# odds, and why the contributions of several answers have to be shared out with care.
#
# Contents: odds and likelihood ratios; one finding at a time; why likelihood ratios
# in a network do not simply multiply; sequential contributions versus the
# order-free Shapley split; "not sure" answers as soft evidence; which question would
# tell the most next; what happens when a warning sign is present.

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


# The running example: an adult aged 30-44 who notices recurrent twitching.
context = {"age_band": "30_44", "fasciculations": "yes"}
start = M.query(m, context)
print(f"Age 30-44, no symptoms asked:  {M.natural_frequency(start.baseline)}")
print(f"... who notices twitching:     {M.natural_frequency(start.posterior)}")

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
# resulting probability. The table covers the findings the seed documents discuss:
# objective weakness, visible wasting, stress (one of the triggers they name first),
# whether the twitching improved after a few weeks of less caffeine, more sleep and
# less stress, whether it has been stable for over a year, and an EMG result.

# %%
FINDINGS: dict[str, list[str]] = {
    "weakness": ["yes", "no"],
    "atrophy": ["yes", "no"],
    "stress": ["yes", "no"],
    "trigger_response": ["not_improved", "improved"],
    "stable_12_months": ["no", "yes"],
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

# The signs the model declares (and its validator guarantees) show up here:
lr_of = {(row["finding"], row["answer"]): row["LR"] for row in rows}
for node, state in [("weakness", "yes"), ("atrophy", "yes"), ("emg", "abnormal")]:
    assert lr_of[(label(node), state)] > 1
negatives = [("trigger_response", "improved"), ("stable_12_months", "yes"), ("emg", "normal")]
for node, state in negatives:
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
# * The *absence* of weakness, of wasting, or of EMG changes lowers the odds a lot,
#   because most people with early ALS do show them. A negative answer to a question
#   that usually comes back positive in the disease is strong evidence.
# * The *presence* of a warning sign raises the odds many times over, yet the
#   probability can stay low in absolute terms, because weakness and wasting also
#   have many other causes. That is the reason such signs need a doctor's
#   examination promptly: several of those other causes are treatable, and only an
#   examination can tell them apart.
#
# Stress is a different kind of answer. It has nothing to do with ALS itself, but it
# is a common reason for harmless twitching, so for someone who twitches a "yes"
# makes the harmless explanation more likely and lowers the odds a little, and a
# "no" raises them a little.
#
# ## 3. In a network, likelihood ratios do not simply multiply
#
# Now combine several answers: twitching, stress, no weakness, no wasting, twitching
# that improved once triggers were cut, stable for over a year, and a normal EMG.
# The table gives each answer's LR twice: on its own (added to the age group only),
# and given all the other answers.

# %%
profile = {
    **context,
    "stress": "yes",
    "weakness": "no",
    "atrophy": "no",
    "trigger_response": "improved",
    "stable_12_months": "yes",
    "emg": "normal",
}
players = [n for n in profile if n not in spec.background]
age_only = {n: a for n, a in profile.items() if n in spec.background}
r = M.query(m, profile)
alone = {n: M.query(m, {**age_only, n: profile[n]}).likelihood_ratios[n] for n in players}
lrs = pd.DataFrame(
    {
        "LR alone (age only)": [alone[n] for n in players],
        "LR given all the others": [r.likelihood_ratios[n] for n in players],
    },
    index=[f"{label(n)} = {profile[n]}" for n in players],
)
show(lrs.round(3))
product_alone = math.prod(alone.values())
product = math.prod(r.likelihood_ratios[n] for n in players)
print(f"baseline (age only):              {M.natural_frequency(r.baseline)}")
print(f"with all the answers:             {M.natural_frequency(r.posterior)}")
print(f"odds multiplied by:               {r.odds_ratio_vs_baseline:.3e}")
print(f"product of the LRs alone:         {product_alone:.3e}")
print(f"product of the LRs given others:  {product:.3e}")
# neither product is the total change: both miss it by more than 10%
assert product_alone > 1.1 * r.odds_ratio_vs_baseline
assert product < r.odds_ratio_vs_baseline / 1.1


# %% [markdown]
# Neither product is the total change. The two columns show where the difference
# comes from.
#
# * **The course answers** (twitching that improved once triggers were cut, a stable
#   year) have the same LR in both columns. The priors file models each of them on
#   ALS alone: it states how likely the answer is with early ALS and how likely
#   without it, whatever else might be behind the twitching. Nothing else that is
#   known can change what such an answer adds, and its LR can be read straight off
#   the file (next cell).
# * **Weakness, wasting and the EMG** barely move between the columns. Apart from ALS
#   they share one cause in the network, another nerve or muscle condition that can
#   mimic it; that is rare, and these negative answers make it rarer still.
# * **Twitching and stress** are where the columns part. Both bear on the same
#   harmless explanation, a benign tendency to twitch that stress can keep going.
#   Once stress is known, twitching without ALS is less surprising, so twitching's
#   LR shrinks; once twitching is known, stress explains part of it away, so an
#   answer that says nothing about ALS on its own (LR 1) now lowers the odds.
#
# For such a pair, the product of the stand-alone LRs ignores the overlap and comes
# out too large, and the product of the LRs given the others takes the overlap off
# twice, once for each answer of the pair, and comes out too small.

# %%
COURSE = ("trigger_response", "stable_12_months")
params = M.param_table(m).set_index("name")
for node in COURSE:
    # the file gives P(answer | ALS absent) and P(answer | ALS present) directly
    given = params[params.index.str.startswith(f"nodes.{node}.distribution.given.")]
    show(given[["label", "value", "low", "high"]])
    print(f"{label(node)} = {profile[node]}: LR {alone[node]:.3g}")
    # the same LR on its own and given all the other answers
    assert math.isclose(r.likelihood_ratios[node], alone[node], rel_tol=1e-9)

# weakness, wasting, EMG: within 1% of their stand-alone LRs
for node in ("weakness", "atrophy", "emg"):
    assert math.isclose(r.likelihood_ratios[node], alone[node], rel_tol=0.01)
# twitching and stress overlap: stress alone tells nothing, next to twitching it lowers
# the odds, and twitching counts for clearly less once stress is known
assert math.isclose(alone["stress"], 1.0, rel_tol=1e-9) and r.likelihood_ratios["stress"] < 0.9
assert r.likelihood_ratios["fasciculations"] < 0.8 * alone["fasciculations"]

# Leave the stress answer out and the LRs given the others multiply up to the total
without_stress = {n: a for n, a in profile.items() if n != "stress"}
r_ws = M.query(m, without_stress)
product_ws = math.prod(r_ws.likelihood_ratios[n] for n in without_stress if n in players)
print(
    f"\nwithout the stress answer: product of the LRs {product_ws:.4e}, "
    f"total {r_ws.odds_ratio_vs_baseline:.4e}"
)
assert math.isclose(product_ws, r_ws.odds_ratio_vs_baseline, rel_tol=0.01)

# Warning signs share the mimicking condition as well as ALS, and overlap strongly
signs = {**context, "weakness": "yes", "atrophy": "yes", "emg": "abnormal"}
r_signs = M.query(m, signs)
product_signs = math.prod(r_signs.likelihood_ratios[n] for n in signs if n in players)
print(
    f"weakness + wasting + abnormal EMG: product of the LRs given the others "
    f"{product_signs:.3g}, total {r_signs.odds_ratio_vs_baseline:.3g}"
)
assert product_signs < 0.1 * r_signs.odds_ratio_vs_baseline

# %% [markdown]
# In the reassuring picture, then, nearly all of the overlap comes from the stress
# answer: without it, the LRs multiply up to the total within 1%. That is a property
# of these particular answers, not a rule. Weakness, wasting and an abnormal EMG
# travel together both in ALS and in the conditions that mimic it, so when they are
# present their LRs overlap heavily, and multiplying them as if they were independent
# would be badly wrong. (They are also warning signs: whatever the number, they mean
# seeing a doctor promptly, as section 8 shows.)
#
# ## 4. Sequential contributions: order matters
#
# One honest way to split the total is to add the answers one at a time and record
# how much each one moved the odds *at the moment it was added*. The steps always
# multiply up to the total, but each answer's share depends on the order.

# %%
order_a = players
order_b = list(reversed(players))
seq: dict[str, dict[str, float]] = {}
for name, order in [("order A", order_a), ("order B", order_b)]:
    steps = M.sequential_contributions(m, profile, order)
    seq[name] = {c.node: c.log_odds for c in steps}
    factors = [c.factor for c in steps]
    # prior odds x the product of the sequential factors = posterior odds
    assert math.isclose(r.baseline_odds * math.prod(factors), r.odds, rel_tol=1e-9)
    print(name, " -> ".join(f"{c.node} x{c.factor:.3g}" for c in steps))

print(
    f"\nTwitching, added first: x{math.exp(seq['order A']['fasciculations']):.3g}; "
    f"added last: x{math.exp(seq['order B']['fasciculations']):.3g}"
)
print(
    f"Stress, added right after twitching: x{math.exp(seq['order A']['stress']):.3g}; "
    f"added before it: x{math.exp(seq['order B']['stress']):.3g}"
)
first, last = seq["order A"]["fasciculations"], seq["order B"]["fasciculations"]
assert not math.isclose(first, last, rel_tol=0.05)
# stress lowers the odds only once twitching is known; before it, it adds nothing
assert seq["order A"]["stress"] < math.log(0.9)
assert math.isclose(seq["order B"]["stress"], 0.0, abs_tol=1e-9)
# the course answers add the same factor whatever comes before them
for n in COURSE:
    assert math.isclose(seq["order A"][n], seq["order B"][n], rel_tol=1e-9)

# %% [markdown]
# The same answer gets a different factor depending on what is already known when it
# arrives. Added first, twitching is judged against the age group alone; added last,
# stress has already offered a harmless reason for it, and it counts for less.
# Stress, in turn, adds nothing when it comes before twitching (there is nothing yet
# for it to explain) and lowers the odds when it comes after. Neither number is "the"
# effect of either answer. The course answers, by contrast, get the same factor in
# both orders, for the reason seen in section 3.
#
# ## 5. Shapley values: an order-free split
#
# The Shapley value, borrowed from cooperative game theory, averages each answer's
# sequential contribution over *every* possible order. It is the only split that
# always adds up to the total, treats answers that play identical roles equally, and
# gives zero to an answer that never changes anything. `shapley` computes it exactly
# from all 2^k subsets of the answers in one batched call. Here there are few enough
# answers to check it against the average over all orders directly.

# %%
sh = M.shapley(m, profile)
phi = {c.node: c.log_odds for c in sh.contributions}
print(
    f"Shapley values add up to the total change in log-odds: "
    f"{sum(phi.values()):.6f} vs {sh.total:.6f}"
)
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
# an answer whose factor never depends on the order keeps that factor in the split
for n in COURSE:
    assert math.isclose(phi[n], seq["order A"][n], rel_tol=1e-9)
# each answer of the overlapping pair lands between its two sequential values
for n in ("fasciculations", "stress"):
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
# In the table the two course answers have the same factor in all three columns.
# Twitching and stress share out their overlap instead: each one's Shapley factor
# lies between its factors in order A and in order B.
#
# ## 6. "Not sure": soft evidence
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
# ## 7. Which question would tell the most next?
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
# ## 8. When a warning sign is present
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
# * An answer moves the odds by its likelihood ratio *in context*; strong negatives
#   (no weakness, a normal EMG, twitching that settled, a stable year) can matter as
#   much as strong positives.
# * In a network, answers can share causes (twitching and stress both point to a
#   harmless tendency to twitch), so their effects overlap and their LRs do not
#   simply multiply. An answer modelled on ALS alone, like the two course questions
#   here, adds the same factor whatever else is known.
# * Sequential contributions depend on order when answers overlap; Shapley values
#   give a fair, order-free split that still adds up to the total.
# * "Not sure" is usable information, weaker than a firm answer.
# * Warning signs always mean: see a doctor promptly.
