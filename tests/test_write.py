"""Atomic writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from clean_reports.errors import FileFailure
from clean_reports.write import atomic_write, remove_if_present


def test_write_creates_folders_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    atomic_write(target, b"data")
    assert target.read_bytes() == b"data"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_replace_keeps_the_mode_of_the_original(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write(target, b"new", keep_mode_of=target)
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
    (temp,) = opened  # the temporary file sits beside the target, not at the root
    assert Path(temp).resolve().parent == (tmp_path / name).parent
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted({"bare.txt", *Path(name).parts})
