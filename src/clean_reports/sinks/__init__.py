"""Where each file's result goes: sinks that each do one thing.

Every sink takes the results one at a time as the run goes (``add``), and is closed
with the run's totals (``close``), or aborted when Ctrl-C stops the run (``abort``):
:mod:`~clean_reports.sinks.console` (messages and the closing summary, on stderr),
:mod:`~clean_reports.sinks.findings` (findings and diffs, on stdout or in a file),
:mod:`~clean_reports.sinks.summary` (``summary.json``),
:mod:`~clean_reports.sinks.html` (``--report``),
:mod:`~clean_reports.sinks.progress` (the progress bar), and the cache's store
(:mod:`clean_reports.cache`). They are told in the order the run lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..model import FileResult, Totals


class Sink(Protocol):
    """What the run tells a sink."""

    def add(self, result: FileResult) -> None:
        """One file is done."""
        ...

    def close(self, totals: Totals) -> None:
        """Every file is done."""
        ...

    def abort(self, totals: Totals) -> None:
        """Ctrl-C stopped the run; ``totals`` counts the files done."""
        ...


class Sinks:
    """Several sinks, told in order."""

    def __init__(self, sinks: Sequence[Sink]) -> None:
        self.sinks = tuple(sinks)

    def add(self, result: FileResult) -> None:
        for sink in self.sinks:
            sink.add(result)

    def close(self, totals: Totals) -> None:
        for sink in self.sinks:
            sink.close(totals)

    def abort(self, totals: Totals) -> None:
        for sink in self.sinks:
            sink.abort(totals)
