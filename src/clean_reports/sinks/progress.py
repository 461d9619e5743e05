"""The progress bar of a long run: files, MB/s and time left, on a terminal only.

It appears once a run has lasted about a second (a pre-commit check of a few files never
flickers one up), on stderr, and only when stderr is a terminal; ``-q`` turns it off.
rich draws it, and is imported only when it appears.
"""

from __future__ import annotations

import time
from typing import Any

from ..model import FileResult, Totals

DELAY = 1.0


class Progress:
    """A sink advanced once per finished file; knows the run's total files and bytes
    beforehand."""

    def __init__(self, files: int, size: int, *, color: bool | None, delay: float = DELAY) -> None:
        self.total_files = files
        self.total_bytes = max(size, 1)
        self.color = color
        self.delay = delay
        self.started = time.monotonic()
        self.files = 0
        self.bytes = 0
        self._bar: Any = None
        self._task: Any = None

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.bytes += result.size
        if self._bar is None:
            if time.monotonic() - self.started < self.delay:
                return
            self._start()
        self._bar.update(
            self._task, completed=self.bytes, files=f"{self.files}/{self.total_files} files"
        )

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        console = Console(stderr=True, no_color=self.color is False)
        self._bar = Progress(
            TextColumn("{task.fields[files]}"),
            BarColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task("clean", total=self.total_bytes, files="")
        self._bar.start()

    def close(self, totals: Totals) -> None:
        self.stop()

    def abort(self, totals: Totals) -> None:
        self.stop()

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
