"""The model a browser session uses: the bundled priors, or priors it edited or uploaded.

Edited and uploaded priors live in this session only (other sessions keep theirs) and can
be downloaded from the research page.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from alsodds import Model, NetworkSpec, load_model
from alsodds.dashboard.cache import Keyed, cached

#: Session keys (per browser session, never shared).
MODEL_STATE = "alsodds_model"
MODEL_VERSION = "alsodds_model_version"
#: Content key of the bundled priors.
BUNDLED = "bundled"


def _bundled() -> Model:
    model = load_model()
    _ = model.tables  # fill the lazy tables before sessions share the object
    return model


def bundled() -> Keyed:
    """The bundled priors, compiled once per server and shared read-only."""
    return Keyed(BUNDLED, cached(_bundled))


def spec_key(spec: NetworkSpec) -> str:
    """A content hash of a spec: equal specs share cached results, different ones never do."""
    return hashlib.sha256(spec.model_dump_json().encode("utf-8")).hexdigest()[:24]


def active() -> Keyed:
    """This session's model: an edited or uploaded one if any, else the bundled priors."""
    held = st.session_state.get(MODEL_STATE)
    return held if isinstance(held, Keyed) else bundled()


def is_edited(act: Keyed) -> bool:
    return act.key != BUNDLED


def use_spec(spec: NetworkSpec, source: str) -> Keyed:
    """Make a validated spec this session's model (other sessions are not affected)."""
    model = Model(spec, source=source)
    _ = model.tables
    chosen = Keyed(spec_key(spec), model)
    st.session_state[MODEL_STATE] = chosen
    _bump_version()
    return chosen


def reset_model() -> None:
    """Callback: go back to the bundled priors for this session."""
    st.session_state.pop(MODEL_STATE, None)
    _bump_version()


def _bump_version() -> None:
    st.session_state[MODEL_VERSION] = model_version() + 1


def model_version() -> int:
    """Counts model changes in this session (widgets tied to one model use it in their key)."""
    version: int = st.session_state.get(MODEL_VERSION, 0)
    return version
