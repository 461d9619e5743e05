"""The engine of small runs: each task in turn, in this process."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import TypeVar

from ..model import Task

R = TypeVar("R")


class Serial:
    """No processes to start: what a pre-commit hook's few files and ``--jobs 1`` get."""

    def map(self, tasks: Iterable[Task], work: Callable[[Task], R]) -> Generator[R, None, None]:
        for task in tasks:
            yield work(task)
