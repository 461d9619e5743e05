"""Per-file work on several processes, in walk order, with bounded memory.

Files go to a process pool in chunks, so the cost of sending work is paid once per
chunk, not per file; at most a few chunks per worker are in flight, so a walk of a
million files is never held in memory; and results come back in the order the walk
produced them, so output is the same with one worker or many. Workers are forked from
the main process where the platform allows, inheriting the compiled rules instead of
loading them again. They ignore Ctrl-C: the main process stops the pool, letting the
chunks under way finish, so every file is written whole, and reports what they did.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from ..model import Task

Result = TypeVar("Result")

# The first chunk's size and the largest: each chunk is twice the last, so that a run of
# a few dozen files still spreads over the workers. Larger chunks send fewer messages
# (a cached check of the bench's 45,295 files: a median 3.54 s in chunks of 128 against
# 3.87 s in chunks of 32) but hold more results in flight: peak memory went from 49 /
# 54 MB to 52 / 58 MB on the 50 / 200 MB corpora, past the flat-memory target.
CHUNK = (8, 32)
IN_FLIGHT_PER_WORKER = 4
_PR_SET_PDEATHSIG = 1

_work_function: Callable[[Any], Any] | None = None


class Pool:
    """``jobs`` worker processes of this machine."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def map(
        self, tasks: Iterable[Task], work: Callable[[Task], Result]
    ) -> Generator[Result, None, None]:
        return run_ordered(tasks, work, jobs=self.jobs)


def run_ordered(
    tasks: Iterable[Task], work: Callable[[Task], Result], *, jobs: int
) -> Generator[Result, None, None]:
    """``work(task)`` for every task, on ``jobs`` processes, in the order of ``tasks``."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(work,)
    )
    window: deque[Future[list[Result]]] = deque()
    ready: deque[Result] = deque()  # results taken from the window, not yet given
    chunk: list[Task] = []
    size = CHUNK[0]
    try:
        for task in tasks:
            chunk.append(task)
            if len(chunk) == size:
                window.append(pool.submit(_work, chunk))
                chunk = []
                size = min(size * 2, CHUNK[1])
            while len(window) > jobs * IN_FLIGHT_PER_WORKER:
                ready.extend(window[0].result())  # taken off once given: Ctrl-C may come
                window.popleft()
                while ready:
                    yield ready.popleft()
        if chunk:
            window.append(pool.submit(_work, chunk))
        while window:
            ready.extend(window[0].result())
            window.popleft()
            while ready:
                yield ready.popleft()
    except KeyboardInterrupt:
        # Ctrl-C: the chunks not started are dropped, those under way finish (workers
        # ignore it). Their files are written, so their results are given before the
        # interrupt goes on, and the run's account of what it did stays true.
        pool.shutdown(wait=True, cancel_futures=True)
        for entry in window:
            if not entry.cancelled():
                ready.extend(entry.result())
        while ready:
            yield ready.popleft()
        raise
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _start_worker(work: Callable[[Any], Any]) -> None:
    global _work_function
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _work_function = work


def _die_with_parent() -> None:
    """Make a ``kill -9`` of the main process take its workers with it.

    Otherwise they would wait forever for work that never comes. Every write is atomic,
    so a worker stopped mid-file leaves that file whole. On Linux the kernel does it
    (PR_SET_PDEATHSIG); elsewhere a thread watches for the parent to go.
    """
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) == 0 and os.getppid() == parent:
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _work(chunk: list[Task]) -> list[Any]:
    assert _work_function is not None
    return [_work_function(task) for task in chunk]
