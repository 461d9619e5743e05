"""One file's bytes through decode → clean → encode, with no I/O.

This is the unit of work of every engine: it takes the bytes and returns the bytes to
write (if any), the findings and the facts to report, or raises
:class:`~clean_reports.errors.FileFailure`. Keeping it free of paths and writes is what
lets a run be spread over processes without changing a result.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from .core import Match, clean, find
from .decode import decode
from .diff import unified_diff
from .encode import splice, to_utf8
from .rules import Rule


class Mode(enum.Enum):
    """What a run does with each file."""

    OUT_DIR = "out-dir"
    CHECK = "check"
    DIFF = "diff"
    IN_PLACE = "in-place"


@dataclass(frozen=True)
class Processed:
    """What became of one file's bytes.

    ``output`` is what to write (the UTF-8 clean copy in out-dir mode, the spliced
    original bytes in place when something changed, otherwise ``None``); ``diff`` is the
    unified diff when something changed and the mode shows diffs. ``chars_removed`` is
    ``None`` in check mode, which only finds and never cleans.
    """

    encoding: str
    bom: bool
    newline: str
    matches: tuple[Match, ...]
    chars_removed: int | None
    output: bytes | None = None
    diff: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.matches)


def process(data: bytes, rules: Sequence[Rule], mode: Mode, label: str) -> Processed:
    """Run one file's bytes through the pipeline for ``mode``; ``label`` heads its diff."""
    decoded = decode(data)
    encoding, bom, newline = decoded.encoding, bool(decoded.bom), decoded.newline
    if mode is Mode.CHECK:
        return Processed(encoding, bom, newline, find(decoded.text, rules), chars_removed=None)
    result = clean(decoded.text, rules)
    diff = None
    if result.changed and mode in (Mode.OUT_DIR, Mode.DIFF):
        diff = unified_diff(decoded.text, result.text, label)
    output = None
    if mode is Mode.OUT_DIR:
        output = to_utf8(result.text)
    elif mode is Mode.IN_PLACE and result.changed:
        output = splice(data, decoded, result.removed, result.text)
    return Processed(encoding, bom, newline, result.matches, result.chars_removed, output, diff)
