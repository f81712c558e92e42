# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Uncertainty and sensitivity
#
# **For researchers and reviewers** who want to know how much an answer depends on
# the uncertain inputs behind it, before quoting it.
#
# Every parameter in the priors has a plausible range as well as a value. Five views
# of what those ranges do to one answer:
#
# 1. **probabilistic sensitivity analysis (PSA):** draw every parameter at random
#    within its range, many times, and look at the spread of answers;
# 2. **tornado:** move one parameter at a time to each end of its range;
# 3. **two-way grid:** move two parameters together;
# 4. **Sobol indices:** share out the variance of the answer among the parameters,
#    interactions included;
# 5. **"what would flip it":** how far one parameter would have to move for the answer
#    to cross a line;
# 6. **watchful waiting:** what happens to the answer if nothing new appears over the
#    coming months, and how likely it is that something new does.
#
# Sizes are kept modest so the notebook runs in seconds; the same calls scale to
# hundreds of thousands of draws (see the benchmarks) when a result is meant for a
# paper.

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
pd.set_option("display.max_colwidth", 80)
m = M.load_model()
spec = m.spec
params = M.param_table(m).set_index("name")


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


def label(name: str) -> str:
    """A parameter's label, without the words every ALS parameter repeats."""
    text = str(params["label"].to_dict()[name])
    return text.replace(" (early, symptomatic, not yet diagnosed)", "")


INCIDENCE = M.base_rate_parameter(m)  # "nodes.als.distribution.terms.incidence"
# how often limb-onset ALS produces objective weakness (a categorical cause's strength)
WEAKNESS_LIMB = "nodes.weakness.distribution.causes.als_form.limb"
assert {INCIDENCE, WEAKNESS_LIMB} <= set(params.index)  # real names of this priors file

# The situation studied: a man aged 55-64, no family history, who notices twitching
# and has neither objective weakness nor visible wasting.
person: dict[str, str] = {
    "age_band": "55_64",
    "sex": "male",
    "family_history": "no",
    "fasciculations": "yes",
    "weakness": "no",
    "atrophy": "no",
}
point = M.query(m, person)
print(
    f"Point estimate: {M.natural_frequency(point.posterior)} "
    f"(base rate for his background: {M.natural_frequency(point.baseline)})"
)

# Two lines to compare against. They are illustrations, not clinical cut-offs.
NEAR = 5 / 100_000  # 5 in 100,000: close to the point estimate
FAR = 50 / 100_000  # 50 in 100,000: ten times higher
assert NEAR / 2 < point.posterior < 2 * NEAR


# %% [markdown]
# ## 1. Probabilistic sensitivity analysis
#
# `psa` draws every parameter independently within its declared range (how it samples
# is documented in `model.uncertainty`: a triangular distribution peaking at the
# declared value), evaluates the exact posterior for every draw in one batch, and
# reports the median, a 95% interval and, given a threshold, the share of draws above
# it. The same seed gives the same draws.

# %%
N_DRAWS = 10_000  # modest; 10^5 or more for publication (it is fast)
res = M.psa(m, person, n_draws=N_DRAWS, seed=0, threshold=NEAR)
share_far = float(np.mean(res.draws > FAR))
print(
    f"median {res.median * 1e5:.2f} in 100,000; 95% interval "
    f"{res.low * 1e5:.2f} to {res.high * 1e5:.2f} in 100,000"
)
print(f"share of draws above {NEAR * 1e5:g} in 100,000: {res.share_above:.1%}")
print(f"share of draws above {FAR * 1e5:g} in 100,000: {share_far:.1%}")

again = M.psa(m, person, n_draws=N_DRAWS, seed=0, threshold=NEAR)
assert np.array_equal(res.draws, again.draws)  # seeded, reproducible
assert len(res.draws) == N_DRAWS
assert res.low <= res.median <= res.high
assert res.low <= point.posterior <= res.high
assert res.share_above is not None  # a threshold was given
assert math.isclose(res.share_above, float(np.mean(res.draws > NEAR)))
assert 0.05 < res.share_above < 0.95 and share_far < 0.01

show(
    charts.psa_histogram(
        (res.draws * 1e5).tolist(),
        res.low * 1e5,
        res.median * 1e5,
        res.high * 1e5,
        f"{N_DRAWS:,} parameter draws",
        "people in 100,000 with these answers",
    )
)

# %% [markdown]
# The interval spans a few-fold, which is normal when a base rate and a handful of
# sensitivities are each uncertain by tens of percent. Read against the two lines:
# whether the answer is above or below 5 in 100,000 is genuinely uncertain (a sizeable
# share of draws lands on each side), while essentially no draw reaches 50 in 100,000.
# A conclusion of the second kind is robust; one of the first kind should be reported
# as the interval, not as a yes or no.
#
# ## 2. Tornado: one parameter at a time
#
# Each parameter goes to the low and then the high end of its range while all others
# stay at their values. The longest bars mark the parameters this particular answer
# leans on most. All 2 × (number of parameters) runs are one batch.

# %%
bars = M.tornado(m, person)
assert all(a.swing >= b.swing for a, b in itertools.pairwise(bars))  # sorted, largest first
top = bars[:12]

show(
    charts.tornado_chart(
        [f"{label(b.name)} [{b.low:g}-{b.high:g}]" for b in top],
        [b.posterior_low * 1e5 for b in top],
        [b.posterior_high * 1e5 for b in top],
        point.per_100k,
        "One-way sensitivity around the point estimate",
        "people in 100,000",
    )
)

show(
    pd.DataFrame(
        [
            {
                "parameter": label(b.name),
                "low": b.low,
                "high": b.high,
                "at low (per 100k)": b.posterior_low * 1e5,
                "at high (per 100k)": b.posterior_high * 1e5,
            }
            for b in top
        ]
    ).round(3)
)

# %% [markdown]
# A check on the base-rate bar. With age, sex and family history all given, the base
# rate is a product that scales exactly with the incidence, and the answers multiply
# the odds by the same factor whatever the base rate (notebook 03). So the posterior
# odds at the two ends of the incidence range must differ exactly as the prior odds
# do:

# %%
inc = next(b for b in bars if b.name == INCIDENCE)
at_low = M.query(M.Model(M.update_params(spec, {INCIDENCE: {"value": inc.low}})), person)
at_high = M.query(M.Model(M.update_params(spec, {INCIDENCE: {"value": inc.high}})), person)
# the tornado's two runs are these two models
assert math.isclose(at_low.posterior, inc.posterior_low, rel_tol=1e-9)
assert math.isclose(at_high.posterior, inc.posterior_high, rel_tol=1e-9)
posterior_ratio = at_high.odds / at_low.odds
prior_ratio = at_high.baseline_odds / at_low.baseline_odds
print(f"posterior odds ratio {posterior_ratio:.9f}, prior odds ratio {prior_ratio:.9f}")
assert math.isclose(posterior_ratio, prior_ratio, rel_tol=1e-9)

# %% [markdown]
# ## 3. Two-way grid
#
# Two parameters that matter here: the incidence (where the odds start) and how often
# limb-onset ALS produces objective weakness (which sets how much "no weakness" lowers
# the odds). The grid moves both across their ranges.

# %%
grid = M.two_way(m, person, INCIDENCE, WEAKNESS_LIMB, steps=11)
per_100k = grid.posterior * 1e5
assert per_100k.shape == (11, 11)
# a higher base rate always raises the answer (rows) ...
assert np.all(np.diff(grid.posterior, axis=0) > 0)
# ... and, since 'no weakness' was answered, a higher P(weakness | limb onset) lowers it (columns)
assert np.all(np.diff(grid.posterior, axis=1) < 0)

show(
    charts.two_way_heatmap(
        [f"{v:.3g}" for v in grid.values2],
        [f"{v:.3g}" for v in grid.values1],
        per_100k.tolist(),
        [[f"{n:.2g}" for n in row] for row in per_100k],
        label(WEAKNESS_LIMB),
        "annual incidence per 100,000",
        "Posterior over two parameters",
        "people in 100,000",
    )
)

# %% [markdown]
# ## 4. Sobol indices: a global view
#
# The tornado moves one parameter at a time from the declared values; Sobol indices
# look at the whole box of ranges at once. For each parameter:
#
# * **S1** (first order): the share of the answer's variance it explains alone;
# * **ST** (total): its share including every interaction with other parameters.
#
# ST much larger than S1 means the parameter matters mostly in combination with
# others. The output analysed is the posterior *log-odds*, the natural scale for
# quantities that multiply. With a small base sample the indices are noisy (the
# `_conf` columns are bootstrap 95% half-widths); raise `N_BASE` for firm numbers.

# %%
N_BASE = 128  # a power of two; the cost is N_BASE x (number of parameters + 2) runs
sob = M.sobol(m, person, n_base=N_BASE, seed=0)
frame = sob.to_frame()
print(f"{sob.n_runs:,} model runs over {len(sob.names)} varying parameters")
show(frame.head(10).assign(label=frame["name"].map(label)).drop(columns="name").round(3))

assert sob.n_runs == N_BASE * (len(sob.names) + 2)
# the global and the one-way view agree on what matters most here
assert frame["name"].iloc[0] in {b.name for b in bars[:5]}
assert frame["S1"].sum() < 1.1 and (frame["ST"] > -0.05).all()

head = frame.head(10)
show(
    charts.sobol_chart(
        [label(n) for n in head["name"]],
        list(head["S1"]),
        list(head["S1_conf"]),
        list(head["ST"]),
        list(head["ST_conf"]),
        "Sobol indices, top 10 parameters",
    )
)

# %% [markdown]
# ## 5. What would flip it?
#
# For one parameter and a threshold, `flip` finds the value at which the answer would
# cross the threshold and says whether that value lies inside the parameter's
# declared range. By default it studies the base rate. Each crossing is checked by
# editing the priors to that value and asking the model again.

# %%
near = M.flip(m, person, threshold=NEAR)
far = M.flip(m, person, threshold=FAR)
for f in (near, far):
    where = "inside" if f.inside_range else "outside"
    print(
        f"To cross {f.threshold * 1e5:g} in 100,000 the incidence would have to be "
        f"{f.crossing:.3g} per 100,000 a year: {where} its range {f.low:g}-{f.high:g}"
    )
assert near.inside_range and not far.inside_range
assert near.crossing is not None

# Check: with the incidence edited to the crossing, the answer sits on the line ...
moved = M.Model(M.update_params(spec, {INCIDENCE: {"value": near.crossing}}))
assert math.isclose(M.query(moved, person).posterior, NEAR, rel_tol=1e-6)
# ... and even at the top of its range (the tornado's run) it stays below the far line
assert inc.posterior_high < FAR

# %%
# The same question for the parameters at the top of the tornado, at both thresholds
rows = []
for b in bars[:8]:
    row: dict[str, Any] = {
        "parameter": label(b.name),
        "value": value(b.name),
        "range": f"{b.low:g}-{b.high:g}",
    }
    for name, threshold in [("5 in 100,000", NEAR), ("50 in 100,000", FAR)]:
        f = M.flip(m, person, b.name, threshold=threshold)
        row[f"crosses {name} at"] = f.crossing
        row[f"inside range ({name})"] = f.inside_range
        if f.inside_range and f.crossing is not None:
            moved = M.Model(M.update_params(spec, {b.name: {"value": f.crossing}}))
            assert math.isclose(M.query(moved, person).posterior, threshold, rel_tol=1e-6)
    rows.append(row)
flips = pd.DataFrame(rows)
show(flips.round(4))
assert not flips["inside range (50 in 100,000)"].any()

# %% [markdown]
# The table says the same as the PSA from another angle. Close to the estimate, many
# single parameters can carry the answer across 5 in 100,000 without leaving their
# ranges, so a statement like "below 5 in 100,000" would overclaim. No single
# parameter within its range comes near 50 in 100,000 (a missing crossing, NaN, means
# the answer never reaches the line whatever the parameter's value).
#
# ## 6. Watchful waiting: if nothing new appears
#
# Harmless twitching can go on for years; ALS usually brings weakness that worsens
# within months. So time itself is informative: `watchful_waiting(model, answers,
# months=...)` moves the answer about how long the twitching has lasted on by each
# horizon, adds "nothing new" (no weakness, wasting, speech or breathing change, no
# worsening), and reports P(ALS) at that point. It also reports the chance that a
# warning sign *does* appear meanwhile, for people like this one: if it does, the
# advice is to see a doctor promptly, not to keep waiting.
#
# Watching is for people without a warning sign. The same man, twitching for 1-3
# months:

# %%
HORIZONS = (1, 3, 6, 12)
waiting = {**person, "symptom_duration": "1_3_months"}
w = M.watchful_waiting(m, waiting, months=HORIZONS)
print(f"now:                               {M.natural_frequency(w.now)}")
print(f"now, if nothing new is there today: {M.natural_frequency(w.now_nothing_new)}")
shown_together = M.people([w.now, *(pt.posterior for pt in w.points)])  # one denominator
show(
    pd.DataFrame(
        [
            {
                "months from now": pt.months,
                "twitching for": pt.duration,
                "P(ALS) if nothing new": said.text,
                "chance a warning sign appears by then": f"{pt.new_sign_chance:.1%}",
            }
            for pt, said in zip(w.points, shown_together[1:], strict=True)
        ]
    )
)
print("Watch for:", "; ".join(w.watch_for))

assert [pt.months for pt in w.points] == list(HORIZONS)
# with nothing new, the number can only fall as time passes ...
posteriors = [w.now_nothing_new, *(pt.posterior for pt in w.points)]
assert all(a >= b for a, b in itertools.pairwise(posteriors))
assert w.points[-1].posterior < w.now / 100
# ... while the chance that something new appears grows with the horizon
chances = [pt.new_sign_chance for pt in w.points]
assert all(0 < a < b < 1 for a, b in itertools.pairwise(chances))
# the last horizon's duration band is the one the priors' clock reaches after 12 months
assert w.points[-1].duration == "1_2_years"

# %%
# The horizon is a model answer like any other: with the PSA draws it has an interval.
later = {**waiting, **{n: "no" for n in ("bulbar", "breathing", "progression")}}
later["symptom_duration"] = w.points[-1].duration
res_later = M.psa(m, later, n_draws=N_DRAWS, seed=0)
median, low, high = M.people([res_later.median, res_later.low, res_later.high])
print(
    f"after {HORIZONS[-1]} months with nothing new: median {median.text}, "
    f"95% interval {low.text} to {high.text}"
)
assert math.isclose(M.query(m, later).posterior, w.points[-1].posterior, rel_tol=1e-9)
assert res_later.high < res.low  # the whole interval has moved below today's

# %%
# With a warning sign there is nothing to wait for: the request is refused, with the advice.
try:
    M.watchful_waiting(m, {**waiting, "weakness": "yes"})
except M.RequestError as err:
    print(err)
    refusal = str(err)
else:
    raise AssertionError("watchful waiting should refuse a warning sign")
assert "see a doctor promptly" in refusal

# %% [markdown]
# Two readings of the table. The number falls steeply with every month in which
# nothing new appears, because an early phase of ALS without weakness or worsening
# rarely lasts long. And the chance that *something* new appears is small but not
# zero; most such changes will have other causes, but any of them is a reason to see
# a doctor promptly rather than to keep waiting. Waiting never says "you do not have
# ALS"; it says how the odds move if the picture stays the same.
#
# ## Take-aways
#
# * Report an interval, and the share of draws past any line that matters, not only
#   the point estimate.
# * Tornado and Sobol rankings tell you which sources deserve a closer look; here they
#   agree on the top parameters.
# * "What would flip it" turns a sensitivity analysis into a plain question: how
#   wrong would this number have to be?
# * The same analyses are on the command line (`alsodds uncertainty`,
#   `alsodds sensitivity`, `alsodds flip`) and in the dashboard.
# * Watchful waiting shows how the number falls if nothing new appears, and how
#   likely it is that something does; a new warning sign means seeing a doctor
#   promptly, not more waiting.
# * None of these numbers is about one person: warning signs mean seeing a doctor
#   promptly.
