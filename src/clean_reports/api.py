"""The Python API: the same cleaning the command line does, for your own pipelines.

Load rules once, then clean strings or bytes::

    from clean_reports import load_rules, clean_text

    rules = load_rules()                        # the shipped rules
    result = clean_text(report, rules)
    result.text                                 # the clean text
    [(m.rule_id, m.line, m.column) for m in result.matches]

Every function is pure (no files written, nothing printed) and returns the objects the
command line itself uses: :class:`CleanResult` with the clean text, the findings
(:class:`Match`, with rule ids and positions) and the removed ranges of the original.
Rules pickle, so they can be shipped to worker processes (``datasets.map(num_proc=…)``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from .core import CleanResult, clean, find
from .errors import FileFailure, RuleError
from .model import Match
from .process import CleanedBytes
from .process import clean_bytes as _clean_bytes
from .rules import Rule
from .rules import load_rules as _load_rules

__all__ = [
    "CleanResult",
    "CleanedBytes",
    "FileFailure",
    "Match",
    "Rule",
    "RuleError",
    "clean_bytes",
    "clean_text",
    "find_watermarks",
    "load_rules",
]


def load_rules(
    *paths: str | Path, default_rules: bool = True, packs: Sequence[str] = ()
) -> tuple[Rule, ...]:
    """The shipped rules (unless ``default_rules=False``), the opt-in ``packs`` named, and
    rule files or folders in ``paths``.

    Raises :class:`RuleError` naming the file and rule when a rule file is invalid.
    """
    if not paths and not packs and default_rules:
        return _shipped()
    files = [Path(path) for path in paths]
    return _load_rules(files, default_rules=default_rules, packs=packs)


@functools.cache
def _shipped() -> tuple[Rule, ...]:
    return _load_rules([])


def clean_text(text: str, rules: Sequence[Rule] | None = None) -> CleanResult:
    """Remove watermarks from ``text``; ``rules`` defaults to the shipped rules."""
    return clean(text, _shipped() if rules is None else rules)


def find_watermarks(text: str, rules: Sequence[Rule] | None = None) -> tuple[Match, ...]:
    """The watermarks in ``text`` without cleaning it (what ``--check`` reports)."""
    return find(text, _shipped() if rules is None else rules)


def clean_bytes(data: bytes, rules: Sequence[Rule] | None = None) -> CleanedBytes:
    """Detect the encoding of ``data``, decode it exactly and clean it.

    The result's ``.text`` is the clean text, ``.encoding`` the codec detected,
    ``.utf8()`` the clean text as UTF-8 and ``.in_original_encoding()`` the original
    bytes with only the removed text cut out. Raises :class:`FileFailure` when the bytes
    cannot be decoded exactly (binary data, invalid bytes, no confident encoding).
    """
    return _clean_bytes(data, _shipped() if rules is None else rules)
