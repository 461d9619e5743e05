"""Pattern sets answer exactly as pathspec does, joined into one search or not."""

from __future__ import annotations

import pytest
from pathspec import GitIgnoreSpec

from clean_reports.patterns import Patterns
from clean_reports.walk import DEFAULT_EXCLUDE

PATHS = [
    "a.txt",
    "dir/a.txt",
    "dir/",
    "deep/dir/b.md",
    ".git/",
    "x/.git/",
    "x/.git/config",
    "venv/",
    "src/venv/lib/a.txt",
    "drafts/2020/a.txt",
    "keep.txt",
    "dir/keep.txt",
    "a/b",
    "a/x/y/b",
    "ab.txt",
    "b.txt",
    "c.txt",
    "报告/述职报告.txt",
    "notes.txt/",
    "",
]

SETS = [
    list(DEFAULT_EXCLUDE),
    ["*.txt"],
    ["*.txt", "*.md"],
    ["dir/", "/a.txt"],
    ["drafts/", "a/**/b", "[ab].txt"],
    ["*.txt", "!keep.txt"],
    ["dir/", "!dir/keep.txt"],
    ["报告/"],
    ["# a comment", ""],
    [],
]


@pytest.mark.parametrize("lines", SETS, ids=lambda lines: "|".join(lines) or "empty")
def test_answers_as_pathspec(lines: list[str]) -> None:
    patterns, spec = Patterns(lines), GitIgnoreSpec.from_lines(lines)
    for path in PATHS:
        expected = spec.check_file(path)
        assert patterns.check(path) == (expected.include, expected.index), path
        assert patterns.matches(path) == bool(spec.match_file(path)), path


def test_negations_are_left_to_pathspec() -> None:
    assert Patterns(["*.txt"])._any is not None
    assert Patterns(["*.txt", "!keep.txt"])._any is None
