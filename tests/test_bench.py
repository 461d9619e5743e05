"""bench/bound.py: a bound is only a bound if it does the job the tool does, no less.

Its ``cache`` and ``stat`` modes print exactly the findings ``--check`` prints, its
``rules`` mode lists exactly the files ``--check`` finds watermarks in, and ``copies``
writes a copy of every report and a second file beside each one with findings.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, script

BOUND = ROOT / "bench" / "bound.py"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from corpus import generate  # bench/corpus.py, the benchmark's generator

    root = tmp_path_factory.mktemp("bench") / "corpus"
    files, _ = generate(root, 0.5)
    assert files > 80
    return root


def bound(*args: str | Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(BOUND), *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return done.stdout.splitlines()


@pytest.fixture(scope="module")
def findings(corpus: Path) -> list[str]:
    done = subprocess.run(
        [script("clean-reports"), "--check", "-q", "--no-cache", str(corpus)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    *lines, total = done.stdout.splitlines()
    assert total.startswith("Found ")
    return lines


@pytest.mark.parametrize("mode", ["cache", "stat"])
def test_a_lookup_bound_prints_what_check_prints(
    corpus: Path, findings: list[str], tmp_path: Path, mode: str
) -> None:
    database = tmp_path / "bound.sqlite"
    assert bound("cache-build", corpus, database) == []
    assert sorted(bound(mode, "--jobs", "2", corpus, database)) == sorted(findings)


def test_the_rules_bound_finds_the_files_check_finds(corpus: Path, findings: list[str]) -> None:
    found = {line.split(":", 1)[0] for line in findings}
    assert sorted(bound("rules", "--jobs", "2", corpus)) == sorted(found)
    assert 0 < len(found) < sum(1 for _ in corpus.rglob("*.txt"))


def test_the_copies_bound_writes_a_copy_of_each_report_and_a_file_per_finding(
    corpus: Path, findings: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    listed = bound("copies", "--jobs", "2", corpus, out)
    reports = sorted(path.relative_to(corpus) for path in corpus.rglob("*.txt"))
    assert sorted(path.relative_to(out) for path in out.rglob("*.txt")) == reports
    diffs = sorted(path.relative_to(out) for path in out.rglob("*.diff"))
    expected = [Path(path).relative_to(corpus).with_suffix(".txt.diff") for path in listed]
    assert diffs == sorted(expected)
    assert {str(corpus / path.with_suffix("")) for path in diffs} == {
        line.split(":", 1)[0] for line in findings
    }


def refused(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BOUND), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def test_a_lookup_bound_without_its_database_stops_at_once(corpus: Path, tmp_path: Path) -> None:
    """A missing database made every worker fail as it started, and the pool start them
    again for ever."""
    for mode in ("cache", "stat"):
        done = refused(mode, corpus, tmp_path / "missing.sqlite")
        assert done.returncode == 2
        assert "cache-build first" in done.stderr
        assert refused(mode, corpus).returncode == 2


def test_the_copies_bound_writes_only_to_a_new_folder_outside_the_corpus(
    corpus: Path, tmp_path: Path
) -> None:
    """Without OUT it wrote into the current folder: from inside the corpus, over the
    reports themselves."""
    before = {path: path.read_bytes() for path in corpus.rglob("*") if path.is_file()}
    (tmp_path / "existing").mkdir()
    for out in (None, corpus, corpus / "out", tmp_path / "existing", corpus.parent):
        done = refused("copies", corpus, *([] if out is None else [out]), cwd=tmp_path)
        assert done.returncode == 2, (out, done.stderr)
    assert {path: path.read_bytes() for path in corpus.rglob("*") if path.is_file()} == before
    assert not (corpus / "out").exists()
