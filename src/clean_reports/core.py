"""The pure core: text and rules in, clean text and what was removed out.

Nothing here touches a file, an encoding or the terminal, so every other part of the
tool (the CLI, the in-place writer, a future distributed engine) shares one definition
of "clean". The steps are:

1. every rule runs on the :mod:`view <clean_reports.view>` of the text (normalised unless
   the rule opts out); each match is mapped back to original offsets and claims a span
   (a ``line`` rule claims the whole lines it touches);
2. a span rule also runs on the view's lines joined in pairs where a line runs on into
   the next (no sentence's end between them), so a watermark a PDF or Word conversion
   broke over two lines is found as one;
3. a match inside another claim is dropped, so one watermark is reported once;
4. span removals on a line are bridged where only residue parts them, and take what
   separates them from the line's edge when that is residue (blanks, punctuation,
   decoration, HTML or Markdown leftovers), the dangling closers or openers on their
   inner side, and decoration enclosing them; a paragraph's indentation stays;
5. a line left holding only residue goes as a whole, and so do the decoration-only
   lines (separators) right above or below a removed line;
6. around removed lines at most one blank line stays, none at the start or end of the
   file; lines no rule touched stay exactly as they were.

Residue and wrapping are handled here, once, so that rules say what a watermark is and
not what it may leave behind.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import regex

from .errors import RuleTimeout
from .model import Match
from .rules import Removal, Rule
from .view import View, normalized_view, plain_view

DEFAULT_TIMEOUT = 10.0

_LINE_BREAK = regex.compile(r"\r\n|\r|\n")
# Whitespace and invisible format characters (zero-width spaces, joiners…): nothing a
# reader sees, so a line of them is blank and they go with a removal at a line's edge.
_BLANK = regex.compile(r"[\s\p{Cf}]*")


def _is_blank(text: str, start: int = 0, end: int | None = None) -> bool:
    return _BLANK.fullmatch(text, start, len(text) if end is None else end) is not None


# What a removal may leave that carries no text of the report: blanks, punctuation and
# symbols (brackets, dashes, ※, ★…), HTML tags and entities, Markdown marks.
_RESIDUE = regex.compile(
    r"(?:[\s\p{Cf}\p{P}\p{S}]|<[^<>\n]{0,80}>|&(?:[A-Za-z]{2,8}|#[0-9]{1,6}|#[xX][0-9A-Fa-f]{1,6});?)*"
)


def _is_residue(text: str, start: int = 0, end: int | None = None) -> bool:
    return _RESIDUE.fullmatch(text, start, len(text) if end is None else end) is not None


# Around a removal: characters that open or decorate something, that close it, and
# that end a sentence. Text cannot start with a closer or a sentence's end, nor end
# with an opener, so one left at a line's edge by a removal was the watermark's.
_OPENERS = "（([【〖「『《〈<{“\u2018"  # \u2018: a left single quote
_CLOSERS = "）)]】〗」』》〉>}”\u2019"  # \u2019: a right single quote
_MARKS = "—–-_=~*#※★☆◆◇■□●○▲△▼▽◎♦•·|/\\^`+"
_ENDS = "。！？!?.，,、；;：:…"
_AFTER_START = frozenset(_CLOSERS + _MARKS + _ENDS)  # dangling after a removal at a line's start
_BEFORE_END = frozenset(_OPENERS + _MARKS)  # dangling before a removal at a line's end
_INDENT = "\u3000\u3000"  # a paragraph's indentation: two ideographic spaces


class Line(NamedTuple):
    """A line of the original: ``[start, content_end)`` is its text, ``end`` is past its break."""

    start: int
    content_end: int
    end: int


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
        if _is_residue(remainder):
            emptied.add(index)
        else:
            edits[index] = kept

    emptied |= _separators(text, lines, emptied, edits)
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
    """Run every rule and keep the matches that no earlier, larger claim already covers.

    A span rule also runs on the view's wrapped lines joined (:func:`_joined`): what it
    finds there across a join is a watermark a converter broke over two lines.
    """
    views: dict[bool, View] = {}
    joined: dict[bool, _Joined | None] = {}
    raw: list[_Claim] = []
    for order, rule in enumerate(rules):
        lines = _LineCursor(text)  # a rule's matches come in document order
        view = views.get(rule.normalize)
        if view is None:
            view = plain_view(text) if not rule.normalize else without_markup(normalized_view(text))
            views[rule.normalize] = view
        found_all: list[regex.Match[str]] = []
        # The literal prefilter: on reports without watermarks core.find took 49-75 µs a
        # file with the shipped rules' literals and 84-101 µs without (2,000 generated
        # reports, in-process); on watermarked ones it costs nothing measurable.
        if rule.literals is None or rule.literals.search(view.text) is not None:
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
        if rule.remove is Removal.SPAN:
            if rule.normalize not in joined:
                joined[rule.normalize] = _joined(view.text)
            wrapped = joined[rule.normalize]
            if wrapped is not None:
                raw.extend(_wrapped_claims(view, wrapped, rule, order, timeout))
    raw.sort(key=lambda claim: (claim.start, -claim.end, claim.order))
    kept: list[_Claim] = []
    reach = -1
    for claim in raw:
        if claim.end <= reach:
            continue
        kept.append(claim)
        reach = claim.end
    return kept


# HTML and Markdown leftovers of a document converted from a web page or written in
# Markdown, as the normalised view shows them (blanks already gone): tags, blank
# entities, ** emphasis and the # or > that opens a line.
_MARKUP = regex.compile(
    r"</?[A-Za-z][^<>\n]{0,80}>"
    r"|&(?:nbsp|ensp|emsp|thinsp|zwsp|#160|#12288|#[xX]3000|#[xX][aA]0);?"
    r"|\*\*|(?<![^\n])(?:\#{1,6}|>{1,3})"
)


def _may_hold_markup(text: str) -> bool:
    """Whether ``text`` has a character markup starts with (plain searches: a pattern
    with ``^`` is tried at every position and cost more than the rest of a check)."""
    return (
        "<" in text
        or "&" in text
        or "**" in text
        or text.startswith(("#", ">"))
        or "\n#" in text
        or "\n>" in text
    )


def without_markup(view: View) -> View:
    """``view`` without the HTML and Markdown leftovers in it, mapping to the same
    original: formatting, not text, so rules tolerate it as they tolerate spaces, and
    what a removal leaves of it is residue. A view with none is returned as it is."""
    text = view.text
    if not _may_hold_markup(text):
        return view
    tokens = [found.span() for found in _MARKUP.finditer(text)]
    if not tokens:
        return view
    starts = list(view.view_starts) or [0]
    origins = list(view.origin_starts) or [0]
    breaks = list(view.break_lengths) or [0]
    kept: list[tuple[int, int]] = []
    position = 0
    for start, end in [*tokens, (len(text), len(text))]:
        if start > position:
            kept.append((position, start))
        position = end
    pieces: list[str] = []
    view_starts: list[int] = []
    origin_starts: list[int] = []
    break_lengths: list[int] = []
    at = 0
    for start, end in kept:
        pieces.append(text[start:end])
        k = bisect_right(starts, start) - 1
        position = start
        while position < end:
            segment_end = starts[k + 1] if k + 1 < len(starts) else len(text)
            piece_end = min(end, segment_end)
            view_starts.append(at)
            origin_starts.append(origins[k] + (0 if breaks[k] else position - starts[k]))
            break_lengths.append(breaks[k])
            at += piece_end - position
            position = piece_end
            k += 1
    return View("".join(pieces), view_starts, origin_starts, break_lengths)


# A line break in the view that a converter may have put inside a sentence: between two
# non-empty lines, after a character that ends neither a sentence nor a bracketed unit
# (the view has ！？；） in their ASCII forms). Other lines stay apart.
_JOINABLE = regex.compile(r"(?<=[^\n。!?;…】〗)\]>])\n(?=[^\n])")
# An id, number or address cut by a join: only their characters on one side of it.
_ALNUM = regex.compile(r"[0-9A-Za-z_\-./:?=&%]+")


class _Joined(NamedTuple):
    """Pairs of view lines joined at a joinable break between them, pairs apart by a
    line break.

    Piece ``k`` of the joined text starts at ``joined_starts[k]`` and is the view text
    from ``view_starts[k]`` on; pieces ``2i`` and ``2i + 1`` are the two lines of pair
    ``i``.
    """

    text: str
    joined_starts: list[int]
    view_starts: list[int]


def _joined(view_text: str) -> _Joined | None:
    """Every two view lines with a joinable break between them, joined; None when no
    break is joinable.

    A watermark broken by one line break lies within one pair, and ``^`` and ``$``
    still anchor at the pair's two outer line edges. Only the lines at joinable breaks
    are in it, so a report of one paragraph per line costs little more than its
    headings; a hard-wrapped one about twice its size.
    """
    pieces: list[str] = []
    joined_starts: list[int] = []
    view_starts: list[int] = []
    at = 0
    for found in _JOINABLE.finditer(view_text):
        brk = found.start()
        start = view_text.rfind("\n", 0, brk) + 1
        end = _line_end(view_text, brk + 1)
        if pieces:
            pieces.append("\n")
            at += 1
        pieces += [view_text[start:brk], view_text[brk + 1 : end]]
        joined_starts += [at, at + brk - start]
        view_starts += [start, brk + 1]
        at += end - start - 1
    if not pieces:
        return None
    return _Joined("".join(pieces), joined_starts, view_starts)


def _line_end(text: str, offset: int) -> int:
    found = text.find("\n", offset)
    return len(text) if found < 0 else found


def _wrapped_claims(
    view: View, wrapped: _Joined, rule: Rule, order: int, timeout: float | None
) -> list[_Claim]:
    """The rule's matches in the joined lines that cross a join, as claims.

    A pattern that ends in an open run (``[^\n]{2,24}``) would take the next line on
    here: rules keep such runs out of span patterns, or end them on their family's
    words.

    A match whose part on one side of a join is only letters, digits and an address's
    punctuation, with text of that line going on beyond it, is an id or address running
    into the next line's number (a QQ number into "12345人次", a URL into "3."), not a
    wrapped watermark: it is left out.
    """
    if rule.literals is not None and rule.literals.search(wrapped.text) is None:
        return []
    try:
        found_all = list(rule.pattern.finditer(wrapped.text, timeout=timeout))
    except TimeoutError:
        raise RuleTimeout(rule.id, timeout or 0) from None
    claims: list[_Claim] = []
    for found in found_all:
        j_start, j_end = found.span()
        if j_end == j_start or "\n" in found.group():  # empty, or across two pairs
            continue
        first = bisect_right(wrapped.joined_starts, j_start) - 1
        last = bisect_right(wrapped.joined_starts, j_end - 1) - 1
        if first == last or first % 2 or last != first + 1:  # does not cross a pair's join
            continue
        v_start = wrapped.view_starts[first] + j_start - wrapped.joined_starts[first]
        v_end = wrapped.view_starts[last] + j_end - wrapped.joined_starts[last]
        line_start = view.text.rfind("\n", 0, v_start) + 1
        first_end = view.text.find("\n", v_start)
        head = view.text[v_start:first_end]
        tail_start = wrapped.view_starts[last]
        tail = view.text[tail_start:v_end]
        if (
            _ALNUM.fullmatch(tail)
            and not _is_residue(view.text, v_end, _line_end(view.text, v_end))
        ) or (_ALNUM.fullmatch(head) and not _is_residue(view.text, line_start, v_start)):
            continue
        start, end = view.original_span(v_start, v_end)
        claims.append(_Claim(start, end, order, rule, start, end, found.group()))
    return claims


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
    """The merged spans of one line, bridged where only residue parts them
    (:func:`_bridge`), each widened by :func:`_to_edge` until none changes.

    Widening one span can bring its neighbour to the edge, so widening every span until
    none changes took a round per span of a run of watermarks separated by spaces (4,000
    on a line: 13 s). Only the spans at the line's two ends can reach an edge, so they
    are widened first, each taking in the neighbours it comes to; the rounds over every
    span then change nothing and stop after one. Widening only grows spans, so the
    order reaches the same spans as the rounds alone did.
    """
    if not kept:
        return kept
    kept = _bridge(text, kept)
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


def _bridge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The merged spans of a line, joined where only residue lies between two: the "，"
    between two halves of one notice that two rules took is the notice's too."""
    bridged = [spans[0]]
    for start, end in spans[1:]:
        if _is_residue(text, bridged[-1][1], start):
            bridged[-1] = (bridged[-1][0], end)
        else:
            bridged.append((start, end))
    return bridged


def _to_edge(text: str, line: Line, span: tuple[int, int]) -> tuple[int, int]:
    """Widen a span over what separates it from either edge of its line, if that is
    only residue (blanks, punctuation, decoration, markup), and over decoration that
    encloses it.

    When the span reaches an edge, what its inner side would leave dangling at that
    edge goes too: blanks, and after the line's start closing brackets, marks and a
    sentence's end (the "！】" of a stamp), before its end opening brackets and marks.
    The two ideographic spaces that indent a paragraph are the paragraph's and stay.
    A span with an opening bracket or mark just before it and a closing one just after
    takes them both: "前文〖…〗后文" loses its brackets with the watermark.
    """
    start, end = span
    if start > line.start and _is_residue(text, line.start, start):
        start = line.start
    if start == line.start:
        end = _dangling_after(text, end, line.content_end)
    if end < line.content_end and _is_residue(text, end, line.content_end):
        end = line.content_end
    if end == line.content_end:
        while start > line.start and (
            _is_blank(text, start - 1, start) or text[start - 1] in _BEFORE_END
        ):
            start -= 1
    elif start > line.start:
        start, end = _enclosed(text, line, start, end)
    return start, end


def _dangling_after(text: str, end: int, limit: int) -> int:
    """Past the blanks and closers a removal at a line's start leaves before its text,
    stopping at a paragraph's indentation."""
    while end < limit:
        if text.startswith(_INDENT, end):
            run = end
            while run < limit and _is_blank(text, run, run + 1):
                run += 1
            if run < limit:  # indentation before text: the paragraph's
                return end
        if not (_is_blank(text, end, end + 1) or text[end] in _AFTER_START):
            return end
        end += 1
    return end


def _enclosed(text: str, line: Line, start: int, end: int) -> tuple[int, int]:
    """The span with the decoration that encloses it on both sides, if any."""
    left = start
    while left > line.start and start - left < 8 and text[left - 1] in _BEFORE_END:
        left -= 1
    right = end
    while right < line.content_end and right - end < 2 and text[right] in _ENDS:
        right += 1
    closing = right
    while closing < line.content_end and closing - right < 8 and text[closing] in _CLOSERS + _MARKS:
        closing += 1
    if left < start and closing > right:
        return left, closing
    return start, end


def _separators(
    text: str, lines: list[Line], emptied: set[int], edits: dict[int, list[tuple[int, int]]]
) -> set[int]:
    """Untouched lines of nothing but decoration (a row of dashes, ※ or =) right above or
    below a removed line: the separators a stamp is set off with, which go with it."""
    found: set[int] = set()
    for index in sorted(emptied):
        for step in (-1, 1):
            near = index + step
            while 0 <= near < len(lines) and near not in emptied and near not in edits:
                line = lines[near]
                if near in found:
                    break
                if _is_blank(text, line.start, line.content_end) or not _is_residue(
                    text, line.start, line.content_end
                ):
                    break
                found.add(near)
                near += step
    return found


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
