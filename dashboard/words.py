"""Words for people: state names, answers, the reference group, and text shown safely.

Every text that comes from a priors file or from a person (labels, questions, file names,
error messages) can contain characters that Markdown would act on (a Markdown image makes
the browser fetch a URL). :func:`plain` neutralises them, so such text is always shown as
written and never rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from alsodds import NOT_SURE, NetworkSpec

#: Headings for the question groups of the priors file, in the order a person would go.
GROUP_TITLES: dict[str, str] = {
    "": "About you",
    "twitching": "The twitching",
    "red_flags": "Warning signs",
    "other": "Other symptoms",
    "triggers": "Triggers",
    "course": "Over time",
    "tests": "Tests",
}

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:^=&])")
_RANGE = re.compile(r"(\d+)_(\d+)")
_PAREN = re.compile(r"\s*\([^)]*\)")


def plain(text: str) -> str:
    """``text`` escaped so that Streamlit shows it literally (no Markdown, links, images,
    LaTeX, colour or icon directives, emoji codes or HTML); line breaks become spaces."""
    one_line = " ".join(str(text).split())
    # A zero-width joiner after each colon also breaks ":emoji:" and ":material/x:" codes,
    # which backslash escapes alone do not.
    return _MARKDOWN.sub(r"\\\1", one_line).replace(":", ":\u2060")


def state_words(state: str, no_answer: str = "") -> str:
    """A state name for people: '30_44' -> '30–44', 'not_improved' -> 'Not improved'."""
    if state == no_answer:
        return "No answer"
    if state == NOT_SURE:
        return "Not sure"
    m = _RANGE.fullmatch(state)
    if m:
        return f"{m.group(1)}–{m.group(2)}"
    words = state.replace("_plus", "+").replace("_", " ")
    return words[:1].upper() + words[1:]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def answer_words(spec: NetworkSpec, node: str, state: str) -> str:
    """'Objective weakness: yes' for a node and one of its answers."""
    return f"{spec.nodes[node].label}: {state_words(state).lower()}"


def finding_phrase(spec: NetworkSpec, node: str, state: str) -> str:
    """'muscle twitching' for a yes, 'no muscle twitching' for a no, else 'label (state)'."""
    spec_node = spec.nodes[node]
    label = lower_first(spec_node.label)
    if spec_node.states == ("no", "yes"):
        return label if state == "yes" else f"no {label}"
    return f"{label} ({state_words(state).lower()})"


def join_words(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    xs = list(items)
    if len(xs) <= 1:
        return "".join(xs)
    return f"{', '.join(xs[:-1])} and {xs[-1]}"


def reference_group(spec: NetworkSpec, answers: Mapping[str, str]) -> str:
    """The reference the result is compared with, named for what it is: people with the same
    background answers, whatever their symptoms ("people of your age and sex (whatever their
    symptoms)"); with no background answered, everyone in the model's population."""
    given = [lower_first(spec.nodes[n].label) for n in spec.background if n in answers]
    if not given:
        return "everyone in the model's population (whatever their symptoms)"
    return f"people of your {join_words(given)} (whatever their symptoms)"


def short_label(label: str) -> str:
    """A label without parenthetical asides, for chart axes."""
    return _PAREN.sub("", label)


def group_title(group: str) -> str:
    return GROUP_TITLES.get(group) or group.replace("_", " ").capitalize()


def grouped(spec: NetworkSpec) -> list[tuple[str, list[str]]]:
    """Answerable nodes by group: known groups in reading order, then any others."""
    groups: dict[str, list[str]] = {}
    for node in spec.answerable:
        groups.setdefault(spec.nodes[node].group or "", []).append(node)
    order = [g for g in GROUP_TITLES if g in groups] + [g for g in groups if g not in GROUP_TITLES]
    return [(g, groups[g]) for g in order]


def group_of(spec: NetworkSpec, node: str) -> str | None:
    """Title of the question group holding ``node`` (None if it is not asked)."""
    return next((group_title(g) for g, nodes in grouped(spec) if node in nodes), None)


def source_words(spec: NetworkSpec, keys: Iterable[str]) -> str:
    """Source keys as short readable references ('assumption: ...' kept as written)."""
    out = []
    for k in keys:
        full = spec.sources.get(k)
        out.append(f"{k} ({full[:60]}…)" if full and len(full) > 60 else (full or k))
    return "; ".join(out)


def param_words(label: str) -> str:
    """A parameter label for people: state ids spelled out ('age = 30_44' -> 'age = 30–44',
    'share under_30' -> 'share under 30'), parenthetical asides dropped."""
    text = _RANGE.sub(lambda m: f"{m.group(1)}–{m.group(2)}", short_label(label))
    return text.replace("_plus", "+").replace("_", " ")
