"""The seeds: every output equals fixtures/expected byte for byte, and stays that way."""

from __future__ import annotations

import pytest

from clean_reports.core import clean, find
from clean_reports.model import Mode
from clean_reports.process import process

from conftest import EXPECTED, SEED_NAMES, SEEDS


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_cleans_to_the_expected_bytes(name: str, shipped_rules) -> None:  # type: ignore[no-untyped-def]
    processed = process((SEEDS / name).read_bytes(), shipped_rules, Mode.OUT_DIR, name)
    assert processed.output == (EXPECTED / name).read_bytes()


@pytest.mark.parametrize("name", SEED_NAMES)
def test_expected_output_is_clean_and_stable(name: str, shipped_rules) -> None:  # type: ignore[no-untyped-def]
    text = (EXPECTED / name).read_text(encoding="utf-8")
    assert find(text, shipped_rules) == ()
    assert clean(text, shipped_rules).text == text


def test_the_clean_seed_is_untouched(shipped_rules) -> None:  # type: ignore[no-untyped-def]
    data = (SEEDS / "002_d53a44d0590c27f1.txt").read_bytes()
    assert data == (EXPECTED / "002_d53a44d0590c27f1.txt").read_bytes()
    processed = process(data, shipped_rules, Mode.IN_PLACE, "002")
    assert not processed.changed and processed.output is None
