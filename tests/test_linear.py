"""A file's cost grows with its size, not with its size times its findings.

Timing is noisy, so these tests count work instead: the characters that the searches
for line breaks (``find``, ``rfind``, ``count`` on the text) are given to look at. A
text made of one report repeated four times over must cost four times as much, and a
match must not cost a search back to the start of the file.
"""

from __future__ import annotations

import itertools
from typing import SupportsIndex

import pytest
from large import dense_report  # bench/large.py: the text the benchmark times

from clean_reports.core import clean, content_end, find, line_start, split_lines
from clean_reports.process import contexts
from clean_reports.rules import Rule

from conftest import make_rules

FOOTER = "酷乐文行整理，咨询QQ206157060"


class CountingText(str):
    """A text that tallies how many characters its searches are given to look at.

    The window of each call is counted, whether or not the search stops early: what an
    implementation asks for is what it may pay.
    """

    examined = 0

    def _window(self, start: SupportsIndex | None, end: SupportsIndex | None) -> int:
        low = 0 if start is None else max(0, int(start))
        high = len(self) if end is None else min(len(self), int(end))
        return max(0, high - low)

    def find(
        self, sub: str, start: SupportsIndex | None = None, end: SupportsIndex | None = None
    ) -> int:
        CountingText.examined += self._window(start, end)
        return super().find(sub, start, end)

    def rfind(
        self, sub: str, start: SupportsIndex | None = None, end: SupportsIndex | None = None
    ) -> int:
        CountingText.examined += self._window(start, end)
        return super().rfind(sub, start, end)

    def count(
        self, sub: str, start: SupportsIndex | None = None, end: SupportsIndex | None = None
    ) -> int:
        CountingText.examined += self._window(start, end)
        return super().count(sub, start, end)


def examined_per_char(work: object, text: str) -> float:
    """Characters looked at per character of ``text`` while ``work(text)`` runs."""
    counted = CountingText(text)
    CountingText.examined = 0
    work(counted)  # type: ignore[operator]
    return CountingText.examined / len(text)


BREAKS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


@pytest.mark.parametrize("newline", BREAKS.values(), ids=BREAKS.keys())
@pytest.mark.parametrize("step", ["find", "clean"])
def test_searching_for_lines_costs_the_same_per_character_at_four_times_the_size(
    shipped_rules: tuple[Rule, ...], newline: str, step: str
) -> None:
    unit = dense_report().replace("\n", newline)
    run = {"find": find, "clean": clean}[step]
    small = examined_per_char(lambda text: run(text, shipped_rules), unit * 4)
    large = examined_per_char(lambda text: run(text, shipped_rules), unit * 16)
    # A search back to the file's start for every match makes the large text cost
    # four times as much per character: the old code looked at about 900 characters per
    # character of the small text and 3,600 of the large one; now it is 0.1 to 5.
    assert large < 1.25 * small
    assert large < 12


@pytest.mark.parametrize("newline", BREAKS.values(), ids=BREAKS.keys())
def test_context_around_a_match_is_looked_for_near_the_match(
    shipped_rules: tuple[Rule, ...], newline: str
) -> None:
    text = dense_report().replace("\n", newline) * 16
    matches = find(text, shipped_rules)
    counted = CountingText(text)
    CountingText.examined = 0
    around = contexts(counted, matches, 40)
    assert CountingText.examined <= len(matches) * 4 * 40
    assert around == contexts(text, matches, 40)  # the same text as an unbounded search


# (text, offset, lower, expected): the start of the line holding ``offset``, looking
# back no further than ``lower``, a place the caller knows is at or before that start.
FAR = "正文" * 5000
LINE_STARTS = [
    ("abc", 2, 0, 0),
    ("ab\ncd", 3, 0, 3),  # at a line's start
    ("ab\ncd", 4, 0, 3),
    ("ab\ncd", 2, 0, 0),  # on the break itself: the break ends the line
    ("ab\r\ncd", 3, 0, 0),  # the LF of a CRLF belongs to the line it ends
    ("ab\r\ncd", 4, 0, 4),
    ("ab\r\ncd", 5, 0, 4),
    ("ab\rcd", 3, 0, 3),  # a lone CR
    ("ab\rcd\nef", 5, 0, 3),
    ("ab\ncd\ref", 7, 0, 6),
    (FAR + "\nxy", len(FAR) + 2, 0, len(FAR) + 1),  # far from the file's start
    (FAR + "\r\nxy", len(FAR) + 3, 0, len(FAR) + 2),
    (FAR + "\rxy", len(FAR) + 2, 0, len(FAR) + 1),
    ("x" + FAR + "y", len(FAR), 0, 0),  # a long line, searched back to its start
    ("x" + FAR + "y", len(FAR), 100, 100),  # ... or to the bound the caller gives
    ("ab\ncd\nef", 7, 3, 6),  # a break after the bound is found
    ("ab\ncd\nef", 4, 3, 3),  # the bound is the line's start
    ("ab\r\ncd", 4, 2, 4),  # the bound on the CR of a CRLF
]


@pytest.mark.parametrize(("text", "offset", "lower", "expected"), LINE_STARTS)
def test_line_start_looks_back_no_further_than_its_bound(
    text: str, offset: int, lower: int, expected: int
) -> None:
    assert line_start(text, offset, lower) == expected
    if lower == 0:
        assert line_start(text, offset) == expected


def test_line_start_examines_only_the_text_between_its_bound_and_the_offset() -> None:
    text = CountingText("ab\n" + "正" * 100_000 + FOOTER)
    CountingText.examined = 0
    assert line_start(text, len(text) - 3, len(text) - 50) == len(text) - 50
    assert CountingText.examined <= 2 * 47


# (text, offset, upper, expected): where the text of the line holding ``offset`` ends,
# looking no further than ``upper``.
CONTENT_ENDS = [
    ("abc", 1, None, 3),
    ("ab\ncd", 0, None, 2),
    ("ab\ncd", 2, None, 2),
    ("ab\r\ncd", 3, None, 2),  # from the LF of a CRLF: the break starts at the CR
    ("ab\rcd", 0, None, 2),
    ("ab\ncd\ref", 3, None, 5),
    ("ab\rcd\nef", 3, None, 5),
    ("xy\n" + FAR + "\nz", 3, None, len(FAR) + 3),
    ("xy" + FAR + "\r\n", 0, None, len(FAR) + 2),
    ("xy" + FAR + "\r", 0, None, len(FAR) + 2),
    ("xy" + FAR + "\n", 0, 100, 100),  # the bound when no break comes before it
    ("ab\ncd", 0, 100, 2),
]


@pytest.mark.parametrize(("text", "offset", "upper", "expected"), CONTENT_ENDS)
def test_content_end_looks_no_further_than_its_bound(
    text: str, offset: int, upper: int | None, expected: int
) -> None:
    assert content_end(text, offset, upper) == expected


@pytest.mark.parametrize("newline", BREAKS.values(), ids=BREAKS.keys())
def test_findings_far_into_a_text_are_placed_as_a_split_of_it_places_them(
    newline: str,
) -> None:
    rules = make_rules(
        r"""
rules:
  - {id: footer, description: d, remove: span, pattern: 'QQ\d+', examples: {match: [QQ1]}}
  - {id: banner, description: d, remove: line, pattern: '^广告.*$', examples: {match: [广告]}}
  - {id: long, description: d, remove: span, pattern: '末尾\n+广告', normalize: false,
     examples: {match: ["末尾\n广告"]}}
"""
    )
    pieces = ["正文QQ1正文QQ22", "广告横幅", "", "QQ3", "末尾", "广告", "正文" * 300 + "QQ4"]
    text = newline.join(itertools.islice(itertools.cycle(pieces), 400)) + newline
    found = find(text, rules)
    assert found == clean(text, rules).matches
    lines = split_lines(text)
    for match in found[-20:]:
        line = next(n for n, ln in enumerate(lines, 1) if ln.start <= match.start < ln.end)
        assert match.line == line
        assert match.column == match.start - lines[line - 1].start + 1
    assert found[-1].line == len(lines)


def test_the_dense_report_has_a_finding_every_few_hundred_characters(
    shipped_rules: tuple[Rule, ...],
) -> None:
    unit = dense_report()
    assert len(find(unit, shipped_rules)) > len(unit) / 300


@pytest.mark.parametrize(
    ("before", "after", "left"),
    [("", "", None), ("", " 正文内容", "正文内容"), ("正文内容 ", "", "正文内容")],
)
def test_a_run_of_watermarks_on_one_line_is_widened_in_one_pass(
    shipped_rules: tuple[Rule, ...],
    monkeypatch: pytest.MonkeyPatch,
    before: str,
    after: str,
    left: str | None,
) -> None:
    """Widening every span of a line until none changes took a round per span of a run
    of watermarks separated by spaces (each round brings one more to the edge): 4,000
    on a line took 13 s. Now the spans at the line's ends are widened first."""
    from clean_reports import core

    calls = 0
    to_edge = core._to_edge

    def counted(*args: object) -> tuple[int, int]:
        nonlocal calls
        calls += 1
        return to_edge(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(core, "_to_edge", counted)
    count = 300
    run = "\u3000".join([FOOTER] * count)
    text = f"标题\n{before}\u3000{run}  {after}\n结尾\n"
    result = clean(text, shipped_rules)
    assert result.text == "标题\n" + ("" if left is None else left + "\n") + "结尾\n"
    assert calls <= 4 * count
