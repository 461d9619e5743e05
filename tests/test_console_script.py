"""End to end: the installed ``clean-reports`` console script, run as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import EXPECTED, SEED_NAMES, SEEDS, run_installed


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_installed(*args, cwd=cwd)


def test_installed_script_cleans_the_seeds(tmp_path: Path) -> None:
    result = run(SEEDS, "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in SEED_NAMES:
        assert (tmp_path / "out" / name).read_bytes() == (EXPECTED / name).read_bytes(), name
    assert "files scanned" in result.stderr


def test_installed_script_check_and_in_place(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    check = run("--check", "corpus", cwd=tmp_path)
    assert check.returncode == 1
    assert check.stdout.splitlines()[-1] == "Found 17 watermarks in 4 files (5 files checked)."
    fix = run("--in-place", "corpus", cwd=tmp_path)
    assert fix.returncode == 1
    assert run("--check", "corpus", cwd=tmp_path).returncode == 0
    for name in SEED_NAMES:
        assert (corpus / name).read_bytes() == (EXPECTED / name).read_bytes(), name


def test_installed_script_reports_errors_with_exit_2(tmp_path: Path) -> None:
    result = run("--check", "missing", cwd=tmp_path)
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "clean_reports", "--check", str(EXPECTED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "No watermarks found (5 files checked)." in result.stdout


def test_the_command_freezes_what_its_imports_made_and_collects_the_rest() -> None:
    """The garbage collector is off only while the tool's modules load: what they made is
    frozen, and the run itself is collected as usual."""
    probe = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count()))\n"
        f"sys.argv = ['clean-reports', '--check', {str(EXPECTED)!r}]\n"
        "from clean_reports.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    *_, last = result.stdout.splitlines()
    enabled, frozen = last.split()
    assert enabled == "True"
    assert int(frozen) > 10_000  # the modules' functions, classes, tables…
