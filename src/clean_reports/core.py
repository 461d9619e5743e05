"""The pure core: text and rules in, clean text and what was removed out.

Nothing here touches a file, an encoding or the terminal, so every other part of the
tool (the CLI, the in-place writer, a future distributed engine) shares one definition
of "clean". The steps are:

1. every rule runs on the :mod:`view <clean_reports.view>` of the text (normalised unless
   the rule opts out); each match is mapped back to original offsets and claims a span
   (a ``line`` rule claims the whole lines it touches);
2. a match inside another claim is dropped, so one watermark is reported once;
3. span removals also take the whitespace between them and the line's edge, and a line
   left blank by removals goes as a whole;
4. around removed lines at most one blank line stays, none at the start or end of the
   file; lines no rule touched stay exactly as they were.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import regex

from .errors import RuleTimeout
from .rules import Removal, Rule
from .view import View, normalized_view, plain_view

DEFAULT_TIMEOUT = 10.0

_LINE_BREAK = regex.compile(r"\r\n|\r|\n")
# Whitespace and invisible format characters (zero-width spaces, joiners…): nothing a
# reader sees, so a line of them is blank and they go with a removal at a line's edge.
_BLANK = regex.compile(r"[\s\p{Cf}]*")


def _is_blank(text: str, start: int = 0, end: int | None = None) -> bool:
    return _BLANK.fullmatch(text, start, len(text) if end is None else end) is not None


class Line(NamedTuple):
    """A line of the original: ``[start, content_end)`` is its text, ``end`` is past its break."""

    start: int
    content_end: int
    end: int


class Match(NamedTuple):
    """One finding: a rule matched ``text`` at original offsets ``[start, end)``.

    Positions are 1-based lines and columns counted in characters; ``end_column`` is the
    column just after the last matched character on ``end_line``. ``normalized`` is what
    the rule saw: the match in the normalised view. ``row`` is set when the text is one
    record of a dataset (``--text-field``): the record's number in its file, from 1.
    """

    rule_id: str
    description: str
    start: int
    end: int
    text: str
    line: int
    column: int
    end_line: int
    end_column: int
    normalized: str = ""
    row: int | None = None


class CleanResult(NamedTuple):
    """The clean text, the findings, and the original ranges that were cut to produce it.

    ``dropped_lines`` and ``edited_lines`` are the indices (0-based, in the original) of
    the lines removed whole and of those that lost part of their text: what a diff of
    the change needs, without searching for it.
    """

    text: str
    matches: tuple[Match, ...]
    removed: tuple[tuple[int, int], ...]
    dropped_lines: tuple[int, ...] = ()
    edited_lines: tuple[int, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.removed)

    @property
    def chars_removed(self) -> int:
        return sum(end - start for start, end in self.removed)

    def hits(self) -> dict[str, int]:
        """Findings per rule id."""
        return dict(Counter(match.rule_id for match in self.matches))


class _Claim(NamedTuple):
    start: int
    end: int
    order: int
    rule: Rule
    match_start: int
    match_end: int
    seen: str


def _anchor(text: str, offset: int) -> int:
    """``offset``, moved off the LF of a CRLF so that the pair counts as one break."""
    if 0 < offset < len(text) and text[offset] == "\n" and text[offset - 1] == "\r":
        return offset - 1
    return offset


# Line breaks are looked for in windows that double from this size, never in all the
# text before (or after) an offset: one rfind of "\r" back to the start of a text that
# has none costs the whole prefix, and one per finding made a file with many findings
# cost its size squared (200 MB took 920 s). A report's line is a few hundred characters.
_WINDOW = 256


def line_start(text: str, offset: int, lower: int = 0) -> int:
    """Where the line holding ``offset`` starts, looking back no further than ``lower``.

    ``lower`` is a place the caller knows to be at or before that start (a line start
    it found, or an offset of that line): with no line break between it and ``offset``,
    ``lower`` is the answer. Each window searched is twice the one before, so the search
    costs at most about four times the distance to the line's start, not the text's.
    """
    offset = _anchor(text, offset)
    high, width = offset, _WINDOW
    while high > lower:
        low = max(lower, high - width)
        found = max(text.rfind("\n", low, high), text.rfind("\r", low, high))
        if found >= 0:
            return found + 1
        high, width = low, width * 2
    return lower


def content_end(text: str, offset: int, upper: int | None = None) -> int:
    """Where the text of the line holding ``offset`` ends (its line break starts), looking
    no further than ``upper`` (the text's end by default), which is the answer when no
    break comes before it. Searched in doubling windows, as :func:`line_start` is."""
    offset = _anchor(text, offset)
    limit = len(text) if upper is None else min(upper, len(text))
    low, width = offset, _WINDOW
    while low < limit:
        high = min(limit, low + width)
        newline = text.find("\n", low, high)
        found = text.find("\r", low, high if newline < 0 else newline)
        if found >= 0 or newline >= 0:
            return found if found >= 0 else newline
        low, width = high, width * 2
    return limit


class _LineCursor:
    """The lines of offsets asked in document order, each found from the one before.

    A search from the last offset asked looks only at the text between the two, so
    however many offsets are asked (a rule's matches, a file's findings), the text is
    looked over about once, even when they all lie on one long line. An offset before
    the last one's line is looked for on its own.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._at = 0  # the last offset asked, off the LF of a CRLF
        self._start = 0  # where its line starts
        self._end = -1  # where that line's text ends, once asked (else -1)
        self._counted = (0, 1)  # a line start and its 1-based number, to count on from

    def start(self, offset: int) -> int:
        """Where the line holding ``offset`` starts."""
        text = self._text
        offset = _anchor(text, offset)
        if offset < self._at:
            return self._start if offset >= self._start else line_start(text, offset)
        found = line_start(text, offset, self._at)
        if found > self._at:  # a line break lies between: a new line
            self._start, self._end = found, -1
        self._at = offset
        return self._start

    def end(self, offset: int) -> int:
        """Where the text of the line holding ``offset`` ends."""
        if self.start(offset) != self._start:  # before the last offset's line
            return content_end(self._text, offset)
        if self._end < 0:
            self._end = content_end(self._text, self._at)
        return self._end

    def number(self, offset: int) -> tuple[int, int] | None:
        """The 1-based number of the line holding ``offset`` and where it starts; None
        for an offset before the last one's line, which counting on cannot place."""
        start = self.start(offset)
        if start != self._start:
            return None
        known, number = self._counted
        if start > known:
            number += _breaks(self._text, known, start)
            self._counted = (start, number)
        return number, start


class _LineTable:
    """The lines of a text, split on first use: a text without findings never needs them,
    and finding (``--check``) only asks where a few offsets lie, which a search answers
    without splitting."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._cursor = _LineCursor(text)

    def locate(self, offset: int) -> tuple[int, int]:
        """The 1-based number of the line holding ``offset``, and where that line starts.

        Without the split lines, the breaks are counted on from the finding located last
        (findings come in document order), so a text is counted over about once. A
        finding that starts before the last one's line (claims can overlap) splits the
        text, once, as cleaning does anyway.
        """
        if "lines" not in self.__dict__:
            located = self._cursor.number(offset)
            if located is not None:
                return located
        index = self.index(offset)
        return index + 1, self.lines[index].start

    @functools.cached_property
    def lines(self) -> list[Line]:
        return split_lines(self._text)

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [line.start for line in self.lines]

    def index(self, offset: int) -> int:
        """The index of the line holding ``offset``."""
        return bisect_right(self._starts, offset) - 1


def _breaks(text: str, start: int, end: int) -> int:
    """The line breaks in ``text[start:end]``, neither end inside a CRLF."""
    return (
        text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
    )


def _uniform_split(text: str) -> tuple[list[str], str] | None:
    """The text cut at its line breaks, and the break, when all of them are LF or all
    CRLF, as in nearly every report; else None.

    str.split looks for one separator several times faster than str.splitlines looks
    at every character, and it leaves alone what splitlines would also break at (form
    feeds, U+2028…), which is text inside a report's line.
    """
    if "\r" not in text:
        return text.split("\n"), "\n"
    if text.count("\r\n") == text.count("\r") == text.count("\n"):
        return text.split("\r\n"), "\r\n"
    return None


def split_lines(text: str) -> list[Line]:
    """Split ``text`` into lines, recognising LF, CRLF and lone CR breaks."""
    lines: list[Line] = []
    position = 0
    uniform = _uniform_split(text)
    if uniform is not None:
        pieces, width = uniform[0], len(uniform[1])
        for piece in pieces[:-1]:
            end = position + len(piece)
            lines.append(Line(position, end, end + width))
            position = end + width
        if pieces[-1]:
            lines.append(Line(position, len(text), len(text)))
        return lines
    for brk in _LINE_BREAK.finditer(text):
        lines.append(Line(position, brk.start(), brk.end()))
        position = brk.end()
    if position < len(text):
        lines.append(Line(position, len(text), len(text)))
    return lines


def line_texts(text: str) -> list[str]:
    """The lines of ``text``, each with its own line break (LF, CRLF or CR)."""
    uniform = _uniform_split(text)
    if uniform is None:
        return [text[line.start : line.end] for line in split_lines(text)]
    pieces, brk = uniform
    lines = [piece + brk for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def find(
    text: str, rules: Sequence[Rule], *, timeout: float | None = DEFAULT_TIMEOUT
) -> tuple[Match, ...]:
    """Every watermark in ``text``, in document order, without deciding what to cut.

    ``timeout`` bounds each rule's time on the text (seconds); past it,
    :class:`~clean_reports.errors.RuleTimeout` is raised.
    """
    table = _LineTable(text)
    return tuple(_to_match(text, table, claim) for claim in _claims(text, rules, timeout))


def clean(
    text: str, rules: Sequence[Rule], *, timeout: float | None = DEFAULT_TIMEOUT
) -> CleanResult:
    """Remove what ``rules`` match from ``text``; see the module docstring for the shape."""
    table = _LineTable(text)
    claims = _claims(text, rules, timeout)
    if not claims:
        return CleanResult(text, (), ())
    lines = table.lines
    matches = tuple(_to_match(text, table, claim) for claim in claims)

    emptied: set[int] = set()
    cuts: dict[int, list[tuple[int, int]]] = {}
    for claim in claims:
        first = table.index(claim.start)
        last = table.index(max(claim.start, claim.end - 1))
        for index in range(first, last + 1):
            line = lines[index]
            if claim.rule.remove is Removal.LINE:
                emptied.add(index)
                continue
            start, end = max(claim.start, line.start), min(claim.end, line.content_end)
            if start < end:
                cuts.setdefault(index, []).append((start, end))

    edits: dict[int, list[tuple[int, int]]] = {}
    for index, spans in cuts.items():
        if index in emptied:
            continue
        line = lines[index]
        kept = _widen(text, line, _merge(spans))
        remainder = _remainder(text, line.start, line.content_end, kept)
        if _is_blank(remainder):
            emptied.add(index)
        else:
            edits[index] = kept

    dropped = _collapse_blank_runs(text, lines, emptied, edits)
    removed = _merge(
        [(lines[index].start, lines[index].end) for index in dropped]
        + [span for spans in edits.values() for span in spans]
    )
    return CleanResult(
        _remainder(text, 0, len(text), removed),
        matches,
        tuple(removed),
        tuple(sorted(dropped)),
        tuple(sorted(edits)),
    )


def _claims(text: str, rules: Sequence[Rule], timeout: float | None) -> list[_Claim]:
    """Run every rule and keep the matches that no earlier, larger claim already covers."""
    views: dict[bool, View] = {}
    raw: list[_Claim] = []
    for order, rule in enumerate(rules):
        lines = _LineCursor(text)  # a rule's matches come in document order
        view = views.get(rule.normalize)
        if view is None:
            view = views[rule.normalize] = (normalized_view if rule.normalize else plain_view)(text)
        try:
            found_all = list(rule.pattern.finditer(view.text, timeout=timeout))
        except TimeoutError:
            raise RuleTimeout(rule.id, timeout or 0) from None
        for found in found_all:
            if found.end() == found.start():
                continue
            start, end = view.original_span(found.start(), found.end())
            claim_start, claim_end = start, end
            if rule.remove is Removal.LINE:
                claim_start = lines.start(start)
                claim_end = max(lines.end(max(start, end - 1)), end)
            raw.append(_Claim(claim_start, claim_end, order, rule, start, end, found.group()))
    raw.sort(key=lambda claim: (claim.start, -claim.end, claim.order))
    kept: list[_Claim] = []
    reach = -1
    for claim in raw:
        if claim.end <= reach:
            continue
        kept.append(claim)
        reach = claim.end
    return kept


def _to_match(text: str, table: _LineTable, claim: _Claim) -> Match:
    start, end = claim.match_start, claim.match_end
    last = max(start, end - 1)
    line, line_begin = table.locate(start)
    end_line, end_begin = table.locate(last) if last > start else (line, line_begin)
    return Match(
        claim.rule.id,
        claim.rule.description,
        start,
        end,
        text[start:end],
        line,
        start - line_begin + 1,
        end_line,
        end - end_begin + 1,
        claim.seen,
    )


def _widen(text: str, line: Line, kept: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The merged spans of one line, each widened by :func:`_to_edge` until none changes.

    Widening one span can bring its neighbour to the edge, so widening every span until
    none changes took a round per span of a run of watermarks separated by spaces (4,000
    on a line: 13 s). Only the spans at the line's two ends can reach an edge, so they
    are widened first, each taking in the neighbours it comes to; the rounds over every
    span then change nothing and stop after one. Widening only grows spans, so the
    order reaches the same spans as the rounds alone did.
    """
    if not kept:
        return kept
    head, rest = kept[0], 1
    while True:
        start, end = _to_edge(text, line, head)
        while rest < len(kept) and kept[rest][0] <= end:
            end = max(end, kept[rest][1])
            rest += 1
        if (start, end) == head:
            break
        head = (start, end)
    kept = [head, *kept[rest:]]
    tail, before = kept[-1], len(kept) - 1
    while True:
        start, end = _to_edge(text, line, tail)
        while before > 0 and kept[before - 1][1] >= start:
            start = min(start, kept[before - 1][0])
            before -= 1
        if (start, end) == tail:
            break
        tail = (start, end)
    kept = [*kept[:before], tail]
    while True:  # the rounds, which now confirm what the ends' widening reached
        widened = _merge(_to_edge(text, line, span) for span in kept)
        if widened == kept:
            return kept
        kept = widened


def _to_edge(text: str, line: Line, span: tuple[int, int]) -> tuple[int, int]:
    """Widen a span over the whitespace that separates it from either edge of its line.

    When the span reaches an edge, the whitespace on its inner side would be left
    dangling at that edge, so it goes too; text on the other side is kept as it is.
    """
    start, end = span
    if _is_blank(text, line.start, start):
        start = line.start
        while end < line.content_end and _is_blank(text, end, end + 1):
            end += 1
    if _is_blank(text, end, line.content_end):
        end = line.content_end
        while start > line.start and _is_blank(text, start - 1, start):
            start -= 1
    return start, end


def _collapse_blank_runs(
    text: str, lines: list[Line], emptied: set[int], edits: dict[int, list[tuple[int, int]]]
) -> list[int]:
    """Indices of the lines to drop: emptied lines and the surplus blank lines around them.

    A run of consecutive emptied or blank lines that holds at least one emptied line keeps
    its first untouched blank line, or nothing when it touches the start or end of the
    file. Runs of blank lines without a removal are left alone, so only the lines next
    to an emptied one are looked at.
    """

    def in_run(index: int) -> bool:
        return index in emptied or _untouched_blank(text, lines[index], edits, index)

    dropped: list[int] = []
    count = len(lines)
    done = -1
    for index in sorted(emptied):
        if index <= done:  # inside the run of an earlier emptied line
            continue
        start, end = index, index + 1
        while start > 0 and in_run(start - 1):
            start -= 1
        while end < count and in_run(end):
            end += 1
        run = range(start, end)
        survivor = None
        if start > 0 and end < count:
            survivor = next((i for i in run if i not in emptied), None)
        dropped.extend(i for i in run if i != survivor)
        done = end - 1
    return dropped


def _untouched_blank(
    text: str, line: Line, edits: dict[int, list[tuple[int, int]]], index: int
) -> bool:
    return index not in edits and _is_blank(text, line.start, line.content_end)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and join the ones that overlap or touch."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _remainder(text: str, start: int, end: int, cut: Sequence[tuple[int, int]]) -> str:
    """``text[start:end]`` without the (sorted, disjoint) ``cut`` spans."""
    pieces: list[str] = []
    position = start
    for cut_start, cut_end in cut:
        pieces.append(text[position:cut_start])
        position = cut_end
    pieces.append(text[position:end])
    return "".join(pieces)
