"""What README.md tells a user to type works, as written.

The install lines, the pre-commit snippet and the commit they pin are taken from the
README itself and run for real: pip installs the pinned commit from this repository into
a fresh virtual environment, and pre-commit runs the snippet's hooks in a corpus repo.
Only the repository's address is replaced (by this checkout's path), since the README
cannot know where a user gets clean-reports from. Tables and the rule format are checked
against what the command and the rule loader really accept.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import venv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from clean_reports.cli import cli
from clean_reports.rules import RuleError, parse_rule_document

from conftest import EXPECTED, ROOT, SEED_NAMES, SEEDS, run_installed, script

README = (ROOT / "README.md").read_text(encoding="utf-8")
PLACEHOLDER = "https://example.invalid/clean-reports"
WATERMARKED = "000_155c858b691bed45.txt"


def blocks(language: str) -> list[str]:
    """The README's fenced code blocks in one language, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```$", README, flags=re.MULTILINE | re.DOTALL)


def section(heading: str) -> str:
    """The text under one heading, up to the next heading of any level."""
    start = README.index(f"\n{heading}\n") + len(heading) + 2
    following = re.search(r"^#{2,3} ", README[start:], flags=re.MULTILINE)
    return README[start : start + following.start()] if following else README[start:]


def git(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def pip_install_lines() -> list[str]:
    """Every `pip install … @ git+…` line a user is shown, in shell blocks and workflows."""
    lines = []
    for block in blocks("sh") + blocks("yaml"):
        for line in block.splitlines():
            found = re.search(r"pip install '([^']*git\+[^']+)'", line)
            if found:
                lines.append(found.group(1))
    return lines


def pre_commit_snippet() -> dict[str, Any]:
    (config,) = [b for b in blocks("yaml") if b.startswith("repos:")]
    loaded: dict[str, Any] = yaml.safe_load(config)
    return loaded


def pinned_commits() -> set[str]:
    revs = {repo["rev"] for repo in pre_commit_snippet()["repos"]}
    revs |= {line.rsplit("@", 1)[1] for line in pip_install_lines()}
    return revs


@pytest.fixture(scope="module")
def full_history() -> None:
    """The pinned commit is older than this checkout; a shallow clone does not hold it."""
    if git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        pytest.skip("a shallow clone holds no history to find the pinned commit in")
    if git("rev-parse", "HEAD").returncode != 0:
        pytest.skip("not a git checkout")


def test_the_readme_shows_install_lines_and_pins() -> None:
    assert len(pip_install_lines()) >= 3  # a venv, one with extras, the CI workflow
    assert all(line.startswith("clean-reports") for line in pip_install_lines())
    assert "pip install clean-reports\n" not in README  # no such package on the index
    from clean_reports.sinks.formats import INFORMATION_URI

    assert INFORMATION_URI == PLACEHOLDER  # SARIF names the address the README does
    (commit,) = pinned_commits()  # one commit everywhere
    assert re.fullmatch(r"[0-9a-f]{40}", commit)


def test_every_pinned_commit_exists_and_holds_the_hooks(full_history: None) -> None:
    for commit in pinned_commits():
        assert git("cat-file", "-e", f"{commit}^{{commit}}").returncode == 0, commit
        assert git("merge-base", "--is-ancestor", commit, "HEAD").returncode == 0, commit
        hooks = git("show", f"{commit}:.pre-commit-hooks.yaml")
        assert hooks.returncode == 0, hooks.stderr
        ids = {hook["id"] for hook in yaml.safe_load(hooks.stdout)}
        assert {
            hook["id"] for repo in pre_commit_snippet()["repos"] for hook in repo["hooks"]
        } <= ids


def test_the_changelog_names_the_pinned_commit_as_the_latest_release() -> None:
    (commit,) = pinned_commits()
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(
        r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d\d-\d\d, commit ([0-9a-f]{40})$", changelog, re.M
    )
    assert releases, "CHANGELOG.md names no release commit"
    version, latest = releases[0]
    assert latest == commit
    pyproject = git("show", f"{commit}:pyproject.toml").stdout
    assert f'version = "{version}"' in pyproject


def test_the_opening_commands_are_what_ci_runs() -> None:
    commands = [line for line in blocks("sh")[0].splitlines() if line.startswith("python3")]
    install_and_run, install_and_test = commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test == (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[dev,ray]' && .venv/bin/pytest"
    )
    assert 'python3 -m venv "$venv"' in ci
    assert "\"$venv/bin/pip\" install --quiet -e '.[dev,ray]'" in ci
    assert '\n"$venv/bin/pytest"\n' in ci
    assert install_and_run.endswith(".venv/bin/clean-reports fixtures/seeds")
    assert '"$venv/bin/clean-reports" fixtures/seeds -o "$out"' in ci


@pytest.fixture(scope="module")
def installed(full_history: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the README's first install line, run as written
    but for the repository's address."""
    (line, *_) = pip_install_lines()
    # A host in the file URL: the pip that Python 3.11's venv brings refuses `file:///`
    # in a `name @ url` requirement.
    target = line.replace(PLACEHOLDER, f"file://localhost{ROOT.as_posix()}")
    assert target != line
    home = tmp_path_factory.mktemp("venv")
    venv.create(home / "venv", with_pip=True)
    python = home / "venv" / "bin" / "python"
    result = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", target],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return home / "venv" / "bin"


def test_the_pinned_install_line_installs_a_working_tool(installed: Path, tmp_path: Path) -> None:
    version = subprocess.run(
        [installed / "clean-reports", "--version"], capture_output=True, text=True, check=True
    )
    (commit,) = pinned_commits()
    declared = re.search(
        r'^version = "(.+?)"$', git("show", f"{commit}:pyproject.toml").stdout, re.M
    )
    assert declared is not None
    assert version.stdout.startswith(f"clean-reports, version {declared.group(1)}")
    result = subprocess.run(
        [installed / "clean-reports", str(SEEDS), "-o", str(tmp_path / "out"), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in SEED_NAMES:
        assert (tmp_path / "out" / name).read_bytes() == (EXPECTED / name).read_bytes()


@pytest.fixture
def corpus_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "corpus"
    (repo / "reports").mkdir(parents=True)
    shutil.copy(SEEDS / WATERMARKED, repo / "reports" / WATERMARKED)
    git("init", "-q", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "corpus", cwd=repo)
    return repo


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [script("pre-commit"), *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def write_snippet(repo: Path) -> dict[str, Any]:
    config = copy.deepcopy(pre_commit_snippet())
    for entry in config["repos"]:
        assert entry["repo"] == PLACEHOLDER
        entry["repo"] = str(ROOT)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return config


def test_the_pre_commit_snippet_runs_at_its_pinned_commit(
    full_history: None, corpus_repo: Path, tmp_path: Path
) -> None:
    write_snippet(corpus_repo)
    home = tmp_path / "pre-commit-home"
    first = pre_commit(corpus_repo, home, "run", "--all-files")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    report = corpus_repo / "reports" / WATERMARKED
    assert report.read_bytes() == (EXPECTED / WATERMARKED).read_bytes()
    second = pre_commit(corpus_repo, home, "run", "--all-files")
    assert second.returncode == 0, second.stdout + second.stderr


def test_autoupdate_freeze_moves_the_pin_to_the_newest_commit(
    full_history: None, corpus_repo: Path, tmp_path: Path
) -> None:
    write_snippet(corpus_repo)
    result = pre_commit(corpus_repo, tmp_path / "home", "autoupdate", "--freeze")
    assert result.returncode == 0, result.stdout + result.stderr
    updated = yaml.safe_load((corpus_repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    newest = git("rev-parse", "HEAD").stdout.strip()
    assert [entry["rev"] for entry in updated["repos"]] == [newest]


def test_the_output_format_table_lists_every_format() -> None:
    (option,) = [p for p in cli.params if p.name == "output_format"]
    assert isinstance(option.type, click.Choice)
    rows = re.findall(r"^\| `(\w+)` \|", section("### CI output formats"), flags=re.MULTILINE)
    assert rows == list(option.type.choices)


def without(document: Any, path: tuple[str | int, ...]) -> Any:
    changed = copy.deepcopy(document)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    return changed


def key_paths(document: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Each mapping key of the example, as a path; a list is entered at its first item."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield (*prefix, key)
            yield from key_paths(value, (*prefix, key))
    elif isinstance(document, list) and document and isinstance(document[0], dict):
        yield from key_paths(document[0], (*prefix, 0))


def test_the_rule_format_marks_exactly_the_keys_the_loader_requires() -> None:
    (example,) = [b for b in blocks("yaml") if b.startswith("description: what this file is for")]
    document = yaml.safe_load(example)
    assert parse_rule_document(document, "README.md")  # the example itself loads
    # Each key's comment, per name in document order: the order key_paths walks in.
    comments: dict[str, list[str]] = {}
    for line in example.splitlines():
        key = re.match(r"^\s*(?:- )?(\w+):", line)
        if key:
            comments.setdefault(key.group(1), []).append(line.partition("#")[2].strip())
    for path in key_paths(document):
        name = str(path[-1])
        said = comments[name].pop(0)
        if name in {"text", "expect"}:
            continue  # the parts of a clean example, documented beside `clean`
        try:
            parse_rule_document(without(document, path), "README.md")
            required = False
        except RuleError:
            required = True
        assert said.startswith("required") == required, (path, said)
        if not required:
            assert said.startswith("optional"), (path, said)


def test_a_file_that_fails_gets_no_output_and_is_listed_failed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02\x03binary")
    result = run_installed(corpus, "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert not (tmp_path / "out" / "binary.txt").exists()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    (failed,) = [f for f in summary["files"] if f["status"] == "failed"]
    assert failed["path"].endswith("binary.txt") and failed.get("output") is None
    assert "gets none, is listed in `summary.json` with status `failed`" in README.replace(
        "\n", " "
    )


def test_the_rule_tables_list_exactly_the_shipped_rules_and_packs() -> None:
    from clean_reports.rules import available_packs, load_rules

    rows = re.findall(r"^\| `([\w.-]+)` \| (?:lines|span) \|", section("## Rules"), re.MULTILINE)
    assert rows == [rule.id for rule in load_rules(())]
    packs = section("### Packs for other document mills")
    named = re.findall(r"^\| `([\w-]+)`(?:, `([\w-]+)`)*", packs, re.MULTILINE)
    assert sorted(name for row in named for name in row if name) == available_packs()
