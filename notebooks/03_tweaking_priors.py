# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Tweaking the priors
#
# **For researchers** who want to change a number in the model, check that the
# changed model still hangs together, compare its answers with the default, and take
# the network to other Bayesian-network software.
#
# The whole model lives in one data file, `priors/als_default.yaml`: every node, its
# states, and every parameter with a value, a plausible range and a source (a key of
# the file's `sources` table, or a text starting with `assumption:` that gives the
# reasoning). The code contains no ALS-specific number, so changing the model means
# changing that file, or a copy of it, never the code.
#
# Two ways to change a parameter are shown: in code with `update_params`, and by
# editing a copied YAML file (in a temporary folder, so the repository stays as it
# is). Both are validated on the way in.

# %% [markdown]
# > **Educational model only, not a diagnosis.** The numbers describe groups of people,
# > never one person. Weakness, visible muscle wasting, trouble speaking or swallowing,
# > new breathlessness or symptoms that keep getting worse are reasons to see a doctor
# > promptly, whatever any number in this notebook says.

# %%
import copy
import math
import shutil
import tempfile
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from IPython.display import display

import alsodds as M
from alsodds.network import from_pgmpy, pgmpy_posterior, read_network, write_network

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", message="IProgress not found")  # tqdm, via pgmpy
pd.set_option("display.max_colwidth", 90)


def show(table: pd.DataFrame) -> None:
    """Show a table."""
    display(table)  # type: ignore[no-untyped-call]


# %% [markdown]
# ## 1. The bundled priors
#
# `load_spec` reads and validates a priors file; `Model` wraps the validated spec;
# `param_table` lists every parameter with its dotted name (the handle used to edit
# it), value, range, kind and source.

# %%
path = M.default_priors_path()
spec = M.load_spec(path)  # parse + validate; a bad file raises one M.PriorsError
m = M.Model(spec, source=path.name)
params = M.param_table(m)


def value(name: str, field: str = "value") -> float:
    """One field (value, low or high) of a parameter, by its dotted name."""
    return float(params.set_index("name")[field].to_dict()[name])


assumption = params["source"].str.startswith("assumption:")
print(
    f"{path.name}: {len(spec.nodes)} nodes, {len(params)} parameters, "
    f"{len(spec.sources)} entries in the sources table"
)
print(
    f"{(~assumption).sum()} parameters cite sources; {assumption.sum()} rest on a "
    "labelled assumption that states its reasoning"
)
assert params["source"].str.strip().str.len().gt(0).all()

INCIDENCE = "nodes.als.distribution.terms.incidence"
WINDOW = "nodes.als.distribution.terms.window"
WEAKNESS_ALS = "nodes.weakness.distribution.causes.als"
TRIGGER_ABSENT = "nodes.trigger_response.distribution.given.absent"
TRIGGER_PRESENT = "nodes.trigger_response.distribution.given.present"
shown = params.set_index("name").loc[
    [INCIDENCE, WINDOW, WEAKNESS_ALS, TRIGGER_ABSENT, TRIGGER_PRESENT]
]
show(shown[["value", "low", "high", "kind", "source"]])

# %% [markdown]
# How a parameter reads depends on the kind of node it belongs to.
#
# * `WEAKNESS_ALS` belongs to a **noisy-OR** node: it is the probability that ALS
#   *on its own* produces objective weakness. Other causes (a condition that mimics
#   ALS, and a "leak" for everything not modelled) add their own chances.
# * The course questions are **conditional** nodes with ALS as their only parent,
#   and their parameters give the answer's probability directly, whatever else may
#   be behind the twitching. `TRIGGER_ABSENT` is P(twitching *not* improved after a
#   few weeks of less caffeine, more sleep and less stress | no early ALS);
#   `TRIGGER_PRESENT` is the same with early ALS. The likelihood ratio of an answer
#   is simply the ratio of the two: for "improved", (1 - `TRIGGER_PRESENT`) /
#   (1 - `TRIGGER_ABSENT`).
#
# A few situations to compare throughout the notebook, all for a woman aged 55-64
# with no family history:

# %%
background: dict[str, str] = {"age_band": "55_64", "sex": "female", "family_history": "no"}
PROFILES = {
    "no symptoms asked": background,
    "twitching, no weakness": {**background, "fasciculations": "yes", "weakness": "no"},
    "twitching, settled after cutting triggers": {
        **background,
        "fasciculations": "yes",
        "trigger_response": "improved",
    },
    "twitching, weakness and wasting": {
        **background,
        "fasciculations": "yes",
        "weakness": "yes",
        "atrophy": "yes",
    },
}


def compare(models: Mapping[str, M.Model]) -> pd.DataFrame:
    """N in 100,000 for every profile (rows) under every model (columns)."""
    return pd.DataFrame(
        {
            name: {p: M.query(mod, a).per_100k for p, a in PROFILES.items()}
            for name, mod in models.items()
        }
    )


show(compare({"default": m}).round(3))

# %% [markdown]
# ## 2. Change a parameter in code
#
# `update_params(spec, {name: {"value": ...}})` returns a *new* spec (the original
# is immutable) and runs every check the file loader runs. Suppose you trust the
# higher European registries and set the incidence to 2.8 per 100,000 a year, inside
# its declared range.

# %%
edited = M.update_params(spec, {INCIDENCE: {"value": 2.8}}, source="incidence 2.8")
m_code = M.Model(edited, source="edited in code")
table = compare({"default": m, "incidence 2.8": m_code})
table["ratio"] = table["incidence 2.8"] / table["default"]
show(table.round(4))

for answers in PROFILES.values():
    before, after = M.query(m, answers), M.query(m_code, answers)
    # the base rate is a product, so it scales exactly with the incidence ...
    assert math.isclose(after.baseline / before.baseline, 2.8 / 2.0, rel_tol=1e-12)
    # ... while what the answers do to the odds does not change at all
    assert math.isclose(after.odds_ratio_vs_baseline, before.odds_ratio_vs_baseline, rel_tol=1e-9)

# %% [markdown]
# The lesson in the two asserts: the base rate sets the starting point, and the
# findings multiply the odds by the same factors whatever that starting point is
# (given the same age, sex and family history). The final numbers move almost in
# proportion to the base rate.
#
# Now a parameter of a finding. Setting `TRIGGER_ABSENT` to the top of its range
# says that even without ALS, twitching seldom settles within a few weeks of cutting
# triggers. "It settled" then sets people without ALS apart less sharply from people
# with it, so it becomes a weaker sign of a harmless cause and its likelihood ratio
# moves towards 1 (while staying below 1).

# %%
p_absent = value(TRIGGER_ABSENT)
p_present = value(TRIGGER_PRESENT)
top = value(TRIGGER_ABSENT, "high")
stubborn_spec = M.update_params(spec, {TRIGGER_ABSENT: {"value": top}})
stubborn = M.Model(stubborn_spec, source="twitching seldom settles without ALS")
settled = PROFILES["twitching, settled after cutting triggers"]
lr_default = M.query(m, settled).likelihood_ratios["trigger_response"]
lr_stubborn = M.query(stubborn, settled).likelihood_ratios["trigger_response"]
print(
    f"LR of 'improved': {lr_default:.3f} with the default priors "
    f"(P(not improved | no ALS) = {p_absent}), {lr_stubborn:.3f} with {top}"
)
assert lr_default < lr_stubborn < 1
# the LR is the ratio of the two given probabilities, before and after the edit
assert math.isclose(lr_default, (1 - p_present) / (1 - p_absent), rel_tol=1e-9)
assert math.isclose(lr_stubborn, (1 - p_present) / (1 - top), rel_tol=1e-9)

# %% [markdown]
# Values outside the declared range are refused. Widening a range is allowed, but
# the validator then checks that the model still keeps the qualitative sign each
# finding declares, over the whole box of ranges and not only at the values. For
# "improved" the sign is `-`: it may never *raise* the odds of ALS, so P(not improved)
# must be at least as high with early ALS as without it for every pair of values
# in the two ranges. The second attempt below keeps `TRIGGER_PRESENT` at its value
# but lowers the bottom of its range under the top of `TRIGGER_ABSENT`'s range.
# The values alone would still be fine; but somewhere inside the ranges "improved"
# would become more common with ALS than without, so the validator refuses the edit
# and says why.

# %%
absent_high = value(TRIGGER_ABSENT, "high")
too_high, widened_low = 0.9, 0.7
assert too_high > absent_high
# the widened range reaches under the top of the other one, though the values do not
assert widened_low < absent_high and p_absent < p_present
attempts: dict[str, dict[str, dict[str, float]]] = {
    "value above its declared high": {TRIGGER_ABSENT: {"value": too_high}},
    "range widened so the declared sign could break": {TRIGGER_PRESENT: {"low": widened_low}},
}
refusals: dict[str, str] = {}
for what, change in attempts.items():
    try:
        M.update_params(spec, change)
    except M.PriorsError as err:
        print(f"{what}:\n  {err}\n")
        refusals[what] = str(err)
    else:
        raise AssertionError(f"expected the validator to refuse: {what}")
# the first is refused for its range, the second (every value in range) for the sign
assert "sign" not in refusals["value above its declared high"]
assert "sign" in refusals["range widened so the declared sign could break"]

# %% [markdown]
# ## 3. Change a parameter in a copied YAML file
#
# The everyday route: copy the bundled file, edit a number in any text editor, and
# load the copy (`M.load_model(path)`, or `alsodds validate FILE` and
# `alsodds query --priors FILE` on the command line). Here the edit is made with
# PyYAML so the notebook can run unattended; in an editor you would change the one
# number and keep the comments. Everything is written to a temporary folder.
#
# The edit: the diagnostic window at the top of its range, 16 months instead of 13.

# %%
tmp = tempfile.TemporaryDirectory(prefix="alsodds-notebook-")
work = Path(tmp.name)
my_priors = work / "my_priors.yaml"
shutil.copy(path, my_priors)

pristine = yaml.safe_load(my_priors.read_text(encoding="utf-8"))
data = copy.deepcopy(pristine)
window = data["nodes"]["als"]["distribution"]["terms"]["window"]
print("before:", {k: window[k] for k in ("value", "low", "high", "source")})
old_months = window["value"]
window["value"] = window["high"]
my_priors.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

m_file = M.load_model(my_priors)  # validated on load
print("after: ", {k: window[k] for k in ("value", "low", "high")}, "->", m_file.source)
ratio = M.query(m_file, background).baseline / M.query(m, background).baseline
print(f"base rate, {window['high']} months / {old_months} months: {ratio:.4f}")
assert math.isclose(ratio, window["high"] / old_months, rel_tol=1e-12)


# %% [markdown]
# ## 4. Validation catches mistakes
#
# Each broken copy below is refused with a single message naming the file, the field,
# the bad value and what is allowed, never a traceback from deep inside the code.


# %%
def broken(description: str, edit: Callable[[dict[str, Any]], object]) -> str:
    """Write an edited copy, load it, and return the validator's one-line refusal."""
    data = copy.deepcopy(pristine)
    edit(data)
    target = work / "broken.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    try:
        M.load_spec(target)
    except M.PriorsError as err:
        print(f"{description}:\n  {err}\n")
        return str(err)
    raise AssertionError(f"expected the validator to refuse: {description}")


def nodes(d: dict[str, Any]) -> dict[str, Any]:
    """The nodes section of a parsed priors file."""
    found: dict[str, Any] = d["nodes"]
    return found


messages = [
    broken(
        "window of 20 months, above its declared high of 16",
        lambda d: nodes(d)["als"]["distribution"]["terms"]["window"].update(value=20),
    ),
    broken(
        "a probability above 1",
        lambda d: nodes(d)["weakness"]["distribution"]["leak"].update(value=1.3, high=1.5),
    ),
    broken(
        "a typo in a source key",
        lambda d: nodes(d)["als"]["distribution"]["terms"]["incidence"].update(
            source=["seed000", "marin2071"]
        ),
    ),
    broken(
        "benign twitching as likely as ALS to spread to several areas",
        lambda d: nodes(d)["twitch_spread"]["distribution"]["causes"]["benign"].update(
            value=0.6, high=0.7
        ),
    ),
]
assert all("broken.yaml" in msg for msg in messages)
assert "window" in messages[0] and "leak" in messages[1] and "marin2071" in messages[2]

# %% [markdown]
# The last one is worth a second look: twitching in several areas is declared a
# finding that can only *raise* the odds of ALS. In a noisy-OR network that is
# guaranteed only while ALS produces it at least as readily as every other cause, so
# the validator refuses a file in which benign twitching could spread more readily.
#
# ## 5. Compare, and save an edit made in code
#
# `dump_spec` turns a spec back into YAML, so an edit made in code can be saved,
# shared and reloaded; the reloaded copy gives identical answers.

# %%
saved = work / "incidence_2.8.yaml"
saved.write_text(M.dump_spec(edited), encoding="utf-8")
m_saved = M.load_model(saved)
for answers in PROFILES.values():
    reloaded, in_memory = M.query(m_saved, answers), M.query(m_code, answers)
    assert math.isclose(reloaded.posterior, in_memory.posterior, rel_tol=1e-12)

comparison = compare(
    {
        "default": m,
        "incidence 2.8 (code)": m_code,
        "window 16 months (file)": m_file,
        "seldom settles without ALS": stubborn,
    }
)
show(comparison.round(3))
# the trigger-question edit only matters where the trigger question was answered
for name, answers in PROFILES.items():
    stubborn_answer = M.query(stubborn, answers).posterior
    if "trigger_response" not in answers:
        assert stubborn_answer == M.query(m, answers).posterior, name
    else:
        assert stubborn_answer > M.query(m, answers).posterior, name
# the same comparison as a ratio to the default priors
show((comparison.div(comparison["default"], axis=0)).drop(columns="default").round(3))

# %% [markdown]
# ## 6. Export to BIF and XMLBIF, and read it back
#
# BIF and XMLBIF are plain-text formats that many Bayesian-network tools read.
# `write_network` writes the model's point estimate (every conditional probability
# table, built from the parameter values) with the public node ids and state names;
# `read_network` reads a file back with pgmpy, and `pgmpy_posterior` asks pgmpy's own
# inference engine the same question, a check independent of this project's engine.
#
# What the files do *not* carry: ranges, sources, sign declarations, question texts
# and the "not sure" rule. The YAML stays the master copy; the export is a snapshot.

# %%
for fmt in ("bif", "xmlbif"):
    out = write_network(m, fmt, work / f"als.{fmt}")
    net = read_network(out)
    structure, _ = from_pgmpy(net)
    assert set(structure.nodes) == set(spec.nodes)
    for node in spec.nodes:
        assert structure.states[node] == spec.nodes[node].states  # same names, same order
    for name, answers in PROFILES.items():
        ours = M.query(m, answers).posterior
        theirs = pgmpy_posterior(net, "als", "present", answers)
        assert math.isclose(ours, theirs, rel_tol=1e-9), (fmt, name, ours, theirs)
    print(
        f"{out.name}: {out.stat().st_size:,} bytes, {len(structure.nodes)} nodes; "
        "pgmpy's answers match for every profile"
    )

text = (work / "als.bif").read_text(encoding="utf-8")
start = text.index("probability ( als")
print()
print("\n".join(text[start:].splitlines()[:6]), "\n    ...")

# %%
# An edited model exports the same way: the file carries the edit.
out = write_network(m_file, "bif", work / "window16.bif")
net = read_network(out)
for answers in PROFILES.values():
    theirs = pgmpy_posterior(net, "als", "present", answers)
    assert math.isclose(theirs, M.query(m_file, answers).posterior, rel_tol=1e-9)

tmp.cleanup()  # remove the temporary folder and everything written to it
assert not work.exists()

# %% [markdown]
# ## Take-aways
#
# * Every number has a name, a range and a source; change it with `update_params` in
#   code or in a copied YAML file, and the same validator checks both.
# * The validator refuses values outside their ranges, impossible probabilities,
#   unknown sources, and edits that would break a finding's declared direction.
# * Changing the base rate moves the start, not what the findings do.
# * BIF/XMLBIF exports carry the point estimate to other tools, and pgmpy gives the
#   same answers from them.
