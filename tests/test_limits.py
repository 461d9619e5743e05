"""Values no run can count with are refused up front, as usage or config errors.

Found by a hostile review: each of these once gave a traceback (exit 1), a run in which
every file failed, or outputs written before a report that could not be.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clean_reports.cli import cli
from clean_reports.errors import CleanReportsError
from clean_reports.sinks.html import HtmlReport

from conftest import SEED_NAMES, SEEDS


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "corpus")
    return tmp_path / "corpus"


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--max-size", "inf"),
        ("--max-size", "nan"),
        ("--max-size", "1e300"),
        ("--regex-timeout", "inf"),
        ("--regex-timeout", "nan"),
        ("--regex-timeout", "1e300"),
        ("--max-removal", "nan"),
    ],
)
def test_numbers_that_are_no_limit_are_usage_errors(corpus: Path, flag: str, value: str) -> None:
    result = invoke("--check", flag, value, corpus)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"Invalid value for '{flag}'" in result.stderr


@pytest.mark.parametrize("line", ["max-size = inf", "regex-timeout = nan", "max-size = 1e300"])
def test_numbers_that_are_no_limit_in_a_config_file(corpus: Path, line: str) -> None:
    config = corpus / ".clean-reports.toml"
    config.write_text(line + "\n", encoding="utf-8")
    result = invoke("--check", corpus)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert str(config) in result.stderr or ".clean-reports.toml" in result.stderr


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib"])
def test_a_codec_that_is_not_a_text_encoding_is_refused(corpus: Path, codec: str) -> None:
    result = invoke("--check", "--encoding", codec, corpus)
    assert result.exit_code == 2, result.output
    assert f"--encoding: {codec!r} is not a text encoding" in result.stderr
    (corpus / ".clean-reports.toml").write_text(f'encoding = "{codec}"\n', encoding="utf-8")
    in_file = invoke("--check", corpus)
    assert in_file.exit_code == 2, in_file.output
    assert "is not a text encoding" in in_file.stderr


@pytest.mark.parametrize("tool", ["5", '"clean-reports"', "[1, 2]"])
def test_a_pyproject_whose_tool_is_not_a_table(corpus: Path, tool: str) -> None:
    (corpus / "pyproject.toml").write_text(f"tool = {tool}\n", encoding="utf-8")
    result = invoke("--check", corpus)
    assert result.exit_code == 2, result.output
    assert "pyproject.toml: [tool] must be a table" in result.stderr


def test_a_config_output_dir_that_is_a_file(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    (tmp_path / ".clean-reports.toml").write_text('output-dir = "afile"\n', encoding="utf-8")
    result = invoke(corpus)
    assert result.exit_code == 2, result.output
    assert "is a file" in result.stderr
    assert "set by output-dir in" in result.stderr
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x"


def test_standard_input_takes_no_output_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["-o", str(tmp_path / "out"), "-"], input="述职报告\n")
    assert result.exit_code == 2
    assert "-o takes none" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("mode", [[], ["--in-place"]])
def test_a_report_that_cannot_be_written_stops_the_run_before_any_write(
    corpus: Path, tmp_path: Path, mode: list[str]
) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    before = {name: (corpus / name).read_bytes() for name in SEED_NAMES}
    out = [] if mode else ["-o", str(tmp_path / "out")]
    result = invoke(*mode, *out, "--report", tmp_path / "afile" / "r.html", corpus)
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.stderr
    assert not (tmp_path / "out").exists()
    assert {name: (corpus / name).read_bytes() for name in SEED_NAMES} == before


def test_an_error_at_the_end_still_leaves_a_summary_of_what_was_written(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's page fails as the run closes: summary.json is still written, marked
    as not finished, and lists every clean copy the run wrote; no half report is left."""

    def fails(self: HtmlReport, totals: object) -> None:
        raise CleanReportsError(f"cannot write {self.path}: disk full")

    monkeypatch.setattr(HtmlReport, "close", fails)
    out = tmp_path / "out"
    result = invoke(corpus, "-o", out, "--report", tmp_path / "r.html")
    assert result.exit_code == 2, result.output
    assert "error: cannot write" in result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["interrupted"] is True
    assert sorted(record["output"] for record in summary["files"]) == sorted(SEED_NAMES)
    assert not list(tmp_path.glob("*.tmp"))
