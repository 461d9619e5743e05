"""Each mode of the command: exit codes, what is written, what is printed."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clean_reports.cli import cli

from conftest import EXPECTED, SEED_NAMES, SEEDS, write_rule

WATERMARKED = [name for name in SEED_NAMES if not name.startswith("002")]
FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>[\w.-]+) .+$")


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# --- out-dir mode -------------------------------------------------------------------------


def test_out_dir_writes_every_seed_exactly_as_expected(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(SEEDS, "-o", out)
    assert result.exit_code == 0, result.output
    for name in SEED_NAMES:
        assert (out / name).read_bytes() == (EXPECTED / name).read_bytes(), name
    assert sorted(p.name for p in out.glob("*.diff")) == [f"{n}.diff" for n in WATERMARKED]
    diff = (out / WATERMARKED[0]).with_suffix(".txt.diff").read_text(encoding="utf-8")
    assert diff.startswith(f"--- a/{WATERMARKED[0]}\n+++ b/{WATERMARKED[0]}\n")
    assert "-酷乐文行整理，咨询QQ206157060\n" in diff
    assert not [line for line in diff.splitlines() if line.startswith("+") and line[1:2] != "+"]


def test_summary_json_records_every_file_and_the_totals(tmp_path: Path) -> None:
    out = tmp_path / "out"
    invoke(SEEDS, "-o", out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    files = {Path(record["path"]).name: record for record in summary["files"]}
    assert sorted(files) == SEED_NAMES
    clean_seed = files["002_d53a44d0590c27f1.txt"]
    assert clean_seed["status"] == "unchanged"
    assert clean_seed["hits"] == {} and clean_seed["chars_removed"] == 0
    assert clean_seed["diff"] is None
    seed = files["000_155c858b691bed45.txt"]
    assert seed == {
        "path": str(SEEDS / "000_155c858b691bed45.txt"),
        "output": "000_155c858b691bed45.txt",
        "diff": "000_155c858b691bed45.txt.diff",
        "encoding": "utf-8",
        "bom": False,
        "newline": "LF",
        "status": "cleaned",
        "reason": None,
        "chars_removed": len((SEEDS / seed["output"]).read_text(encoding="utf-8"))
        - len((EXPECTED / seed["output"]).read_text(encoding="utf-8")),
        "hits": {"kule-banner": 1, "kule-footer": 2, "kule-member-notice": 1},
        "source": str((SEEDS / "000_155c858b691bed45.txt").resolve()),
        "written": {
            name: {
                "bytes": (out / name).stat().st_size,
                "sha256": hashlib.sha256((out / name).read_bytes()).hexdigest(),
            }
            for name in ("000_155c858b691bed45.txt", "000_155c858b691bed45.txt.diff")
        },
    }
    totals = summary["totals"]
    assert totals["files"] == 5 and totals["cleaned"] == 4
    assert totals["unchanged"] == 1 and totals["failed"] == 0
    assert totals["hits"] == {"kule-banner": 5, "kule-footer": 8, "kule-member-notice": 4}
    assert totals["chars_removed"] == sum(r["chars_removed"] for r in summary["files"])
    assert totals["encodings"] == {"utf-8": 5}


def test_summary_table_goes_to_stderr(tmp_path: Path) -> None:
    result = invoke(SEEDS, "-o", tmp_path / "out")
    assert result.stdout == ""
    for word in ("files scanned", "cleaned", "unchanged", "failed", "kule-footer"):
        assert word in result.stderr
    assert invoke(SEEDS, "-o", tmp_path / "out2", "-q").stderr == ""


def test_default_output_folder_is_cleaned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke(SEEDS).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "cleaned").glob("*.txt")) == SEED_NAMES


def test_folder_structure_is_mirrored_and_file_arguments_land_by_name(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "a" / "b").mkdir(parents=True)
    shutil.copy(SEEDS / SEED_NAMES[0], corpus / "a" / "b" / "x.txt")
    single = tmp_path / "single.txt"
    shutil.copy(SEEDS / SEED_NAMES[1], single)
    out = tmp_path / "out"
    assert invoke(corpus, single, "-o", out).exit_code == 0
    assert (out / "a" / "b" / "x.txt").read_bytes() == (EXPECTED / SEED_NAMES[0]).read_bytes()
    assert (out / "a" / "b" / "x.txt.diff").is_file()
    assert (out / "single.txt").read_bytes() == (EXPECTED / SEED_NAMES[1]).read_bytes()


def test_output_folder_inside_the_input_is_not_walked(seeds: Path) -> None:
    out = seeds / "cleaned"
    first = invoke(seeds, "-o", out)
    second = invoke(seeds, "-o", out)
    assert first.exit_code == second.exit_code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["files"] == 5
    assert not (out / "cleaned").exists()


def test_output_folder_holding_an_input_is_refused(seeds: Path) -> None:
    result = invoke(seeds, "-o", seeds)
    assert result.exit_code == 2
    assert "--in-place" in result.stderr
    result = invoke(seeds / "..", "-o", seeds.parent)
    assert result.exit_code == 2


def test_cleaning_the_output_again_changes_nothing(tmp_path: Path) -> None:
    invoke(SEEDS, "-o", tmp_path / "once")
    (tmp_path / "once" / "summary.json").unlink()
    for diff in (tmp_path / "once").glob("*.diff"):
        diff.unlink()
    result = invoke(tmp_path / "once", "-o", tmp_path / "twice")
    assert result.exit_code == 0
    for name in SEED_NAMES:
        assert (tmp_path / "twice" / name).read_bytes() == (tmp_path / "once" / name).read_bytes()
    assert not list((tmp_path / "twice").glob("*.diff"))
    assert invoke("--check", tmp_path / "once").exit_code == 0


def test_stale_diffs_of_an_earlier_run_are_removed(tmp_path: Path) -> None:
    rule = write_rule(tmp_path / "other.yaml", "nothing", "不存在的水印", ["不存在的水印"])
    out = tmp_path / "out"
    invoke(SEEDS, "-o", out)
    assert list(out.glob("*.diff"))
    invoke(SEEDS, "-o", out, "--no-default-rules", "--rules", rule)
    assert not list(out.glob("*.diff"))
    assert (out / SEED_NAMES[0]).read_bytes() == (SEEDS / SEED_NAMES[0]).read_bytes()


def test_a_file_that_cannot_be_decoded_fails_alone(seeds: Path, tmp_path: Path) -> None:
    (seeds / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    out = tmp_path / "out"
    result = invoke(seeds, "-o", out)
    assert result.exit_code == 2
    assert f"error: {seeds / 'broken.txt'}: decode: binary file" in result.stderr
    assert not (out / "broken.txt").exists()
    for name in SEED_NAMES:
        assert (out / name).read_bytes() == (EXPECTED / name).read_bytes()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    (broken,) = [r for r in summary["files"] if r["status"] == "failed"]
    assert broken["reason"].startswith("decode: binary file")
    assert summary["totals"]["failed"] == 1


def test_two_inputs_for_one_output_fail_the_second(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(SEEDS / SEED_NAMES[0], tmp_path / folder / "same.txt")
    result = invoke(tmp_path / "a" / "same.txt", tmp_path / "b" / "same.txt", "-o", tmp_path / "o")
    assert result.exit_code == 2
    assert "already writes to" in result.stderr


# --- --check -------------------------------------------------------------------------------


def test_check_lists_findings_and_writes_nothing(seeds: Path) -> None:
    before = snapshot(seeds.parent)
    result = invoke("--check", seeds)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "Found 17 watermarks in 4 files (5 files checked)."
    findings = [FINDING.match(line) for line in lines[:-1]]
    assert all(findings), lines
    first = findings[0]
    assert first is not None
    assert first["path"] == str(seeds / "000_155c858b691bed45.txt")
    assert (first["line"], first["col"], first["rule"]) == ("1", "1", "kule-banner")
    footer = f"{seeds / '000_155c858b691bed45.txt'}:18:1: kule-footer"
    assert any(line.startswith(footer) for line in lines)
    assert snapshot(seeds.parent) == before


def test_check_columns_count_characters(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("标题\n一年来的工作。酷乐文行整理，咨询QQ206157060\n", encoding="utf-8")
    result = invoke("--check", report)
    assert result.stdout.splitlines()[0].startswith(f"{report}:2:8: kule-footer ")


def test_check_on_clean_files_exits_zero() -> None:
    result = invoke("--check", EXPECTED)
    assert result.exit_code == 0
    assert result.stdout == "No watermarks found (5 files checked).\n"


# --- --diff --------------------------------------------------------------------------------


def test_diff_prints_diffs_and_writes_nothing(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(seeds.parent)
    monkeypatch.chdir(seeds.parent)
    result = invoke("--diff", "seeds")
    assert result.exit_code == 1
    assert result.stdout.count("\n--- a/") + result.stdout.startswith("--- a/") == 4
    assert "--- a/seeds/000_155c858b691bed45.txt\n+++ b/seeds/000_155c858b691bed45.txt\n" in (
        result.stdout
    )
    assert "-【会员资料仅供内部交流使用，严禁外传及用于商业用途，违者后果自负】" in result.stdout
    assert "002_d53a44d0590c27f1" not in result.stdout
    assert snapshot(seeds.parent) == before
    assert invoke("--diff", EXPECTED).exit_code == 0
    absolute = invoke("--diff", seeds / "000_155c858b691bed45.txt")
    path = seeds / "000_155c858b691bed45.txt"
    assert absolute.stdout.startswith(f"--- {path}\n+++ {path}\n")


# --- --in-place ----------------------------------------------------------------------------


def test_in_place_cleans_changed_files_and_leaves_the_rest_untouched(seeds: Path) -> None:
    untouched = seeds / "002_d53a44d0590c27f1.txt"
    os.utime(untouched, ns=(1_000_000_000, 1_000_000_000))
    result = invoke("--in-place", seeds)
    assert result.exit_code == 1
    for name in SEED_NAMES:
        assert (seeds / name).read_bytes() == (EXPECTED / name).read_bytes()
    assert untouched.stat().st_mtime_ns == 1_000_000_000
    assert sorted(p.name for p in seeds.iterdir()) == SEED_NAMES
    again = invoke("--in-place", seeds)
    assert again.exit_code == 0


def test_in_place_keeps_gb18030_and_crlf_byte_for_byte(tmp_path: Path) -> None:
    name = "004_8809b8991031e2c1.txt"
    source = (SEEDS / name).read_text(encoding="utf-8").replace("\n", "\r\n")
    expected = (EXPECTED / name).read_text(encoding="utf-8").replace("\n", "\r\n")
    report = tmp_path / name
    report.write_bytes(source.encode("gb18030"))
    result = invoke("--in-place", report)
    assert result.exit_code == 1, result.output
    assert report.read_bytes() == expected.encode("gb18030")
    check = invoke("--check", report)
    assert check.exit_code == 0


def test_out_dir_turns_gb18030_crlf_into_utf8_crlf(tmp_path: Path) -> None:
    name = "000_155c858b691bed45.txt"
    source = (SEEDS / name).read_text(encoding="utf-8").replace("\n", "\r\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes(source.encode("gb18030"))
    assert invoke(tmp_path / "in", "-o", tmp_path / "out").exit_code == 0
    expected = (EXPECTED / name).read_text(encoding="utf-8").replace("\n", "\r\n")
    assert (tmp_path / "out" / name).read_bytes() == expected.encode("utf-8")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["files"][0]["encoding"], summary["files"][0]["newline"]) == ("gb18030", "CRLF")


# --- arguments and rules -------------------------------------------------------------------


def test_missing_path_is_an_error() -> None:
    result = invoke("--check", "no/such/folder")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_no_path_is_an_error() -> None:
    result = invoke("--check")
    assert result.exit_code == 2
    assert "no PATH given" in result.stderr


@pytest.mark.parametrize(
    "args", [("--check", "--in-place"), ("--diff", "--in-place"), ("--check", "-o", "x")]
)
def test_conflicting_modes_are_an_error(args: tuple[str, ...]) -> None:
    result = invoke(*args, SEEDS)
    assert result.exit_code == 2


def test_invalid_rule_file_names_file_and_rule(tmp_path: Path) -> None:
    bad = write_rule(tmp_path / "bad.yaml", "broken", "([unclosed", ["x"])
    result = invoke("--check", "--rules", bad, SEEDS)
    assert result.exit_code == 2
    assert f"{bad}: rule 'broken': invalid pattern" in result.stderr


def test_user_rule_that_fails_its_examples_is_refused(tmp_path: Path) -> None:
    bad = write_rule(tmp_path / "bad.yaml", "greedy", "工作", ["工作"], keep=["工作总结"])
    result = invoke("--check", "--rules", bad, SEEDS)
    assert result.exit_code == 2
    assert "rule 'greedy'" in result.stderr and "must keep" in result.stderr


def test_added_rules_run_with_the_shipped_ones(tmp_path: Path) -> None:
    extra = write_rule(tmp_path / "extra.yaml", "title-year", "2020年开发区", ["2020年开发区"])
    result = invoke("--check", "--rules", extra, SEEDS / "000_155c858b691bed45.txt")
    assert ": title-year demo" in result.stdout
    assert ": kule-footer " in result.stdout
    only = invoke("--check", "--no-default-rules", "--rules", extra, SEEDS)
    assert "kule-" not in only.stdout


def test_no_rules_at_all_is_an_error() -> None:
    result = invoke("--check", "--no-default-rules", SEEDS)
    assert result.exit_code == 2


def test_list_rules(tmp_path: Path) -> None:
    result = invoke("--list-rules")
    assert result.exit_code == 0
    for rule_id in ("kule-banner", "kule-member-notice", "kule-footer", "qq-advert"):
        assert rule_id in result.stdout
    assert "kule.yaml" in result.stdout


def test_a_folder_named_rules_is_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(SEEDS, tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    result = invoke("--check", "rules")
    assert result.exit_code == 1
    assert result.stdout.startswith("rules/000_155c858b691bed45.txt:1:1: kule-banner")


def test_include_widens_the_walk(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(SEEDS / SEED_NAMES[0], corpus / "report.md")
    assert invoke("--check", corpus).stdout.startswith("No watermarks found (0 files")
    result = invoke("--check", "--include", "*.md", corpus)
    assert result.exit_code == 1


def test_a_file_that_cannot_be_written_fails_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / SEED_NAMES[0]).mkdir(parents=True)  # a folder where the output file should go
    result = invoke(SEEDS, "-o", out)
    assert result.exit_code == 2
    assert f"error: {SEEDS / SEED_NAMES[0]}: write: cannot write" in result.stderr
    for name in SEED_NAMES[1:]:
        assert (out / name).read_bytes() == (EXPECTED / name).read_bytes()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_in_place_never_writes_a_failed_file(seeds: Path) -> None:
    broken = seeds / "broken.txt"
    broken.write_bytes("述职报告".encode("gb18030") + b"\xff\xff")
    before = broken.read_bytes()
    result = invoke("--in-place", seeds)
    assert result.exit_code == 2
    assert broken.read_bytes() == before
    assert (seeds / SEED_NAMES[0]).read_bytes() == (EXPECTED / SEED_NAMES[0]).read_bytes()


# --- messages ---------------------------------------------------------------------------


def test_invalid_yaml_names_the_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: a\n    pattern: [oops\n", encoding="utf-8")
    result = invoke("--check", "--rules", bad, SEEDS)
    assert result.exit_code == 2
    assert "<unicode string>" not in result.stderr
    assert result.stderr == (
        f"error: {bad}: invalid YAML at line 4, column 1: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 3, column 14)\n"
    )


def test_quiet_and_verbose_together_are_a_usage_error() -> None:
    result = invoke("--check", "-q", "-v", SEEDS)
    assert result.exit_code == 2
    assert "-q/--quiet and -v/--verbose cannot be combined" in result.stderr
    assert result.stdout == ""


def test_a_rule_timeout_in_check_says_it_was_checking(tmp_path: Path) -> None:
    (tmp_path / "slow.txt").write_text("a" * 60 + "b\n", encoding="utf-8")
    slow = tmp_path / "slow.yaml"
    slow.write_text(
        "rules:\n  - id: slow\n    description: slow\n    normalize: false\n"
        "    pattern: '(?:a|aa)+$'\n    examples: {match: [aaa]}\n",
        encoding="utf-8",
    )
    args = ("--rules", slow, "--regex-timeout", "0.3", "--no-cache", tmp_path / "slow.txt")
    check = invoke("--check", *args)
    assert check.exit_code == 2
    assert "slow.txt: check: rule 'slow' timed out after 0.3 s" in check.stderr
    assert "clean:" not in check.stderr
    diff = invoke("--diff", *args)
    assert "slow.txt: clean: rule 'slow' timed out after 0.3 s" in diff.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--report", "r.html", "-"], "--report reports on files and folders; not with standard"),
        (["--suggest", "--report", "r.html", str(SEEDS)], "not with --suggest"),
        (["-O", "x.json", str(SEEDS)], "-O/--output-file goes with --check or --suggest"),
        (["--output-format", "json", str(SEEDS)], "--output-format goes with --check"),
        (["--suggest", "--output-format", "json", str(SEEDS)], "--output-format goes with --check"),
    ],
)
def test_options_that_would_be_ignored_are_refused_saying_what_they_go_with(
    tmp_path: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "r.html").exists()
