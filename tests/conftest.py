"""Shared fixtures: the shipped rules, the seed corpus, and small helpers."""

from __future__ import annotations

import contextlib
import os
import pty
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from clean_reports.rules import Rule, load_rules, parse_rule_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
EXPECTED = ROOT / "fixtures" / "expected"
SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))
sys.path.insert(0, str(ROOT / "bench"))  # bench/disguise.py: disguises shared with the benchmarks


@pytest.fixture(scope="session")
def shipped_rules() -> tuple[Rule, ...]:
    return load_rules([])


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def write_rule(
    path: Path, rule_id: str, pattern: str, match: list[str], keep: list[str] | None = None
) -> Path:
    """Write a one-rule file, as a user would with ``--rules``."""
    examples: dict[str, list[str]] = {"match": match}
    if keep:
        examples["keep"] = keep
    rule = {"id": rule_id, "description": "demo", "pattern": pattern, "examples": examples}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"rules": [rule]}, allow_unicode=True), encoding="utf-8")
    return path


def script(name: str) -> str:
    """An installed console script of this environment (beside its Python), or on PATH."""
    beside_python = Path(sys.executable).with_name(name)
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (pip install -e '.[dev]')")
    return found


def run_installed(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``clean-reports`` console script as a user would."""
    return subprocess.run(
        [script("clean-reports"), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=timeout,
        check=False,
    )


def seed_copies(folder: Path, copies: int) -> list[Path]:
    """``copies`` folders of the seeds under ``folder`` (a corpus that takes a while)."""
    made = []
    for copy in range(copies):
        sub = folder / f"{copy:03d}"
        sub.mkdir(parents=True)
        for name in SEED_NAMES:
            shutil.copy(SEEDS / name, sub / name)
            made.append(sub / name)
    return made


def make_rules(yaml_text: str) -> list[Rule]:
    """Rules from an inline YAML document, as a rule file would give them."""
    return parse_rule_document(yaml.safe_load(yaml_text), "<test>")


def run_on_terminal(*args: str | Path, env: Mapping[str, str] | None = None) -> str:
    """Run the installed command with stderr on a pseudo-terminal; return what it drew.

    ``env`` is the whole environment (this process's by default); COLUMNS is set to 100
    so that what is drawn does not depend on the terminal the tests run in.
    """
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [script("clean-reports"), *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env={**(os.environ if env is None else env), "COLUMNS": "100"},
    )
    os.close(follower)
    chunks = []
    with contextlib.suppress(OSError):  # the terminal closed: the command has ended
        while chunk := os.read(leader, 65536):
            chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", errors="replace")
