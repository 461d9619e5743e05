"""What a check found, and what a clean would change, for machines: on stdout or in a file.

Text findings stream as files finish; any other format (:mod:`.formats`) needs every
result and is rendered once at the end, to stdout or to ``-O FILE`` (the terminal then
keeps the text findings and the total). ``--diff`` streams each file's unified diff.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..model import FileResult, Totals
from ..rules import Rule
from ..write import atomic_write
from .console import Console
from .formats import check_total, finding_lines, render

# Text findings bound for a file or a pipe are written this many characters at a time,
# not a file's at a time: each write lets the pool's thread that takes in the workers'
# results hold the interpreter, and the main process waited on it for 1.6 of its 3.3 s
# in a cached check of the bench's 45,295 files (1,417 writes of the buffer's 8 KB). A
# terminal still gets each file's findings as it finishes.
BATCH_CHARS = 1 << 18


class Findings:
    """A sink for ``--check``: findings in ``output_format`` on ``stdout`` (stderr for
    ``--check --diff``, whose stdout is the diffs') or in ``output_file``; ``root`` is
    the folder GitHub and SARIF paths fall back to being relative to. ``batch``: text
    findings bound for a file or pipe may wait for others (not those that must follow
    each file's diff, ``--check --diff``'s)."""

    def __init__(
        self,
        console: Console,
        rules: Sequence[Rule],
        root: Path,
        stdout: TextIO,
        *,
        output_format: str = "text",
        output_file: Path | None = None,
        quiet: bool = False,
        batch: bool = True,
    ) -> None:
        self.console = console
        self.rules = rules
        self.root = root
        self.stdout = stdout
        self.output_format = output_format
        self.output_file = output_file
        self.quiet = quiet
        self.stream = output_format == "text" or output_file is not None
        # Reports other than text need every result at the end.
        self.collect = output_format != "text" or output_file is not None
        self.results: list[FileResult] = []
        self.batch: list[str] | None = [] if batch and not _isatty(stdout) else None
        self.batched = 0

    def add(self, result: FileResult) -> None:
        if self.stream and result.matches:
            lines = finding_lines(result.path, result.matches)
            if self.batch is None:
                self.stdout.write(lines)
            else:
                self.batch.append(lines)
                self.batched += len(lines)
                if self.batched >= BATCH_CHARS:
                    self.flush()
        if self.collect:
            self.results.append(result)

    def flush(self) -> None:
        """Write the findings batched so far."""
        if self.batch:
            self.stdout.write("".join(self.batch))
            self.batch.clear()
            self.batched = 0

    def close(self, totals: Totals) -> None:
        self.flush()
        if self.collect:
            report = render(
                self.output_format, self.results, totals=totals, rules=self.rules, root=self.root
            )
            if self.output_file is not None:
                atomic_write(self.output_file, report.encode("utf-8"))
            else:
                self.stdout.write(report)
        if self.stream:
            self.stdout.write(check_total(totals) + "\n")
        elif not self.quiet and self.output_format not in ("text", "explain"):
            self.console.say(check_total(totals))

    def abort(self, totals: Totals) -> None:
        """The findings of the files done are told, as they would have been."""
        self.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or bare stream: a file, as far as this goes
        return False


class Diffs:
    """A sink for ``--diff``: each changed file's unified diff on ``stdout``; ``flush``
    for ``--check --diff``, whose findings follow each diff on stderr."""

    def __init__(self, stdout: TextIO, *, flush: bool = False) -> None:
        self.stdout = stdout
        self.flush = flush

    def add(self, result: FileResult) -> None:
        if result.diff:
            self.stdout.write(result.diff)
            if self.flush:
                self.stdout.flush()

    def close(self, totals: Totals) -> None:
        pass

    def abort(self, totals: Totals) -> None:
        pass
