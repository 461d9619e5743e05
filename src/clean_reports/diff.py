"""Unified diffs of what cleaning removed, for people to review."""

from __future__ import annotations

import difflib

from .core import split_lines

_NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(original: str, clean: str, label: str, context: int = 3) -> str:
    """A unified diff from ``original`` to ``clean``, headed ``a/label`` and ``b/label``
    (an absolute ``label`` heads both sides as it is).

    Lines keep their own endings, so CRLF files diff as CRLF; a last line without a
    line break gets git's "No newline at end of file" marker instead of running into
    the next diff line.
    """
    relative = not label.startswith("/")
    lines = difflib.unified_diff(
        _lines(original),
        _lines(clean),
        fromfile=f"a/{label}" if relative else label,
        tofile=f"b/{label}" if relative else label,
        n=context,
    )
    out: list[str] = []
    for line in lines:
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n" + _NO_NEWLINE)
    return "".join(out)


def _lines(text: str) -> list[str]:
    return [text[line.start : line.end] for line in split_lines(text)]
