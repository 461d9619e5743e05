"""The Python API returns what the command line computes."""

from __future__ import annotations

import pickle

import pytest

import clean_reports
from clean_reports import (
    CleanResult,
    FileFailure,
    clean_bytes,
    clean_text,
    find_watermarks,
    load_rules,
)

from conftest import EXPECTED, SEED_NAMES, SEEDS, write_rule


@pytest.mark.parametrize("name", SEED_NAMES)
def test_clean_text_gives_the_golden_output(name: str) -> None:
    result = clean_text((SEEDS / name).read_text(encoding="utf-8"))
    assert isinstance(result, CleanResult)
    assert result.text == (EXPECTED / name).read_text(encoding="utf-8")


def test_matches_carry_rule_ids_and_positions() -> None:
    text = (SEEDS / "000_155c858b691bed45.txt").read_text(encoding="utf-8")
    matches = find_watermarks(text)
    assert [(m.rule_id, m.line, m.column) for m in matches] == [
        ("kule-banner", 1, 1),
        ("kule-member-notice", 15, 1),
        ("kule-footer", 18, 1),
        ("kule-footer", 35, 1),
    ]
    result = clean_text(text)
    assert result.matches == matches
    assert all(text[m.start : m.end] == m.text for m in matches)


def test_clean_bytes_detects_the_encoding() -> None:
    source = (SEEDS / "004_8809b8991031e2c1.txt").read_text(encoding="utf-8")
    cleaned = clean_bytes(source.encode("gb18030"))
    assert cleaned.decoded.encoding == cleaned.encoding == "gb18030"
    expected = (EXPECTED / "004_8809b8991031e2c1.txt").read_text(encoding="utf-8")
    assert cleaned.text == expected
    assert cleaned.utf8() == expected.encode("utf-8")
    assert cleaned.in_original_encoding() == expected.encode("gb18030")


def test_original_encoding_is_deprecated_for_a_name_that_says_what_it_returns() -> None:
    cleaned = clean_bytes((SEEDS / "004_8809b8991031e2c1.txt").read_bytes())
    with pytest.warns(DeprecationWarning, match="in_original_encoding"):
        assert cleaned.original_encoding() == cleaned.in_original_encoding()
    assert isinstance(cleaned.encoding, str)


def test_clean_bytes_refuses_what_it_cannot_decode() -> None:
    with pytest.raises(FileFailure, match="NUL"):
        clean_bytes(b"\x00\x00")


def test_own_rules_and_pickling(tmp_path) -> None:  # type: ignore[no-untyped-def]
    extra = write_rule(tmp_path / "extra.yaml", "demo", "广告", ["广告"])
    rules = load_rules(extra, default_rules=False)
    assert [rule.id for rule in rules] == ["demo"]
    assert clean_text("正文广告\n", rules).text == "正文\n"
    restored = pickle.loads(pickle.dumps(load_rules()))
    assert clean_text("正文\n酷乐文行整理，咨询QQ1234567\n", restored).text == "正文\n"


def test_package_root_exports_the_api() -> None:
    for name in clean_reports.__all__:
        assert getattr(clean_reports, name) is not None
    with pytest.raises(AttributeError):
        _ = clean_reports.no_such_thing  # type: ignore[attr-defined]
