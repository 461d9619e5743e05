"""The pure core on (input, expected) pairs: what goes, what stays, blank lines."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_reports.core import clean, find, line_texts, split_lines

from conftest import make_rules

RULES = make_rules(
    r"""
rules:
  - id: footer
    description: vendor footer
    remove: span
    pattern: 酷乐文行整理，咨询QQ\d+
    examples: {match: ["酷乐文行整理，咨询QQ1"]}
  - id: banner
    description: banner line
    remove: line
    pattern: ^广告横幅.*$
    examples: {match: ["广告横幅"]}
  - id: tag
    description: inline tag
    remove: span
    pattern: 【内部资料】
    examples: {match: ["【内部资料】"]}
"""
)

WM = "酷乐文行整理，咨询QQ206157060"

PAIRS = [
    # untouched text, including odd blank lines and whitespace, comes out identical
    ("正文\n\n\n结尾\n\n", "正文\n\n\n结尾\n\n"),
    (" \n正文\r\n\r\n", " \n正文\r\n\r\n"),
    ("", ""),
    # a whole-line watermark between paragraphs
    (f"一\n{WM}\n二\n", "一\n二\n"),
    (f"一\n\n{WM}\n\n二\n", "一\n\n二\n"),
    (f"一\n\n\n{WM}\n\n\n二\n", "一\n\n二\n"),
    (f"标题\n\n{WM}\n正文\n", "标题\n\n正文\n"),
    # at the start and the end: no blank lines left there, exactly one final newline
    (f"{WM}\n\n正文\n", "正文\n"),
    (f"\n\n{WM}\n正文\n", "正文\n"),
    (f"正文\n\n{WM}\n\n\n", "正文\n"),
    (f"正文\n{WM}", "正文\n"),
    (f"{WM}\n", ""),
    # glued to a paragraph: only the span and the whitespace towards the edge go
    (f"一年来的工作。{WM}\n下一段\n", "一年来的工作。\n下一段\n"),
    (f"一年来的工作。  {WM}  \n", "一年来的工作。\n"),
    (f"{WM} 正文开始\n", "正文开始\n"),
    (f"\u3000{WM}\u3000正文开始\n", "正文开始\n"),
    (f"前文{WM}后文\n", "前文后文\n"),
    (f"前文 {WM} 后文\n", "前文  后文\n"),
    (f"正文。{WM}", "正文。"),
    # a span rule inside a line that also holds another span
    ("【内部资料】标题【内部资料】\n", "标题\n"),
    # line rules take the whole line, and lines with several findings go once
    ("广告横幅 第一行\n正文\n", "正文\n"),
    ("正文\n\n广告横幅\n\n广告横幅二\n\n结尾\n", "正文\n\n结尾\n"),
    (f"广告横幅{WM}\n正文\n", "正文\n"),
    # line endings are kept as they are: CRLF, CR and mixed
    (f"一\r\n\r\n{WM}\r\n\r\n二\r\n", "一\r\n\r\n二\r\n"),
    (f"一\r{WM}\r二\r", "一\r二\r"),
    (f"一\n{WM}\r\n二\r\n", "一\n二\r\n"),
    (f"正文\r\n\r\n{WM}\r\n", "正文\r\n"),
    # whitespace-only lines count as blank lines
    (f"一\n \u3000\n{WM}\n\t\n二\n", "一\n \u3000\n二\n"),
]


@pytest.mark.parametrize(("text", "expected"), PAIRS)
def test_clean(text: str, expected: str) -> None:
    assert clean(text, RULES).text == expected


@pytest.mark.parametrize(("text", "expected"), PAIRS)
def test_clean_is_idempotent(text: str, expected: str) -> None:
    once = clean(text, RULES).text
    assert clean(once, RULES).text == once


@pytest.mark.parametrize(("text", "_expected"), PAIRS)
def test_removed_ranges_rebuild_the_clean_text(text: str, _expected: str) -> None:
    result = clean(text, RULES)
    kept, position = [], 0
    for start, end in result.removed:
        assert position <= start < end <= len(text)
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    assert "".join(kept) == result.text
    assert result.chars_removed == len(text) - len(result.text)
    assert result.changed == (result.text != text)


def test_matches_carry_rule_ids_and_positions() -> None:
    text = f"标题\r\n正文。{WM}\r\n广告横幅\r\n"
    matches = clean(text, RULES).matches
    assert [(m.rule_id, m.line, m.column, m.end_line, m.end_column) for m in matches] == [
        ("footer", 2, 4, 2, 4 + len(WM)),
        ("banner", 3, 1, 3, 5),
    ]
    assert matches[0].text == WM
    assert text[matches[0].start : matches[0].end] == WM
    assert find(text, RULES) == matches


def test_a_match_inside_another_is_reported_once() -> None:
    rules = make_rules(
        r"""
rules:
  - id: outer
    description: whole footer
    pattern: 整理，咨询QQ\d+
    examples: {match: ["整理，咨询QQ1"]}
  - id: inner
    description: any QQ number
    pattern: QQ\d+
    examples: {match: ["QQ1"]}
"""
    )
    result = clean("正文\n整理，咨询QQ123\n另有QQ456\n", rules)
    assert [m.rule_id for m in result.matches] == ["outer", "inner"]
    assert result.hits() == {"outer": 1, "inner": 1}
    assert result.text == "正文\n另有\n"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_numbers_of_overlapping_findings(newline: str) -> None:
    """A finding may start on a line before the one the previous finding ended on."""
    rules = make_rules(
        r"""
rules:
  - id: long
    description: three lines
    normalize: false
    pattern: 甲\R乙丙\R丁
    examples: {match: ["甲\n乙丙\n丁"]}
  - id: later
    description: starts inside the first
    normalize: false
    pattern: 丙\R丁\R戊
    examples: {match: ["丙\n丁\n戊"]}
"""
    )
    text = newline.join(["正文", "甲", "乙丙", "丁", "戊", "己"])
    expected = [("long", 2, 1, 4, 2), ("later", 3, 2, 5, 2)]
    for matches in (find(text, rules), clean(text, rules).matches):
        assert [
            (m.rule_id, m.line, m.column, m.end_line, m.end_column) for m in matches
        ] == expected


def test_multiline_line_rule_removes_every_line_it_touches() -> None:
    rules = make_rules(
        r"""
rules:
  - id: block
    description: two-line block
    remove: line
    pattern: ^开始\n结束$
    examples: {match: ["开始\n结束"]}
"""
    )
    assert clean("开始\n结束\n正文\n", rules).text == "正文\n"
    assert clean("开始\r\n结束\r\n正文\r\n", rules).text == "正文\r\n"


def test_split_lines() -> None:
    text = "a\r\nb\rc\nd"
    assert [(text[s:c], text[c:e]) for s, c, e in split_lines(text)] == [
        ("a", "\r\n"),
        ("b", "\r"),
        ("c", "\n"),
        ("d", ""),
    ]
    assert split_lines("") == []


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("a\r\nb\rc\nd", [("a", "\r\n"), ("b", "\r"), ("c", "\n"), ("d", "")]),
        ("a\r\r\nb\n", [("a", "\r"), ("", "\r\n"), ("b", "\n")]),
        ("\n\r\n\r", [("", "\n"), ("", "\r\n"), ("", "\r")]),
        # characters str.splitlines would break at are text inside a report's line
        ("a\u2028b\x85c\fd\ve\x1cf\r\ng", [("a\u2028b\x85c\fd\ve\x1cf", "\r\n"), ("g", "")]),
        ("述职报告\u3000\n", [("述职报告\u3000", "\n")]),
        # ... also as the last character, where str.splitlines ends a piece anyway
        ("a\x0b", [("a\x0b", "")]),
        ("\u2029", [("\u2029", "")]),
        ("a\n\x85", [("a", "\n"), ("\x85", "")]),
        ("a\r\x1e\r\n", [("a", "\r"), ("\x1e", "\r\n")]),
    ],
)
def test_lines_break_at_lf_crlf_and_cr_only(text: str, lines: list[tuple[str, str]]) -> None:
    assert [(text[s:c], text[c:e]) for s, c, e in split_lines(text)] == lines
    assert line_texts(text) == [content + brk for content, brk in lines]


def test_lines_are_split_at_lf_crlf_and_cr_whatever_surrounds_them() -> None:
    """Every text of up to five characters from breaks, other break characters and text."""
    for length in range(6):
        for chars in itertools.product("a\r\n\x0b\x85\u2028", repeat=length):
            text = "".join(chars)
            ends = [i + 1 for i, c in enumerate(text) if c in "\r\n" and text[i : i + 2] != "\r\n"]
            starts = [0, *ends]
            if starts[-1] == len(text):
                starts.pop()
            expected = [text[s:e] for s, e in zip(starts, [*ends, len(text)], strict=False)]
            assert line_texts(text) == expected, repr(text)
            assert [text[s:e] for s, _c, e in split_lines(text)] == expected, repr(text)
            assert all(text[s:c] == text[s:e].rstrip("\r\n") for s, c, e in split_lines(text))


def test_spans_brought_to_the_edge_by_a_neighbour_take_their_whitespace_too() -> None:
    text = f"标题\u3000\u3000{WM}\u3000{WM}\n"
    assert clean(text, RULES).text == "标题\n"


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from(["正文", WM, "广告横幅", "\n", "\r\n", "\r", " ", "【内部资料】", "。"]),
        max_size=25,
    )
)
def test_finding_places_matches_where_cleaning_does(parts: list[str]) -> None:
    """``find`` locates lines by searching, ``clean`` by splitting: they must agree."""
    text = "".join(parts)
    assert find(text, RULES) == clean(text, RULES).matches


# --- what a removal leaves, and watermarks a converter wrapped ------------------------------

RESIDUE_PAIRS = [
    # a line left with nothing but decoration, punctuation or markup goes with its break
    (f"〖{WM}〗\n正文\n", "正文\n"),
    (f"——{WM}——\n正文\n", "正文\n"),
    (f"※※{WM}※※\r\n正文\r\n", "正文\r\n"),
    (f"<p>{WM}</p>\n正文\n", "正文\n"),
    (f"**{WM}**\n正文\n", "正文\n"),
    (f"&nbsp;{WM}&nbsp;<br>\n正文\n", "正文\n"),
    # left glued to text: what dangles at the line's edge goes, the text's punctuation stays
    (f"【{WM}！】正文\n", "正文\n"),
    (f"一年来的工作。（{WM}）\n", "一年来的工作。\n"),
    (f"一年来的工作。——{WM}\n", "一年来的工作。\n"),
    (f"现将工作汇报如下：{WM}\n", "现将工作汇报如下：\n"),
    (f"{WM}（一）加强学习。\n", "（一）加强学习。\n"),
    # decoration enclosing a watermark inside a line goes with it; bare punctuation stays
    (f"前文〖{WM}〗后文\n", "前文后文\n"),
    (f"前文。{WM}。后文\n", "前文。。后文\n"),
    # a paragraph's two ideographic spaces of indentation are the paragraph's
    (f"{WM}\u3000\u3000正文开始\n", "\u3000\u3000正文开始\n"),
    (f"【{WM}】\u3000\u30002020年，正文\n", "\u3000\u30002020年，正文\n"),
    # separator lines right around a removed line go with it, others stay
    (f"正文\n——————\n{WM}\n——————\n正文二\n", "正文\n正文二\n"),
    (f"正文\n==========\n\n{WM}\n\n正文二\n", "正文\n==========\n\n正文二\n"),
    # two removals with only punctuation between them are one
    ("【内部资料】，【内部资料】\n正文\n", "正文\n"),
    # a watermark broken by one line break, on lines of its own or glued to a paragraph
    ("正文\n酷乐文行整\n理，咨询QQ206157060\n二\n", "正文\n二\n"),
    ("正文\r\n酷乐文行整理，咨询Q\r\nQ206157060\r\n二\r\n", "正文\r\n二\r\n"),
    ("一年来的工作。酷乐文行整理，咨\n询QQ206157060\n二\n", "一年来的工作。\n二\n"),
    ("酷乐文行整理，咨询QQ2061\n57060\n（一）加强学习。\n", "（一）加强学习。\n"),
]


@pytest.mark.parametrize(("text", "expected"), RESIDUE_PAIRS)
def test_residue_and_wrapping(text: str, expected: str) -> None:
    result = clean(text, RULES)
    assert result.text == expected
    assert clean(result.text, RULES).text == result.text


def test_a_wrapped_watermark_is_reported_across_its_lines() -> None:
    text = "正文\n酷乐文行整\n理，咨询QQ206157060\n"
    (match,) = find(text, RULES)
    assert (match.rule_id, match.line, match.column, match.end_line) == ("footer", 2, 1, 3)
    assert match.text == "酷乐文行整\n理，咨询QQ206157060"


def test_lines_that_end_a_sentence_are_not_joined() -> None:
    text = "正文\n酷乐文行整理，咨询！\nQQ206157060\n"
    assert clean(text, RULES).text == text


def test_an_id_does_not_run_into_the_next_lines_number() -> None:
    rules = make_rules(
        r"""
rules:
  - id: qq
    description: a QQ number
    pattern: 咨询QQ\d+
    examples: {match: ["咨询QQ1"]}
"""
    )
    text = "全年咨询QQ20615\n7060人次，同比增长。\n"
    assert clean(text, rules).text == "全年\n7060人次，同比增长。\n"


def test_markup_around_a_line_watermark() -> None:
    for text in ("<p>广告横幅</p>\n正文\n", "# 广告横幅\n正文\n", "> **广告横幅**\n正文\n"):
        assert clean(text, RULES).text == "正文\n", text
