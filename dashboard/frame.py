"""What every page shares around its content: the title, the one disclaimer, the sidebar
status, and figures with their text equivalent and downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from alsodds.dashboard import session
from alsodds.dashboard.cache import Keyed
from alsodds.dashboard.words import plain


def page_header(title: str, intro: str) -> Keyed:
    """Title, the disclaimer (once per page) and the sidebar status; returns the model."""
    act = session.active()
    st.title(title)
    st.caption(plain(act.model.spec.messages.disclaimer))
    if intro:
        st.markdown(intro)
    sidebar_status(act)
    return act


def sidebar_status(act: Keyed) -> None:
    with st.sidebar:
        if session.is_edited(act):
            st.warning(
                f"Using edited priors ({plain(act.model.source)}) in this session only.",
                icon=":material/edit:",
            )
            st.button(
                "Back to the bundled priors", on_click=session.reset_model, key="sidebar_reset"
            )
        else:
            st.caption(f"Priors: {plain(act.model.source)} (bundled)")
        st.caption(
            "Your answers stay in this browser session and in the page address (so you can "
            "bookmark or share a situation). Nothing is stored or sent anywhere else."
        )


def png_bytes(spec: dict[str, Any]) -> bytes:
    """A figure as PNG (drawn on this machine; no resource is fetched)."""
    import vl_convert as vlc

    out: bytes = vlc.vegalite_to_png(_fixed_width(spec), scale=2, allowed_base_urls=[])
    return out


def svg_text(spec: dict[str, Any]) -> str:
    import vl_convert as vlc

    out: str = vlc.vegalite_to_svg(_fixed_width(spec), allowed_base_urls=[])
    return out


def _fixed_width(spec: dict[str, Any], width: int = 900) -> dict[str, Any]:
    """A figure that takes its column's width on screen gets a fixed width in a file."""
    if spec.get("width") == "container":
        return {**spec, "width": width}
    return spec


def show_chart(
    spec: dict[str, Any],
    *,
    name: str,
    alt_text: str,
    downloads: bool = True,
) -> None:
    """A Vega-Lite chart (never wider than its column), its text equivalent for screen
    readers, and PNG/SVG downloads made only when a button is pressed."""
    stretch = spec.get("width") == "container"
    st.vega_lite_chart(spec, width="stretch" if stretch else "content", theme=None, alt=alt_text)
    if not downloads:
        return
    left, right = st.columns(2)
    png: Callable[[], bytes] = lambda: png_bytes(spec)  # noqa: E731
    svg: Callable[[], str] = lambda: svg_text(spec)  # noqa: E731
    left.download_button(
        "Download PNG",
        data=png,
        file_name=f"alsodds-{name}.png",
        mime="image/png",
        on_click="ignore",
        key=f"dl_png_{name}",
        icon=":material/image:",
    )
    right.download_button(
        "Download SVG",
        data=svg,
        file_name=f"alsodds-{name}.svg",
        mime="image/svg+xml",
        on_click="ignore",
        key=f"dl_svg_{name}",
        icon=":material/draw:",
    )
