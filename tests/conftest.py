"""Shared fixtures: the shipped rules, the seed corpus, and small helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from clean_reports.rules import Rule, load_rules, parse_rule_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
EXPECTED = ROOT / "fixtures" / "expected"
SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def shipped_rules() -> tuple[Rule, ...]:
    return load_rules([])


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def make_rules(yaml_text: str) -> list[Rule]:
    """Rules from an inline YAML document, as a rule file would give them."""
    return parse_rule_document(yaml.safe_load(yaml_text), "<test>")
