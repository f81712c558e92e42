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
#    from published ingredients, one multiplication at a time: incidence in the whole
#    population, then per adult, then times the mean time to diagnosis, then by age
#    and sex;
# 2. see how family history enters: as a finding whose frequency differs between
#    people with and without ALS, not as a multiplier typed in;
# 3. set the model's figures beside the published ones (the validation table);
# 4. separate P(twitching | ALS) from P(ALS | twitching) and draw a frequency tree;
# 5. compare percentages with the fixed-denominator form "N in 100,000";
# 6. try an exercise (its answer is further down).
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
validation = {row.id: row for row in M.run_validation(m)}  # priors/validation.yaml
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


def compared(rows: list[M.RowResult]) -> pd.DataFrame:
    """Validation rows as a table: the model's figure beside the published range."""
    return pd.DataFrame(
        [
            {
                "quantity": r.quantity,
                "model": r.model if isinstance(r.model, str) else f"{r.model:.4g}",
                "published": f"{r.low:g} to {r.high:g}"
                if isinstance(r.low, float)
                else f"{r.low} to {r.high}",
                "unit": r.unit,
                "status": r.status,
                "sources": ", ".join(r.source),
            }
            for r in rows
        ]
    )


# %% [markdown]
# ## 1. What is the base rate, exactly?
#
# The model asks a narrow question: *right now, does this person have ALS that already
# causes symptoms but has not been diagnosed yet?* That is a share of people at one
# moment (a point prevalence), not a risk over a year or a lifetime.
#
# A share at one moment can be built from a flow. Picture a waiting room: if new
# people arrive at a steady rate and each stays for a while, the room holds about
# *arrival rate × average length of stay* people at any moment. Here the arrivals are
# new cases of ALS (the annual **incidence**) and the stay is the time from the first
# symptom to the diagnosis. The model then adjusts the result for **age** and **sex**.
#
# `derive` lists those ingredients as steps; each is a parameter in the priors file
# with a value, a plausible range and its sources:

# %%
derivation = M.derive(m)
show(
    pd.DataFrame(
        [
            {"step": s.label, "detail": s.detail, "factor": s.factor, "running": s.running}
            for s in derivation.steps
        ]
    )
)
TERMS = f"nodes.{m.query_node}.distribution.terms."
terms = params[params.index.str.startswith(TERMS)]
show(terms[["label", "value", "low", "high", "source"]])
# the running product of the steps is the base rate the API reports for everyone
assert math.isclose(derivation.steps[-1].running, M.query(m, {}).baseline, rel_tol=1e-12)

# %%
# The full citations behind the keys above (the project's own copy of its sources)
keys = dict.fromkeys(k for s in derivation.steps for k in s.sources)
for k in keys:
    print(f"{k[:16]:>16}  {spec.sources.get(k, '(reasoning given in the priors file)')}")
assert keys and all(k in spec.sources or k.startswith("assumption:") for k in keys)

# %% [markdown]
# ## 2. Incidence: per head of everyone, or per adult?
#
# **The round figure.** The physician-reviewed explainer among the project's seed
# documents says about 2 new cases per 100,000 *people* a year, and meta-analyses give
# similar whole-population figures. "People" includes children, and ALS is almost
# unknown in children, so the same cases spread over adults only give a higher rate:
# divide by the adult share of the population (about 78%), that is multiply by about
# 1.28. The derivation's first two steps do exactly that.
#
# **Count and divide.** The other seed document quotes about 5,000 new US cases a
# year, and the national registry counted roughly 4,900 to 6,000 a year in 2014-2016.
# Divided by the US adult population that is a little under 2 per 100,000 adults,
# lower than the round figure per adult. Registries miss cases (the US registry's
# own checks suggest a quarter to two fifths), so a count is better read as a floor.


# %%
def running(term: str) -> float:
    """The derivation's running product after one incidence term, found by its label."""
    words = str(params["label"].to_dict()[f"{TERMS}{term}"])
    return next(s.running for s in derivation.steps if words.endswith(s.label))


whole = running("incidence") * 100_000  # per 100,000 people (children included)
adult_rate = running("adults") * 100_000  # per 100,000 adults

cc = spec.cross_checks["us_annual_cases"]
per_adult_count = dict(derivation.cross_checks)[cc.label]  # registry cases / adults
print(f"Whole population (explainer, meta-analyses): {whole:.2f} per 100,000 people a year")
print(f"The same, per adult:                         {adult_rate:.2f} per 100,000 adults a year")
print(
    f"US count, {cc.cases.value:,.0f} cases / {cc.population.value / 1e6:.0f} million adults: "
    f"{per_adult_count:.2f} per 100,000 adults (yearly counts {cc.cases.low:,.0f}-{cc.cases.high:,.0f})"
)

# The per-adult rate is larger than the whole-population one by the adult factor ...
assert adult_rate > whole
assert math.isclose(adult_rate / whole, value(f"{TERMS}adults"), rel_tol=1e-12)
# ... and the registry count per adult falls below it: a floor, not the truth
assert per_adult_count < adult_rate

# %% [markdown]
# ### How the model compares
#
# `run_validation` computes, from the model, the quantities published studies report
# and sets each beside its published range (the same table is in docs/validation.md
# and on the command line as `alsodds validation`). The incidence rows:

# %%
incidence_rows = [r for r in validation.values() if r.kind in ("incidence", "cases", "peak")]
show(compared(incidence_rows))
# every incidence row that carries a verdict passes; rows shown without one are marked
assert len(incidence_rows) >= 8
assert all(r.passed is not False for r in incidence_rows)
assert any(r.status == "shown" for r in incidence_rows)  # the raw registry count
# the table's adult rate is the derivation's: one number, two views
adult_row = validation["incidence_adults"]
assert isinstance(adult_row.model, float)
assert math.isclose(adult_row.model, adult_rate, rel_tol=1e-9)
assert adult_row.low <= adult_rate <= adult_row.high  # type: ignore[operator]

# %% [markdown]
# The raw US count is shown without a verdict: the model expects more cases a year
# than the registry counted, which is what a registry that misses cases should see.
# The next row corrects the counts for the cases the registry's own checks say it
# missed, and the model falls inside that range.
#
# ## 3. The diagnostic window: mean, not median
#
# People with ALS typically live with symptoms for about a year before the diagnosis
# is made. In the waiting-room picture the length of stay that counts is the *mean*
# time, and the mean (about 16 months in UK and French series) is longer than the
# median (11-13 months) because a few people wait much longer. The model multiplies
# the adult incidence by *months / 12*, so the base rate moves in proportion: a
# window at the top of its range gives a base rate larger by the ratio of the months.

# %%
WINDOW = f"{TERMS}window"
for end in ("low", "value", "high"):
    print(f"{end:>5}: {value(WINDOW, end):.0f} months")

longer = M.Model(M.update_params(spec, {WINDOW: {"value": value(WINDOW, "high")}}))
ratio = M.query(longer, {}).baseline / M.query(m, {}).baseline
print(f"Base rate with the longest window / with the usual one: {ratio:.4f}")
assert math.isclose(ratio, value(WINDOW, "high") / value(WINDOW), rel_tol=1e-12)

# %% [markdown]
# ## 4. Age: incidence peaks between 65 and 75
#
# ALS is rare before 40 and most common from the sixties to the mid-seventies. The
# model stores a *relative* incidence for each age band and scales those factors so
# that their average over the adult age mix is exactly 1. That keeps the incidence
# terms meaning what the sources mean, a figure for all adults, while each age band
# moves it up or down. The validation table sets each band's rate beside the
# published age-specific rates.

# %%
ages = spec.nodes["age_band"].states
rows = []
for a in ages:
    d = M.derive(m, {"age_band": a})
    age_step = next(s for s in d.steps if s.detail.startswith("age_band = "))
    baseline = M.query(m, {"age_band": a}).baseline
    # the derivation's product equals the API's baseline, band by band
    assert math.isclose(d.prior, baseline, rel_tol=1e-12)
    # and the band's incidence in the validation table is the adult rate x its factor
    band_row = validation[f"incidence_age_{a}"]
    assert isinstance(band_row.model, float)
    assert math.isclose(band_row.model, adult_rate * age_step.factor, rel_tol=1e-9)
    rows.append(
        {
            "age band": a,
            "age factor": age_step.factor,
            "incidence per 100,000 a year": band_row.model,
            "published range": f"{band_row.low:g}-{band_row.high:g}",
            "base rate": M.natural_frequency(baseline),
        }
    )
by_age = pd.DataFrame(rows)
show(by_age.round(3))

# Unanswered, age contributes its population average, which is exactly 1
average = next(s for s in derivation.steps if s.detail.startswith("age_band not given"))
assert math.isclose(average.factor, 1.0, rel_tol=1e-12)
# the peak band is the one the validation table checks against the registries
peak = str(by_age.sort_values("age factor")["age band"].iloc[-1])
print("Highest band:", peak)
assert peak == validation["peak_age_band"].model
assert validation["peak_age_band"].passed

# %% [markdown]
# The seed explainer says most people are *diagnosed* between 55 and 75. That counts
# people, not rates: there are more adults in their late fifties than in their
# seventies, so a peak *rate* at 65-74 and a spread of *diagnoses* from 55 to 75 fit
# together.
#
# ## 5. Family history: 5 to 10% of cases are familial
#
# The seed explainer says 5-10% of ALS runs in families; a meta-analysis of
# population registries found about 5%. The model writes family history the way
# registries report it: as a small table of how often each group has a parent,
# brother, sister or child with ALS, once for people with ALS and once for everyone
# else. That makes family history a *finding* about ALS, like twitching, rather than
# a factor multiplied into the base rate.

# %%
FH = "nodes.family_history.distribution.given."
show(params[params.index.str.startswith(FH)][["label", "value", "low", "high", "source"]])

fh_with_als = float(M.conditional_probability(m, {"family_history": "yes"}, {"als": "present"})[0])
fh_without = float(M.conditional_probability(m, {"family_history": "yes"}, {"als": "absent"})[0])
lr_fh = M.query(m, {"family_history": "yes"}).likelihood_ratios["family_history"]
print(f"P(affected relative | ALS)    = {fh_with_als:.1%}  (the familial share of cases)")
print(f"P(affected relative | no ALS) = {fh_without:.1%}")
print(f"Likelihood ratio of a 'yes':  x{lr_fh:.2f}")

# the familial share sits in the quoted 5-10%, and the validation rows agree
assert 0.05 <= fh_with_als <= 0.10
assert validation["familial_share"].passed and validation["familial_share_registries"].passed
# the likelihood ratio of the answer is the ratio of the two shares
assert math.isclose(lr_fh, fh_with_als / fh_without, rel_tol=1e-9)
# the frequency tree reads the same share off its counts
fh_tree = M.frequency_tree(m, {}, "family_history", "yes")
assert math.isclose(fh_tree.finding_given_query, fh_with_als, rel_tol=1e-9)

# %% [markdown]
# What a "yes" does to one person follows from Bayes' rule: the odds are multiplied by
# the ratio of the two shares, about 5.5, so the relative risk the family studies
# report is an *output* here. Most people with an affected relative still never
# develop ALS, because they start from the same small base rate.
#
# ## 6. One person's base rate, step by step
#
# Put together, for a man aged 55-64 with no family history. The derivation covers
# age and sex; the last running value must equal what `query` reports as the baseline
# for the same age and sex. The family-history answer then multiplies the odds by its
# likelihood ratio (a "no" lowers them slightly, because a few cases are familial).

# %%
person = {"age_band": "55_64", "sex": "male", "family_history": "no"}
age_sex = {k: person[k] for k in ("age_band", "sex")}
d = M.derive(m, age_sex)
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
before_fh = M.query(m, age_sex)
with_fh = M.query(m, person)
lr_no = with_fh.likelihood_ratios["family_history"]
print(f"Product of the steps:        {math.prod(s.factor for s in d.steps):.6e}")
print(f"query(age, sex).baseline:    {before_fh.baseline:.6e}")
print(f"family history 'no':         odds x{lr_no:.4f}")
print(
    f"query(person).baseline:      {with_fh.baseline:.6e} -> {M.natural_frequency(with_fh.baseline)}"
)
assert math.isclose(math.prod(s.factor for s in d.steps), before_fh.baseline, rel_tol=1e-12)
assert math.isclose(d.prior, before_fh.baseline, rel_tol=1e-12)
assert lr_no < 1
assert math.isclose(before_fh.baseline_odds * lr_no, with_fh.baseline_odds, rel_tol=1e-9)

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
#    (Hint: `M.query(m, background).baseline`.)
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
assert math.isclose(answer_1 / 100_000, M.query(m, exercise_background).baseline, rel_tol=1e-9)
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
