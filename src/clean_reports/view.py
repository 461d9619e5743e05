"""The text that rules see, and the way back to the original.

Resellers and copy-paste chains disguise watermarks: full-width letters (ＱＱ２０６),
spaced-out or zero-width-split characters (酷 乐 文 行, 酷\u200b乐), traditional
characters (酷樂文行), padding with ideographic or no-break spaces. Rules are written
once, in plain form, and run on a **normalised view** of the document:

- every line break is ``"\\n"``;
- invisible format characters (Unicode Cf: zero-width spaces and joiners, word joiner,
  BOM, bidi marks, soft hyphen…) and horizontal whitespace (spaces, tabs, ideographic
  and no-break spaces) are dropped, so a rule tolerates them between any two characters;
- compatibility forms become their plain form (NFKC), where that is one character:
  full-width letters, digits and punctuation become ASCII (``，`` → ``,``);
- traditional characters become simplified (OpenCC ``t2s``);
- case is ignored by compiling normalised rules with IGNORECASE.

The view keeps, for each of its characters, the span of the original it came from, so
a match maps back to exactly the original characters, nothing around them. Patterns of
normalised rules go through the same normalisation (:func:`normalize_pattern`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any, NamedTuple

import regex

from . import _compiled_view

_LINE_BREAK = regex.compile(r"(\r\n?)")
# The commoner alternative first: spaces and indents outnumber CRs, and the order makes
# the scan a quarter faster (both never match at the same place).
_DROPPED = regex.compile(r"[\p{Cf}\p{Zs}\t]+|(\r\n?)")
# The same for a text without invisible format characters, as nearly all are: one
# property to test per character instead of two makes the scan and the search for them
# together cheaper by a third.
_FORMAT = regex.compile(r"\p{Cf}")
_SPACES = regex.compile(r"[\p{Zs}\t]+|(\r\n?)")
_HORIZONTAL = regex.compile(r"[\p{Cf}\p{Zs}\t]")
_REGEX_SPECIAL = frozenset("\\.^$*+?{}[]()|#-&~")


class View(NamedTuple):
    """``text`` as rules see it, and the map back to the original.

    The view is a sequence of segments, each starting at view index ``view_starts[k]``
    and original index ``origin_starts[k]``: a run of kept characters (one view character
    per original character) or a line break (one ``"\n"`` standing for the
    ``break_lengths[k]`` characters of a CR, LF or CRLF; 0 marks a run). Dropped
    characters lie between segments. No segments means the view maps one to one.
    Storing segments rather than a position per character keeps the map as small as the
    number of lines and dropped runs.
    """

    text: str
    view_starts: Sequence[int] = ()
    origin_starts: Sequence[int] = ()
    break_lengths: Sequence[int] = ()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty view span back to the original text."""
        return self._start_of(start), self._end_of(end - 1)

    def _start_of(self, index: int) -> int:
        if not self.view_starts:
            return index
        k = bisect_right(self.view_starts, index) - 1
        return self.origin_starts[k] + index - self.view_starts[k]

    def _end_of(self, index: int) -> int:
        if not self.view_starts:
            return index + 1
        k = bisect_right(self.view_starts, index) - 1
        if self.break_lengths[k]:
            return self.origin_starts[k] + self.break_lengths[k]
        return self.origin_starts[k] + index - self.view_starts[k] + 1


def plain_view(original: str) -> View:
    """The view for rules that opt out of normalisation: CRLF and lone CR become LF."""
    if "\r" not in original:
        return View(original)
    return _build(original, _LINE_BREAK, normalise=False)


def normalized_view(original: str) -> View:
    """The normalised view described in the module docstring."""
    if _compiled_build is not None:  # compiled: 5-7 µs a file, not 72-85 (bench/view_time.py)
        return _compiled_build(original)
    dropped = _SPACES if _FORMAT.search(original) is None else _DROPPED
    return _build(original, dropped, normalise=True)


def _build(original: str, dropped: regex.Pattern[str], *, normalise: bool) -> View:
    pieces: list[str] = []
    view_starts: list[int] = []
    origin_starts: list[int] = []
    break_lengths: list[int] = []
    at_view = position = 0

    def segment(origin: int, length: int, break_length: int) -> None:
        nonlocal at_view
        view_starts.append(at_view)
        origin_starts.append(origin)
        break_lengths.append(break_length)
        at_view += length

    for found in dropped.finditer(original):
        start, end = found.span()
        if start > position:
            pieces.append(original[position:start])
            segment(position, start - position, 0)
        if found.group(1):  # a line break stays, as one "\n"; the rest is dropped
            pieces.append("\n")
            segment(start, 1, end - start)
        position = end
    if position == 0:  # nothing dropped, no CR: the view maps one to one
        text = original
    else:
        if position < len(original):
            pieces.append(original[position:])
            segment(position, len(original) - position, 0)
        text = "".join(pieces)
    if normalise:
        text = to_simplified(compatibility_forms(text))
    return View(text, view_starts, origin_starts, break_lengths)


_FULL_WIDTH = regex.compile("[\uff01-\uff5e]")  # their ASCII forms are 0xFEE0 lower
_FULL_WIDTH_OFFSET = 0xFEE0


def compatibility_forms(text: str) -> str:
    """NFKC for each character whose NFKC form is one character (length-preserving).

    Full-width ASCII (，：ＱＱ２０…), by far the commonest in Chinese text, is replaced
    one character at a time: a report uses a handful of them, each many times, so a
    search for the next one still there and a replace of all of it beat a substitution
    call per occurrence (and a look for each of the 94 in turn).
    The full table (built on first use: it takes longer than checking a report) is
    applied only to a text that has any other of its characters, which is rare.
    """
    found = _FULL_WIDTH.search(text)
    while found is not None:
        wide = found.group()
        text = text.replace(wide, chr(ord(wide) - _FULL_WIDTH_OFFSET))
        found = _FULL_WIDTH.search(text, found.start())
    if unicodedata.is_normalized("NFKC", text) or not _rare_compatibility_forms().search(text):
        return text
    return text.translate(_nfkc_table())


@functools.cache
def _rare_compatibility_forms() -> re.Pattern[str]:
    rare = "".join(chr(c) for c in _nfkc_table() if not 0xFF01 <= c <= 0xFF5E)
    return re.compile("[" + re.escape(rare) + "]")


@functools.cache
def _nfkc_table() -> dict[int, str]:
    """Every character whose NFKC form is one other character (length-preserving NFKC)."""
    table: dict[int, str] = {}
    for code in range(0x10000):
        char = chr(code)
        plain = _plain_form(char)
        if plain != char:
            table[code] = plain
    return table


def _plain_form(char: str) -> str:
    """The character's NFKC form when that is one character, else the character."""
    normal = unicodedata.normalize("NFKC", char)
    return normal if len(normal) == 1 and ord(char) < 0x10000 else char


@functools.cache
def _converter() -> Any:
    import opencc  # a C++ extension: loaded only once a text needs it

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` with traditional characters made simplified, never changing its length.

    OpenCC converts phrases, which may change the length in rare cases; a line whose
    length would change is converted character by character instead, so the view keeps
    its one-to-one map to the original.
    """
    converter = _converter()  # converting is cheaper than looking for what to convert
    converted = converter.convert(text)
    if len(converted) == len(text):
        return text if converted == text else str(converted)
    lines = []
    for line in text.split("\n"):
        simple = converter.convert(line)
        if len(simple) != len(line):
            simple = "".join(
                c if len(c) == 1 else ch
                for ch, c in zip(line, map(converter.convert, line), strict=True)
            )
        lines.append(simple)
    return "\n".join(lines)


def normalize_pattern(pattern: str) -> str:
    """Normalise a rule pattern the way the view is normalised, keeping it a valid regex.

    Traditional characters become simplified, compatibility forms their plain form (a
    full-width ``（`` becomes an escaped ``\\(``, still a literal), and literal spaces
    and invisible characters outside character classes go, as they do in the view.
    """
    pattern = to_simplified(pattern)
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        plain = _plain_form(char)
        if escaped:
            out.append(plain)
            escaped = False
            continue
        if char == "\\":
            out.append(char)
            escaped = True
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif not in_class and _HORIZONTAL.match(char):
            continue
        if plain != char and plain in _REGEX_SPECIAL:
            out.append("\\" + plain)
        else:
            out.append(plain)
    return "".join(out)


# The compiled view (the optional extension, see _compiled_view.py) when it is built from
# these very sources and CLEAN_REPORTS_PURE_PYTHON is not set; else None, and the Python
# view above, which is also the reference it is tested against. VIEW_KIND says which.
# It pays: --check of the 50 MB bench corpus took 2.0-2.5 s of CPU against 3.1-3.9 s.
_COMPILED = _compiled_view.load(__file__, View, to_simplified)
_compiled_build = _COMPILED.build
VIEW_KIND = _COMPILED.kind


def view_fingerprint() -> str:
    """A digest of everything the view is made from, as installed now: what a normalised
    pattern remembered between runs must have been made under to be used."""
    return _compiled_view.fingerprint(__file__)
