"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit in a throwaway corpus repo."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXPECTED, ROOT, SEEDS, script

WATERMARKED = "000_155c858b691bed45.txt"
CLEAN = "002_d53a44d0590c27f1.txt"


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the module: pre-commit builds it once and reuses it."""
    return tmp_path_factory.mktemp("pre-commit-home")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    repo = tmp_path / "corpus"
    (repo / "reports").mkdir(parents=True)
    shutil.copy(SEEDS / WATERMARKED, repo / "reports" / WATERMARKED)
    shutil.copy(SEEDS / CLEAN, repo / "reports" / CLEAN)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "corpus")
    return repo


def try_repo(corpus: Path, home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [script("pre-commit"), "try-repo", str(ROOT), hook, "--all-files"],
        cwd=corpus,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_fixer_hook_fails_then_passes_and_fixes_byte_for_byte(
    corpus: Path, pre_commit_home: Path
) -> None:
    first = try_repo(corpus, pre_commit_home, "clean-reports")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert f"cleaned reports/{WATERMARKED}" in first.stdout
    report = corpus / "reports" / WATERMARKED
    assert report.read_bytes() == (EXPECTED / WATERMARKED).read_bytes()
    assert (corpus / "reports" / CLEAN).read_bytes() == (SEEDS / CLEAN).read_bytes()
    second = try_repo(corpus, pre_commit_home, "clean-reports")
    assert second.returncode == 0, second.stdout + second.stderr


def test_check_hook_fails_and_changes_nothing(corpus: Path, pre_commit_home: Path) -> None:
    result = try_repo(corpus, pre_commit_home, "clean-reports-check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"reports/{WATERMARKED}:18:1: kule-footer" in result.stdout
    assert (corpus / "reports" / WATERMARKED).read_bytes() == (SEEDS / WATERMARKED).read_bytes()


def test_hooks_keep_configured_excludes_for_named_files(
    corpus: Path, pre_commit_home: Path
) -> None:
    (corpus / ".clean-reports.toml").write_text('extend-exclude = ["reports/"]\n', encoding="utf-8")
    git(corpus, "add", ".")
    result = try_repo(corpus, pre_commit_home, "clean-reports-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
    assert (corpus / "reports" / WATERMARKED).read_bytes() == (SEEDS / WATERMARKED).read_bytes()
