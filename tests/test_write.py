"""Atomic writes."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from clean_reports import write
from clean_reports.errors import FileFailure
from clean_reports.write import (
    atomic_write,
    remove_if_present,
    replace_in_place,
    sweep_temp_files,
    temp_name,
)


def test_write_creates_folders_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    atomic_write(target, b"data")
    assert target.read_bytes() == b"data"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_replace_in_place_keeps_the_mode_of_the_original(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old")
    target.chmod(0o640)
    replace_in_place(str(target), b"new", b"old")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_failure_leaves_the_destination_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old")
    (tmp_path / "dir-in-the-way").mkdir()
    with pytest.raises(FileFailure, match="cannot write"):
        atomic_write(tmp_path / "dir-in-the-way", b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir-in-the-way", "report.txt"]


def test_interrupt_during_write_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old")

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_remove_if_present(tmp_path: Path) -> None:
    path = tmp_path / "x.diff"
    remove_if_present(path)
    path.write_text("x")
    remove_if_present(path)
    assert not path.exists()


@pytest.mark.parametrize("name", ["bare.txt", Path("bare.txt"), Path("sub/bare.txt")])
def test_a_relative_path_is_written_where_it_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str | Path
) -> None:
    monkeypatch.chdir(tmp_path)
    opened: list[str] = []
    real_open = os.open

    def spy(path: str, *args: int) -> int:
        opened.append(path)
        return real_open(path, *args)

    monkeypatch.setattr(os, "open", spy)
    atomic_write(name, b"data")
    assert (tmp_path / name).read_bytes() == b"data"
    (temp,) = set(opened)  # (tried again once its folder is made)
    # the temporary file sits beside the target, not at the root
    assert Path(temp).resolve().parent == (tmp_path / name).parent
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted({"bare.txt", *Path(name).parts})


def test_a_second_write_remakes_a_folder_removed_since_the_first(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.txt"
    atomic_write(target, b"one")
    shutil.rmtree(tmp_path / "out")
    atomic_write(target, b"two")  # nothing remembered between writes or runs
    assert target.read_bytes() == b"two"


@pytest.mark.parametrize("length", [200, 240, 255])
def test_a_file_whose_name_fits_can_be_written(tmp_path: Path, length: int) -> None:
    name = "报" * ((length - 4) // 3) + "x" * ((length - 4) % 3) + ".txt"
    assert len(os.fsencode(name)) == length
    target = tmp_path / name
    target.write_bytes(b"old")
    atomic_write(target, b"new")
    replace_in_place(str(target), b"newer", b"new")
    assert target.read_bytes() == b"newer"
    assert len(os.fsencode(Path(temp_name(str(target))).name)) <= 255
    assert [p.name for p in tmp_path.iterdir()] == [name]


def _temp_of(folder: Path, name: str, host: str, pid: int) -> Path:
    path = folder / f".{name}{write.TEMP_MARK}{host}-{pid}-0{write.TEMP_SUFFIX}"
    path.write_bytes(b"partial")
    return path


def test_sweep_removes_only_what_is_provably_abandoned(tmp_path: Path) -> None:
    here = write._host()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        mine = _temp_of(tmp_path, "a.txt", here, os.getpid())
        other_live = _temp_of(tmp_path, "b.txt", here, live.pid)
        abandoned = _temp_of(tmp_path, "c.txt", here, dead.pid)
        elsewhere_recent = _temp_of(tmp_path, "d.txt", "0badc0de", dead.pid)
        elsewhere_old = _temp_of(tmp_path, "e.txt", "0badc0de", dead.pid)
        old = time.time() - write.STALE_AFTER - 60
        os.utime(elsewhere_old, (old, old))
        user_file = tmp_path / ".notes.clean-reports-x.tmp"
        user_file.write_bytes(b"not ours")
        removed = sweep_temp_files(tmp_path)
    finally:
        live.kill()
        live.wait()
    assert sorted(removed) == sorted([str(abandoned), str(elsewhere_old)])
    for kept in (mine, other_live, elsewhere_recent, user_file):
        assert kept.exists()


def test_replace_in_place_keeps_owner_and_group(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    target = tmp_path / "report.txt"
    target.write_bytes(b"old")
    os.chown(target, 12345, 23456)
    target.chmod(0o600)
    replace_in_place(str(target), b"new", b"old")
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (12345, 23456, 0o600)
    assert target.read_bytes() == b"new"


def test_replace_in_place_refuses_hard_links(tmp_path: Path) -> None:
    linked = tmp_path / "a.txt"
    linked.write_bytes(b"old")
    os.link(linked, tmp_path / "b.txt")
    with pytest.raises(FileFailure, match="2 hard links"):
        replace_in_place(str(linked), b"new", b"old")
    assert (tmp_path / "b.txt").read_bytes() == linked.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_replace_in_place_on_a_read_only_file_asks_the_operating_system(tmp_path: Path) -> None:
    """Refused where this user may not write it; the superuser's rewrite keeps the mode
    and comes with a note."""
    read_only = tmp_path / "c.txt"
    read_only.write_bytes(b"old")
    read_only.chmod(0o444)
    if os.geteuid() == 0:
        note = replace_in_place(str(read_only), b"new", b"old")
        assert note == "read-only, mode 0444: rewritten with the superuser's rights, mode kept"
        assert read_only.read_bytes() == b"new"
    else:
        with pytest.raises(FileFailure, match=r"read-only \(mode 0444\)"):
            replace_in_place(str(read_only), b"new", b"old")
        assert read_only.read_bytes() == b"old"
    assert stat.S_IMODE(read_only.stat().st_mode) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["c.txt"]
    writable = tmp_path / "c.txt"
    writable.chmod(0o644)
    assert replace_in_place(str(writable), b"newer", writable.read_bytes()) is None


def _in_the_window(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """Run ``action`` as another process would, after the clean file is on disk and
    before it takes the report's place: the window a run cannot see into."""
    real_fsync = os.fsync

    def fsync_then_act(handle: int) -> None:
        real_fsync(handle)
        action()

    monkeypatch.setattr(os, "fsync", fsync_then_act)


def test_a_line_appended_during_the_write_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old\n")
    _in_the_window(monkeypatch, lambda: target.open("ab").write(b"appended\n"))
    with pytest.raises(FileFailure, match="changed while it was being cleaned"):
        replace_in_place(str(target), b"new\n", b"old\n")
    assert target.read_bytes() == b"old\nappended\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_an_editor_save_during_the_write_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old\n")

    def save_by_rename() -> None:
        (tmp_path / "report.txt~").write_bytes(b"edited\n")
        (tmp_path / "report.txt~").replace(target)

    _in_the_window(monkeypatch, save_by_rename)
    with pytest.raises(FileFailure, match="changed while it was being cleaned"):
        replace_in_place(str(target), b"new\n", b"old\n")
    assert target.read_bytes() == b"edited\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_a_file_deleted_during_the_write_stays_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old\n")
    _in_the_window(monkeypatch, target.unlink)
    with pytest.raises(FileFailure, match="deleted while it was being cleaned"):
        replace_in_place(str(target), b"new\n", b"old\n")
    assert list(tmp_path.iterdir()) == []


def test_a_chmod_during_the_write_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old\n")
    target.chmod(0o644)
    _in_the_window(monkeypatch, lambda: target.chmod(0o600))
    with pytest.raises(FileFailure, match="changed while it was being cleaned"):
        replace_in_place(str(target), b"new\n", b"old\n")
    assert target.read_bytes() == b"old\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


@pytest.mark.skipif(not write.exchange_supported(), reason="needs renameat2 RENAME_EXCHANGE")
def test_a_chmod_just_before_the_swap_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last look before the swap has passed; the file's mode changes; the file that
    the swap displaced is checked for its mode as well as its bytes, and swapped back."""
    target = tmp_path / "report.txt"
    target.write_bytes(b"old\n")
    target.chmod(0o644)
    real_swap = write._swap

    def chmod_then_swap(a: str, b: str) -> bool:
        if Path(b) == target and stat.S_IMODE(target.stat().st_mode) == 0o644:
            target.chmod(0o600)
        return real_swap(a, b)

    monkeypatch.setattr(write, "_swap", chmod_then_swap)
    with pytest.raises(FileFailure, match="changed while it was being cleaned"):
        replace_in_place(str(target), b"new\n", b"old\n")
    assert target.read_bytes() == b"old\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]
