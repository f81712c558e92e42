"""Entry point: ``streamlit run dashboard/app.py`` (or ``make app``).

Three pages over one model: "Your situation" for people who notice twitching, "Base rates"
for teaching, "Priors and sensitivity" for researchers. Educational only, not a diagnosis.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts dashboard/ on sys.path; the pages import `dashboard.*` from the root.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

_VIEWS = Path(__file__).resolve().parent / "views"


def main() -> None:
    st.set_page_config(
        page_title="alsodds - twitching and ALS, explained",
        page_icon=":material/neurology:",
        layout="wide",
        menu_items={
            "Get help": None,
            "Report a bug": None,
            "About": "alsodds: an educational Bayesian network. Educational only, not a diagnosis.",
        },
    )
    pages = [
        st.Page(
            str(_VIEWS / "situation.py"),
            title="Your situation",
            icon=":material/person:",
            url_path="situation",
            default=True,
        ),
        st.Page(
            str(_VIEWS / "base_rates.py"),
            title="Base rates",
            icon=":material/school:",
            url_path="base_rates",
        ),
        st.Page(
            str(_VIEWS / "research.py"),
            title="Priors and sensitivity",
            icon=":material/science:",
            url_path="research",
        ),
    ]
    st.navigation(pages).run()


main()
