"""The terminal: a progress bar on a terminal only, colour as asked, the end-of-run table."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from clean_reports.cli import cli

from conftest import run_on_terminal, script, seed_copies

RED = "\x1b[31m"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough files for a run of more than a second, and one that fails."""
    root = tmp_path_factory.mktemp("corpus")
    seed_copies(root, 600)
    (root / "000" / "broken.txt").write_bytes(b"\x00\x01\x02\x03")
    return root


def test_progress_bar_on_a_terminal_and_not_in_a_pipe(corpus: Path, tmp_path: Path) -> None:
    drawn = run_on_terminal(corpus, "-o", tmp_path / "a", "--jobs", "1")
    assert "/3001 files" in drawn  # the bar: files done of the total
    assert "files scanned" in drawn  # then the summary
    piped = subprocess.run(
        [script("clean-reports"), str(corpus), "-o", str(tmp_path / "b"), "--jobs", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "/3001 files" not in piped.stderr
    assert "files scanned" in piped.stderr
    quiet = run_on_terminal(corpus, "-o", tmp_path / "c", "--jobs", "1", "-q")
    assert "/3001 files" not in quiet
    assert "error:" in quiet  # -q still reports failures


def test_colour_on_a_terminal_unless_no_color(corpus: Path, tmp_path: Path) -> None:
    broken = corpus / "000" / "broken.txt"
    assert RED in run_on_terminal("--check", broken)
    assert RED not in run_on_terminal("--check", broken, env={**os.environ, "NO_COLOR": "1"})
    assert RED not in run_on_terminal("--check", "--color", "never", broken)


def test_colour_always_even_in_a_pipe(corpus: Path) -> None:
    broken = str(corpus / "000" / "broken.txt")
    always = CliRunner().invoke(cli, ["--check", "--color", "always", broken])
    assert RED in always.stderr
    auto = CliRunner().invoke(cli, ["--check", broken])
    assert RED not in auto.stderr


def test_summary_table(corpus: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [str(corpus / "000"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    table = result.stderr
    for expected in ("files scanned", "cleaned", "unchanged", "failed", "encodings", "utf-8 5"):
        assert expected in table
    assert "files/s" in table and "MB/s" in table
    assert "kule-footer" in table
    assert "broken.txt" in table and "binary file" in table.split("failed", 2)[-1]
