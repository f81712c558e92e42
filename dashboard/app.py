"""Entry point: ``alsodds app`` (or ``make app``, which runs ``streamlit run dashboard/app.py``).

Three pages over one model: "Your situation" for people who notice twitching, "Base rates"
for teaching, "Priors and sensitivity" for researchers. Educational only, not a diagnosis.
Each page is a module in ``views/`` whose ``render()`` draws it; importing them draws nothing.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
from PIL import Image

from alsodds.dashboard.views import base_rates, research, situation

TITLE = "alsodds - twitching and ALS, explained"


def page_icon(size: int = 32) -> Image.Image:
    """The tab icon, drawn here (a ring of dots) so the page fetches nothing from elsewhere."""
    yy, xx = np.mgrid[0:size, 0:size]
    r = np.hypot(xx - (size - 1) / 2, yy - (size - 1) / 2)
    img = np.full((size, size, 4), 0, dtype=np.uint8)
    ring = (r > size * 0.28) & (r < size * 0.46)
    img[ring] = (0, 114, 178, 255)
    img[r <= size * 0.16] = (213, 94, 0, 255)
    return Image.fromarray(img, mode="RGBA")


def situation_by_name() -> None:
    """'/situation' as well as '/': the default page is served only at the root otherwise."""
    situation.render()


def pages() -> list[st.Page]:
    return [
        st.Page(situation.render, title="Your situation", icon=":material/person:", default=True),
        st.Page(
            situation_by_name,
            title="Your situation",
            url_path="situation",
            visibility="hidden",
        ),
        st.Page(
            base_rates.render, title="Base rates", icon=":material/school:", url_path="base_rates"
        ),
        st.Page(
            research.render,
            title="Priors and sensitivity",
            icon=":material/science:",
            url_path="research",
        ),
    ]


def main() -> None:
    st.set_page_config(
        page_title=TITLE,
        page_icon=page_icon(),
        layout="wide",
        menu_items={
            "Get help": None,
            "Report a bug": None,
            "About": "alsodds: an educational Bayesian network. Educational only, not a diagnosis.",
        },
    )
    st.navigation(pages()).run()


if __name__ == "__main__":
    main()
