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
from .formats import check_total, finding_line, render


class Findings:
    """A sink for ``--check``: findings in ``output_format`` on ``stdout`` (stderr for
    ``--check --diff``, whose stdout is the diffs') or in ``output_file``; ``root`` is
    the folder GitHub and SARIF paths fall back to being relative to."""

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

    def add(self, result: FileResult) -> None:
        if self.stream and result.matches:
            self.stdout.write("".join(finding_line(result.path, m) + "\n" for m in result.matches))
        if self.collect:
            self.results.append(result)

    def close(self, totals: Totals) -> None:
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
        pass


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
