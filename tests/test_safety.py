"""Never cut the report: the removal guard, rule timeouts, and rules that opt out."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import regex
from click.testing import CliRunner, Result

from clean_reports.cli import cli
from clean_reports.core import clean, find
from clean_reports.errors import RemovalGuard, RuleTimeout
from clean_reports.model import Mode
from clean_reports.process import FileOptions, non_blank, process

from conftest import EXPECTED, SEED_NAMES, SEEDS, make_rules, write_rule


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# --- removal guard ---------------------------------------------------------------------------


def test_guard_refuses_a_file_the_rules_would_mostly_remove(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    greedy = write_rule(tmp_path / "greedy.yaml", "greedy", r"[\p{Han}，。]+", ["正文"])
    before = (corpus / SEED_NAMES[0]).read_bytes()
    result = invoke("--in-place", "--rules", greedy, corpus)
    assert result.exit_code == 2
    assert "guard: the rules would remove" in result.stderr
    assert "(limit 30%, --max-removal)" in result.stderr
    assert (corpus / SEED_NAMES[0]).read_bytes() == before  # not written


def test_guard_in_out_dir_mode_writes_no_output_and_records_the_figure(tmp_path: Path) -> None:
    greedy = write_rule(tmp_path / "greedy.yaml", "greedy", r"[\p{Han}，。]+", ["正文"])
    out = tmp_path / "out"
    result = invoke(SEEDS, "-o", out, "--rules", greedy)
    assert result.exit_code == 2
    assert not list(out.glob("*.txt"))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert all(r["status"] == "failed" for r in summary["files"] if r["hits"] or r["reason"])
    # Report text and punctuation: what the greedy rule leaves is residue, removed too.
    assert re.search(r"would remove (9\d|100)% ", summary["files"][0]["reason"])


def test_seeds_pass_the_default_guard_and_a_lower_one_stops_them(tmp_path: Path) -> None:
    assert invoke(SEEDS, "-o", tmp_path / "a").exit_code == 0
    result = invoke(SEEDS, "-o", tmp_path / "b", "--max-removal", "1")
    assert result.exit_code == 2
    assert "limit 1%" in result.stderr


def test_guard_share_is_of_non_blank_characters(shipped_rules) -> None:  # type: ignore[no-untyped-def]
    # 20 characters of report, 22 of watermark, and blank lines that do not count.
    text = "一二三四五六七八九十一二三四五六七八九十\n\n\n\n\n\n酷乐文行整理，咨询QQ20615706012\n"
    with pytest.raises(RemovalGuard) as error:
        process(
            text.encode(),
            shipped_rules,
            Mode.OUT_DIR,
            "x",
            file_options=FileOptions(max_removal=0.4),
        )
    assert error.value.share == pytest.approx(22 / 42)
    ok = process(
        text.encode(), shipped_rules, Mode.OUT_DIR, "x", file_options=FileOptions(max_removal=0.55)
    )
    assert ok.output == "一二三四五六七八九十一二三四五六七八九十\n".encode()


def test_non_blank_counts_what_regex_does_not_call_whitespace() -> None:
    """The guard's count agrees with ``\\s`` for every character (Unicode versions move)."""
    white = regex.compile(r"\s")
    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code < 0xE000)
    assert non_blank(every) == len(every) - len(white.findall(every))
    assert non_blank("") == 0
    assert non_blank(" 述职\u3000报告\t\x1c\r\n") == 5


def test_check_mode_reports_whatever_the_share(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("酷乐文行整理，咨询QQ206157060\n", encoding="utf-8")
    assert invoke("--check", report).exit_code == 1


def test_max_removal_from_the_config(tmp_path: Path) -> None:
    (tmp_path / ".clean-reports.toml").write_text("max-removal = 100\n", encoding="utf-8")
    report = tmp_path / "r.txt"
    report.write_text("短文\n酷乐文行整理，咨询QQ206157060\n", encoding="utf-8")
    result = invoke("--in-place", report)
    assert result.exit_code == 1
    assert report.read_text(encoding="utf-8") == "短文\n"


# --- timeouts --------------------------------------------------------------------------------

CATASTROPHIC = make_rules(
    r"""
rules:
  - id: slow
    description: backtracks catastrophically on a long run of a
    normalize: false
    pattern: (?:a|aa)+$
    examples: {match: ["aaa"]}
"""
)


def test_a_pathological_pattern_times_out_instead_of_hanging() -> None:
    with pytest.raises(RuleTimeout, match=r"rule .slow. timed out after 0\.2 s"):
        find("a" * 60 + "b", CATASTROPHIC, timeout=0.2)


def test_timeout_fails_that_file_only(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "slow.txt").write_text("a" * 60 + "b\n", encoding="utf-8")
    slow = tmp_path / "slow.yaml"
    slow.write_text(
        "rules:\n  - id: slow\n    description: slow\n    normalize: false\n"
        "    pattern: '(?:a|aa)+$'\n    examples: {match: [aaa]}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke(corpus, "-o", out, "--rules", slow, "--regex-timeout", "0.3")
    assert result.exit_code == 2
    assert "slow.txt: clean: rule 'slow' timed out after 0.3 s" in result.stderr
    for name in SEED_NAMES:
        assert (out / name).read_bytes() == (EXPECTED / name).read_bytes()


# --- opting out of normalisation -------------------------------------------------------------


def test_a_rule_can_opt_out_of_normalisation() -> None:
    rules = make_rules(
        """
rules:
  - id: exact
    description: exact form only
    normalize: false
    pattern: 内部资料
    examples: {match: [内部资料], keep: [内 部 资 料, 內部資料]}
  - id: tolerant
    description: any form
    pattern: 内部资料
    examples: {match: [内部资料, 内 部 资 料, 內部資料]}
"""
    )
    assert [m.rule_id for m in find("內部資料", rules)] == ["tolerant"]
    assert clean("正文内 部 资 料\n", rules[:1]).text == "正文内 部 资 料\n"
    assert clean("正文内 部 资 料\n", rules[1:]).text == "正文\n"


# --- --explain -------------------------------------------------------------------------------


def test_explain_shows_original_and_normalised_text(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text(
        "标题\n正文。酷 樂\u200b文行整理，諮詢ＱＱ２０６１５７０６０\n", encoding="utf-8"
    )
    result = invoke("--explain", report)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == str(report)
    assert lines[1] == "  2:4-2:26  kule-footer  酷乐文行 footer"
    assert lines[2] == "    original:   '酷 樂\\u200b文行整理，諮詢ＱＱ２０６１５７０６０'"
    assert lines[3] == "    normalised: '酷乐文行整理,咨询QQ206157060'"
    assert lines[-1] == "Found 1 watermark in 1 file (1 file checked)."
    assert report.read_text(encoding="utf-8").startswith("标题\n正文。酷 樂")
