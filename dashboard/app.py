"""Entry point: ``alsodds app`` (or ``make app``, which runs ``streamlit run dashboard/app.py``).

Three pages over one model: "Your situation" for people who notice twitching, "Base rates"
for teaching, "Priors and sensitivity" for researchers. Educational only, not a diagnosis.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

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
