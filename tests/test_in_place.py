"""--in-place through the installed command: owners, permissions, links and long names."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from clean_reports.cli import cli

from conftest import EXPECTED, SEEDS, run_installed

SEED = "000_155c858b691bed45.txt"


def report(folder: Path, name: str = "a.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes((SEEDS / SEED).read_bytes())
    return path


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_owner_group_and_mode_are_kept(tmp_path: Path) -> None:
    path = report(tmp_path)
    os.chown(path, 12345, 23456)
    path.chmod(0o640)
    result = run_installed("--in-place", path, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (12345, 23456, 0o640)
    assert path.read_bytes() == (EXPECTED / SEED).read_bytes()


def test_hard_linked_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    linked = report(tmp_path, "linked.txt")
    os.link(linked, tmp_path / "other-name.txt")
    plain = report(tmp_path, "plain.txt")
    result = run_installed("--in-place", tmp_path, cwd=tmp_path)
    assert result.returncode == 2
    assert "linked.txt: write: the file has 2 hard links; not rewritten" in result.stderr
    original = (SEEDS / SEED).read_bytes()
    assert linked.read_bytes() == (tmp_path / "other-name.txt").read_bytes() == original
    assert plain.read_bytes() == (EXPECTED / SEED).read_bytes()  # the others are done


@pytest.mark.skipif(os.geteuid() != 0, reason="only the superuser may write a 0444 file")
def test_a_read_only_file_the_superuser_may_write_is_rewritten_and_said_so(
    tmp_path: Path,
) -> None:
    """As ``open`` for writing would, and so black, ruff and ``sed -i``: the mode is
    kept and the line for the file says what happened (a user who may not write the
    file gets a refusal: tests/test_hostile.py)."""
    read_only = report(tmp_path, "read-only.txt")
    read_only.chmod(0o444)
    result = run_installed("--in-place", "read-only.txt", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert (
        "cleaned read-only.txt (4 watermarks; read-only, mode 0444: "
        "rewritten with the superuser's rights, mode kept)"
    ) in result.stderr
    assert read_only.read_bytes() == (EXPECTED / SEED).read_bytes()
    assert stat.S_IMODE(read_only.stat().st_mode) == 0o444


@pytest.mark.parametrize(("mode", "length"), [("--in-place", 255), ("out-dir", 250)])
def test_a_name_that_fits_is_cleaned(tmp_path: Path, mode: str, length: int) -> None:
    """(In out-dir mode the name needs room for the ``.diff`` beside its clean copy.)"""
    name = "报" * ((length - 6) // 3) + "x" * ((length - 6) % 3 + 2) + ".txt"
    assert len(os.fsencode(name)) == length
    path = report(tmp_path / "corpus", name)
    args = ["--in-place", path] if mode == "--in-place" else [path, "-o", tmp_path / "out"]
    result = run_installed(*args, cwd=tmp_path)
    assert result.returncode == (1 if mode == "--in-place" else 0), result.stderr
    done = path if mode == "--in-place" else tmp_path / "out" / name
    assert done.read_bytes() == (EXPECTED / SEED).read_bytes()


def test_a_second_run_in_one_process_remakes_a_removed_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for _ in range(2):
        result = CliRunner().invoke(cli, [str(SEEDS), "-o", str(out), "-q", "-j", "1"])
        assert result.exit_code == 0, result.output
        assert (out / SEED).read_bytes() == (EXPECTED / SEED).read_bytes()
        for path in sorted(out.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        out.rmdir()
