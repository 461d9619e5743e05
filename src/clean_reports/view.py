"""The text that rules see, and the way back to the original.

Rules are written once, against a tidy form of the text (today: every line ending is
``"\\n"``), yet what is removed must be exactly the original characters. A :class:`View`
is that tidy text plus an offset map, so a match on the view maps to a span of the
original. Later normalisations (width, invisible characters, script) extend this module
without touching the rules or the core.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import regex

_LINE_BREAK = regex.compile(r"\r\n?")


@dataclass(frozen=True)
class View:
    """``text`` as rules see it; ``offsets[i]`` is where view character ``i`` starts originally.

    ``offsets`` has one entry more than ``text`` (the original's length), so a view span
    ``[start, end)`` maps to ``[offsets[start], offsets[end])``. ``None`` means the view
    is the original itself, the common case, which costs nothing.
    """

    text: str
    offsets: array[int] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a view span back to the original text."""
        if self.offsets is None:
            return start, end
        return self.offsets[start], self.offsets[end]


def make_view(original: str) -> View:
    """Build the view of ``original``: CRLF and lone CR become LF."""
    if "\r" not in original:
        return View(original)
    offsets: array[int] = array("q")
    pieces: list[str] = []
    position = 0
    for brk in _LINE_BREAK.finditer(original):
        start, end = brk.span()
        pieces.append(original[position:start])
        pieces.append("\n")
        offsets.extend(range(position, start + 1))
        position = end
    pieces.append(original[position:])
    offsets.extend(range(position, len(original) + 1))
    return View("".join(pieces), offsets)
