"""What the tool says must be true: totals, sizes, rates and a run that found no files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clean_reports.cli import cli
from clean_reports.model import Totals
from clean_reports.sinks.console import print_summary

from conftest import SEED_NAMES, SEEDS

# NUL bytes that read as neither UTF-16 byte order: a binary file, which is not decoded
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


@pytest.fixture
def binary(tmp_path: Path) -> Path:
    path = tmp_path / "image.txt"
    path.write_bytes(BINARY)
    return path


@pytest.fixture
def clean_file(tmp_path: Path) -> Path:
    path = tmp_path / "clean" / "report.txt"
    path.parent.mkdir()
    path.write_text("述职报告\n今年的工作很顺利。\n", encoding="utf-8")
    return path


# --- item: the --check total counts only files that were checked -----------------------


def test_a_check_where_every_file_failed_does_not_say_nothing_was_found(binary: Path) -> None:
    result = invoke("--check", binary)
    assert result.exit_code == 2
    assert result.stdout == "No file could be checked: 1 file could not be checked.\n"
    assert "No watermarks found" not in result.stdout + result.stderr
    assert "binary file" in result.stderr


def test_the_stderr_total_of_another_format_says_so_too(binary: Path) -> None:
    result = invoke("--check", "--output-format", "json", binary, binary)
    assert result.exit_code == 2
    assert json.loads(result.stdout) == []
    assert result.stderr.splitlines()[-1] == (
        "No file could be checked: 2 files could not be checked."
    )


def test_failed_files_are_not_counted_as_checked_beside_findings(
    tmp_path: Path, binary: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    shutil.copy(binary, corpus / "zz-image.txt")
    result = invoke("--check", corpus)
    assert result.exit_code == 2
    assert result.stdout.splitlines()[-1] == (
        f"Found 17 watermarks in 4 files ({len(SEED_NAMES)} files checked); "
        "1 file could not be checked."
    )


def test_failed_files_are_not_counted_as_checked_without_findings(
    clean_file: Path, binary: Path
) -> None:
    result = invoke("--check", clean_file, binary)
    assert result.exit_code == 2
    assert result.stdout == ("No watermarks found (1 file checked); 1 file could not be checked.\n")


def test_explain_closes_with_the_same_true_total(binary: Path) -> None:
    result = invoke("--explain", binary)
    assert result.stdout.splitlines()[-1] == (
        "No file could be checked: 1 file could not be checked."
    )


# --- item: sizes and rates are written with the precision that makes them true -----------


def test_a_small_file_over_a_small_limit_is_not_called_0_0_mb(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes("述职报告\n".encode() * 200)  # 2,600 bytes
    result = invoke("--check", "--max-size", "0.001", report)
    assert result.exit_code == 2
    assert "0.0 MB" not in result.stderr
    assert "2,600 bytes is larger than the --max-size limit of 0.001 MB; not read" in result.stderr


def test_a_size_just_over_the_limit_is_shown_larger_than_it(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes(b"a" * 1_000_001)
    result = invoke("--check", "--max-size", "1", report)
    assert "1.000001 MB is larger than the --max-size limit of 1 MB" in result.stderr


def test_a_slow_short_run_does_not_claim_0_files_per_second(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A Ray run of one small file: seconds of start-up, one file.
    totals = Totals(files=1, unchanged=1, bytes=3_000)
    print_summary(totals, title="clean-reports → cleaned", seconds=6.0)
    table = capsys.readouterr().err
    assert "0 files/s" not in table and "0.0 MB/s" not in table
    assert "6.0 s (0.17 files/s, 0.0005 MB/s)" in table


def test_a_fast_run_keeps_whole_rates(capsys: pytest.CaptureFixture[str]) -> None:
    totals = Totals(files=12_000, unchanged=12_000, bytes=600_000_000)
    print_summary(totals, title="clean-reports → cleaned", seconds=4.0)
    assert "4.0 s (3,000 files/s, 150.0 MB/s)" in capsys.readouterr().err


# --- item: a run that finds no files warns, as ruff does ---------------------------------


@pytest.mark.parametrize(
    "mode", [["--check"], ["--diff"], ["--in-place"], ["--check", "--output-format", "json"]]
)
def test_no_files_found_is_a_warning(tmp_path: Path, mode: list[str]) -> None:
    empty = tmp_path / "corpus"
    (empty / "sub").mkdir(parents=True)
    (empty / "notes.md").write_text("not a report", encoding="utf-8")
    result = invoke(*mode, empty)
    assert result.exit_code == 0  # as ruff: nothing to check is not a failure
    warning = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning == [
        "warning: No files found under the given paths (none matched the include patterns, "
        "*.txt by default, or all were excluded)"
    ]


def test_no_files_found_in_out_dir_mode(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    result = invoke(tmp_path / "corpus", "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert "warning: No files found under the given paths" in result.stderr


def test_quiet_silences_the_warning(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    result = invoke("--check", "-q", tmp_path / "corpus")
    assert result.exit_code == 0
    assert "warning" not in result.stderr


def test_a_run_with_files_does_not_warn(clean_file: Path) -> None:
    result = invoke("--check", clean_file.parent)
    assert result.exit_code == 0
    assert "warning" not in result.stderr
