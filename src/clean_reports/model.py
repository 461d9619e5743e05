"""The values every layer passes around: a finding, a file's task and its result.

This module imports nothing of the package, so any module may import it: the core
makes :class:`Match` values, the inputs make :class:`Task` values, the per-file work
turns each task into one :class:`FileResult`, and every sink, the cache and the
engines take that one shape as it is.

They are named tuples: one of each crosses between processes per file, and tuples
are cheap to build, to pickle and to compare.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

FAILURES_KEPT = 50


class Mode(enum.Enum):
    """What a run does with each file."""

    OUT_DIR = "out-dir"
    CHECK = "check"
    DIFF = "diff"
    IN_PLACE = "in-place"


class Status(enum.StrEnum):
    """A file's fate. In ``--check`` and ``--diff`` runs, ``cleaned`` means "would be cleaned"."""

    UNCHANGED = "unchanged"
    CLEANED = "cleaned"
    FAILED = "failed"


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


class RemoteFile(NamedTuple):
    """One file on object storage: where its filesystem has it, and how it is shown."""

    filesystem: Any  # a pyarrow FileSystem: reads this file's bytes
    path: str
    uri: str
    relative: str  # with "/" separators, as a walk's
    size: int
    mtime_ns: int
    error: None = None  # listed files have no walk error (a listing that fails stops the run)


class Task(NamedTuple):
    """One file to work on, as the inputs planned it.

    Its paths are strings: tasks go to worker processes, and a path object takes twenty
    times as long as a string to pickle and to rebuild there. A task with an ``error``
    is a file that already failed (the walk could not look at it, two inputs would
    write one output): the work turns it into its failed result without reading it.
    """

    path: str  # where to read it
    relative: str  # where it lands under an output folder (with "/" separators)
    target: str | None  # its clean copy, in out-dir mode
    name: str  # how the file is shown: the argument joined with the walk
    remote: RemoteFile | None = None  # set for a file on object storage; path is its key
    error: str | None = None


class Digest(NamedTuple):
    """A file the work wrote, as summary.json records it: its size and SHA-256."""

    size: int
    sha256: str


class Seen(NamedTuple):
    """A file as the cache may know it next time without reading it: its absolute path
    (as bytes, which any name is), its metadata and the digest of the bytes they had."""

    path: bytes
    signature: str
    digest: str


class FileResult(NamedTuple):
    """One input file after the work; ``path`` is as the user named it (argument + walk).

    ``output`` is its clean copy's path (out-dir mode) and ``written`` the digests of
    what was written for it: the clean copy, then its diff when it has one. ``key`` is
    the cache's name for the file's bytes under its rules (when a cache is in use; none
    for a result recalled by the file's metadata, which leaves it nothing to store), and
    ``cached`` says the findings were taken from the cache instead of being looked for;
    ``seen`` is what the cache may know the file by next time, unread.
    """

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
    written: tuple[Digest, ...] = ()
    key: str | None = None
    cached: bool = False
    note: str | None = None  # something the user should hear about a file that did not fail
    seen: Seen | None = None

    def hits(self) -> dict[str, int]:
        return dict(Counter(match.rule_id for match in self.matches))


def failed(task: Task, reason: str, size: int = 0) -> FileResult:
    """The result of a file that failed, and so was left as it was."""
    return FileResult(task.name, Status.FAILED, reason=reason, size=size)


@dataclass
class Totals:
    """Running totals of a run, updated as each file's result is taken."""

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
        self.chars_removed += result.chars_removed or 0
        if result.matches:
            self.findings += len(result.matches)
            self.hits.update([match.rule_id for match in result.matches])
        if result.encoding:
            self.encodings[result.encoding + (" (BOM)" if result.bom else "")] += 1
