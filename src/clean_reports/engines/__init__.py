"""Where the per-file work runs: one interface, three engines.

An engine maps the work over the tasks and gives the results back in the order of the
tasks, whatever runs them: :class:`~clean_reports.engines.serial.Serial` here,
:class:`~clean_reports.engines.pool.Pool` on worker processes of this machine,
:class:`~clean_reports.engines.ray.Ray` on a Ray cluster. A Ctrl-C thrown into the
results still gives those of the files already done, then goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import Protocol, TypeVar

from ..model import Task

R = TypeVar("R")


class Engine(Protocol):
    """What the run asks of an engine."""

    def map(self, tasks: Iterable[Task], work: Callable[[Task], R]) -> Generator[R, None, None]:
        """``work(task)`` for every task, in their order."""
        ...
