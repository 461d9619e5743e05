"""Unified diffs of what was removed, built from what cleaning knows it changed."""

from __future__ import annotations

import difflib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_reports.core import CleanResult, clean
from clean_reports.diff import unified_diff

from conftest import SEED_NAMES, SEEDS, make_rules

RULES = make_rules(
    r"""
rules:
  - id: ad
    description: advert line
    remove: line
    pattern: ^广告.*$
    examples: {match: [广告]}
  - id: tag
    description: inline tag
    pattern: 【内部】
    examples: {match: [【内部】]}
"""
)


def diff(text: str, label: str = "a.txt") -> str:
    return unified_diff(text, clean(text, RULES), label)


def apply(original: str, patch: str) -> str:
    """Apply a unified diff to ``original`` (what `patch` does), to check a diff is right."""
    lines = original.splitlines(keepends=True)
    out: list[str] = []
    position = 0
    body = patch.splitlines(keepends=True)[2:]
    index = 0
    while index < len(body):
        header = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", body[index])
        assert header, body[index]
        start = int(header[1]) - (0 if header[2] == "0" else 1)
        out.extend(lines[position:start])
        position = start
        index += 1
        while index < len(body) and not body[index].startswith("@@"):
            line = body[index]
            if line.startswith("\\"):  # the line before it has no line break
                if body[index - 1][0] in "+ ":
                    out[-1] = out[-1].removesuffix("\n")
            elif line[0] == " ":
                out.append(lines[position])
                position += 1
            elif line[0] == "-":
                position += 1
            else:
                out.append(line[1:])
            index += 1
    out.extend(lines[position:])
    return "".join(out)


def test_diff_shows_removed_lines_only() -> None:
    assert diff("标题\n广告\n正文\n").splitlines() == [
        "--- a/a.txt",
        "+++ b/a.txt",
        "@@ -1,3 +1,2 @@",
        " 标题",
        "-广告",
        " 正文",
    ]


def test_edited_line_shows_as_replaced() -> None:
    assert diff("标题\n正文【内部】\n").splitlines()[2:] == [
        "@@ -1,2 +1,2 @@",
        " 标题",
        "-正文【内部】",
        "+正文",
    ]


def test_missing_final_newline_is_marked() -> None:
    patch = diff("正文\n广告")
    assert patch.endswith("-广告\n\\ No newline at end of file\n")


def test_crlf_lines_keep_their_endings() -> None:
    assert "-广告\r\n" in diff("一\r\n广告\r\n二\r\n")


def test_absolute_label_heads_both_sides() -> None:
    assert diff("广告\n正文\n", "/abs/a.txt").startswith("--- /abs/a.txt\n+++ /abs/a.txt\n")


def test_unchanged_text_has_no_diff() -> None:
    assert unified_diff("一\n", CleanResult("一\n", (), ()), "a.txt") == ""


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_diffs_are_what_difflib_would_write(name: str, shipped_rules) -> None:  # type: ignore[no-untyped-def]
    text = (SEEDS / name).read_text(encoding="utf-8")
    result = clean(text, shipped_rules)
    expected = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            result.text.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )
    assert unified_diff(text, result, name) == expected


LINES = st.sampled_from(
    ["正文", "广告", "广告页脚", "", "  ", "正文【内部】", "【内部】", "结尾。"]
)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(LINES, min_size=1, max_size=30),
    final=st.booleans(),
    context=st.integers(min_value=0, max_value=4),
)
def test_applying_the_diff_gives_the_clean_text(
    lines: list[str], final: bool, context: int
) -> None:
    text = "\n".join(lines) + ("\n" if final else "")
    result = clean(text, RULES)
    patch = unified_diff(text, result, "a.txt", context)
    assert (patch == "") == (not result.changed)
    if patch:
        assert apply(text, patch) == result.text
