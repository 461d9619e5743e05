"""'-' reads standard input: a filter to stdout, or a check or diff of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clean_reports.cli import cli

from conftest import EXPECTED, SEEDS

SEED = "000_155c858b691bed45.txt"


def invoke(data: bytes, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-"], input=data, catch_exceptions=False)


def test_filter_writes_the_clean_text_to_stdout() -> None:
    result = invoke((SEEDS / SEED).read_bytes())
    assert result.exit_code == 0
    assert result.stdout_bytes == (EXPECTED / SEED).read_bytes()


def test_filter_keeps_the_input_encoding_and_line_endings() -> None:
    source = (SEEDS / SEED).read_text(encoding="utf-8").replace("\n", "\r\n")
    expected = (EXPECTED / SEED).read_text(encoding="utf-8").replace("\n", "\r\n")
    result = invoke(source.encode("gb18030"))
    assert result.stdout_bytes == expected.encode("gb18030")


def test_check_of_stdin_uses_the_stdin_filename() -> None:
    result = invoke((SEEDS / SEED).read_bytes(), "--check", "--stdin-filename", "a/b.txt")
    assert result.exit_code == 1
    assert result.stdout.startswith("a/b.txt:1:1: kule-banner ")
    assert result.stdout.endswith("Found 4 watermarks in 1 file (1 file checked).\n")
    clean = invoke((EXPECTED / SEED).read_bytes(), "--check")
    assert clean.exit_code == 0


def test_check_of_stdin_in_another_format() -> None:
    result = invoke((SEEDS / SEED).read_bytes(), "--check", "--output-format", "github")
    assert result.stdout.startswith("::error file=-,line=1,col=1,")


def test_diff_of_stdin() -> None:
    result = invoke((SEEDS / SEED).read_bytes(), "--diff")
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/-\n+++ b/-\n")


@pytest.mark.parametrize(
    ("data", "args", "message"),
    [
        (b"\x00binary", [], "NUL bytes"),
        ((SEEDS / SEED).read_bytes(), ["--max-removal", "1"], "guard: the rules would remove"),
        ((SEEDS / SEED).read_bytes(), ["--max-size", "0.001"], "larger than the --max-size"),
    ],
    ids=["undecodable", "guard", "too-large"],
)
def test_a_filter_that_cannot_clean_passes_its_input_through_and_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(data, *args)
    assert result.exit_code == 2
    assert result.stdout_bytes == data  # `> out.txt` keeps the text
    assert message in result.stderr
    assert "passed through unchanged" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no ./cleaned, no summary, no temporary file


def test_a_check_of_stdin_that_cannot_be_read_prints_no_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(b"\x00binary", "--check")
    assert result.exit_code == 2
    assert "NUL bytes" in result.stderr
    assert not (tmp_path / "cleaned").exists()


def test_dash_with_other_paths_is_refused() -> None:
    result = CliRunner().invoke(cli, ["-", str(SEEDS)])
    assert result.exit_code == 2
