"""``--check --diff``, as black has it: the diffs on stdout, the check on stderr, exit 1.

stdout holds exactly what ``--diff`` prints (a patch, nothing else); stderr holds exactly
what ``--check`` prints on stdout (one line per finding, then the total). Nothing is
written. A report in a format other than text goes to ``-O FILE`` only.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXPECTED, SEEDS, run_installed, script

WATERMARKED = "000_155c858b691bed45.txt"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A file that would change and one that would not."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEEDS / WATERMARKED, folder / WATERMARKED)
    shutil.copy(EXPECTED / WATERMARKED, folder / "clean.txt")
    return folder


def test_the_diffs_go_to_stdout_and_the_check_to_stderr(corpus: Path, tmp_path: Path) -> None:
    before = snapshot(corpus)
    both = run_installed("--check", "--diff", "corpus", cwd=tmp_path)
    assert both.returncode == 1, both.stderr
    assert snapshot(corpus) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]  # no cleaned/, no cache
    diff = run_installed("--diff", "corpus", cwd=tmp_path)
    check = run_installed("--check", "--no-cache", "corpus", cwd=tmp_path)
    assert both.stdout == diff.stdout
    assert both.stdout.startswith(f"--- a/corpus/{WATERMARKED}\n+++ b/corpus/{WATERMARKED}\n")
    assert "clean.txt" not in both.stdout
    assert both.stderr == check.stdout
    *findings, total = both.stderr.splitlines()
    assert len(findings) == 4
    assert all(line.startswith(f"corpus/{WATERMARKED}:") for line in findings)
    assert total.startswith("Found 4 watermarks in 1 file (")


def test_nothing_to_change_exits_zero_with_an_empty_stdout(corpus: Path, tmp_path: Path) -> None:
    result = run_installed("--check", "--diff", "corpus/clean.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    check = run_installed("--check", "--no-cache", "corpus/clean.txt", cwd=tmp_path)
    assert check.stdout.startswith("No watermarks found")
    assert result.stderr == check.stdout


def test_a_json_report_goes_to_the_output_file_only(corpus: Path, tmp_path: Path) -> None:
    refused = run_installed("--check", "--diff", "--output-format", "json", "corpus", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert (
        "--check --diff prints the diffs on stdout: --output-format json needs "
        "-O/--output-file FILE for its report (or give --output-format text)"
    ) in refused.stderr
    both = run_installed(
        "--check", "--diff", "--output-format", "json", "-O", "both.json", "corpus", cwd=tmp_path
    )
    assert both.returncode == 1, both.stderr
    alone_args = ("--no-cache", "--output-format", "json", "-O", "alone.json", "corpus")
    alone = run_installed("--check", *alone_args, cwd=tmp_path)
    report = json.loads((tmp_path / "both.json").read_text(encoding="utf-8"))
    assert report == json.loads((tmp_path / "alone.json").read_text(encoding="utf-8"))
    assert [finding["rule"] for finding in report] == [
        "kule-banner",
        "kule-member-notice",
        "kule-footer",
        "kule-footer",
    ]
    assert both.stdout == run_installed("--diff", "corpus", cwd=tmp_path).stdout
    assert both.stderr == alone.stdout  # the text findings and the total, as with -O alone


def test_a_report_format_from_the_config_file_is_named_when_refused(
    corpus: Path, tmp_path: Path
) -> None:
    (tmp_path / ".clean-reports.toml").write_text('output-format = "github"\n', encoding="utf-8")
    refused = run_installed("--check", "--diff", "corpus", cwd=tmp_path)
    assert refused.returncode == 2
    assert 'output-format = "github" in .clean-reports.toml needs -O' in refused.stderr
    text = run_installed("--check", "--diff", "--output-format", "text", "corpus", cwd=tmp_path)
    assert text.returncode == 1
    assert text.stdout == run_installed("--diff", "corpus", cwd=tmp_path).stdout


def test_standard_input(tmp_path: Path) -> None:
    result = subprocess.run(
        [script("clean-reports"), "--check", "--diff", "-"],
        input=(SEEDS / WATERMARKED).read_bytes(),
        capture_output=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.decode("utf-8").startswith("--- a/-\n+++ b/-\n@@ ")
    stderr = result.stderr.decode("utf-8").splitlines()
    assert stderr[0].startswith("-:1:1: kule-banner ")
    assert stderr[-1].startswith("Found 4 watermarks in 1 file (")


@pytest.mark.parametrize("other", ["--in-place", "--explain"])
def test_check_diff_takes_no_other_mode(corpus: Path, tmp_path: Path, other: str) -> None:
    result = run_installed("--check", "--diff", other, "corpus", cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot be combined" in result.stderr
    assert snapshot(corpus) == {
        WATERMARKED: (SEEDS / WATERMARKED).read_bytes(),
        "clean.txt": (EXPECTED / WATERMARKED).read_bytes(),
    }


def test_the_removal_guard_applies_as_it_does_to_diff(corpus: Path, tmp_path: Path) -> None:
    """The diff is what a run would write, so a file the guard refuses has none."""
    args = ("--max-removal", "1", "corpus")
    both = run_installed("--check", "--diff", *args, cwd=tmp_path)
    assert both.returncode == 2
    assert both.stdout == ""
    assert f"error: corpus/{WATERMARKED}: guard: the rules would remove" in both.stderr
    assert run_installed("--diff", *args, cwd=tmp_path).returncode == 2
    assert run_installed("--check", "--no-cache", *args, cwd=tmp_path).returncode == 1


def test_each_files_findings_follow_its_diff_on_one_stream(tmp_path: Path) -> None:
    """Diffs and findings both into one pipe (``2>&1``): each watermarked file's diff,
    then its findings, file after file; none held back to the end of the run."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    dirty = [
        n.name
        for n in sorted(SEEDS.iterdir())
        if n.read_bytes() != (EXPECTED / n.name).read_bytes()
    ]
    for name in dirty:
        shutil.copy(SEEDS / name, corpus / name)
    merged = subprocess.run(
        [script("clean-reports"), "--check", "--diff", "-j", "1", "corpus"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    ).stdout
    order = []
    for line in merged.splitlines():
        if line.startswith("--- a/corpus/"):
            order.append(("diff", line.removeprefix("--- a/corpus/")))
        elif line.startswith("corpus/"):
            order.append(("finding", line.removeprefix("corpus/").split(":")[0]))
    expected = []
    for name in dirty:
        findings = [entry for entry in order if entry == ("finding", name)]
        expected += [("diff", name), *findings]
    assert len(dirty) > 1 and len(order) > 2 * len(dirty)
    assert order == expected
