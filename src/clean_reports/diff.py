"""Unified diffs of what cleaning removed, for people to review.

Cleaning knows which lines it dropped and which it shortened, so the diff does not
search for the change (difflib's SequenceMatcher is the slowest step of a run on large
corpora): it hands difflib those opcodes and lets it group them into hunks.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Literal

from .core import CleanResult, line_texts

_NO_NEWLINE = "\\ No newline at end of file\n"
Opcode = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]


def unified_diff(original: str, result: CleanResult, label: str, context: int = 3) -> str:
    """A unified diff from ``original`` to ``result.text``, headed ``a/label`` and ``b/label``
    (an absolute ``label`` heads both sides as it is).

    Lines keep their own endings, so CRLF files diff as CRLF; a last line without a
    line break gets git's "No newline at end of file" marker instead of running into
    the next diff line.
    """
    if not result.changed:
        return ""
    before, after = _marked(line_texts(original)), _marked(line_texts(result.text))
    matcher = _KnownChanges(_opcodes(len(before), result))
    relative = not label.startswith("/")
    header = [
        f"--- {'a/' if relative else ''}{label}\n",
        f"+++ {'b/' if relative else ''}{label}\n",
    ]
    return "".join(header + _hunks(matcher.get_grouped_opcodes(context), before, after))


class _KnownChanges(difflib.SequenceMatcher[str]):
    """A matcher told the opcodes instead of computing them; difflib groups them into hunks."""

    def __init__(self, opcodes: list[Opcode]) -> None:
        super().__init__(None, (), ())
        self._known = opcodes

    def get_opcodes(self) -> list[Opcode]:
        return self._known


def _opcodes(count: int, result: CleanResult) -> list[Opcode]:
    """difflib opcodes from the lines cleaning dropped and edited, in one step per change
    rather than per line: most of a report's lines are equal runs between a few changes."""
    changes: list[tuple[int, Literal["delete", "replace"]]] = sorted(
        [(index, "delete") for index in result.dropped_lines]
        + [(index, "replace") for index in result.edited_lines]
    )
    codes: list[Opcode] = []
    i = j = 0
    for index, tag in changes:
        if index > i:
            codes.append(("equal", i, index, j, j + index - i))
            j += index - i
        width = 0 if tag == "delete" else 1
        if codes and codes[-1][0] == tag and codes[-1][2] == index:
            previous = codes[-1]
            codes[-1] = (tag, previous[1], index + 1, previous[3], j + width)
        else:
            codes.append((tag, index, index + 1, j, j + width))
        i, j = index + 1, j + width
    if i < count:
        codes.append(("equal", i, count, j, j + count - i))
    return codes


def _hunks(
    groups: Iterable[list[tuple[str, int, int, int, int]]], before: list[str], after: list[str]
) -> list[str]:
    out: list[str] = []
    for group in groups:
        first, last = group[0], group[-1]
        old = _range(first[1], last[2])
        new = _range(first[3], last[4])
        out.append(f"@@ -{old} +{new} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend([" " + line for line in before[i1:i2]])
                continue
            out.extend(["-" + line for line in before[i1:i2]])
            out.extend(["+" + line for line in after[j1:j2]])
    return out


def _range(start: int, stop: int) -> str:
    """A hunk range as unified diffs write it (difflib's own convention)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if length == 0 else start + 1},{length}"


def _marked(lines: list[str]) -> list[str]:
    """The lines, the last one given git's marker if it has no line break: only the last
    line of a text can lack one, so the other lines are not looked at."""
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n" + _NO_NEWLINE
    return lines
