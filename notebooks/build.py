"""Generate the teaching notebooks in notebooks/ from the reviewable source in this file.

Usage (from the project root)::

    .venv/bin/python notebooks/build.py           # (re)write the four .ipynb files
    .venv/bin/python notebooks/build.py --check   # exit 1 if a committed notebook differs

Every notebook is written without outputs and with null execution counts; cell ids are
stable (``c00``, ``c01``, ...), so rebuilding an unchanged notebook changes no byte.
The notebooks call only the public API of the ``model`` package (and ``model.network`` for
file export), and assert the numbers they teach, so a notebook that drifts from the model
fails in ``make test`` (tests/test_notebooks.py executes them).

The cells live in the ``NOTEBOOK_01`` ... ``NOTEBOOK_04`` lists below: ``md(...)`` for a
markdown cell, ``code(...)`` for a code cell. Edit them here, rebuild, and commit both.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

Cell = tuple[str, str]


def md(text: str) -> Cell:
    """A markdown cell (the text is dedented and stripped)."""
    return ("markdown", textwrap.dedent(text).strip("\n"))


def code(text: str) -> Cell:
    """A code cell (the text is dedented and stripped)."""
    return ("code", textwrap.dedent(text).strip("\n"))


SAFE_MESSAGE = md(
    r"""
    > **Educational model only, not a diagnosis.** The numbers describe groups of people,
    > never one person. Weakness, visible muscle wasting, trouble speaking or swallowing,
    > new breathlessness or symptoms that keep getting worse are reasons to see a doctor
    > promptly, whatever any number in this notebook says.
    """
)

# =========================================================================== 01
NOTEBOOK_01: list[Cell] = [
    md(
        r"""
        # 01 · Base rates: why twitching rarely means ALS

        **For educators and their students** (medicine, nursing, statistics, public health):
        a worked, sourced example of the base-rate lesson that can be shown in class.

        You will

        1. build the starting probability (the *base rate*) of early, not yet diagnosed ALS
           from published ingredients, one multiplication at a time, and see where the
           sources disagree;
        2. separate P(twitching | ALS) from P(ALS | twitching);
        3. draw a frequency tree for 100,000 people;
        4. compare percentages with the fixed-denominator form "N in 100,000";
        5. try an exercise (its answer is further down).

        The numbers come from the `model` package's public API (the one figure typed in for
        illustration is marked as such). Cells that teach a number also `assert` it against
        the API, so if the model changes and this text stops fitting, the notebook fails
        instead of quietly teaching something wrong.
        """
    ),
    SAFE_MESSAGE,
    code(
        r"""
        import math
        import warnings

        import matplotlib.pyplot as plt
        import pandas as pd

        import model as M

        warnings.filterwarnings("ignore", category=FutureWarning)
        pd.set_option("display.max_colwidth", 120)

        m = M.load_model()  # the bundled priors file, priors/als_default.yaml
        spec = m.spec
        print(spec.title)
        print(spec.messages.disclaimer)
        """
    ),
    md(
        r"""
        ## 1. What is the base rate, exactly?

        The model asks a narrow question: *right now, does this person have ALS that already
        causes symptoms but has not been diagnosed yet?* That is a share of people at one
        moment (a point prevalence), not a risk over a year or a lifetime.

        A share at one moment can be built from a flow. Picture a waiting room: if new
        people arrive at a steady rate and each stays for a fixed time, the room holds about
        *arrival rate × length of stay* people at any moment. Here the arrivals are new
        cases of ALS (the annual **incidence**) and the stay is the **diagnostic window**,
        the months between the first symptom and the diagnosis. The model then adjusts the
        result for **age**, **sex** and **family history**.

        Each ingredient is a parameter in the priors file with a value, a plausible range
        and its sources:
        """
    ),
    code(
        r"""
        als = spec.nodes["als"].distribution  # the query node: a 'rate' distribution
        terms = pd.DataFrame(
            [
                {
                    "term": p.label,
                    "value": p.value,
                    "low": p.low,
                    "high": p.high,
                    "unit": p.unit,
                    "sources": ", ".join(p.sources),
                }
                for p in als.terms.values()
            ]
        )
        display(terms)
        for p in als.terms.values():
            print(f"{p.label}: {p.note}\n")
        """
    ),
    code(
        r"""
        # The full citations behind the keys above (the project's own copy of its sources)
        keys = dict.fromkeys(k for p in als.terms.values() for k in p.sources)
        for k in keys:
            print(f"{k:>16}  {spec.sources[k]}")
        """
    ),
    md(
        r"""
        ## 2. Incidence: two routes to one number, and why they differ

        **Route A, a round figure.** The physician-reviewed explainer among the project's
        seed documents says about 2 new cases per 100,000 people a year. Meta-analyses put
        the worldwide figure a little lower and Europe a little higher, and some very
        thorough registries find close to 3 (the `note` printed above).

        **Route B, count and divide.** The other seed document quotes about 5,000 new US
        cases a year, and the national registry counted between roughly 4,900 and 6,000 a
        year in 2014-2016. To turn a count into a rate, divide by the population at risk.
        ALS is almost unknown in children, so the fair comparison with "per 100,000
        adults" divides by adults only. Dividing the same count by everyone, children
        included, makes ALS look rarer than it is among adults.
        """
    ),
    code(
        r"""
        cc = spec.cross_checks["us_annual_cases"]
        adults = cc.population.value
        per_adult = cc.cases.value / adults * 100_000
        per_adult_low = cc.cases.low / adults * 100_000
        per_adult_high = cc.cases.high / adults * 100_000

        US_EVERYONE = 330_000_000  # illustration only: whole US population, children included
        per_person = cc.cases.value / US_EVERYONE * 100_000

        incidence = als.terms["incidence"]
        print(f"Route A (explainer, model value): {incidence.value:.2f} per 100,000 adults a year")
        print(
            f"Route B, {cc.cases.value:,.0f} cases / {adults / 1e6:.0f} million adults: "
            f"{per_adult:.2f} per 100,000 (yearly counts give {per_adult_low:.2f}-{per_adult_high:.2f})"
        )
        print(f"Route B over everyone, children included: {per_person:.2f} per 100,000")
        print(f"Model range for the incidence: {incidence.low} to {incidence.high}")

        # The derivation the API shows carries the same cross-check
        assert math.isclose(dict(M.derive(m).cross_checks)[cc.label], per_adult, rel_tol=1e-12)
        # and the model's range holds both routes (per adult)
        assert incidence.low <= per_adult_low and per_adult_high <= incidence.high
        assert incidence.low <= per_adult <= incidence.high
        assert abs(per_adult / incidence.value - 1) < 0.1  # "within about 5%"
        assert 0.15 < 1 - per_person / incidence.value < 0.35  # "about a quarter"
        """
    ),
    md(
        r"""
        So the routes agree to within about 5% once both are per adult, and differ by about
        a quarter if the US count is spread over children too. Registries also miss some
        cases, so a count like 5,000 is better read as a floor than as the truth. The model
        uses 2 per 100,000 adults a year with a range of 1.5 to 3, wide enough for both
        routes and for the higher European registries. Notebook 04 shows how much that
        range matters for the final answer.

        ## 3. The diagnostic window: 10 to 16 months

        People with ALS typically live with symptoms for about a year before the diagnosis
        is made; the sources give 10 to 16 months. In the waiting-room picture that is the
        length of stay, so the model multiplies the annual incidence by *months / 12*. The
        base rate moves in proportion: a window at the top of the range gives a base rate
        larger by the ratio of the months.
        """
    ),
    code(
        r"""
        window = als.terms["window"]
        for months in (window.low, window.value, window.high):
            print(f"{months:>4.0f} months -> factor {months / window.per:.3f}")

        WINDOW = "nodes.als.distribution.terms.window"
        longer = M.Model(M.update_params(spec, {WINDOW: {"value": window.high}}))
        ratio = M.query(longer, {}).baseline / M.query(m, {}).baseline
        print(f"Base rate with a {window.high:.0f}-month window / with {window.value:.0f} months: {ratio:.4f}")
        assert math.isclose(ratio, window.high / window.value, rel_tol=1e-12)
        """
    ),
    md(
        r"""
        ## 4. Age: most people are diagnosed between 55 and 75

        ALS is rare before 40 and most common from the late fifties to the mid-seventies.
        The model stores a *relative* incidence for each age band and scales those factors
        so that their average over the adult age mix is exactly 1. That keeps the incidence
        term meaning what the sources mean, a figure for all adults, while each age band
        moves it up or down.
        """
    ),
    code(
        r"""
        ages = spec.nodes["age_band"].states
        weights = spec.nodes["age_band"].distribution.weights
        share = {a: weights[a].value / sum(w.value for w in weights.values()) for a in ages}
        # derive() lists the rate terms first, then one step per parent, in file order
        step_of = {parent: len(als.terms) + i for i, parent in enumerate(als.relative)}

        rows = []
        for a in ages:
            d = M.derive(m, {"age_band": a})
            age_step = d.steps[step_of["age_band"]]
            baseline = M.query(m, {"age_band": a}).baseline
            # the derivation's product equals the API's baseline, band by band
            assert math.isclose(math.prod(s.factor for s in d.steps), baseline, rel_tol=1e-12)
            rows.append(
                {
                    "age band": a,
                    "share of adults": share[a],
                    "age factor": age_step.factor,
                    "base rate": M.natural_frequency(baseline),
                    "per 100,000": baseline * 100_000,
                }
            )
        by_age = pd.DataFrame(rows)
        display(by_age.round(3))

        # the factors average to exactly 1 over the adult age mix
        assert math.isclose(sum(by_age["share of adults"] * by_age["age factor"]), 1.0, rel_tol=1e-12)
        # and the peak lies in the bands the sources name (55 to 75, or just after)
        peak = by_age.loc[by_age["age factor"].idxmax(), "age band"]
        print("Highest band:", peak)
        assert peak in {"55_64", "65_74", "75_plus"}

        fig, ax = plt.subplots(figsize=(7, 3.2))
        ax.bar(by_age["age band"], by_age["per 100,000"], color="#4a78a8")
        ax.set_ylabel("N in 100,000")
        ax.set_title("Base rate of early, undiagnosed ALS by age band (no symptoms asked)")
        plt.show()
        """
    ),
    md(
        r"""
        ## 5. Family history: 5 to 10% of cases are familial

        The seed explainer says 5-10% of ALS runs in families; a registry meta-analysis
        found about 5%, and some recent registries report more when more distant relatives
        count, so definitions matter. The model does not type that share in. It stores two
        other numbers instead: how many adults have a parent, brother, sister or child with
        ALS (an assumption, about 1 in 100), and how much that raises the rate (a relative
        risk of about 8, from family studies). If the model is sound, Bayes' rule should
        give back a familial share in the quoted range:

        P(family history | ALS) = P(ALS | family history) × P(family history) / P(ALS)
        """
    ),
    code(
        r"""
        p_fh = spec.nodes["family_history"].distribution.p.value
        rr = als.relative["family_history"].factors["yes"].value
        p_als_given_fh = M.query(m, {"family_history": "yes"}).baseline
        p_als = M.query(m, {}).baseline
        familial_share = p_als_given_fh * p_fh / p_als
        print(f"Adults with an affected first-degree relative (assumption): {p_fh:.1%}")
        print(f"Relative risk for them: x{rr:g}")
        print(f"Share of the model's ALS cases with such a relative: {familial_share:.1%}")
        assert 0.05 <= familial_share <= 0.10

        # With family history unanswered, the derivation uses the population average of the
        # relative risk: most people have no affected relative (factor 1), a few have one.
        fh_step = M.derive(m).steps[step_of["family_history"]]
        print(f"Population-average family-history factor: {fh_step.factor:.3f}")
        assert math.isclose(fh_step.factor, (1 - p_fh) * 1.0 + p_fh * rr, rel_tol=1e-12)
        """
    ),
    md(
        r"""
        ## 6. One person's base rate, step by step

        Put together, for a man aged 55-64 with no family history. Each row multiplies the
        running product; the last running value is the base rate, and it must equal what
        the API's `query` reports as the baseline for the same background.
        """
    ),
    code(
        r"""
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
        display(steps)
        baseline = M.query(m, person).baseline
        print(f"Product of the steps: {math.prod(s.factor for s in d.steps):.6e}")
        print(f"query(...).baseline:  {baseline:.6e}  ->  {M.natural_frequency(baseline)}")
        assert math.isclose(math.prod(s.factor for s in d.steps), baseline, rel_tol=1e-12)
        assert math.isclose(d.prior, baseline, rel_tol=1e-12)
        """
    ),
    md(
        r"""
        ## 7. P(twitching | ALS) is not P(ALS | twitching)

        Two questions that sound alike:

        * *Of people with early ALS, how many notice twitching?* Most of them.
        * *Of people who notice twitching, how many have early ALS?* Very few.

        The first is high because twitching is a common early feature of ALS. The second is
        tiny because twitching is also common in everyone else (caffeine, short sleep,
        stress, hard exercise, a harmless tendency to twitch), and everyone else outnumbers
        people with early ALS by tens of thousands to one. Bayes' rule links the two:

        P(twitching | ALS) = P(ALS | twitching) × P(twitching) / P(ALS)

        The API gives P(ALS | twitching) (`query`), P(ALS) (the baseline) and
        P(twitching): `next_questions` lists how likely each answer to an unanswered
        question is.
        """
    ),
    code(
        r"""
        def p_answer(background, node, state):
            # P(node = state | background), read from the 'which question next' table
            for q in M.next_questions(m, background):
                if q.node == node:
                    return next(o.probability for o in q.outcomes if o.state == state)
            raise KeyError(node)


        p_twitch = p_answer({}, "fasciculations", "yes")
        p_als = M.query(m, {}).baseline
        p_als_given_twitch = M.query(m, {"fasciculations": "yes"}).posterior
        p_twitch_given_als = p_als_given_twitch * p_twitch / p_als  # Bayes' rule

        print(f"P(twitching)            = {p_twitch:.3f}  (adults who notice recurrent twitching)")
        print(f"P(twitching | ALS)      = {p_twitch_given_als:.3f}")
        print(f"P(ALS | twitching)      = {p_als_given_twitch:.2e}"
              f"  = {M.natural_frequency(p_als_given_twitch)}")
        print(f"The two differ by a factor of about {p_twitch_given_als / p_als_given_twitch:,.0f}")
        assert p_twitch_given_als > 0.5
        assert p_als_given_twitch < 1e-3
        assert p_twitch_given_als / p_als_given_twitch > 1_000
        """
    ),
    md(
        r"""
        ## 8. A frequency tree for 100,000 adults

        Conditional probabilities are easier to follow as counts. Start with 100,000 adults,
        split them by ALS, then split each branch by twitching. The counts are *expected*
        numbers (averages over many groups of 100,000), which is why some are fractions of
        a person. Two functions do the work; only the API's numbers go in.
        """
    ),
    code(
        r"""
        def tree_counts(background, people=100_000):
            # Expected counts in a group of `people` with these background answers
            prior = M.query(m, background).baseline
            p_tw = p_answer(background, "fasciculations", "yes")
            post = M.query(m, {**background, "fasciculations": "yes"}).posterior
            twitchers = people * p_tw
            als_twitch = twitchers * post
            als_total = people * prior
            return {
                "people": people,
                "als": als_total,
                "no_als": people - als_total,
                "als_twitch": als_twitch,
                "als_no_twitch": als_total - als_twitch,
                "no_als_twitch": twitchers - als_twitch,
                "no_als_no_twitch": people - als_total - (twitchers - als_twitch),
                "twitchers": twitchers,
            }


        def count(n):
            if n >= 100:
                return f"{n:,.0f}"
            return f"{n:.1f}" if n >= 1 else f"{n:.2g}"


        def draw_tree(c, title):
            fig, ax = plt.subplots(figsize=(10, 5))
            ax.set_axis_off()
            boxes = {
                "people": (0.08, 0.5, f"{count(c['people'])}\nadults"),
                "als": (0.42, 0.78, f"{count(c['als'])}\nwith early ALS"),
                "no_als": (0.42, 0.22, f"{count(c['no_als'])}\nwithout"),
                "als_twitch": (0.82, 0.93, f"{count(c['als_twitch'])}\ntwitch"),
                "als_no_twitch": (0.82, 0.63, f"{count(c['als_no_twitch'])}\ndo not"),
                "no_als_twitch": (0.82, 0.37, f"{count(c['no_als_twitch'])}\ntwitch"),
                "no_als_no_twitch": (0.82, 0.07, f"{count(c['no_als_no_twitch'])}\ndo not"),
            }
            edges = [
                ("people", "als"),
                ("people", "no_als"),
                ("als", "als_twitch"),
                ("als", "als_no_twitch"),
                ("no_als", "no_als_twitch"),
                ("no_als", "no_als_no_twitch"),
            ]
            for a, b in edges:
                ax.annotate(
                    "",
                    xy=boxes[b][:2],
                    xytext=boxes[a][:2],
                    arrowprops={"arrowstyle": "-|>", "color": "grey", "shrinkA": 30, "shrinkB": 30},
                )
            for key, (x, y, text) in boxes.items():
                colour = "#f4c7c3" if key.startswith("als") else "#d9e7f5"
                weight = "bold" if key.endswith("_twitch") and "no_twitch" not in key else "normal"
                ax.text(
                    x, y, text, ha="center", va="center", fontsize=11, fontweight=weight,
                    bbox={"boxstyle": "round,pad=0.5", "fc": colour, "ec": "grey"},
                )
            share = c["als_twitch"] / c["twitchers"]
            ax.set_title(title)
            fig.text(
                0.5, 0.0,
                f"Of the {count(c['twitchers'])} who twitch (bold), {count(c['als_twitch'])} "
                f"have early ALS: {M.natural_frequency(share)}.",
                ha="center", fontsize=11,
            )
            plt.show()


        everyone = tree_counts({})
        draw_tree(everyone, "100,000 adults of all ages")

        # Read both conditional probabilities off the tree
        twitch_given_als = everyone["als_twitch"] / everyone["als"]
        twitch_given_no_als = everyone["no_als_twitch"] / everyone["no_als"]
        als_given_twitch = everyone["als_twitch"] / everyone["twitchers"]
        print(f"P(twitching | ALS)    = {twitch_given_als:.3f}")
        print(f"P(twitching | no ALS) = {twitch_given_no_als:.3f}")
        print(f"P(ALS | twitching)    = {M.natural_frequency(als_given_twitch)}")

        # The ratio of the two twitching branches is the likelihood ratio the API reports
        lr = M.query(m, {"fasciculations": "yes"}).likelihood_ratios["fasciculations"]
        from_tree = twitch_given_als / twitch_given_no_als
        print(f"Likelihood ratio of twitching: {from_tree:.3f} from the tree, {lr:.3f} from the API")
        assert math.isclose(from_tree, lr, rel_tol=1e-9)
        assert math.isclose(twitch_given_als, p_twitch_given_als, rel_tol=1e-9)
        """
    ),
    md(
        r"""
        The tree makes the point without algebra: the bold box on the ALS branch is small
        because the ALS branch is small, and the bold box on the other branch is huge
        because that branch holds nearly everyone.

        ## 9. Percent or "N in 100,000"?

        The same number can be written in ways that people read very differently.

        * **Percentages** this small come with a string of zeros after the decimal point,
          and readers lose track of them.
        * **"1 in X"** changes the denominator from one row to the next, and a bigger X
          means a smaller chance, which invites misreading. This project never uses it.
        * **"N in 100,000"** keeps one denominator everywhere, so two numbers can be
          compared by reading them.

        A second trap is relative versus absolute change: "twitching multiplies the odds
        several times" sounds alarming, while for 100,000 adults the same change moves the
        count by a handful of people (the last line below gives the numbers).
        """
    ),
    code(
        r"""
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
        display(pd.DataFrame(rows))

        r = M.query(m, {"fasciculations": "yes"})
        print(
            f"All adults: twitching multiplies the odds by {r.odds_ratio_vs_baseline:.1f}, "
            f"from {M.natural_frequency(r.baseline)} to {M.natural_frequency(r.posterior)}."
        )
        assert math.isclose(r.odds, r.baseline_odds * r.odds_ratio_vs_baseline, rel_tol=1e-9)
        assert r.odds_ratio_vs_baseline > 2 and r.per_100k - r.baseline_per_100k < 20
        """
    ),
    md(
        r"""
        ## 10. Exercise

        A clinic looks after **100,000 men aged 55-64 with no family history of ALS**.

        1. How many of them would you expect to have early, not yet diagnosed ALS?
           (Hint: `M.derive(m, background)` or `M.query(m, background).baseline`.)
        2. How many of the 100,000 notice recurrent twitching? (Hint: `p_answer`.)
        3. Among the men who twitch, how many in 100,000 have early ALS? Work it out from a
           frequency tree (`tree_counts`, `draw_tree`), then check it with `M.query`.
        4. Is the answer to 3 closer to P(twitching | ALS) or to the answer to 1? Why?

        Write your answers in the cell below before reading on.
        """
    ),
    code(
        r"""
        # EXERCISE: your turn. Replace None with your numbers (use the helpers above).
        exercise_background = {"age_band": "55_64", "sex": "male", "family_history": "no"}
        my_answer_1 = None  # expected people with early ALS among the 100,000
        my_answer_2 = None  # expected people who notice twitching
        my_answer_3 = None  # early ALS among the twitchers, as N in 100,000
        """
    ),
    md(
        r"""
        ### Answer
        """
    ),
    code(
        r"""
        c = tree_counts(exercise_background)
        draw_tree(c, "100,000 men aged 55-64, no family history")
        answer_1 = c["als"]
        answer_2 = c["twitchers"]
        answer_3 = c["als_twitch"] / c["twitchers"] * 100_000
        print(f"1. {count(answer_1)} men with early ALS ({M.natural_frequency(answer_1 / 100_000)})")
        print(f"2. {count(answer_2)} men who notice twitching")
        print(f"3. {answer_3:.1f} in 100,000 of the men who twitch have early ALS")

        r = M.query(m, {**exercise_background, "fasciculations": "yes"})
        assert math.isclose(answer_1 / 100_000, M.derive(m, exercise_background).prior, rel_tol=1e-12)
        assert math.isclose(answer_3, r.per_100k, rel_tol=1e-12)
        # 4. The twitching answer moves the odds by its likelihood ratio only:
        print(f"4. Odds multiplied by {r.likelihood_ratios['fasciculations']:.2f}; "
              f"P(twitching | ALS) = {c['als_twitch'] / c['als']:.2f}")
        assert 1 < r.likelihood_ratios["fasciculations"] < 10
        assert answer_3 / 100_000 < 0.001 < c["als_twitch"] / c["als"]
        """
    ),
    md(
        r"""
        **About question 4.** The answer to 3 is a few times the base rate and nowhere near
        P(twitching | ALS). Twitching is more common with ALS than without it, so it raises
        the odds, but only by its likelihood ratio, a single-digit factor, and a small
        number multiplied by a single-digit factor stays small. Notebook 02 shows which
        answers move the odds much more, in both directions.

        ## Take-aways

        * A base rate can be built from published pieces, and the pieces come with ranges
          because the sources disagree on definitions, populations and completeness.
        * P(finding | disease) and P(disease | finding) can differ by thousands of times;
          the base rate is what separates them.
        * Frequency trees and a fixed "N in 100,000" make both visible.
        * None of this says anything about one person. Anyone with weakness, wasting,
          speech, swallowing or breathing changes, or symptoms that keep getting worse
          should see a doctor promptly.
        """
    ),
]

# =========================================================================== 02
NOTEBOOK_02: list[Cell] = [
    md(
        r"""
        # 02 · How findings move the odds

        **For educators, students and curious clinicians** who have the base-rate idea
        (notebook 01) and want to see how single answers (weakness, wasting, stress, whether
        the twitching settles once triggers are cut, a year without change, an EMG) move the
        odds, and why the contributions of several answers have to be shared out with care.

        Contents: odds and likelihood ratios; one finding at a time; why likelihood ratios
        in a network do not simply multiply; sequential contributions versus the
        order-free Shapley split; "not sure" answers as soft evidence; which question would
        tell the most next; what happens when a warning sign is present.
        """
    ),
    SAFE_MESSAGE,
    code(
        r"""
        import itertools
        import math
        import warnings

        import matplotlib.pyplot as plt
        import numpy as np
        import pandas as pd

        import model as M

        warnings.filterwarnings("ignore", category=FutureWarning)
        pd.set_option("display.max_colwidth", 120)
        m = M.load_model()
        spec = m.spec


        def label(node):
            return spec.nodes[node].label


        # The running example: an adult aged 30-44 who notices recurrent twitching.
        context = {"age_band": "30_44", "fasciculations": "yes"}
        start = M.query(m, context)
        print(f"Age 30-44, no symptoms asked:  {M.natural_frequency(start.baseline)}")
        print(f"... who notices twitching:     {M.natural_frequency(start.posterior)}")
        """
    ),
    md(
        r"""
        ## 1. Odds and likelihood ratios

        For small probabilities it is easier to work with **odds**, p / (1 - p); at these
        sizes odds and probability are almost the same number. Bayes' rule in odds form is
        one multiplication:

        *odds after an answer = odds before × likelihood ratio (LR)*

        The LR of an answer is how much more common that answer is among people with early
        ALS than among people without it, *given everything already known*. An LR above 1
        raises the odds, below 1 lowers them, and exactly 1 means the answer tells nothing.
        `query` reports the LR of every answer in the context of all the others.
        """
    ),
    code(
        r"""
        with_weakness = M.query(m, {**context, "weakness": "yes"})
        lr = with_weakness.likelihood_ratios["weakness"]
        print(f"odds before:  {start.odds:.3e}")
        print(f"LR of weakness = yes in this context: {lr:.1f}")
        print(f"odds after:   {with_weakness.odds:.3e}  (= {start.odds:.3e} x {lr:.1f})")
        assert math.isclose(start.odds * lr, with_weakness.odds, rel_tol=1e-9)
        """
    ),
    md(
        r"""
        ## 2. One finding at a time

        Each row adds one answer to the running example and reports its LR and the
        resulting probability. The table covers the findings the seed documents discuss:
        objective weakness, visible wasting, stress (one of the triggers they name first),
        whether the twitching improved after a few weeks of less caffeine, more sleep and
        less stress, whether it has been stable for over a year, and an EMG result.
        """
    ),
    code(
        r"""
        FINDINGS = {
            "weakness": ["yes", "no"],
            "atrophy": ["yes", "no"],
            "stress": ["yes", "no"],
            "trigger_response": ["not_improved", "improved"],
            "stable_12_months": ["no", "yes"],
            "emg": ["abnormal", "normal"],
        }
        rows = []
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
        display(one_at_a_time.round({"LR": 3}))

        # The signs the model declares (and its validator guarantees) show up here:
        lr = {(row["finding"], row["answer"]): row["LR"] for row in rows}
        for node, state in [("weakness", "yes"), ("atrophy", "yes"), ("emg", "abnormal")]:
            assert lr[(label(node), state)] > 1
        negatives = [("trigger_response", "improved"), ("stable_12_months", "yes"), ("emg", "normal")]
        for node, state in negatives:
            assert lr[(label(node), state)] < 1
        # stress has no fixed direction ('depends'); next to twitching, "yes" offers a
        # harmless explanation and lowers the odds, while "no" takes that away
        assert lr[(label("stress"), "yes")] < 1 < lr[(label("stress"), "no")]

        fig, ax = plt.subplots(figsize=(8, 4))
        names = [f"{row['finding']} = {row['answer']}" for row in rows]
        values = [row["LR"] for row in rows]
        # bars start at LR = 1 (no information) and end at the answer's LR
        colours = ["#c0504d" if v > 1 else "#4a78a8" for v in values]
        ax.barh(names, np.array(values) - 1, left=1, color=colours)
        ax.set_xscale("log")
        ax.axvline(1, color="black", lw=0.8)
        ax.invert_yaxis()
        ax.set_xlabel("likelihood ratio (log scale): right raises the odds, left lowers them")
        ax.set_title("Each answer alone, added to: age 30-44 + twitching")
        plt.show()
        """
    ),
    md(
        r"""
        Two things stand out.

        * The *absence* of weakness, of wasting, or of EMG changes lowers the odds a lot,
          because most people with early ALS do show them. A negative answer to a question
          that usually comes back positive in the disease is strong evidence.
        * The *presence* of a warning sign raises the odds many times over, yet the
          probability can stay low in absolute terms, because weakness and wasting also
          have many other causes. That is the reason such signs need a doctor's
          examination promptly: several of those other causes are treatable, and only an
          examination can tell them apart.

        Stress is a different kind of answer. It has nothing to do with ALS itself, but it
        is a common reason for harmless twitching, so for someone who twitches a "yes"
        makes the harmless explanation more likely and lowers the odds a little, and a
        "no" raises them a little.

        ## 3. In a network, likelihood ratios do not simply multiply

        Now combine several answers: twitching, stress, no weakness, no wasting, twitching
        that improved once triggers were cut, stable for over a year, and a normal EMG.
        The table gives each answer's LR twice: on its own (added to the age group only),
        and given all the other answers.
        """
    ),
    code(
        r"""
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
        display(lrs.round(3))
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
        """
    ),
    md(
        r"""
        Neither product is the total change. The two columns show where the difference
        comes from.

        * **The course answers** (twitching that improved once triggers were cut, a stable
          year) have the same LR in both columns. The priors file models each of them on
          ALS alone: it states how likely the answer is with early ALS and how likely
          without it, whatever else might be behind the twitching. Nothing else that is
          known can change what such an answer adds, and its LR can be read straight off
          the file (next cell).
        * **Weakness, wasting and the EMG** barely move between the columns. Apart from ALS
          they share one cause in the network, another nerve or muscle condition that can
          mimic it; that is rare, and these negative answers make it rarer still.
        * **Twitching and stress** are where the columns part. Both bear on the same
          harmless explanation, a benign tendency to twitch that stress can keep going.
          Once stress is known, twitching without ALS is less surprising, so twitching's
          LR shrinks; once twitching is known, stress explains part of it away, so an
          answer that says nothing about ALS on its own (LR 1) now lowers the odds.

        For such a pair, the product of the stand-alone LRs ignores the overlap and comes
        out too large, and the product of the LRs given the others takes the overlap off
        twice, once for each answer of the pair, and comes out too small.
        """
    ),
    code(
        r"""
        def course_lr(node, answer):
            # LR of an answer to a 'conditional' node, read straight off the priors file
            dist = spec.nodes[node].distribution
            p_absent, p_present = dist.given["absent"].value, dist.given["present"].value
            if answer != dist.state:  # the file gives P(dist.state | ALS absent / present)
                p_absent, p_present = 1 - p_absent, 1 - p_present
            return p_present / p_absent


        for node in ("trigger_response", "stable_12_months"):
            dist = spec.nodes[node].distribution
            assert dist.kind == "conditional" and dist.parent == "als"
            expected = course_lr(node, profile[node])
            print(f"{label(node)} = {profile[node]}: LR {expected:.3g} from the priors file")
            # the same LR on its own and given all the other answers
            assert math.isclose(alone[node], expected, rel_tol=1e-9)
            assert math.isclose(r.likelihood_ratios[node], expected, rel_tol=1e-9)

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
        print(f"\nwithout the stress answer: product of the LRs {product_ws:.4e}, "
              f"total {r_ws.odds_ratio_vs_baseline:.4e}")
        assert math.isclose(product_ws, r_ws.odds_ratio_vs_baseline, rel_tol=0.01)

        # Warning signs share the mimicking condition as well as ALS, and overlap strongly
        signs = {**context, "weakness": "yes", "atrophy": "yes", "emg": "abnormal"}
        r_signs = M.query(m, signs)
        product_signs = math.prod(r_signs.likelihood_ratios[n] for n in signs if n in players)
        print(f"weakness + wasting + abnormal EMG: product of the LRs given the others "
              f"{product_signs:.3g}, total {r_signs.odds_ratio_vs_baseline:.3g}")
        assert product_signs < 0.1 * r_signs.odds_ratio_vs_baseline
        """
    ),
    md(
        r"""
        In the reassuring picture, then, nearly all of the overlap comes from the stress
        answer: without it, the LRs multiply up to the total within 1%. That is a property
        of these particular answers, not a rule. Weakness, wasting and an abnormal EMG
        travel together both in ALS and in the conditions that mimic it, so when they are
        present their LRs overlap heavily, and multiplying them as if they were independent
        would be badly wrong. (They are also warning signs: whatever the number, they mean
        seeing a doctor promptly, as section 8 shows.)

        ## 4. Sequential contributions: order matters

        One honest way to split the total is to add the answers one at a time and record
        how much each one moved the odds *at the moment it was added*. The steps always
        multiply up to the total, but each answer's share depends on the order.
        """
    ),
    code(
        r"""
        order_a = players
        order_b = list(reversed(players))
        seq = {}
        for name, order in [("order A", order_a), ("order B", order_b)]:
            steps = M.sequential_contributions(m, profile, order)
            seq[name] = {c.node: c.log_odds for c in steps}
            factors = [c.factor for c in steps]
            # prior odds x the product of the sequential factors = posterior odds
            assert math.isclose(r.baseline_odds * math.prod(factors), r.odds, rel_tol=1e-9)
            print(name, " -> ".join(f"{c.node} x{c.factor:.3g}" for c in steps))

        print(f"\nTwitching, added first: x{math.exp(seq['order A']['fasciculations']):.3g}; "
              f"added last: x{math.exp(seq['order B']['fasciculations']):.3g}")
        print(f"Stress, added right after twitching: x{math.exp(seq['order A']['stress']):.3g}; "
              f"added before it: x{math.exp(seq['order B']['stress']):.3g}")
        first, last = seq["order A"]["fasciculations"], seq["order B"]["fasciculations"]
        assert not math.isclose(first, last, rel_tol=0.05)
        # stress lowers the odds only once twitching is known; before it, it adds nothing
        assert seq["order A"]["stress"] < math.log(0.9)
        assert math.isclose(seq["order B"]["stress"], 0.0, abs_tol=1e-9)
        # the course answers add the same factor whatever comes before them
        for n in ("trigger_response", "stable_12_months"):
            assert math.isclose(seq["order A"][n], seq["order B"][n], rel_tol=1e-9)
        """
    ),
    md(
        r"""
        The same answer gets a different factor depending on what is already known when it
        arrives. Added first, twitching is judged against the age group alone; added last,
        stress has already offered a harmless reason for it, and it counts for less.
        Stress, in turn, adds nothing when it comes before twitching (there is nothing yet
        for it to explain) and lowers the odds when it comes after. Neither number is "the"
        effect of either answer. The course answers, by contrast, get the same factor in
        both orders, for the reason seen in section 3.

        ## 5. Shapley values: an order-free split

        The Shapley value, borrowed from cooperative game theory, averages each answer's
        sequential contribution over *every* possible order. It is the only split that
        always adds up to the total, treats answers that play identical roles equally, and
        gives zero to an answer that never changes anything. `shapley` computes it exactly
        from all 2^k subsets of the answers in one batched call. Here there are few enough
        answers to check it against the average over all orders directly.
        """
    ),
    code(
        r"""
        sh = M.shapley(m, profile)
        phi = {c.node: c.log_odds for c in sh.contributions}
        print(f"Shapley values add up to the total change in log-odds: "
              f"{sum(phi.values()):.6f} vs {sh.total:.6f}")
        assert math.isclose(sum(phi.values()), sh.total, rel_tol=1e-9)
        assert math.isclose(math.exp(sh.total), r.odds_ratio_vs_baseline, rel_tol=1e-9)

        orders = list(itertools.permutations(players))
        average = dict.fromkeys(players, 0.0)
        for order in orders:
            for c in M.sequential_contributions(m, profile, list(order)):
                average[c.node] += c.log_odds / len(orders)
        for n in players:
            assert math.isclose(phi[n], average[n], rel_tol=1e-9, abs_tol=1e-12)
        print(f"... and equal the average over all {len(orders):,} orders.")
        # an answer whose factor never depends on the order keeps that factor in the split
        for n in ("trigger_response", "stable_12_months"):
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
        display(np.exp(table).round(3).rename(columns=lambda c: f"{c} (x odds)"))

        ax = table.plot.barh(figsize=(8, 4.5), color=["#bbbbbb", "#888888", "#c0504d"])
        ax.axvline(0, color="black", lw=0.8)
        ax.invert_yaxis()
        ax.set_xlabel("change in log-odds (left lowers the odds, right raises them)")
        ax.set_title("Each answer's share of the change: two orders and the Shapley split")
        plt.show()
        """
    ),
    md(
        r"""
        In the table the two course answers have the same factor in all three columns.
        Twitching and stress share out their overlap instead: each one's Shapley factor
        lies between its factors in order A and in order B.

        ## 6. "Not sure": soft evidence

        People are often unsure whether a muscle is really weaker. The model accepts
        `"not_sure"` as an answer and treats it as *soft* (virtual) evidence: saying "not
        sure" is assumed to be somewhat more likely from someone who does have the finding
        than from someone who does not. The ratio between the two is a parameter of the
        priors file, `soft_evidence.not_sure_ratio`, with its own range and reasoning. An
        answer can also be given directly as a likelihood per state.
        """
    ),
    code(
        r"""
        ratio = spec.soft_evidence.not_sure_ratio
        print(f"not_sure_ratio = {ratio.value} (range {ratio.low}-{ratio.high}); {ratio.source}\n")

        answers = {"no": "no", "not sure": M.NOT_SURE, "yes": "yes"}
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
        """
    ),
    code(
        r"""
        # Sweep the strength of a soft answer from "leaning no" to "leaning yes"
        ratios = np.geomspace(0.01, 100, 41)
        sweep = [M.query(m, {**context, "weakness": {"yes": x, "no": 1.0}}).per_100k for x in ratios]
        assert all(np.diff(sweep) > 0)

        fig, ax = plt.subplots(figsize=(7, 3.5))
        ax.plot(ratios, sweep, color="#c0504d")
        for name, style in [("no", ":"), ("not asked", "-."), ("yes", "--")]:
            ax.axhline(post[name] * 100_000, ls=style, color="grey", label=f"weakness = {name}")
        ax.axvline(ratio.value, color="black", lw=0.8, label='"not sure" in the priors')
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("soft evidence: likelihood of the answer if weak / if not weak")
        ax.set_ylabel("N in 100,000")
        ax.legend(fontsize=8)
        ax.set_title("A soft answer sits between a firm no and a firm yes")
        plt.show()
        """
    ),
    md(
        r"""
        ## 7. Which question would tell the most next?

        For every question not yet answered, `next_questions` works out each possible
        answer, how likely that answer is given what is known so far, and where it would
        move the odds. Questions are ranked by the *expected* size of the move (the average
        absolute change in log-odds): a value-of-information ranking.

        A useful check on any such table: averaged over the possible answers, weighted by
        how likely each is, the probability after the answer equals the probability now.
        A question can be expected to *sharpen* the estimate, never to shift it in a known
        direction.
        """
    ),
    code(
        r"""
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
        display(pd.DataFrame(rows).round(3).head(10))

        top = qs[:8]
        fig, ax = plt.subplots(figsize=(7, 3.5))
        ax.barh([q.label for q in top], [q.expected_abs_log_odds_change for q in top], color="#4a78a8")
        ax.invert_yaxis()
        ax.set_xlabel("expected absolute change in log-odds")
        ax.set_title("Which answer would move the estimate most (age 30-44 + twitching)")
        plt.show()
        """
    ),
    md(
        r"""
        The ranking says which answer would be most *informative for the model*, not what
        a person should do next. An EMG, for example, is a specialist test a doctor decides
        on. Warning-sign questions rank high because a "yes", though uncommon, would move
        the odds a long way.

        ## 8. When a warning sign is present

        Whatever the number, a warning sign (weakness, wasting, speech or swallowing
        trouble, new breathlessness, steady worsening) is reported as a red flag, with
        advice to see a doctor promptly. `explain_lines` puts a result into words.
        """
    ),
    code(
        r"""
        flagged = {**context, "weakness": "yes"}
        r = M.query(m, flagged)
        lines = M.explain_lines(m, flagged)
        print("\n".join(lines))
        assert r.red_flags == ["weakness"]
        assert spec.messages.red_flag in lines
        assert spec.messages.disclaimer in lines
        """
    ),
    md(
        r"""
        ## Take-aways

        * An answer moves the odds by its likelihood ratio *in context*; strong negatives
          (no weakness, a normal EMG, twitching that settled, a stable year) can matter as
          much as strong positives.
        * In a network, answers can share causes (twitching and stress both point to a
          harmless tendency to twitch), so their effects overlap and their LRs do not
          simply multiply. An answer modelled on ALS alone, like the two course questions
          here, adds the same factor whatever else is known.
        * Sequential contributions depend on order when answers overlap; Shapley values
          give a fair, order-free split that still adds up to the total.
        * "Not sure" is usable information, weaker than a firm answer.
        * Warning signs always mean: see a doctor promptly.
        """
    ),
]

# =========================================================================== 03
NOTEBOOK_03: list[Cell] = [
    md(
        r"""
        # 03 · Tweaking the priors

        **For researchers** who want to change a number in the model, check that the
        changed model still hangs together, compare its answers with the default, and take
        the network to other Bayesian-network software.

        The whole model lives in one data file, `priors/als_default.yaml`: every node, its
        states, and every parameter with a value, a plausible range and a source (a key of
        the file's `sources` table, or a text starting with `assumption:` that gives the
        reasoning). The code contains no ALS-specific number, so changing the model means
        changing that file, or a copy of it, never the code.

        Two ways to change a parameter are shown: in code with `update_params`, and by
        editing a copied YAML file (in a temporary folder, so the repository stays as it
        is). Both are validated on the way in.
        """
    ),
    SAFE_MESSAGE,
    code(
        r"""
        import copy
        import math
        import shutil
        import tempfile
        import warnings
        from pathlib import Path

        import matplotlib.pyplot as plt
        import pandas as pd
        import yaml

        import model as M
        from alsodds.network import from_pgmpy, pgmpy_posterior, read_network, write_network

        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", message="IProgress not found")  # tqdm, via pgmpy
        pd.set_option("display.max_colwidth", 90)
        """
    ),
    md(
        r"""
        ## 1. The bundled priors

        `load_spec` reads and validates a priors file; `Model` wraps the validated spec;
        `param_table` lists every parameter with its dotted name (the handle used to edit
        it), value, range, kind and source.
        """
    ),
    code(
        r"""
        path = M.default_priors_path()
        spec = M.load_spec(path)  # parse + validate; a bad file raises one M.PriorsError
        m = M.Model(spec, source=path.name)
        params = M.param_table(m)

        assumption = params["source"].str.startswith("assumption:")
        print(f"{path.name}: {len(spec.nodes)} nodes, {len(params)} parameters, "
              f"{len(spec.sources)} entries in the sources table")
        print(f"{(~assumption).sum()} parameters cite sources; {assumption.sum()} rest on a "
              "labelled assumption that states its reasoning")
        assert params["source"].str.strip().str.len().gt(0).all()

        INCIDENCE = "nodes.als.distribution.terms.incidence"
        WINDOW = "nodes.als.distribution.terms.window"
        WEAKNESS_ALS = "nodes.weakness.distribution.causes.als"
        TRIGGER_ABSENT = "nodes.trigger_response.distribution.given.absent"
        TRIGGER_PRESENT = "nodes.trigger_response.distribution.given.present"
        shown = params.set_index("name").loc[
            [INCIDENCE, WINDOW, WEAKNESS_ALS, TRIGGER_ABSENT, TRIGGER_PRESENT]
        ]
        display(shown[["value", "low", "high", "kind", "source"]])
        """
    ),
    md(
        r"""
        How a parameter reads depends on the kind of node it belongs to.

        * `WEAKNESS_ALS` belongs to a **noisy-OR** node: it is the probability that ALS
          *on its own* produces objective weakness. Other causes (a condition that mimics
          ALS, and a "leak" for everything not modelled) add their own chances.
        * The course questions are **conditional** nodes with ALS as their only parent,
          and their parameters give the answer's probability directly, whatever else may
          be behind the twitching. `TRIGGER_ABSENT` is P(twitching *not* improved after a
          few weeks of less caffeine, more sleep and less stress | no early ALS);
          `TRIGGER_PRESENT` is the same with early ALS. The likelihood ratio of an answer
          is simply the ratio of the two: for "improved", (1 - `TRIGGER_PRESENT`) /
          (1 - `TRIGGER_ABSENT`).

        A few situations to compare throughout the notebook, all for a woman aged 55-64
        with no family history:
        """
    ),
    code(
        r"""
        background = {"age_band": "55_64", "sex": "female", "family_history": "no"}
        PROFILES = {
            "no symptoms asked": background,
            "twitching, no weakness": {**background, "fasciculations": "yes", "weakness": "no"},
            "twitching, settled after cutting triggers": {
                **background, "fasciculations": "yes", "trigger_response": "improved",
            },
            "twitching, weakness and wasting": {
                **background, "fasciculations": "yes", "weakness": "yes", "atrophy": "yes",
            },
        }


        def compare(models):
            # N in 100,000 for every profile (rows) under every model (columns)
            return pd.DataFrame(
                {
                    name: {p: M.query(mod, a).per_100k for p, a in PROFILES.items()}
                    for name, mod in models.items()
                }
            )


        display(compare({"default": m}).round(3))
        """
    ),
    md(
        r"""
        ## 2. Change a parameter in code

        `update_params(spec, {name: {"value": ...}})` returns a *new* spec (the original
        is immutable) and runs every check the file loader runs. Suppose you trust the
        higher European registries and set the incidence to 2.8 per 100,000 a year, inside
        its declared range.
        """
    ),
    code(
        r"""
        edited = M.update_params(spec, {INCIDENCE: {"value": 2.8}}, source="incidence 2.8")
        m_code = M.Model(edited, source="edited in code")
        table = compare({"default": m, "incidence 2.8": m_code})
        table["ratio"] = table["incidence 2.8"] / table["default"]
        display(table.round(4))

        for answers in PROFILES.values():
            before, after = M.query(m, answers), M.query(m_code, answers)
            # the base rate is a product, so it scales exactly with the incidence ...
            assert math.isclose(after.baseline / before.baseline, 2.8 / 2.0, rel_tol=1e-12)
            # ... while what the answers do to the odds does not change at all
            assert math.isclose(after.odds_ratio_vs_baseline, before.odds_ratio_vs_baseline, rel_tol=1e-9)
        """
    ),
    md(
        r"""
        The lesson in the two asserts: the base rate sets the starting point, and the
        findings multiply the odds by the same factors whatever that starting point is
        (given the same age, sex and family history). The final numbers move almost in
        proportion to the base rate.

        Now a parameter of a finding. Setting `TRIGGER_ABSENT` to the top of its range
        says that even without ALS, twitching seldom settles within a few weeks of cutting
        triggers. "It settled" then sets people without ALS apart less sharply from people
        with it, so it becomes a weaker sign of a harmless cause and its likelihood ratio
        moves towards 1 (while staying below 1).
        """
    ),
    code(
        r"""
        trigger = params.set_index("name")
        p_absent = trigger.loc[TRIGGER_ABSENT, "value"]
        p_present = trigger.loc[TRIGGER_PRESENT, "value"]
        top = trigger.loc[TRIGGER_ABSENT, "high"]
        stubborn_spec = M.update_params(spec, {TRIGGER_ABSENT: {"value": top}})
        stubborn = M.Model(stubborn_spec, source="twitching seldom settles without ALS")
        settled = PROFILES["twitching, settled after cutting triggers"]
        lr_default = M.query(m, settled).likelihood_ratios["trigger_response"]
        lr_stubborn = M.query(stubborn, settled).likelihood_ratios["trigger_response"]
        print(f"LR of 'improved': {lr_default:.3f} with the default priors "
              f"(P(not improved | no ALS) = {p_absent}), {lr_stubborn:.3f} with {top}")
        assert lr_default < lr_stubborn < 1
        # the LR is the ratio of the two given probabilities, before and after the edit
        assert math.isclose(lr_default, (1 - p_present) / (1 - p_absent), rel_tol=1e-9)
        assert math.isclose(lr_stubborn, (1 - p_present) / (1 - top), rel_tol=1e-9)
        """
    ),
    md(
        r"""
        Values outside the declared range are refused. Widening a range is allowed, but
        the validator then checks that the model still keeps the qualitative sign each
        finding declares, over the whole box of ranges and not only at the values. For
        "improved" the sign is `-`: it may never *raise* the odds of ALS, so P(not improved)
        must be at least as high with early ALS as without it for every pair of values
        in the two ranges. The second attempt below keeps `TRIGGER_PRESENT` at its value
        but lowers the bottom of its range under the top of `TRIGGER_ABSENT`'s range.
        The values alone would still be fine; but somewhere inside the ranges "improved"
        would become more common with ALS than without, so the validator refuses the edit
        and says why.
        """
    ),
    code(
        r"""
        absent_high = trigger.loc[TRIGGER_ABSENT, "high"]
        too_high, widened_low = 0.9, 0.7
        assert too_high > absent_high
        # the widened range reaches under the top of the other one, though the values do not
        assert widened_low < absent_high and p_absent < p_present
        attempts = {
            "value above its declared high": {TRIGGER_ABSENT: {"value": too_high}},
            "range widened so the declared sign could break": {
                TRIGGER_PRESENT: {"low": widened_low}
            },
        }
        refusals = {}
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
        """
    ),
    md(
        r"""
        ## 3. Change a parameter in a copied YAML file

        The everyday route: copy the bundled file, edit a number in any text editor, and
        load the copy (`M.load_model(path)`, or `alsodds validate FILE` and
        `alsodds query --priors FILE` on the command line). Here the edit is made with
        PyYAML so the notebook can run unattended; in an editor you would change the one
        number and keep the comments. Everything is written to a temporary folder.

        The edit: the diagnostic window at the top of its range, 16 months instead of 13.
        """
    ),
    code(
        r"""
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
        """
    ),
    md(
        r"""
        ## 4. Validation catches mistakes

        Each broken copy below is refused with a single message naming the file, the field,
        the bad value and what is allowed, never a traceback from deep inside the code.
        """
    ),
    code(
        r"""
        def broken(description, edit):
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


        def nodes(d):
            return d["nodes"]


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
        """
    ),
    md(
        r"""
        The last one is worth a second look: twitching in several areas is declared a
        finding that can only *raise* the odds of ALS. In a noisy-OR network that is
        guaranteed only while ALS produces it at least as readily as every other cause, so
        the validator refuses a file in which benign twitching could spread more readily.

        ## 5. Compare, and save an edit made in code

        `dump_spec` turns a spec back into YAML, so an edit made in code can be saved,
        shared and reloaded; the reloaded copy gives identical answers.
        """
    ),
    code(
        r"""
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
        display(comparison.round(3))
        # the trigger-question edit only matters where the trigger question was answered
        for name, answers in PROFILES.items():
            if "trigger_response" not in answers:
                assert comparison.loc[name, "seldom settles without ALS"] == comparison.loc[name, "default"]
        change = (comparison.div(comparison["default"], axis=0) - 1).drop(columns="default") * 100
        ax = change.plot.barh(figsize=(9, 4.5))
        ax.axvline(0, color="black", lw=0.8)
        ax.invert_yaxis()
        ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize=8)
        ax.set_xlabel("% change in N in 100,000 from the default priors")
        ax.set_title("The same situations under three edited versions of the priors")
        plt.show()
        """
    ),
    md(
        r"""
        ## 6. Export to BIF and XMLBIF, and read it back

        BIF and XMLBIF are plain-text formats that many Bayesian-network tools read.
        `write_network` writes the model's point estimate (every conditional probability
        table, built from the parameter values) with the public node ids and state names;
        `read_network` reads a file back with pgmpy, and `pgmpy_posterior` asks pgmpy's own
        inference engine the same question, a check independent of this project's engine.

        What the files do *not* carry: ranges, sources, sign declarations, question texts
        and the "not sure" rule. The YAML stays the master copy; the export is a snapshot.
        """
    ),
    code(
        r"""
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
            print(f"{out.name}: {out.stat().st_size:,} bytes, {len(structure.nodes)} nodes; "
                  "pgmpy's answers match for every profile")

        text = (work / "als.bif").read_text(encoding="utf-8")
        start = text.index("probability ( als")
        print()
        print("\n".join(text[start:].splitlines()[:6]), "\n    ...")
        """
    ),
    code(
        r"""
        # An edited model exports the same way: the file carries the edit.
        out = write_network(m_file, "bif", work / "window16.bif")
        net = read_network(out)
        for answers in PROFILES.values():
            theirs = pgmpy_posterior(net, "als", "present", answers)
            assert math.isclose(theirs, M.query(m_file, answers).posterior, rel_tol=1e-9)

        tmp.cleanup()  # remove the temporary folder and everything written to it
        assert not work.exists()
        """
    ),
    md(
        r"""
        ## Take-aways

        * Every number has a name, a range and a source; change it with `update_params` in
          code or in a copied YAML file, and the same validator checks both.
        * The validator refuses values outside their ranges, impossible probabilities,
          unknown sources, and edits that would break a finding's declared direction.
        * Changing the base rate moves the start, not what the findings do.
        * BIF/XMLBIF exports carry the point estimate to other tools, and pgmpy gives the
          same answers from them.
        """
    ),
]

# =========================================================================== 04
NOTEBOOK_04: list[Cell] = [
    md(
        r"""
        # 04 · Uncertainty and sensitivity

        **For researchers and reviewers** who want to know how much an answer depends on
        the uncertain inputs behind it, before quoting it.

        Every parameter in the priors has a plausible range as well as a value. Five views
        of what those ranges do to one answer:

        1. **probabilistic sensitivity analysis (PSA):** draw every parameter at random
           within its range, many times, and look at the spread of answers;
        2. **tornado:** move one parameter at a time to each end of its range;
        3. **two-way grid:** move two parameters together;
        4. **Sobol indices:** share out the variance of the answer among the parameters,
           interactions included;
        5. **"what would flip it":** how far one parameter would have to move for the answer
           to cross a line.

        Sizes are kept modest so the notebook runs in seconds; the same calls scale to
        hundreds of thousands of draws (see the benchmarks) when a result is meant for a
        paper.
        """
    ),
    SAFE_MESSAGE,
    code(
        r"""
        import math
        import warnings

        import matplotlib.pyplot as plt
        import numpy as np
        import pandas as pd

        import model as M

        warnings.filterwarnings("ignore", category=FutureWarning)
        pd.set_option("display.max_colwidth", 80)
        m = M.load_model()
        spec = m.spec
        params = M.param_table(m).set_index("name")

        INCIDENCE = M.base_rate_parameter(m)  # "nodes.als.distribution.terms.incidence"
        WEAKNESS_ALS = "nodes.weakness.distribution.causes.als"
        assert INCIDENCE == "nodes.als.distribution.terms.incidence"

        # The situation studied: a man aged 55-64, no family history, who notices twitching
        # and has neither objective weakness nor visible wasting.
        person = {
            "age_band": "55_64",
            "sex": "male",
            "family_history": "no",
            "fasciculations": "yes",
            "weakness": "no",
            "atrophy": "no",
        }
        point = M.query(m, person)
        print(f"Point estimate: {M.natural_frequency(point.posterior)} "
              f"(base rate for his background: {M.natural_frequency(point.baseline)})")

        # Two lines to compare against. They are illustrations, not clinical cut-offs.
        NEAR = 1 / 100_000  # 1 in 100,000: close to the point estimate
        FAR = 10 / 100_000  # 10 in 100,000: ten times higher


        def odds(p):
            return p / (1 - p)


        def short(label):
            return label.replace(" (early, symptomatic, not yet diagnosed)", "")
        """
    ),
    md(
        r"""
        ## 1. Probabilistic sensitivity analysis

        `psa` draws every parameter independently within its declared range (how it samples
        is documented in `model.uncertainty`: a triangular distribution peaking at the
        declared value), evaluates the exact posterior for every draw in one batch, and
        reports the median, a 95% interval and, given a threshold, the share of draws above
        it. The same seed gives the same draws.
        """
    ),
    code(
        r"""
        N_DRAWS = 20_000  # modest; 10^5 or more for publication (it is fast)
        res = M.psa(m, person, n_draws=N_DRAWS, seed=0, threshold=NEAR)
        share_far = float(np.mean(res.draws > FAR))
        print(f"median {res.median * 1e5:.2f} in 100,000; 95% interval "
              f"{res.low * 1e5:.2f} to {res.high * 1e5:.2f} in 100,000")
        print(f"share of draws above {NEAR * 1e5:g} in 100,000: {res.share_above:.1%}")
        print(f"share of draws above {FAR * 1e5:g} in 100,000: {share_far:.1%}")

        again = M.psa(m, person, n_draws=N_DRAWS, seed=0, threshold=NEAR)
        assert np.array_equal(res.draws, again.draws)  # seeded, reproducible
        assert len(res.draws) == N_DRAWS
        assert res.low <= res.median <= res.high
        assert res.low <= point.posterior <= res.high
        assert math.isclose(res.share_above, float(np.mean(res.draws > NEAR)))
        assert 0.05 < res.share_above < 0.95 and share_far < 0.01

        fig, ax = plt.subplots(figsize=(8, 3.5))
        bins = np.geomspace(res.draws.min(), res.draws.max(), 60) * 1e5
        ax.hist(res.draws * 1e5, bins=bins, color="#9bb7d4")
        ax.set_xscale("log")
        ticks = [t for t in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20) if bins[0] <= t <= bins[-1]]
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.xaxis.set_minor_formatter(plt.NullFormatter())
        for x, style, name in [
            (point.posterior, "-", "point estimate"),
            (res.low, ":", "95% interval"),
            (res.high, ":", None),
            (NEAR, "--", "1 in 100,000"),
        ]:
            colour = "#c0504d" if name == "1 in 100,000" else "black"
            ax.axvline(x * 1e5, ls=style, color=colour, label=name)
        ax.set_xlabel("P(early ALS | answers), N in 100,000 (log scale)")
        ax.set_ylabel("draws")
        ax.legend(fontsize=8)
        ax.set_title(f"{N_DRAWS:,} parameter draws")
        plt.show()
        """
    ),
    md(
        r"""
        The interval spans several-fold, which is normal when a base rate and a handful of
        sensitivities are each uncertain by tens of percent. Read against the two lines:
        whether the answer is above or below 1 in 100,000 is genuinely uncertain (a sizeable
        share of draws lands on each side), while essentially no draw reaches 10 in 100,000.
        A conclusion of the second kind is robust; one of the first kind should be reported
        as the interval, not as a yes or no.

        ## 2. Tornado: one parameter at a time

        Each parameter goes to the low and then the high end of its range while all others
        stay at their values. The longest bars mark the parameters this particular answer
        leans on most. All 2 × (number of parameters) runs are one batch.
        """
    ),
    code(
        r"""
        bars = M.tornado(m, person)
        assert all(a.swing >= b.swing for a, b in zip(bars, bars[1:]))  # sorted, largest first
        top = bars[:12]

        fig, ax = plt.subplots(figsize=(9, 5))
        centre = point.posterior * 1e5
        for i, b in enumerate(top):
            for end, colour in [(b.posterior_low, "#4a78a8"), (b.posterior_high, "#c0504d")]:
                ax.barh(i, end * 1e5 - centre, left=centre, color=colour, height=0.6)
        ax.axvline(centre, color="black", lw=0.8)
        names = [f"{short(b.label)} [{b.low:g}-{b.high:g}]" for b in top]
        ax.set_yticks(range(len(top)), names, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("N in 100,000 (blue: parameter at its low end, red: at its high end)")
        ax.set_title("One-way sensitivity around the point estimate")
        plt.show()

        display(
            pd.DataFrame(
                [
                    {
                        "parameter": short(b.label),
                        "low": b.low,
                        "high": b.high,
                        "at low (per 100k)": b.posterior_low * 1e5,
                        "at high (per 100k)": b.posterior_high * 1e5,
                    }
                    for b in top
                ]
            ).round(3)
        )
        """
    ),
    md(
        r"""
        A check on the base-rate bar. With age, sex and family history all given, the base
        rate is a product that scales exactly with the incidence, and the answers multiply
        the odds by the same factor whatever the base rate (notebook 03). So the posterior
        odds at the two ends of the incidence range must differ exactly as the prior odds
        do:
        """
    ),
    code(
        r"""
        inc = next(b for b in bars if b.name == INCIDENCE)
        value = params.loc[INCIDENCE, "value"]
        prior_low = point.baseline * inc.low / value
        prior_high = point.baseline * inc.high / value
        posterior_ratio = odds(inc.posterior_high) / odds(inc.posterior_low)
        prior_ratio = odds(prior_high) / odds(prior_low)
        print(f"posterior odds ratio {posterior_ratio:.9f}, prior odds ratio {prior_ratio:.9f}")
        assert math.isclose(posterior_ratio, prior_ratio, rel_tol=1e-9)
        """
    ),
    md(
        r"""
        ## 3. Two-way grid

        The two parameters below are among the most influential here: the incidence (where
        the odds start) and how often early ALS produces objective weakness (which sets how
        much "no weakness" lowers them). The grid moves both across their ranges.
        """
    ),
    code(
        r"""
        grid = M.two_way(m, person, INCIDENCE, WEAKNESS_ALS, steps=11)
        per_100k = grid.posterior * 1e5
        assert per_100k.shape == (11, 11)
        # a higher base rate always raises the answer (rows) ...
        assert np.all(np.diff(grid.posterior, axis=0) > 0)
        # ... and, since 'no weakness' was answered, a higher P(weakness | ALS) lowers it (columns)
        assert np.all(np.diff(grid.posterior, axis=1) < 0)

        fig, ax = plt.subplots(figsize=(7, 5))
        mesh = ax.pcolormesh(grid.values2, grid.values1, per_100k, shading="nearest", cmap="viridis")
        fig.colorbar(mesh, label="N in 100,000")
        lines = ax.contour(grid.values2, grid.values1, per_100k, levels=[NEAR * 1e5], colors="white")
        ax.clabel(lines, fmt={NEAR * 1e5: "1 in 100,000"})
        ax.plot(params.loc[WEAKNESS_ALS, "value"], value, "w*", markersize=14, label="declared values")
        ax.set_xlabel(short(params.loc[WEAKNESS_ALS, "label"]))
        ax.set_ylabel("annual incidence per 100,000")
        ax.legend(loc="lower left", fontsize=8)
        ax.set_title("Posterior over two parameters")
        plt.show()
        """
    ),
    md(
        r"""
        ## 4. Sobol indices: a global view

        The tornado moves one parameter at a time from the declared values; Sobol indices
        look at the whole box of ranges at once. For each parameter:

        * **S1** (first order): the share of the answer's variance it explains alone;
        * **ST** (total): its share including every interaction with other parameters.

        ST much larger than S1 means the parameter matters mostly in combination with
        others. The output analysed is the posterior *log-odds*, the natural scale for
        quantities that multiply. With a small base sample the indices are noisy (the
        `_conf` columns are bootstrap 95% half-widths); raise `N_BASE` for firm numbers.
        """
    ),
    code(
        r"""
        N_BASE = 256  # a power of two; the cost is N_BASE x (number of parameters + 2) runs
        sob = M.sobol(m, person, n_base=N_BASE, seed=0)
        frame = sob.to_frame()
        print(f"{sob.n_runs:,} model runs over {len(sob.names)} varying parameters")
        display(frame.head(10).assign(label=frame["label"].map(short)).drop(columns="name").round(3))

        assert sob.n_runs == N_BASE * (len(sob.names) + 2)
        # the global and the one-way view agree on what matters most here
        assert frame["name"].iloc[0] in {b.name for b in bars[:5]}
        assert frame["S1"].sum() < 1.1 and (frame["ST"] > -0.05).all()

        head = frame.head(10)
        fig, ax = plt.subplots(figsize=(8, 4.5))
        y = np.arange(len(head))
        ax.barh(y - 0.2, head["S1"], 0.4, xerr=head["S1_conf"], label="S1 (alone)", color="#9bb7d4")
        ax.barh(
            y + 0.2, head["ST"], 0.4, xerr=head["ST_conf"], label="ST (with interactions)", color="#4a78a8"
        )
        ax.set_yticks(y, head["label"].map(short), fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("share of the variance of the posterior log-odds")
        ax.legend(fontsize=8)
        ax.set_title("Sobol indices, top 10 parameters")
        plt.show()
        """
    ),
    md(
        r"""
        ## 5. What would flip it?

        For one parameter and a threshold, `flip` finds the value at which the answer would
        cross the threshold and says whether that value lies inside the parameter's
        declared range. By default it studies the base rate. Each crossing is checked by
        editing the priors to that value and asking the model again.
        """
    ),
    code(
        r"""
        near = M.flip(m, person, threshold=NEAR)
        far = M.flip(m, person, threshold=FAR)
        for f in (near, far):
            where = "inside" if f.inside_range else "outside"
            print(f"To cross {f.threshold * 1e5:g} in 100,000 the incidence would have to be "
                  f"{f.crossing:.3g} per 100,000 a year: {where} its range {f.low:g}-{f.high:g}")
        assert near.inside_range and not far.inside_range

        # Check: with the incidence edited to the crossing, the answer sits on the line ...
        moved = M.Model(M.update_params(spec, {INCIDENCE: {"value": near.crossing}}))
        assert math.isclose(M.query(moved, person).posterior, NEAR, rel_tol=1e-6)
        # ... and even at the top of its range (the tornado's run) it stays below the far line
        assert inc.posterior_high < FAR
        """
    ),
    code(
        r"""
        # The same question for the parameters at the top of the tornado, at both thresholds
        rows = []
        for b in bars[:8]:
            row = {
                "parameter": short(b.label),
                "value": params.loc[b.name, "value"],
                "range": f"{b.low:g}-{b.high:g}",
            }
            for name, threshold in [("1 in 100,000", NEAR), ("10 in 100,000", FAR)]:
                f = M.flip(m, person, b.name, threshold=threshold)
                row[f"crosses {name} at"] = f.crossing
                row[f"inside range ({name})"] = f.inside_range
                if f.inside_range:
                    moved = M.Model(M.update_params(spec, {b.name: {"value": f.crossing}}))
                    assert math.isclose(M.query(moved, person).posterior, threshold, rel_tol=1e-6)
            rows.append(row)
        flips = pd.DataFrame(rows)
        display(flips.round(4))
        assert not flips["inside range (10 in 100,000)"].any()
        """
    ),
    md(
        r"""
        The table says the same as the PSA from another angle. Close to the estimate, many
        single parameters can carry the answer across 1 in 100,000 without leaving their
        ranges, so a statement like "below 1 in 100,000" would overclaim. No single
        parameter within its range comes near 10 in 100,000 (a missing crossing, NaN, means
        the answer never reaches the line whatever the parameter's value).

        ## Take-aways

        * Report an interval, and the share of draws past any line that matters, not only
          the point estimate.
        * Tornado and Sobol rankings tell you which sources deserve a closer look; here they
          agree on the top parameters.
        * "What would flip it" turns a sensitivity analysis into a plain question: how
          wrong would this number have to be?
        * The same analyses are on the command line (`alsodds uncertainty`,
          `alsodds sensitivity`, `alsodds flip`) and in the dashboard.
        * None of these numbers is about one person: warning signs mean seeing a doctor
          promptly.
        """
    ),
]

NOTEBOOKS: dict[str, list[Cell]] = {
    "01_base_rates.ipynb": NOTEBOOK_01,
    "02_how_findings_move_the_odds.ipynb": NOTEBOOK_02,
    "03_tweaking_priors.ipynb": NOTEBOOK_03,
    "04_uncertainty_and_sensitivity.ipynb": NOTEBOOK_04,
}


def build(cells: list[Cell]) -> nbformat.NotebookNode:
    """A notebook with no outputs, null execution counts and stable cell ids."""
    nb = new_notebook(
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        }
    )
    for i, (kind, source) in enumerate(cells):
        cell = new_markdown_cell(source) if kind == "markdown" else new_code_cell(source)
        cell["id"] = f"c{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def render(cells: list[Cell]) -> str:
    """The notebook file's exact text."""
    return nbformat.writes(build(cells)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only report notebooks that differ; exit 1 if any"
    )
    args = parser.parse_args(argv)
    stale = []
    for name, cells in NOTEBOOKS.items():
        path = HERE / name
        text = render(cells)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parent)}")
    if args.check and stale:
        print("out of date (run `python notebooks/build.py`): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
