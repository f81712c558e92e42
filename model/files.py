"""Safe file input and output for paths a user names.

Reading refuses anything but a regular file (directories, devices such as ``/dev/zero``,
FIFOs, sockets) before a byte is read, and never reads more than a cap. Writing goes to a
temporary file in the target's own folder, then takes the target's place in one rename, so a
failed write leaves any old file as it was; an existing file is replaced only when asked.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from alsodds.errors import FileError

_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the check cannot block the open
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_FORCE_HINT = "pass --force to replace it"


def _kind(mode: int) -> str:
    """Plain words for a file type other than a regular file."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def size_words(n_bytes: int) -> str:
    """``1_000_000`` -> ``"1 MB"``; other sizes in bytes."""
    if n_bytes % 1_000_000 == 0:
        return f"{n_bytes // 1_000_000} MB"
    return f"{n_bytes:,} bytes"


def read_text(path: str | Path, max_bytes: int) -> str:
    """Read a regular UTF-8 text file of at most ``max_bytes`` bytes.

    Parameters
    ----------
    path
        The file a user named.
    max_bytes
        Size cap, checked before opening and enforced while reading.

    Returns
    -------
    str
        The file's text.

    Raises
    ------
    FileError
        The path is missing or unreadable, is not a regular file, is too big or is not UTF-8.
    """
    allowed = f"expected a regular UTF-8 text file of at most {size_words(max_bytes)}"
    try:
        before = os.stat(path)
    except (OSError, ValueError) as exc:
        raise FileError(path, f"a path that cannot be read ({_reason(exc)})", allowed) from None
    if not stat.S_ISREG(before.st_mode):
        raise FileError(path, _kind(before.st_mode), allowed)
    if before.st_size > max_bytes:
        raise FileError(path, f"{before.st_size} bytes", allowed)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise FileError(path, f"a file that cannot be read ({_reason(exc)})", allowed) from None
    try:
        with os.fdopen(fd, "rb") as handle:
            opened = os.fstat(handle.fileno())
            # The path may have been swapped between the check and the open: check what opened.
            if not stat.S_ISREG(opened.st_mode):
                raise FileError(path, _kind(opened.st_mode), allowed)
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FileError(path, f"a file that cannot be read ({_reason(exc)})", allowed) from None
    if len(data) > max_bytes:
        raise FileError(path, f"more than {max_bytes} bytes", allowed)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileError(path, f"bytes that are not UTF-8 (at byte {exc.start})", allowed) from None


def check_output_path(path: str | Path, force: bool = False) -> Path:
    """Refuse an output path before any work is done for it.

    The folder must exist; an existing target must be a regular file, and is replaced only
    with ``force``.

    Raises
    ------
    FileError
        Naming the path, what is there and what is allowed.
    """
    target = Path(path)
    if target.name in ("", ".", ".."):
        raise FileError(path, "no file name", "expected a file path such as network.bif")
    if not target.parent.is_dir():
        raise FileError(path, "a folder that does not exist", "create the folder first")
    try:
        current = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise FileError(
            path, f"a path that cannot be checked ({_reason(exc)})", "choose another path"
        ) from None
    if not stat.S_ISREG(current.st_mode):
        raise FileError(path, _kind(current.st_mode), "expected the path of a regular file")
    if not force:
        raise FileError(path, "an existing file", _FORCE_HINT)
    return target


@contextlib.contextmanager
def atomic_path(path: str | Path, force: bool = False) -> Iterator[Path]:
    """A temporary path to write to; when the block succeeds it takes ``path``'s place.

    The temporary file sits in the target's folder (so the rename is atomic) and is removed
    if the block fails, leaving any old file untouched.

    Parameters
    ----------
    path
        The file to create.
    force
        Replace ``path`` if it already exists (only a regular file is ever replaced).

    Raises
    ------
    FileError
        The target is refused (see :func:`check_output_path`) or cannot be written.
    """
    target = check_output_path(path, force)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        # Created up front with the mode any new file gets (0o666 less the umask).
        os.close(os.open(tmp, _WRITE_FLAGS, 0o666))
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())  # on disk before it replaces anything
        if force:
            check_output_path(target, force=True)
            os.replace(tmp, target)
        else:
            _place_without_replacing(tmp, target)
    except OSError as exc:
        raise FileError(
            path, f"a write that failed ({_reason(exc)})", "nothing was written"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _place_without_replacing(tmp: Path, target: Path) -> None:
    """Move ``tmp`` to ``target`` only if nothing has appeared there meanwhile."""
    try:
        os.link(tmp, target)  # refuses an existing target: no window for a silent overwrite
    except FileExistsError:
        raise FileError(target, "an existing file", _FORCE_HINT) from None
    except OSError:
        # File systems without hard links (some network or FAT mounts): check, then rename.
        check_output_path(target, force=False)
        os.replace(tmp, target)


def write_text(path: str | Path, text: str, force: bool = False) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path, force) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
