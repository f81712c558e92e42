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
# is). Both are validated on the way in, including the *signs* the file declares:
# how each one is established is listed by `alsodds.signs.proofs`.

# %% [markdown]
# > **Educational model only, not a diagnosis.** The numbers describe groups of people,
# > never one person. Weakness, visible muscle wasting, trouble speaking or swallowing,
# > new breathlessness or symptoms that keep getting worse are reasons to see a doctor
# > promptly, whatever any number in this notebook says.

# %%
import copy
import itertools
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
from alsodds.signs import proofs

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
# it), value, range, kind and source, and `param_label` turns a name into words.

# %%
path = M.default_priors_path()
spec = M.load_spec(path)  # parse + validate; a bad file raises one M.PriorsError
m = M.Model(spec, source=path.name)
params = M.param_table(m)
by_name = params.set_index("name")


def value(name: str, field: str = "value") -> float:
    """One field (value, low or high) of a parameter, by its dotted name."""
    return float(by_name[field].to_dict()[name])


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

INCIDENCE = M.base_rate_parameter(m)
WINDOW = "nodes.als.distribution.terms.window"
WEAKNESS_LIMB = "nodes.weakness.distribution.causes.als_form.limb"
FH_WITH_ALS = "nodes.family_history.distribution.given.present.yes"
FH_WITHOUT = "nodes.family_history.distribution.given.absent.yes"
TRIGGER_BENIGN = "nodes.trigger_response.distribution.causes.benign"
STAGE_RATE = "nodes.als_stage.distribution.monthly_rate"
SHOWN = [INCIDENCE, WINDOW, WEAKNESS_LIMB, FH_WITH_ALS, FH_WITHOUT, TRIGGER_BENIGN, STAGE_RATE]
assert set(SHOWN) <= set(params["name"])  # real names of this priors file
show(
    by_name.loc[SHOWN, ["value", "low", "high", "kind", "source"]].assign(
        words=[M.param_label(spec, n) for n in SHOWN]
    )
)

# %% [markdown]
# How a parameter reads depends on the *kind* of node it belongs to (the file's header
# comment lists the kinds):
#
# * **rate** (`INCIDENCE`, `WINDOW`): a product of terms, here annual incidence ×
#   adults × months to diagnosis, times relative factors for age and sex.
# * **noisy-OR** (`WEAKNESS_LIMB`, `TRIGGER_BENIGN`): each cause alone would produce
#   the finding with its *strength*; a "leak" covers everything not modelled. A cause
#   can be categorical: the hidden node for the form ALS takes (early, limb, bulbar)
#   has one strength per state, so weakness is likely with limb onset and much less
#   likely with bulbar onset. A noisy-OR can also have a **gate**: the trigger
#   question's causes act only while ALS is absent, because twitching from ALS does
#   not settle when caffeine is cut.
# * **table** (`FH_WITH_ALS`, `FH_WITHOUT`): weights per state of one parent; family
#   history is written as how often people with and without ALS have an affected
#   relative.
# * **stage** (`STAGE_RATE`): ALS is early or progressive, and the early phase ends
#   at a monthly rate, so the longer the symptoms have lasted, the likelier the
#   progressive stage.
#
# A few situations to compare throughout the notebook, all for a woman aged 55-64:

# %%
background: dict[str, str] = {"age_band": "55_64", "sex": "female"}
PROFILES = {
    "no symptoms asked": background,
    "twitching, no weakness": {**background, "fasciculations": "yes", "weakness": "no"},
    "twitching, settled after cutting caffeine": {
        **background,
        "fasciculations": "yes",
        "caffeine": "yes",
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
# higher European registries and set the incidence to the top of its declared range.

# %%
top_incidence = value(INCIDENCE, "high")
edited = M.update_params(spec, {INCIDENCE: {"value": top_incidence}}, source="incidence high")
m_code = M.Model(edited, source="edited in code")
table = compare({"default": m, "incidence high": m_code})
table["ratio"] = table["incidence high"] / table["default"]
show(table.round(4))

for answers in PROFILES.values():
    before, after = M.query(m, answers), M.query(m_code, answers)
    # the base rate is a product, so it scales exactly with the incidence ...
    assert math.isclose(
        after.baseline / before.baseline, top_incidence / value(INCIDENCE), rel_tol=1e-12
    )
    # ... while what the answers do to the odds does not change at all
    assert math.isclose(after.odds_ratio_vs_baseline, before.odds_ratio_vs_baseline, rel_tol=1e-9)

# %% [markdown]
# The lesson in the two asserts: the base rate sets the starting point, and the
# findings multiply the odds by the same factors whatever that starting point is
# (given the same background). The final numbers move almost in proportion.
#
# Now a parameter of a finding. Raising `TRIGGER_BENIGN` to the top of its range
# says that twitching from a harmless tendency settles more readily once triggers are
# cut. "It settled" then sets people without ALS further apart from people with it,
# so its likelihood ratio moves further below 1.

# %%
settled = PROFILES["twitching, settled after cutting caffeine"]
top = value(TRIGGER_BENIGN, "high")
responsive = M.Model(
    M.update_params(spec, {TRIGGER_BENIGN: {"value": top}}), source="settles readily"
)
lr_default = M.query(m, settled).likelihood_ratios["trigger_response"]
lr_top = M.query(responsive, settled).likelihood_ratios["trigger_response"]
print(
    f"LR of 'improved': {lr_default:.3f} with the default priors "
    f"({M.param_label(spec, TRIGGER_BENIGN)} = {value(TRIGGER_BENIGN)}), {lr_top:.3f} with {top}"
)
assert lr_top < lr_default < 1

# %% [markdown]
# ## 3. The validator guards the declared signs
#
# Values outside the declared range are refused. Widening a range is allowed, but the
# validator then checks that the model still keeps the qualitative sign each finding
# declares, over the *whole box* of ranges and every combination of other answers, not
# only at the values. Family history is declared `+`: a "yes" may never lower the odds
# of ALS, so having an affected relative must be at least as common with ALS as
# without it for every pair of values in the two ranges. The second attempt below
# keeps every value but raises the top of `FH_WITHOUT`'s range above the bottom of
# `FH_WITH_ALS`'s. At the values nothing changes; somewhere inside the ranges a "yes"
# would point away from ALS, so the edit is refused, with the reason.

# %%
assert value(FH_WITHOUT) < value(FH_WITH_ALS, "low")
widened_high = value(FH_WITH_ALS, "low") + 0.01
attempts: dict[str, dict[str, dict[str, float]]] = {
    "value above its declared high": {TRIGGER_BENIGN: {"value": min(1.0, top + 0.2)}},
    "range widened so the declared sign could break": {FH_WITHOUT: {"high": widened_high}},
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
# ### How each sign is established
#
# `alsodds.signs.proofs(spec)` reports, for every question, how its declared sign is
# established:
#
# * **certified**: a sufficient condition holds at every point of the box, proved by
#   the validator (for example the family-history table's ratio order, the trigger
#   question's gate, or the stage clock behind "how long it has lasted");
# * **searched**: no closed-form condition covers the structure (weakness reaches ALS
#   through the onset form, and competing conditions cause it too), so the sign is
#   checked by the project's property search over the whole box and an exhaustive
#   test instead; the note says why;
# * **depends**: the answer can move the odds either way, and the note explains when.

# %%
certificates = proofs(spec)
signs = pd.DataFrame(
    [
        {"question": p.node, "sign": p.sign, "state": p.state, "how": p.method, "why": p.detail}
        for p in certificates
    ]
)
show(signs)
how = dict(zip(signs["question"], signs["how"], strict=True))
assert set(how) == set(spec.answerable)
assert set(how.values()) <= {"certified", "searched", "depends"}
# the headline reassurances are proved, not just tested
for node in ("family_history", "trigger_response", "symptom_duration"):
    assert how[node] == "certified", node
# a '+' or '-' sign is never left unestablished, and each searched one says why
assert all(p.sign in ("+", "-") for p in certificates if p.method != "depends")
assert all(p.detail for p in certificates if p.method == "searched")

# %% [markdown]
# Some certificates hold for *any* parameter values of their structure. The stage
# clock is one: the early phase can only shrink as time passes, whatever the monthly
# rate, so even an extreme edit of the rate, a range down to zero and a value near
# it, is accepted, and the sign still holds.

# %%
slow = M.Model(M.update_params(spec, {STAGE_RATE: {"low": 0.0, "value": 0.01}}), source="slow")
calm = {**background, "fasciculations": "yes", "weakness": "no", "progression": "no"}
for mod in (m, slow):
    by_duration = [
        M.query(mod, {**calm, "symptom_duration": d}).posterior
        for d in spec.nodes["symptom_duration"].states
    ]
    assert all(a > b for a, b in itertools.pairwise(by_duration))
print("with nothing new, a longer history lowers P(ALS) at both monthly rates")

# %% [markdown]
# ## 4. Change a parameter in a copied YAML file
#
# The everyday route: copy the bundled file, edit a number in any text editor, and
# load the copy (`M.load_model(path)`, or `alsodds validate FILE` and
# `alsodds query --priors FILE` on the command line). Here the edit is made with
# PyYAML so the notebook can run unattended; in an editor you would change the one
# number and keep the comments. Everything is written to a temporary folder.
#
# The edit: the mean time to diagnosis at the top of its range.

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
# ## 5. Validation catches mistakes
#
# Each broken copy below is refused with a single message naming the file, the field,
# the bad value and what is allowed, never a traceback from deep inside the code. The
# last two change the *structure* of the trigger question rather than a number.


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


def trigger(d: dict[str, Any]) -> dict[str, Any]:
    """The trigger question's distribution in a parsed priors file."""
    found: dict[str, Any] = d["nodes"]["trigger_response"]["distribution"]
    return found


months_high = pristine["nodes"]["als"]["distribution"]["terms"]["window"]["high"]
messages = [
    broken(
        f"a mean window of {months_high + 6} months, above its declared high of {months_high}",
        lambda d: d["nodes"]["als"]["distribution"]["terms"]["window"].update(
            value=months_high + 6
        ),
    ),
    broken(
        "a probability above 1",
        lambda d: d["nodes"]["weakness"]["distribution"]["leak"].update(value=1.3, high=1.5),
    ),
    broken(
        "a typo in a source key",
        lambda d: d["nodes"]["als"]["distribution"]["terms"]["incidence"].update(
            source=["seed000", "marin2071"]
        ),
    ),
    broken(
        "the trigger question without its gate",
        lambda d: trigger(d).pop("gate"),
    ),
    broken(
        "the gate opened to early ALS",
        lambda d: trigger(d)["gate"].update(states=["none", "early"]),
    ),
]
assert all("broken.yaml" in msg for msg in messages)
assert "window" in messages[0] and "leak" in messages[1] and "marin2071" in messages[2]
assert all("trigger_response.sign" in msg for msg in messages[3:])

# %% [markdown]
# The last two are worth a second look. "Twitching improved after cutting triggers"
# is declared `-`: it may never raise the odds of ALS. Without the gate, the harmless
# causes could also act in someone with ALS, and no condition on the numbers alone
# guarantees the sign any more; with the gate opened to early ALS, improvement could
# become *more* common with ALS than without it somewhere in the box. Both files are
# refused rather than published with a sign they cannot keep.
#
# ## 6. Compare, and save an edit made in code
#
# `dump_spec` turns a spec back into YAML, so an edit made in code can be saved,
# shared and reloaded; the reloaded copy gives identical answers.

# %%
saved = work / "incidence_high.yaml"
saved.write_text(M.dump_spec(edited), encoding="utf-8")
m_saved = M.load_model(saved)
for answers in PROFILES.values():
    reloaded, in_memory = M.query(m_saved, answers), M.query(m_code, answers)
    assert math.isclose(reloaded.posterior, in_memory.posterior, rel_tol=1e-12)

comparison = compare(
    {
        "default": m,
        "incidence high (code)": m_code,
        "window high (file)": m_file,
        "settles readily (code)": responsive,
    }
)
show(comparison.round(3))
# the trigger-question edit only matters where the trigger question was answered
for name, answers in PROFILES.items():
    edited_answer = M.query(responsive, answers).posterior
    if "trigger_response" not in answers:
        assert math.isclose(edited_answer, M.query(m, answers).posterior, rel_tol=1e-12), name
    else:
        assert edited_answer < M.query(m, answers).posterior, name
# the same comparison as a ratio to the default priors
show((comparison.div(comparison["default"], axis=0)).drop(columns="default").round(3))

# %% [markdown]
# ## 7. Export to BIF and XMLBIF, and read it back
#
# BIF and XMLBIF are plain-text formats that many Bayesian-network tools read.
# `write_network` writes the model's point estimate (every conditional probability
# table, built from the parameter values, hidden nodes included) with the public node
# ids and state names; `read_network` reads a file back with pgmpy, and
# `pgmpy_posterior` asks pgmpy's own inference engine the same question, a check
# independent of this project's engine.
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
out = write_network(m_file, "bif", work / "window_high.bif")
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
#   unknown sources, and edits (of numbers or of structure) that would break a
#   finding's declared direction anywhere in the box of ranges.
# * `alsodds.signs.proofs` says how each sign is established: certified by a proof,
#   searched by the property tests, or declared `depends` with a note.
# * Changing the base rate moves the start, not what the findings do.
# * BIF/XMLBIF exports carry the point estimate to other tools, and pgmpy gives the
#   same answers from them.
