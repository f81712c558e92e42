"""Safe file I/O: special files refused before reading, size caps, atomic no-clobber writes."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

import pytest

from alsodds.errors import FileError
from alsodds.files import atomic_path, check_output_path, read_text, write_text


def test_read_text_reads_a_regular_utf8_file_up_to_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("title: café\n", encoding="utf-8")
    size = path.stat().st_size
    assert read_text(path, size) == "title: café\n"
    with pytest.raises(FileError) as info:
        read_text(path, size - 1)
    assert f"{size} bytes" in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir(), "directory"),
        (lambda p: os.mkfifo(p), "FIFO"),
        (lambda p: p.write_bytes(b"caf\xe9\n"), "not UTF-8"),
        (lambda p: None, "No such file"),
    ],
    ids=["directory", "fifo", "latin1", "missing"],
)
def test_read_text_refuses_anything_but_a_readable_regular_utf8_file(
    tmp_path: Path, make: object, words: str
) -> None:
    path = tmp_path / "thing"
    assert callable(make)
    make(path)
    with pytest.raises(FileError) as info:
        read_text(path, 1000)  # a FIFO with no writer would block a plain open
    text = str(info.value)
    assert words in text and str(path) in text and len(text.splitlines()) == 1


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_read_text_refuses_devices_before_reading(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} absent")
    with pytest.raises(FileError, match="device"):
        read_text(device, 1000)


def test_read_text_refuses_a_socket(tmp_path: Path) -> None:
    path = tmp_path / "s"
    if len(str(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(FileError, match="socket"):
            read_text(path, 1000)


def test_write_text_creates_and_never_replaces_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text(target, "first\n")
    assert target.read_text(encoding="utf-8") == "first\n"
    with pytest.raises(FileError, match="--force"):
        write_text(target, "second\n")
    assert target.read_text(encoding="utf-8") == "first\n"
    write_text(target, "second\n", force=True)
    assert target.read_text(encoding="utf-8") == "second\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_text(tmp_path / "out.txt", "x")
    finally:
        os.umask(umask)
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o644


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n", encoding="utf-8")

    def fill_the_disk() -> None:
        with atomic_path(target, force=True) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(FileError) as info:
        fill_the_disk()
    assert os.strerror(errno.ENOSPC) in str(info.value)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_file_appearing_during_the_write_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"

    def race() -> None:
        with atomic_path(target) as tmp:
            tmp.write_text("mine", encoding="utf-8")
            target.write_text("theirs", encoding="utf-8")  # someone else got there first

    with pytest.raises(FileError, match="--force"):
        race()
    assert target.read_text(encoding="utf-8") == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("force", [False, True])
def test_output_paths_that_are_not_regular_files_are_refused_even_with_force(
    tmp_path: Path, force: bool
) -> None:
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    for path, words in [
        (tmp_path / "folder", "directory"),
        (tmp_path / "pipe", "FIFO"),
        (tmp_path / "missing" / "out.txt", "does not exist"),
        (Path("/dev/null"), "device"),
    ]:
        with pytest.raises(FileError, match=words):
            check_output_path(path, force)
