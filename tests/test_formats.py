"""--output-format on the seeds: golden files, and each format checked by its own rules."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from clean_reports.cli import cli
from clean_reports.model import Match
from clean_reports.sinks.formats import escape_data, escape_property, snippet

from conftest import ROOT, SEED_NAMES, SEEDS, run_installed

DATA = Path(__file__).resolve().parent / "data"
GOLDEN = DATA / "golden"
SUFFIX = {"text": "txt", "json": "json", "github": "github", "sarif": "sarif", "junit": "xml"}


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--check", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def normalise(report: str) -> str:
    """Take the checkout's absolute location out of a report (SARIF's %SRCROOT%)."""
    return report.replace(ROOT.as_uri() + "/", "file:///REPO/")


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_seeds_report_matches_golden(fmt: str, in_repo: None) -> None:
    code, out, _err = check("--output-format", fmt, "fixtures/seeds")
    assert code == 1
    golden = GOLDEN / f"seeds.{SUFFIX[fmt]}"
    if os.environ.get("CLEAN_REPORTS_REGEN_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(normalise(out), encoding="utf-8")
    assert normalise(out) == golden.read_text(encoding="utf-8")


def test_json_findings(in_repo: None) -> None:
    _, out, err = check("--output-format", "json", "fixtures/seeds")
    findings = json.loads(out)
    assert len(findings) == 17
    first = findings[0]
    assert set(first) == {
        "path", "line", "column", "end_line", "end_column", "rule", "message", "text"
    }  # fmt: skip
    footer = next(f for f in findings if f["rule"] == "kule-footer")
    assert footer == {
        "path": "fixtures/seeds/000_155c858b691bed45.txt",
        "line": 18,
        "column": 1,
        "end_line": 18,
        "end_column": 21,
        "rule": "kule-footer",
        "message": '酷乐文行 footer: "酷乐文行整理，咨询QQ206157060"',
        "text": "酷乐文行整理，咨询QQ206157060",
    }
    assert "Found 17 watermarks" in err  # the human total goes to stderr


def test_github_workflow_commands(in_repo: None) -> None:
    _, out, _ = check("--output-format", "github", "fixtures/seeds")
    lines = out.splitlines()
    assert len(lines) == 17
    assert all(line.startswith("::error file=fixtures/seeds/") for line in lines)
    assert (
        "::error file=fixtures/seeds/000_155c858b691bed45.txt,line=18,col=1,endLine=18,"
        'endColumn=21,title=kule-footer::酷乐文行 footer: "酷乐文行整理，咨询QQ206157060"'
    ) in lines


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("100% done", "100%25 done", "100%25 done"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x:y,z", "x:y,z", "x%3Ay%2Cz"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_github_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_github_escapes_paths_and_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    odd = tmp_path / "a,b:c%.txt"
    odd.write_text("正文\n酷乐文行整理，咨询QQ206157060\n", encoding="utf-8")
    _, out, _ = check("--output-format", "github", odd.name)
    assert out.startswith("::error file=a%2Cb%3Ac%25.txt,line=2,col=1,")


def test_sarif_is_valid_sarif_2_1_0(in_repo: None) -> None:
    _, out, _ = check("--output-format", "sarif", "fixtures/seeds")
    document = json.loads(out)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    run = document["runs"][0]
    assert document["version"] == "2.1.0" and "$schema" in document
    assert run["columnKind"] == "unicodeCodePoints"
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    for rule in rules.values():
        assert {"id", "shortDescription", "fullDescription", "help"} <= set(rule)
    assert len(run["results"]) == 17
    result = run["results"][0]
    assert result["ruleId"] in rules and result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "fixtures/seeds/000_155c858b691bed45.txt",
        "uriBaseId": "%SRCROOT%",
    }
    assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(location["region"])


def test_schema_rejects_a_broken_sarif(in_repo: None) -> None:
    """The validation above can fail: a result without its message is refused."""
    _, out, _ = check("--output-format", "sarif", "fixtures/seeds")
    document = json.loads(out)
    del document["runs"][0]["results"][0]["message"]
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


MULTITOOL = os.environ.get("SARIF_MULTITOOL")


@pytest.mark.skipif(not MULTITOOL, reason="SARIF_MULTITOOL (Microsoft's SARIF validator) not set")
def test_sarif_passes_microsofts_validator_with_github_rules(tmp_path: Path, in_repo: None) -> None:
    """Microsoft's SARIF Multitool, with the GitHub Advanced Security ingestion rules."""
    _, out, _ = check("--output-format", "sarif", "fixtures/seeds")
    log = tmp_path / "seeds.sarif"
    log.write_text(out, encoding="utf-8")
    verdict = tmp_path / "validation.sarif"
    assert (MULTITOOL is not None and shutil.which(MULTITOOL)) or Path(MULTITOOL).exists()
    subprocess.run(
        [MULTITOOL, "validate", str(log), "--rule-kind", "Gh;Sarif", "-o", str(verdict)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    results = json.loads(verdict.read_text(encoding="utf-8"))["runs"][0].get("results", [])
    problems = [r for r in results if r.get("level", "warning") in ("error", "warning")]
    assert problems == [], problems


def test_junit_one_suite_per_file_one_failure_per_finding(in_repo: None) -> None:
    _, out, _ = check("--output-format", "junit", "fixtures/seeds")
    suites = ET.fromstring(out)
    assert suites.tag == "testsuites"
    assert (suites.get("tests"), suites.get("failures")) == ("18", "17")
    by_name = {suite.get("name"): suite for suite in suites}
    assert len(by_name) == 5
    watermarked = by_name["fixtures/seeds/000_155c858b691bed45.txt"]
    assert watermarked.get("failures") == "4"
    cases = watermarked.findall("testcase")
    assert [case.find("failure").get("type") for case in cases] == [  # type: ignore[union-attr]
        "kule-banner",
        "kule-member-notice",
        "kule-footer",
        "kule-footer",
    ]
    clean = by_name["fixtures/seeds/002_d53a44d0590c27f1.txt"]
    assert clean.get("failures") == "0" and clean.find("testcase/failure") is None


def test_output_file_gets_the_report_and_the_terminal_the_text(
    tmp_path: Path, in_repo: None
) -> None:
    target = tmp_path / "report.sarif"
    code, out, _ = check("--output-format", "sarif", "-O", str(target), "fixtures/seeds")
    assert code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert out.splitlines()[-1] == "Found 17 watermarks in 4 files (5 files checked)."
    assert "fixtures/seeds/000_155c858b691bed45.txt:18:1: kule-footer" in out


def test_failed_files_appear_in_machine_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    code, out, _ = check("--output-format", "github", "bin.txt")
    assert code == 2
    assert out.startswith("::error file=bin.txt,title=clean-reports::decode: binary file")
    code, out, _ = check("--output-format", "junit", "bin.txt")
    assert ET.fromstring(out).get("errors") == "1"
    code, out, _ = check("--output-format", "sarif", "bin.txt")
    invocation = json.loads(out)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "NUL bytes" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_output_format_only_goes_with_check(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--output-format", "json", str(tmp_path)])
    assert result.exit_code == 2


def test_names_that_are_not_utf8_are_shown_with_the_byte_escaped() -> None:
    from clean_reports.walk import shown

    assert shown("corpus/a-\udcff.txt") == "corpus/a-\\xff.txt"
    assert shown("述职报告/a b.txt") == "述职报告/a b.txt"  # a valid name is left alone
    assert shown("x-\ud800") == "x-\\ud800"  # a surrogate no name decodes to


def test_a_sarif_uri_percent_encodes_what_a_uri_path_cannot_hold() -> None:
    from clean_reports.sinks.formats import uri_path

    assert uri_path("corpus/000_155c858b691bed45.txt") == "corpus/000_155c858b691bed45.txt"
    assert uri_path("corpus/a-\udcff.txt") == "corpus/a-%FF.txt"
    assert uri_path("a b/50%#1?.txt") == "a%20b/50%25%231%3F.txt"
    assert uri_path("述职报告.txt") == "述职报告.txt"  # as before: an IRI keeps it


# --- github and sarif paths are relative to each file's repository, wherever the run is --


def git_repo(folder: Path, reports: str = "reports") -> Path:
    """A real repository (``git init``) holding one watermarked seed under ``reports/``."""
    (folder / reports).mkdir(parents=True)
    shutil.copy(SEEDS / SEED_NAMES[0], folder / reports / "a.txt")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


def github_files(out: str) -> set[str]:
    return {line.split("file=", 1)[1].split(",", 1)[0] for line in out.splitlines()}


def sarif_places(out: str) -> tuple[dict[str, str], set[tuple[str, str]]]:
    run = json.loads(out)["runs"][0]
    bases = {name: base["uri"] for name, base in run["originalUriBaseIds"].items()}
    places = {
        (place["uri"], place.get("uriBaseId", ""))
        for result in run["results"]
        for place in [result["locations"][0]["physicalLocation"]["artifactLocation"]]
    }
    return bases, places


@pytest.mark.parametrize("where", ["inside", "parent", "elsewhere, by absolute path"])
def test_paths_are_relative_to_the_files_repository(tmp_path: Path, where: str) -> None:
    repo = git_repo(tmp_path / "crepo")
    cwd, target = {
        "inside": (repo, "reports"),
        "parent": (tmp_path, "crepo/reports"),
        "elsewhere, by absolute path": (tmp_path / "elsewhere", str(repo / "reports" / "a.txt")),
    }[where]
    cwd.mkdir(exist_ok=True)
    github = run_installed("--check", "--output-format", "github", target, cwd=cwd)
    assert github.returncode == 1, github.stderr
    assert github_files(github.stdout) == {"reports/a.txt"}
    sarif = run_installed("--check", "--output-format", "sarif", target, cwd=cwd)
    assert sarif.returncode == 1, sarif.stderr
    bases, places = sarif_places(sarif.stdout)
    assert bases == {"%SRCROOT%": repo.resolve().as_uri() + "/"}
    assert places == {("reports/a.txt", "%SRCROOT%")}


def test_without_a_repository_paths_stay_relative_to_the_current_folder(
    tmp_path: Path,
) -> None:
    (tmp_path / "corpus").mkdir()
    shutil.copy(SEEDS / SEED_NAMES[0], tmp_path / "corpus" / "a.txt")
    github = run_installed("--check", "--output-format", "github", "corpus", cwd=tmp_path)
    assert github_files(github.stdout) == {"corpus/a.txt"}
    sarif = run_installed("--check", "--output-format", "sarif", "corpus", cwd=tmp_path)
    bases, places = sarif_places(sarif.stdout)
    assert bases == {"%SRCROOT%": tmp_path.resolve().as_uri() + "/"}
    assert places == {("corpus/a.txt", "%SRCROOT%")}


def test_files_of_two_repositories_each_keep_their_own_root(tmp_path: Path) -> None:
    first = git_repo(tmp_path / "one")
    second = git_repo(tmp_path / "two", "texts")
    github = run_installed("--check", "--output-format", "github", "one", "two", cwd=tmp_path)
    assert github_files(github.stdout) == {"reports/a.txt", "texts/a.txt"}
    sarif = run_installed("--check", "--output-format", "sarif", "one", "two", cwd=tmp_path)
    bases, places = sarif_places(sarif.stdout)
    assert bases == {
        "%SRCROOT%": first.resolve().as_uri() + "/",
        "%SRCROOT2%": second.resolve().as_uri() + "/",
    }
    assert places == {("reports/a.txt", "%SRCROOT%"), ("texts/a.txt", "%SRCROOT2%")}


@pytest.mark.parametrize(
    ("text", "more"), [("甲", ""), ("甲\n乙", " (+1 line)"), ("甲\n乙\n丙", " (+2 lines)")]
)
def test_a_snippet_counts_the_lines_that_follow_in_the_singular_too(text: str, more: str) -> None:
    match = Match("r", "d", 0, len(text), text, 1, 1, text.count("\n") + 1, 2)
    assert snippet(match) == f'"甲"{more}'
