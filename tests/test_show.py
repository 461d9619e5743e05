"""What a run would do, asked before it runs: ``--show-settings``, ``--show-files``, ``-v``.

Run through the installed console script, in a repository whose config file, an
environment variable and flags each set something, over a folder with files the config
excludes and a .gitignore ignores.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from clean_reports.cli import cli

from conftest import SEEDS, run_installed, write_rule

TAKEN = ["000_155c858b691bed45.txt", "001_8ccc2d55e0a5d909.txt"]
EXCLUDED = "002_d53a44d0590c27f1.txt"  # under drafts/, which the config excludes
# the keys of a config file (README, "Configuration")
CONFIG_KEYS = {
    *("rules", "packs", "no-default-rules", "include", "exclude", "extend-exclude"),
    *("force-exclude", "no-gitignore", "output-dir", "output-format", "select", "ignore"),
    *("per-file-ignores", "max-removal", "regex-timeout", "max-size", "encoding"),
    *("output-encoding", "text-field", "cache-dir", "no-cache"),
}
LINE = re.compile(r"^(?P<key>[a-z-]+) = (?P<value>.*?) +# (?P<origin>.+)$")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    corpus = repo / "corpus"
    (corpus / "drafts").mkdir(parents=True)
    for name in TAKEN:
        shutil.copy(SEEDS / name, corpus / name)
    shutil.copy(SEEDS / EXCLUDED, corpus / "drafts" / EXCLUDED)
    (corpus / "ignored.txt").write_text("述职报告\n", encoding="utf-8")
    (corpus / "notes.md").write_text("述职报告\n", encoding="utf-8")
    (repo / ".gitignore").write_text("corpus/ignored.txt\n", encoding="utf-8")
    (repo / "pyproject.toml").write_text(
        "[tool.clean-reports]\n"
        'extend-exclude = ["drafts/"]\n'
        'select = ["kule-*"]\n'
        "regex-timeout = 5\n"
        "[tool.clean-reports.per-file-ignores]\n"
        '"corpus/notes.md" = ["kule-footer"]\n',
        encoding="utf-8",
    )
    return repo


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "CLEAN_REPORTS_CACHE_DIR": str(tmp_path / "cache")}


def settings_of(stdout: str) -> dict[str, tuple[str, str]]:
    """``key = value  # origin`` lines, by key."""
    found: dict[str, tuple[str, str]] = {}
    for line in stdout.splitlines()[3:]:
        match = LINE.match(line)
        assert match, line
        assert match["key"] not in found, line
        found[match["key"]] = (match["value"], match["origin"])
    return found


def test_show_settings_gives_every_value_and_where_it_came_from(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    args = ("--show-settings", "--check", "--max-removal", "20", "corpus")
    result = run_installed(*args, cwd=repo, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert not (tmp_path / "cache").exists()  # nothing was run
    head = result.stdout.splitlines()[:3]
    assert head == ["config file: pyproject.toml", f"root: {repo}", ""]
    settings = settings_of(result.stdout)
    assert settings["extend-exclude"] == ('["drafts/"]', "config file pyproject.toml")
    assert settings["select"] == ('["kule-*"]', "config file pyproject.toml")
    assert settings["regex-timeout"] == ("5.0", "config file pyproject.toml")
    assert settings["per-file-ignores"] == (
        '{"corpus/notes.md" = ["kule-footer"]}',
        "config file pyproject.toml",
    )
    cache = f'"{tmp_path / "cache"}"'
    assert settings["cache-dir"] == (cache, "environment variable CLEAN_REPORTS_CACHE_DIR")
    assert settings["max-removal"] == ("20.0", "command line --max-removal")
    assert settings["check"] == ("true", "command line --check")
    assert settings["max-size"] == ("50.0", "default")
    assert settings["ignore"] == ("[]", "default")
    assert settings["encoding"] == ("none", "default")
    assert settings["output-dir"] == ('"cleaned"', "default (not used by --check)")
    assert settings["jobs"][1] == "default (all cores)"
    # every setting a config file can hold, and every other option of the command line
    asks = ("paths", "list_rules", "show_settings", "show_files", "version")
    flags = {max(p.opts, key=len).lstrip("-") for p in cli.params if p.name not in asks}
    assert set(settings) == CONFIG_KEYS | (flags - {"pack"})  # --pack sets packs


def test_a_flag_beats_the_variable_and_the_config_file(repo: Path, env: dict[str, str]) -> None:
    args = ("--show-settings", "--cache-dir", "here", "--select", "kule-footer", "corpus")
    settings = settings_of(run_installed(*args, cwd=repo, env=env).stdout)
    assert settings["cache-dir"] == ('"here"', "command line --cache-dir")
    assert settings["select"] == ('["kule-footer"]', "command line --select")
    without = {k: v for k, v in env.items() if k != "CLEAN_REPORTS_CACHE_DIR"}
    settings = settings_of(run_installed("--show-settings", cwd=repo, env=without).stdout)
    assert settings["cache-dir"] == (
        f'"{repo / ".clean-reports-cache"}"',
        "default (.clean-reports-cache in the root)",
    )


def test_show_files_lists_what_a_run_takes(repo: Path, env: dict[str, str]) -> None:
    args = ("--include", "*.md", "corpus")
    result = run_installed("--show-files", *args, cwd=repo, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [*(f"corpus/{n}" for n in TAKEN), "corpus/notes.md"]
    # the very files a run reads
    run = run_installed("--check", "-v", "--no-cache", *args, cwd=repo, env=env)
    read = [line.split(": ")[0] for line in run.stderr.splitlines() if ": utf-8, " in line]
    assert read == result.stdout.splitlines()
    verbose = run_installed("--show-files", "-v", *args, cwd=repo, env=env)
    assert verbose.stdout == result.stdout
    assert "corpus/drafts: skipped (excluded by 'drafts/')" in verbose.stderr
    assert "corpus/ignored.txt: skipped (ignored by .gitignore)" in verbose.stderr
    unignored = run_installed("--show-files", "--no-gitignore", "corpus", cwd=repo, env=env)
    assert "corpus/ignored.txt" in unignored.stdout.splitlines()


def test_show_files_leaves_out_the_output_folder(repo: Path) -> None:
    (repo / "corpus" / "out").mkdir()
    shutil.copy(SEEDS / TAKEN[0], repo / "corpus" / "out" / TAKEN[0])
    into = run_installed("--show-files", "-o", "corpus/out", "corpus", cwd=repo)
    assert into.stdout.splitlines() == [f"corpus/{n}" for n in TAKEN]
    check = run_installed("--show-files", "--check", "corpus", cwd=repo)
    assert f"corpus/out/{TAKEN[0]}" in check.stdout.splitlines()


def test_verbose_names_the_config_file_rule_files_and_cache_folder(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    extra = write_rule(repo / "extra.yaml", "title-year", "2020年开发区", ["2020年开发区"])
    result = run_installed("--check", "-v", "--rules", extra, "corpus", cwd=repo, env=env)
    lines = result.stderr.splitlines()
    assert lines[0] == "config file: pyproject.toml"
    assert lines[1] == f"cache folder: {tmp_path / 'cache'}"
    assert re.fullmatch(r"rule file: /.*/kule\.yaml \(\d+ rules?\)", lines[2]), lines[2]
    assert "rule file: extra.yaml (1 rule)" in lines
    first_file = next(i for i, line in enumerate(lines) if line.startswith("corpus/"))
    assert all(line.startswith("rule file: ") for line in lines[2:first_file])
    diff = run_installed("--diff", "-v", "corpus", cwd=repo, env=env)
    assert "cache folder: none (only --check and --in-place use one)" in diff.stderr
    both = run_installed("--check", "--diff", "-v", "corpus", cwd=repo, env=env)
    assert "cache folder: none (--check --diff cleans each file to show its diff)" in both.stderr
    off = run_installed("--check", "-v", "--no-cache", "corpus", cwd=repo, env=env)
    assert "cache folder: none (--no-cache is set)" in off.stderr
    quiet = run_installed("--check", "corpus", cwd=repo, env=env)
    assert "config file" not in quiet.stderr and "rule file" not in quiet.stderr


def test_the_show_options_take_no_company(repo: Path) -> None:
    both = run_installed("--show-settings", "--show-files", "corpus", cwd=repo)
    assert both.returncode == 2
    assert "--show-settings and --show-files cannot be combined" in both.stderr
    nothing = run_installed("--show-files", cwd=repo)
    assert nothing.returncode == 2
    assert "no PATH given" in nothing.stderr
