"""Exceptions raised for user errors: each carries one readable line."""

from __future__ import annotations


class AlsoddsError(ValueError):
    """Base class for errors caused by what the user supplied; the message is one line."""

    def __init__(self, message: str) -> None:
        # User-supplied names can hold line breaks or control characters; escape anything
        # unprintable so the message stays on one line.
        super().__init__(
            "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in message)
        )


class PriorsError(AlsoddsError):
    """A priors file is unreadable, malformed or breaks a modelling constraint.

    Parameters
    ----------
    source
        File name (or ``"<string>"``) the priors came from.
    field
        Dotted path of the offending field, e.g. ``nodes.weakness.distribution.leak.value``.
    value
        The bad value as given.
    allowed
        What would have been accepted.
    """

    def __init__(self, source: str, field: str, value: object, allowed: str) -> None:
        self.source = source
        self.field = field
        self.value = value
        self.allowed = allowed
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: got {shown}; {allowed}")


class EvidenceError(AlsoddsError):
    """An answer names an unknown node or state, or a malformed likelihood."""


class RequestError(AlsoddsError):
    """An analysis request is invalid (threshold outside (0, 1), unknown parameter, ...)."""


class FileError(AlsoddsError):
    """A file a user named cannot be read or written as asked.

    Parameters
    ----------
    path
        The path as given.
    found
        What was found there, e.g. ``"a FIFO (named pipe)"`` or ``"an existing file"``.
    allowed
        What would have been accepted, or what to do.
    """

    def __init__(self, path: object, found: str, allowed: str) -> None:
        self.path = str(path)
        self.found = found
        self.allowed = allowed
        super().__init__(f"{self.path}: got {found}; {allowed}")
