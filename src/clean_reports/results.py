"""What a run found, file by file and in total: the data every reporter reads."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .core import Match

FAILURES_KEPT = 50


class Status(enum.StrEnum):
    """A file's fate. In ``--check`` and ``--diff`` runs, ``cleaned`` means "would be cleaned"."""

    UNCHANGED = "unchanged"
    CLEANED = "cleaned"
    FAILED = "failed"


class FileResult(NamedTuple):
    """One input file after the run; ``path`` is as the user named it (argument + walk)."""

    path: str
    status: Status
    output: str | None = None
    reason: str | None = None
    encoding: str | None = None
    bom: bool = False
    newline: str | None = None
    chars_removed: int | None = None
    matches: tuple[Match, ...] = ()
    diff: str | None = None
    size: int = 0
    contexts: tuple[tuple[str, str], ...] = ()  # text before and after each match
    cache_key: str | None = None  # its entry in the cache, when a cache is in use
    cache_entry: str | None = None  # what the cache is to keep of it (made in the worker)
    hit: bool = False  # taken from the cache rather than checked

    def hits(self) -> dict[str, int]:
        return dict(Counter(match.rule_id for match in self.matches))

    def __reduce__(self) -> tuple[Callable[..., FileResult], tuple[Any, ...]]:
        """Pickle as plain values: a result crosses between processes for every file,
        and tuples of strings and numbers pickle and load several times faster than
        named tuples and enums, which pickle calls back into Python for, one by one."""
        fields = (*self[:1], *self[2:8], *self[9:])
        return _unpickle, (self.status.value, tuple(map(tuple, self.matches)), fields)


_STATUSES = {status.value: status for status in Status}


def _unpickle(
    status: str, matches: tuple[tuple[Any, ...], ...], fields: tuple[Any, ...]
) -> FileResult:
    """The result :meth:`FileResult.__reduce__` took apart, as it was."""
    rebuilt = tuple([tuple.__new__(Match, match) for match in matches])
    values = (fields[0], _STATUSES[status], *fields[1:7], rebuilt, *fields[7:])
    return tuple.__new__(FileResult, values)


@dataclass
class RunTotals:
    """Running totals, updated as each file is done."""

    files: int = 0
    cleaned: int = 0
    unchanged: int = 0
    failed: int = 0
    findings: int = 0
    chars_removed: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    bytes: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # the first FAILURES_KEPT

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.bytes += result.size
        if result.status is Status.FAILED:
            self.failed += 1
            if len(self.failures) < FAILURES_KEPT:
                self.failures.append((result.path, result.reason or ""))
        elif result.status is Status.CLEANED:
            self.cleaned += 1
        else:
            self.unchanged += 1
        self.findings += len(result.matches)
        self.chars_removed += result.chars_removed or 0
        self.hits.update(match.rule_id for match in result.matches)
        if result.encoding:
            self.encodings[result.encoding + (" (BOM)" if result.bom else "")] += 1
