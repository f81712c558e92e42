"""Server-side time of a full dashboard rerun after a widget change (Streamlit AppTest).

Run: ``.venv/bin/python benchmarks/dashboard_rerun.py``

'Your situation' is opened once (imports and model compilation are not counted), then one
answer is changed at a time and the whole script rerun is timed: the result, the
uncertainty interval (2,000 draws), the Shapley decomposition, the next-question ranking
and every chart. Each step gives a set of answers not seen before, so cached results never
hide the work. The last line is the headline:

    dashboard_rerun_median_seconds: <median over the typical sequence>

Also printed: the same with every question answered (Shapley then covers all findings, the
costliest case) and one rerun per other page. No assertion: this is a measurement.
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from streamlit.testing.v1 import AppTest

warnings.filterwarnings("ignore", category=FutureWarning)

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"

#: A person answering questions one by one, changing their mind now and then (<= 10 findings).
TYPICAL: list[tuple[str, str]] = [
    ("fasciculations", "yes"),
    ("sex", "female"),
    ("stress", "yes"),
    ("caffeine", "yes"),
    ("poor_sleep", "no"),
    ("twitch_spread", "one_area"),
    ("cramps", "not_sure"),
    ("weakness", "no"),
    ("atrophy", "no"),
    ("trigger_response", "improved"),
    ("weakness", "not_sure"),
    ("stress", "no"),
    ("sensory_changes", "no"),
    ("cramps", "yes"),
    ("twitch_spread", "several_areas"),
    ("weakness", "yes"),
    ("family_history", "no"),
    ("trigger_response", "not_improved"),
    ("caffeine", ""),
    ("age_band", "45_54"),
]


def all_answered() -> list[tuple[str, str]]:
    """Then every other question (read from the spec), and changes with all answered."""
    from alsodds import load_model

    spec = load_model().spec
    seen = {n for n, _ in TYPICAL}
    rest = [(n, spec.nodes[n].states[0]) for n in spec.answerable if n not in seen]
    flips = [(n, spec.nodes[n].states[-1]) for n in spec.findings[:4]]
    return rest + flips


def _base_rates() -> None:
    from alsodds.dashboard.views import base_rates

    base_rates.render()


def _research() -> None:
    from alsodds.dashboard.views import research

    research.render()


def open_group_of(at: AppTest, node: str) -> None:
    """Open the question group holding ``node`` (a rerun of its own, not timed)."""
    from alsodds import load_model
    from alsodds.dashboard.views.situation import GROUPS_KEY
    from alsodds.dashboard.words import group_of

    if not any(r.key == f"q_{node}" for r in at.radio):
        at.session_state[GROUPS_KEY] = group_of(load_model().spec, node)
        at.run()


def timed_changes(at: AppTest, changes: Sequence[tuple[str, str]]) -> list[float]:
    out = []
    for node, state in changes:
        open_group_of(at, node)
        at.radio(key=f"q_{node}").set_value(state)
        start = time.perf_counter()
        at.run()
        out.append(time.perf_counter() - start)
        if at.exception:
            raise SystemExit(f"the app raised: {at.exception[0].value}")
    return out


def main() -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["age_band"] = "30_44"
    at.run()  # warm-up: imports, model compilation
    typical = timed_changes(at, TYPICAL)
    full = timed_changes(at, all_answered())
    print(f"typical sequence ({len(typical)} reruns):", " ".join(f"{t:.3f}" for t in typical))
    print(
        f"all questions answered, last {len(full[-4:])} reruns:",
        " ".join(f"{t:.3f}" for t in full[-4:]),
    )
    others = {}
    for page, script in (("base_rates", _base_rates), ("research", _research)):
        other = AppTest.from_function(script, default_timeout=120)
        other.query_params["age_band"] = "30_44"
        other.run()
        start = time.perf_counter()
        other.run()
        others[page] = time.perf_counter() - start
    for page, t in others.items():
        print(f"{page} rerun (cached inputs): {t:.3f} s")
    print(f"dashboard_rerun_all_answered_median_seconds: {statistics.median(full[-4:]):.3f}")
    print(f"dashboard_rerun_median_seconds: {statistics.median(typical):.3f}")


if __name__ == "__main__":
    main()
