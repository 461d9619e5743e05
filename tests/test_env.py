"""Every environment variable the README and --help name: each takes effect, and where a
flag does the same job, the flag wins.

The tool reads CLEAN_REPORTS_CACHE_DIR, NO_COLOR and RAY_ADDRESS; the others are read by
the test suite (the README's "Development" section), and are shown taking effect on it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clean_reports.cache import CACHE_DIR, DATABASE
from clean_reports.cli import cli

from conftest import ROOT, SEEDS, run_installed, run_on_terminal

# Each documented variable, and the tests below that show it at work.
TESTED = {
    "CLEAN_REPORTS_CACHE_DIR": "test_cache_dir_*",
    "NO_COLOR": "test_no_color_*",
    "RAY_ADDRESS": "test_ray_address_*",
    "CLEAN_REPORTS_FUZZ_EXAMPLES": "test_fuzz_examples_*",
    "CLEAN_REPORTS_REQUIRE_RAY": "test_require_ray_*",
    "CLEAN_REPORTS_CHROMIUM": "test_chromium_*",
    "CLEAN_REPORTS_UPDATE_SCREENSHOT": "test_update_screenshot_*",
    "CLEAN_REPORTS_PURE_PYTHON": "test_pure_python_*",
}
RED = "\x1b[31m"


def environment(**changes: str | None) -> dict[str, str]:
    """This process's environment with ``changes`` (None: without that variable)."""
    env = {key: value for key, value in os.environ.items() if key not in changes}
    env.update({key: value for key, value in changes.items() if value is not None})
    return env


def documented() -> set[str]:
    """The environment variables the --help text names, and this tool's own (named
    CLEAN_REPORTS_*) that README.md names; others it names are read by other programs
    (Ray's RAY_AUTH_TOKEN, the AWS credentials, .ci/run's SARIF_MULTITOOL)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    help_text = CliRunner().invoke(cli, ["--help"], terminal_width=1000).stdout
    names = set(re.findall(r"\bCLEAN_REPORTS_[A-Z_]+", readme + help_text))
    names |= set(re.findall(r"\$([A-Z][A-Z0-9_]+)", help_text))  # [default: $RAY_ADDRESS]
    names |= set(re.findall(r"unless ([A-Z][A-Z0-9_]+) is set", help_text))  # NO_COLOR
    return names


def test_every_documented_variable_has_a_test_here() -> None:
    assert documented() == set(TESTED)
    here = (Path(__file__).read_text(encoding="utf-8")).splitlines()
    for pattern in TESTED.values():
        prefix = pattern.removesuffix("*")
        assert any(line.startswith(f"def {prefix}") for line in here), pattern


def test_the_help_names_the_variables_the_tool_reads() -> None:
    help_text = CliRunner().invoke(cli, ["--help"], terminal_width=1000).stdout
    assert "[env var: CLEAN_REPORTS_CACHE_DIR]" in help_text
    assert "$RAY_ADDRESS" in help_text
    assert "NO_COLOR" in help_text


# CLEAN_REPORTS_CACHE_DIR


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "corpus")
    return tmp_path / "corpus"


def remembered(folder: Path) -> int:
    """How many entries the cache in ``folder`` holds (0: there is none)."""
    if not (folder / DATABASE).exists():
        return 0
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db:
        count: int = db.execute("SELECT count(*) FROM findings").fetchone()[0]
    return count


def test_cache_dir_from_the_environment(corpus: Path, tmp_path: Path) -> None:
    expected = run_installed("--check", "--no-cache", "corpus", cwd=tmp_path)
    env = environment(CLEAN_REPORTS_CACHE_DIR=str(tmp_path / "from-env"))
    for _ in range(2):  # the second run reads it back
        done = run_installed("--check", "corpus", cwd=tmp_path, env=env)
        assert (done.returncode, done.stdout, done.stderr) == (
            expected.returncode,
            expected.stdout,
            expected.stderr,
        )
    assert remembered(tmp_path / "from-env") == 5
    assert not (tmp_path / CACHE_DIR).exists()


def test_cache_dir_from_the_environment_is_taken_from_the_current_folder(
    corpus: Path, tmp_path: Path
) -> None:
    env = environment(CLEAN_REPORTS_CACHE_DIR="relative/cache")
    run_installed("--check", "corpus", cwd=tmp_path, env=env)
    assert remembered(tmp_path / "relative" / "cache") == 5


def test_cache_dir_flag_beats_the_environment(corpus: Path, tmp_path: Path) -> None:
    env = environment(CLEAN_REPORTS_CACHE_DIR=str(tmp_path / "from-env"))
    run_installed("--check", "--cache-dir", "from-flag", "corpus", cwd=tmp_path, env=env)
    assert remembered(tmp_path / "from-flag") == 5
    assert not (tmp_path / "from-env").exists()


def test_cache_dir_environment_beats_the_config_file(corpus: Path, tmp_path: Path) -> None:
    """As a flag does: the variable is the flag's, set for a session (CI, a shared box)."""
    (tmp_path / ".clean-reports.toml").write_text('cache-dir = "from-config"\n', "utf-8")
    run_installed("--check", "corpus", cwd=tmp_path)
    assert remembered(tmp_path / "from-config") == 5
    shutil.rmtree(tmp_path / "from-config")
    env = environment(CLEAN_REPORTS_CACHE_DIR=str(tmp_path / "from-env"))
    run_installed("--check", "corpus", cwd=tmp_path, env=env)
    assert remembered(tmp_path / "from-env") == 5
    assert not (tmp_path / "from-config").exists()


def test_cache_dir_no_cache_beats_the_environment(corpus: Path, tmp_path: Path) -> None:
    env = environment(CLEAN_REPORTS_CACHE_DIR=str(tmp_path / "from-env"))
    run_installed("--check", "--no-cache", "corpus", cwd=tmp_path, env=env)
    run_installed("--in-place", "--no-cache", "corpus", cwd=tmp_path, env=env)
    assert not (tmp_path / "from-env").exists() and not (tmp_path / CACHE_DIR).exists()


def test_cache_dir_empty_in_the_environment_is_unset(corpus: Path, tmp_path: Path) -> None:
    run_installed("--check", "corpus", cwd=tmp_path, env=environment(CLEAN_REPORTS_CACHE_DIR=""))
    assert remembered(tmp_path / CACHE_DIR) == 5


def test_cache_dir_from_the_environment_through_click(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same in-process, as the Python API's callers and CliRunner see it."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"CLEAN_REPORTS_CACHE_DIR": str(tmp_path / "from-env")})
    assert runner.invoke(cli, ["--check", "corpus"]).exit_code == 1
    assert remembered(tmp_path / "from-env") == 5
    assert runner.invoke(cli, ["--check", "--cache-dir", "flag", "corpus"]).exit_code == 1
    assert remembered(tmp_path / "flag") == 5


# NO_COLOR


def test_no_color_takes_effect_and_color_always_beats_it(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\x00\x01\x02\x03")  # an error: drawn in red
    assert RED in run_on_terminal("--check", broken, env=environment(NO_COLOR=None))
    assert RED not in run_on_terminal("--check", broken, env=environment(NO_COLOR="1"))
    assert RED in run_on_terminal(
        "--check", "--color", "always", broken, env=environment(NO_COLOR="1")
    )


# RAY_ADDRESS


def test_ray_address_in_the_environment_leaves_local_runs_alone(corpus: Path) -> None:
    """Set for other Ray work in the same shell, it must not make a local run an error,
    while the flag, typed with --engine local, is one. That it joins the cluster with
    --engine ray is shown in test_ray.py, on a real cluster."""
    env = environment(RAY_ADDRESS="10.0.0.5:6379")
    done = run_installed("--check", "corpus", cwd=corpus.parent, env=env)
    assert done.returncode == 1 and "Found" in done.stdout
    typed = run_installed("--check", "--ray-address", "10.0.0.5:6379", "corpus", cwd=corpus.parent)
    assert typed.returncode == 2 and "--ray-address goes with --engine ray" in typed.stderr


# Read by the test suite


def pytest_run(*args: str, cwd: Path, **env: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment(**env),
        timeout=300,
        check=False,
    )


def test_fuzz_examples_sets_how_many_inputs_the_fuzz_test_tries(tmp_path: Path) -> None:
    fuzz = str(ROOT / "tests" / "test_fuzz.py")
    done = pytest_run(
        fuzz, "--hypothesis-show-statistics", cwd=tmp_path, CLEAN_REPORTS_FUZZ_EXAMPLES="7"
    )
    assert done.returncode == 0, done.stdout
    assert "settings.max_examples=7\n" in done.stdout
    assert "7 passing" in done.stdout


def test_require_ray_makes_a_missing_ray_a_failure(tmp_path: Path) -> None:
    """Ray hidden from the test run, as on a machine without it: its tests are skipped,
    unless the variable asks for them, and then they are collected to run (and fail)."""
    hidden = (
        "import sys; sys.modules['ray'] = None; import pytest; "
        f"sys.exit(pytest.main(['-p', 'no:cacheprovider', '--collect-only', '-q', "
        f"{str(ROOT / 'tests' / 'test_ray.py')!r}]))"
    )

    def collect(**env: str | None) -> str:
        done = subprocess.run(
            [sys.executable, "-c", hidden],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=environment(**env),
            timeout=120,
            check=False,
        )
        return done.stdout

    assert "SKIPPED [1]" in collect(CLEAN_REPORTS_REQUIRE_RAY=None)
    required = collect(CLEAN_REPORTS_REQUIRE_RAY="1")
    assert "skipped" not in required and re.search(r"\b\d+ tests? collected", required)


def recording_browser(tmp_path: Path) -> tuple[Path, Path]:
    """An executable that stands where Chromium would: it writes down how it was called
    and, asked for a screenshot, writes a PNG as large as a real one. Chromium itself
    cannot be assumed here; this shows only which program the browser tests run."""
    log = tmp_path / "browser-calls.txt"
    browser = tmp_path / "browser"
    browser.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"with open({str(log)!r}, 'a') as log:\n"
        "    print(*sys.argv[1:], file=log)\n"
        "for arg in sys.argv[1:]:\n"
        "    if arg.startswith('--screenshot='):\n"
        "        with open(arg.removeprefix('--screenshot='), 'wb') as shot:\n"
        "            shot.write(b'\\x89PNG\\r\\n\\x1a\\n' + bytes(30000))\n",
        encoding="utf-8",
    )
    browser.chmod(0o755)
    return browser, log


def test_chromium_names_the_browser_the_browser_tests_run(tmp_path: Path) -> None:
    browser, log = recording_browser(tmp_path)
    tests = str(ROOT / "tests" / "test_browser.py")
    done = pytest_run(tests, "-k", "screenshot", cwd=tmp_path, CLEAN_REPORTS_CHROMIUM=str(browser))
    assert "1 passed" in done.stdout, done.stdout
    assert "--headless" in log.read_text(encoding="utf-8")
    if shutil.which("chromium") is None:  # else PATH's chromium would run
        without = pytest_run(tests, "-k", "screenshot", cwd=tmp_path, CLEAN_REPORTS_CHROMIUM=None)
        assert "1 skipped" in without.stdout, without.stdout


def test_update_screenshot_copies_the_screenshot_into_docs(tmp_path: Path) -> None:
    """In a copy of the tests and fixtures, so that docs/report.png here is left alone."""
    browser, _ = recording_browser(tmp_path)
    copy = tmp_path / "checkout"
    for folder in ("tests", "fixtures"):
        shutil.copytree(ROOT / folder, copy / folder)
    shutil.copy(ROOT / "pyproject.toml", copy)
    (copy / "docs").mkdir()
    tests = str(copy / "tests" / "test_browser.py")
    kept = pytest_run(tests, "-k", "screenshot", cwd=copy, CLEAN_REPORTS_CHROMIUM=str(browser))
    assert "1 passed" in kept.stdout, kept.stdout
    assert not (copy / "docs" / "report.png").exists()
    updated = pytest_run(
        tests,
        "-k",
        "screenshot",
        cwd=copy,
        CLEAN_REPORTS_CHROMIUM=str(browser),
        CLEAN_REPORTS_UPDATE_SCREENSHOT="1",
    )
    assert "1 passed" in updated.stdout, updated.stdout
    assert (copy / "docs" / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# CLEAN_REPORTS_PURE_PYTHON


def test_pure_python_forces_the_python_view_with_the_same_findings(tmp_path: Path) -> None:
    forced = environment(CLEAN_REPORTS_PURE_PYTHON="1")
    usual = environment(CLEAN_REPORTS_PURE_PYTHON=None)
    said = run_installed("--version", cwd=tmp_path, env=forced).stdout
    assert said.endswith("; normalised view: pure Python (CLEAN_REPORTS_PURE_PYTHON is set)\n")
    assert (
        "CLEAN_REPORTS_PURE_PYTHON is set"
        not in run_installed("--version", cwd=tmp_path, env=usual).stdout
    )
    check = ("--check", "--no-cache", "--output-format", "json", SEEDS)
    assert run_installed(*check, cwd=tmp_path, env=forced).stdout == (
        run_installed(*check, cwd=tmp_path, env=usual).stdout
    )
