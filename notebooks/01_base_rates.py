# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · Base rates: why twitching rarely means ALS
#
# **For educators and their students** (medicine, nursing, statistics, public health):
# a worked, sourced example of the base-rate lesson that can be shown in class.
#
# You will
#
# 1. build the starting probability (the *base rate*) of early, not yet diagnosed ALS
#    from published ingredients, one multiplication at a time, and see where the
#    sources disagree;
# 2. separate P(twitching | ALS) from P(ALS | twitching);
# 3. draw a frequency tree for 100,000 people;
# 4. compare percentages with the fixed-denominator form "N in 100,000";
# 5. try an exercise (its answer is further down).
#
# Every number comes from the `alsodds` package's public API and every figure from the
# dashboard's figure functions (the one figure typed in for illustration is marked as
# such). Cells that teach a number also `assert` it against the API, so if the model
# changes and this text stops fitting, the notebook fails instead of quietly teaching
# something wrong.

# %% [markdown]
# > **Educational model only, not a diagnosis.** The numbers describe groups of people,
# > never one person. Weakness, visible muscle wasting, trouble speaking or swallowing,
# > new breathlessness or symptoms that keep getting worse are reasons to see a doctor
# > promptly, whatever any number in this notebook says.

# %%
import math
import warnings
from typing import Any

import pandas as pd
import vl_convert as vlc
from IPython.display import SVG, display

import alsodds as M
from alsodds.dashboard import charts

warnings.filterwarnings("ignore", category=FutureWarning)
pd.set_option("display.max_colwidth", 120)

m = M.load_model()  # the bundled priors file, priors/als_default.yaml
spec = m.spec
params = M.param_table(m).set_index("name")
print(spec.title)
print(spec.messages.disclaimer)


def show(item: pd.DataFrame | dict[str, Any]) -> None:
    """Show a table, or draw one of the dashboard's figures (a Vega-Lite dict) as SVG.

    The SVG is made on this machine (vl-convert); nothing is fetched from elsewhere.
    """
    if isinstance(item, dict):
        display(SVG(vlc.vegalite_to_svg(item, allowed_base_urls=[])))  # type: ignore[no-untyped-call]
    else:
        display(item)  # type: ignore[no-untyped-call]


def value(name: str, field: str = "value") -> float:
    """One field (value, low or high) of a parameter, by its dotted name."""
    return float(params[field].to_dict()[name])


# %% [markdown]
# ## 1. What is the base rate, exactly?
#
# The model asks a narrow question: *right now, does this person have ALS that already
# causes symptoms but has not been diagnosed yet?* That is a share of people at one
# moment (a point prevalence), not a risk over a year or a lifetime.
#
# A share at one moment can be built from a flow. Picture a waiting room: if new
# people arrive at a steady rate and each stays for a fixed time, the room holds about
# *arrival rate × length of stay* people at any moment. Here the arrivals are new
# cases of ALS (the annual **incidence**) and the stay is the **diagnostic window**,
# the months between the first symptom and the diagnosis. The model then adjusts the
# result for **age**, **sex** and **family history**.
#
# `derive` lists those ingredients as steps; each is a parameter in the priors file
# with a value, a plausible range and its sources:

# %%
derivation = M.derive(m)
show(
    pd.DataFrame(
        [
            {"step": s.label, "detail": s.detail, "factor": s.factor, "sources": s.sources}
            for s in derivation.steps
        ]
    )
)
TERMS = f"nodes.{m.query_node}.distribution.terms."
terms = params[params.index.str.startswith(TERMS)]
show(terms[["label", "value", "low", "high", "source"]])

# %%
# The full citations behind the keys above (the project's own copy of its sources)
keys = dict.fromkeys(k for s in derivation.steps for k in s.sources)
for k in keys:
    print(f"{k:>16}  {spec.sources.get(k, '(reasoning given in the priors file)')}")
assert keys and all(k in spec.sources or k.startswith("assumption:") for k in keys)

# %% [markdown]
# ## 2. Incidence: two routes to one number, and why they differ
#
# **Route A, a round figure.** The physician-reviewed explainer among the project's
# seed documents says about 2 new cases per 100,000 people a year. Meta-analyses put
# the worldwide figure a little lower and Europe a little higher, and some very
# thorough registries find close to 3.
#
# **Route B, count and divide.** The other seed document quotes about 5,000 new US
# cases a year, and the national registry counted between roughly 4,900 and 6,000 a
# year in 2014-2016. To turn a count into a rate, divide by the population at risk.
# ALS is almost unknown in children, so the fair comparison with "per 100,000
# adults" divides by adults only. Dividing the same count by everyone, children
# included, makes ALS look rarer than it is among adults.

# %%
cc = spec.cross_checks["us_annual_cases"]
per_adult = dict(derivation.cross_checks)[cc.label]  # cases / adults, per 100,000
US_EVERYONE = 330_000_000  # illustration only: whole US population, children included
per_person = per_adult * cc.population.value / US_EVERYONE

INCIDENCE = M.base_rate_parameter(m)
incidence = value(INCIDENCE)
print(f"Route A (explainer, model value): {incidence:.2f} per 100,000 adults a year")
print(
    f"Route B, {cc.cases.value:,.0f} cases / {cc.population.value / 1e6:.0f} million adults: "
    f"{per_adult:.2f} per 100,000 (yearly counts {cc.cases.low:,.0f}-{cc.cases.high:,.0f})"
)
print(f"Route B over everyone, children included: {per_person:.2f} per 100,000")
print(f"Model range for the incidence: {value(INCIDENCE, 'low')} to {value(INCIDENCE, 'high')}")

# the model's range holds route B per adult, the routes agree within about 5%,
# and spreading the count over children too takes about a quarter off
assert value(INCIDENCE, "low") <= per_adult <= value(INCIDENCE, "high")
assert abs(per_adult / incidence - 1) < 0.1
assert 0.15 < 1 - per_person / incidence < 0.35

# %% [markdown]
# So the routes agree to within about 5% once both are per adult, and differ by about
# a quarter if the US count is spread over children too. Registries also miss some
# cases, so a count like 5,000 is better read as a floor than as the truth. The model
# uses 2 per 100,000 adults a year with a range of 1.5 to 3, wide enough for both
# routes and for the higher European registries. Notebook 04 shows how much that
# range matters for the final answer.
#
# ## 3. The diagnostic window: 10 to 16 months
#
# People with ALS typically live with symptoms for about a year before the diagnosis
# is made; the sources give 10 to 16 months. In the waiting-room picture that is the
# length of stay, so the model multiplies the annual incidence by *months / 12*. The
# base rate moves in proportion: a window at the top of the range gives a base rate
# larger by the ratio of the months.

# %%
WINDOW = f"{TERMS}window"
for end in ("low", "value", "high"):
    print(f"{end:>5}: {value(WINDOW, end):.0f} months")

longer = M.Model(M.update_params(spec, {WINDOW: {"value": value(WINDOW, "high")}}))
ratio = M.query(longer, {}).baseline / M.query(m, {}).baseline
print(f"Base rate with the longest window / with the usual one: {ratio:.4f}")
assert math.isclose(ratio, value(WINDOW, "high") / value(WINDOW), rel_tol=1e-12)

# %% [markdown]
# ## 4. Age: most people are diagnosed between 55 and 75
#
# ALS is rare before 40 and most common from the late fifties to the mid-seventies.
# The model stores a *relative* incidence for each age band and scales those factors
# so that their average over the adult age mix is exactly 1. That keeps the incidence
# term meaning what the sources mean, a figure for all adults, while each age band
# moves it up or down.

# %%
ages = spec.nodes["age_band"].states
rows = []
for a in ages:
    d = M.derive(m, {"age_band": a})
    age_step = next(s for s in d.steps if s.detail.startswith("age_band = "))
    baseline = M.query(m, {"age_band": a}).baseline
    # the derivation's product equals the API's baseline, band by band
    assert math.isclose(d.prior, baseline, rel_tol=1e-12)
    rows.append(
        {
            "age band": a,
            "age factor": age_step.factor,
            "base rate": M.natural_frequency(baseline),
            "per 100,000": baseline * 100_000,
        }
    )
by_age = pd.DataFrame(rows)
show(by_age.round(3))

# Unanswered, age contributes its population average, which is exactly 1
average = next(s for s in derivation.steps if s.detail.startswith("age_band not given"))
assert math.isclose(average.factor, 1.0, rel_tol=1e-12)
# and the peak lies in the bands the sources name (55 to 75, or just after)
peak = str(by_age.sort_values("age factor")["age band"].iloc[-1])
print("Highest band:", peak)
assert peak in {"55_64", "65_74", "75_plus"}


# %% [markdown]
# ## 5. Family history: 5 to 10% of cases are familial
#
# The seed explainer says 5-10% of ALS runs in families; a registry meta-analysis
# found about 5%, and some recent registries report more when more distant relatives
# count, so definitions matter. The model does not type that share in. It stores two
# other numbers instead: how many adults have a parent, brother, sister or child with
# ALS (an assumption, about 1 in 100), and how much that raises the rate (a relative
# risk of about 8, from family studies). If the model is sound, splitting 100,000
# adults by ALS and then by family history should give back a familial share in the
# quoted range.

# %%
fh = M.frequency_tree(m, {}, "family_history", "yes")
familial_share = fh.finding_given_query  # P(family history | ALS)
print(
    f"Adults with an affected first-degree relative: {fh.finding_given_query:.1%} of ALS, "
    f"{fh.without_query_with_finding / fh.without_query:.1%} of everyone else"
)
print(
    f"Relative risk for them: x{value(f'nodes.{m.query_node}.distribution.relative.family_history.factors.yes'):g}"
)
print(f"Share of the model's ALS cases with such a relative: {familial_share:.1%}")
assert 0.05 <= familial_share <= 0.10

# %% [markdown]
# ## 6. One person's base rate, step by step
#
# Put together, for a man aged 55-64 with no family history. Each row multiplies the
# running product; the last running value is the base rate, and it must equal what
# the API's `query` reports as the baseline for the same background.

# %%
person = {"age_band": "55_64", "sex": "male", "family_history": "no"}
d = M.derive(m, person)
steps = pd.DataFrame(
    [
        {
            "step": s.label,
            "detail": s.detail,
            "factor": f"{s.factor:.4g}",
            "running product": f"{s.running:.4g}",
        }
        for s in d.steps
    ]
)
show(steps)
baseline = M.query(m, person).baseline
print(f"Product of the steps: {math.prod(s.factor for s in d.steps):.6e}")
print(f"query(...).baseline:  {baseline:.6e}  ->  {M.natural_frequency(baseline)}")
assert math.isclose(math.prod(s.factor for s in d.steps), baseline, rel_tol=1e-12)
assert math.isclose(d.prior, baseline, rel_tol=1e-12)

# %% [markdown]
# ## 7. P(twitching | ALS) is not P(ALS | twitching)
#
# Two questions that sound alike:
#
# * *Of people with early ALS, how many notice twitching?* Most of them.
# * *Of people who notice twitching, how many have early ALS?* Very few.
#
# The first is high because twitching is a common early feature of ALS. The second is
# tiny because twitching is also common in everyone else (caffeine, short sleep,
# stress, hard exercise, a harmless tendency to twitch), and everyone else outnumbers
# people with early ALS by tens of thousands to one.
#
# `frequency_tree` splits a group of 100,000 people by ALS and then by one answer, as
# expected counts; both conditional probabilities can be read off it.

# %%
everyone = M.frequency_tree(m, {}, "fasciculations", "yes")
twitch_given_als = everyone.finding_given_query
als_given_twitch = everyone.query_given_finding
print(f"P(twitching | ALS)      = {twitch_given_als:.3f}")
print(f"P(ALS | twitching)      = {M.natural_frequency(als_given_twitch)}")
print(f"The two differ by a factor of about {twitch_given_als / als_given_twitch:,.0f}")
assert twitch_given_als > 0.5
assert als_given_twitch < 1e-3
assert twitch_given_als / als_given_twitch > 1_000
# the same P(ALS | twitching) as a query with that one answer
assert math.isclose(als_given_twitch, M.query(m, {"fasciculations": "yes"}).posterior, rel_tol=1e-9)

# %% [markdown]
# ## 8. A frequency tree for 100,000 adults
#
# Conditional probabilities are easier to follow as counts. Start with 100,000 adults,
# split them by ALS, then split each branch by twitching. The counts are *expected*
# numbers (averages over many groups of 100,000), which is why some are fractions of
# a person. The helper below only places the API's counts in the dashboard's tree
# figure.


# %%
def count(n: float) -> str:
    """A count as shown in the tree: whole people from 100, one decimal below."""
    if n >= 100:
        return f"{n:,.0f}"
    return f"{n:.1f}" if n >= 1 else f"{n:.2g}"


def draw_tree(tree: M.FrequencyTree, who: str, finding_words: str) -> None:
    """The dashboard's frequency-tree figure for one `frequency_tree` result."""

    def box(key: str, level: int, slot: float, n: float, words: str, parent: str | None) -> Any:
        highlight = key in ("qf", "nf")  # the two groups with the finding
        return charts.TreeNode(
            key=key,
            level=level,
            slot=slot,
            count=count(n),
            words=words,
            parent=parent,
            highlight=highlight,
        )

    nodes = [
        box("all", 0, 1.5, tree.population, who, None),
        box("q", 1, 0.5, tree.with_query, "early ALS", "all"),
        box("nq", 1, 2.5, tree.without_query, "no ALS", "all"),
        box("qf", 2, 0, tree.with_query_with_finding, f"ALS, {finding_words}", "q"),
        box("qn", 2, 1, tree.with_query_without_finding, "ALS, without", "q"),
        box("nf", 2, 2, tree.without_query_with_finding, f"no ALS, {finding_words}", "nq"),
        box("nn", 2, 3, tree.without_query_without_finding, "no ALS, without", "nq"),
    ]
    show(charts.frequency_tree(nodes, f"{tree.population:,} {who}"))
    with_finding = tree.with_query_with_finding + tree.without_query_with_finding
    print(
        f"Of the {count(with_finding)} with {finding_words} (highlighted), "
        f"{count(tree.with_query_with_finding)} have early ALS: "
        f"{M.natural_frequency(tree.query_given_finding)}."
    )


draw_tree(everyone, "adults of all ages", "twitching")

# The ratio of the two twitching branches is the likelihood ratio the API reports
twitch_given_no_als = everyone.without_query_with_finding / everyone.without_query
lr = M.query(m, {"fasciculations": "yes"}).likelihood_ratios["fasciculations"]
from_tree = twitch_given_als / twitch_given_no_als
print(f"Likelihood ratio of twitching: {from_tree:.3f} from the tree, {lr:.3f} from the API")
assert math.isclose(from_tree, lr, rel_tol=1e-9)

# %% [markdown]
# The tree makes the point without algebra: the highlighted box on the ALS branch is
# small because the ALS branch is small, and the highlighted box on the other branch
# is huge because that branch holds nearly everyone.
#
# ## 9. Percent or "N in 100,000"?
#
# The same number can be written in ways that people read very differently.
#
# * **Percentages** this small come with a string of zeros after the decimal point,
#   and readers lose track of them.
# * **"1 in X"** changes the denominator from one row to the next, and a bigger X
#   means a smaller chance, which invites misreading. This project never uses it.
# * **"N in 100,000"** keeps one denominator everywhere, so two numbers can be
#   compared by reading them.
#
# A second trap is relative versus absolute change: "twitching multiplies the odds
# several times" sounds alarming, while for 100,000 adults the same change moves the
# count by a handful of people (the last line below gives the numbers).

# %%
rows = []
for a in ages:
    r = M.query(m, {"age_band": a, "fasciculations": "yes"})
    rows.append(
        {
            "age band": a,
            "as a percentage": f"{100 * r.posterior:.5f}%",
            "as N in 100,000": M.natural_frequency(r.posterior),
            "without the twitching answer": M.natural_frequency(r.baseline),
            "odds multiplied by": round(r.odds_ratio_vs_baseline, 2),
        }
    )
    assert M.natural_frequency(r.posterior).endswith("in 100,000")
show(pd.DataFrame(rows))

r = M.query(m, {"fasciculations": "yes"})
print(
    f"All adults: twitching multiplies the odds by {r.odds_ratio_vs_baseline:.1f}, "
    f"from {M.natural_frequency(r.baseline)} to {M.natural_frequency(r.posterior)}."
)
assert r.odds_ratio_vs_baseline > 2 and r.per_100k - r.baseline_per_100k < 20

# %% [markdown]
# ## 10. Exercise
#
# A clinic looks after **100,000 men aged 55-64 with no family history of ALS**.
#
# 1. How many of them would you expect to have early, not yet diagnosed ALS?
#    (Hint: `M.derive(m, background)` or `M.query(m, background).baseline`.)
# 2. How many of the 100,000 notice recurrent twitching?
# 3. Among the men who twitch, how many in 100,000 have early ALS? Work it out from a
#    frequency tree (`M.frequency_tree`, `draw_tree`), then check it with `M.query`.
# 4. Is the answer to 3 closer to P(twitching | ALS) or to the answer to 1? Why?
#
# Write your answers in the cell below before reading on.

# %%
# EXERCISE: your turn. Replace None with your numbers (use the helpers above).
exercise_background = {"age_band": "55_64", "sex": "male", "family_history": "no"}
my_answer_1 = None  # expected people with early ALS among the 100,000
my_answer_2 = None  # expected people who notice twitching
my_answer_3 = None  # early ALS among the twitchers, as N in 100,000

# %% [markdown]
# ### Answer

# %%
c = M.frequency_tree(m, exercise_background, "fasciculations", "yes")
draw_tree(c, "men aged 55-64, no family history", "twitching")
answer_1 = c.with_query
answer_2 = c.with_query_with_finding + c.without_query_with_finding
answer_3 = c.query_given_finding * 100_000
print(f"1. {count(answer_1)} men with early ALS ({M.natural_frequency(answer_1 / 100_000)})")
print(f"2. {count(answer_2)} men who notice twitching")
print(f"3. {answer_3:.1f} in 100,000 of the men who twitch have early ALS")

r = M.query(m, {**exercise_background, "fasciculations": "yes"})
assert math.isclose(answer_1 / 100_000, M.derive(m, exercise_background).prior, rel_tol=1e-9)
assert math.isclose(answer_3, r.per_100k, rel_tol=1e-9)
# 4. The twitching answer moves the odds by its likelihood ratio only:
print(
    f"4. Odds multiplied by {r.likelihood_ratios['fasciculations']:.2f}; "
    f"P(twitching | ALS) = {c.finding_given_query:.2f}"
)
assert 1 < r.likelihood_ratios["fasciculations"] < 10
assert answer_3 / 100_000 < 0.001 < c.finding_given_query

# %% [markdown]
# **About question 4.** The answer to 3 is a few times the base rate and nowhere near
# P(twitching | ALS). Twitching is more common with ALS than without it, so it raises
# the odds, but only by its likelihood ratio, a single-digit factor, and a small
# number multiplied by a single-digit factor stays small. Notebook 02 shows which
# answers move the odds much more, in both directions.
#
# ## Take-aways
#
# * A base rate can be built from published pieces, and the pieces come with ranges
#   because the sources disagree on definitions, populations and completeness.
# * P(finding | disease) and P(disease | finding) can differ by thousands of times;
#   the base rate is what separates them.
# * Frequency trees and a fixed "N in 100,000" make both visible.
# * None of this says anything about one person. Anyone with weakness, wasting,
#   speech, swallowing or breathing changes, or symptoms that keep getting worse
#   should see a doctor promptly.
