"""The dashboard's one cache: each API result is computed once per server for one model and
one set of answers, and shared read-only by every session.

Results are frozen values (dataclasses, tuples), so sessions can share them without copying.
The model object itself is shared the same way; no pgmpy inference object is ever cached
(the API's batched engine needs none). Entries expire after an hour and the number kept is
bounded, so memory stays flat however many answer sets are visited.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

from alsodds import Model

T = TypeVar("T")

#: Bound on the entries kept (each is a small frozen result; PSA draws are the largest).
MAX_ENTRIES = 2048
TTL_SECONDS = 3600


@dataclass(frozen=True)
class Keyed:
    """A model with a content key: equal specs share cached results, different ones never do."""

    key: str
    model: Model


class AnswerSet(Mapping[str, str]):
    """Answers as an immutable, hashable mapping (node id -> state), in a canonical order."""

    __slots__ = ("_items",)

    def __init__(self, answers: Mapping[str, str] | None = None) -> None:
        self._items: tuple[tuple[str, str], ...] = tuple(sorted((answers or {}).items()))

    def __getitem__(self, node: str) -> str:
        for k, v in self._items:
            if k == node:
                return v
        raise KeyError(node)

    def __iter__(self) -> Any:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AnswerSet):
            return self._items == other._items
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __repr__(self) -> str:
        return f"AnswerSet({dict(self._items)!r})"

    @property
    def key(self) -> tuple[tuple[str, str], ...]:
        return self._items

    def with_(self, **changes: str | None) -> AnswerSet:
        """A copy with some answers set (or removed, for ``None``)."""
        out = dict(self._items)
        for node, state in changes.items():
            if state is None:
                out.pop(node, None)
            else:
                out[node] = state
        return AnswerSet(out)


def _key_of(value: Any) -> Hashable:
    """A cache key for one argument; refuses anything it cannot key exactly."""
    if isinstance(value, Keyed):
        return ("model", value.key)
    if isinstance(value, AnswerSet):
        return ("answers", value.key)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, tuple):
        return tuple(_key_of(v) for v in value)
    raise TypeError(f"cannot use a {type(value).__name__} as part of a cache key")


def _unwrap(value: Any) -> Any:
    return value.model if isinstance(value, Keyed) else value


@st.cache_resource(max_entries=MAX_ENTRIES, ttl=TTL_SECONDS, show_spinner=False)
def _memo(key: Hashable, _compute: Callable[[], Any]) -> Any:
    return _compute()


def cached(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)``, computed once per server for equal arguments.

    A :class:`Keyed` argument is passed to ``fn`` as its model and keyed by its content
    key; an :class:`AnswerSet` is passed as the mapping it is. Other arguments must be
    plain values (str, numbers, None, tuples of these). Exceptions are not cached.
    """
    key = (
        f"{fn.__module__}.{fn.__qualname__}",
        tuple(_key_of(a) for a in args),
        tuple((k, _key_of(v)) for k, v in sorted(kwargs.items())),
    )
    real_args = tuple(_unwrap(a) for a in args)
    real_kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
    result: T = _memo(key, lambda: fn(*real_args, **real_kwargs))
    return result
