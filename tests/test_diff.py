"""Unified diffs of what was removed."""

from __future__ import annotations

from clean_reports.diff import unified_diff


def test_diff_shows_removed_lines_only() -> None:
    diff = unified_diff("标题\n广告\n正文\n", "标题\n正文\n", "a.txt")
    assert diff.splitlines() == [
        "--- a/a.txt",
        "+++ b/a.txt",
        "@@ -1,3 +1,2 @@",
        " 标题",
        "-广告",
        " 正文",
    ]


def test_missing_final_newline_is_marked() -> None:
    diff = unified_diff("正文\n广告", "正文\n", "a.txt")
    assert diff.endswith("-广告\n\\ No newline at end of file\n")


def test_crlf_lines_keep_their_endings() -> None:
    diff = unified_diff("一\r\n广告\r\n", "一\r\n", "a.txt")
    assert "-广告\r\n" in diff


def test_identical_texts_have_no_diff() -> None:
    assert unified_diff("一\n", "一\n", "a.txt") == ""
