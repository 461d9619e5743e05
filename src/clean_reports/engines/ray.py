"""``--engine ray``: a local run's per-file work, spread over a Ray cluster by Ray Data.

The driver walks the inputs exactly as a local run does (same files, order, walk
failures and output clashes). Ray Data reads the files as bytes with their paths
(``read_binary_files``: its text reader would assume one encoding and split lines), and
``map_batches`` calls :meth:`clean_reports.work.Work.on_bytes` — what a local run calls
for each file once it has its bytes — on the workers, which write each clean copy and
diff atomically to the output folder themselves. Only each file's result (findings
and counts, no text) comes back, in walk order, to the same sinks: summary.json,
diffs, findings and exit status are those of a local run.

A task whose worker dies is run again by Ray (Ray Data retries tasks lost to a system
failure); since every write is atomic and the same bytes always give the same output, a
retried file is simply written again, whole.
"""

from __future__ import annotations

import errno
import logging
import os
import pickle
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any, TypeVar, cast

from ..errors import CleanReportsError, ConfigError, FileFailure
from ..model import FileResult, Task, failed
from ..regular import check_size, read, stat
from ..storage import read_raw
from ..work import Work

FILES_PER_BLOCK = 5_000
BYTES_PER_BLOCK = 64 * 1024 * 1024
# what the workers need, by path: the tasks for that file with its (mtime, size)
_Jobs = dict[str, list[tuple[Task, tuple[int, int]]]]

_loaded: dict[str, tuple[_Jobs, Work]] = {}
R = TypeVar("R")


class Ray:
    """A Ray cluster: the one at ``address``, or (``None``) a local Ray instance started
    for the run with ``cpus`` CPUs, all of this machine's when ``None``."""

    def __init__(self, address: str | None = None, cpus: int | None = None) -> None:
        self.address = address
        self.cpus = cpus

    def map(self, tasks: Iterable[Task], work: Callable[[Task], R]) -> Generator[R, None, None]:
        """Every task's result, worked on Ray, in the order of ``tasks``.

        ``work`` must be a :class:`~clean_reports.work.Work`: Ray Data reads the bytes,
        and the workers call its :meth:`~clean_reports.work.Work.on_bytes`.
        """
        if not isinstance(work, Work):
            raise TypeError(f"the Ray engine runs a Work, not {work!r}")
        for result in self._map(tasks, work):
            yield cast(R, result)

    def _map(self, tasks: Iterable[Task], work: Work) -> Generator[FileResult, None, None]:
        ray = _import_ray()
        entries: list[Task | FileResult] = []
        jobs: _Jobs = {}
        for task in tasks:
            entries.append(_prepare(task, work, jobs))
        if not jobs:
            yield from (entry for entry in entries if isinstance(entry, FileResult))
            return
        started = self._connect(ray)
        try:
            yield from _merge(entries, _results(ray, jobs, work))
        finally:
            if started:
                ray.shutdown()

    def _connect(self, ray: Any) -> bool:
        """Join the cluster at ``address``, or start a local Ray instance; True if
        this run started Ray (and so shuts it down)."""
        if ray.is_initialized():
            return False
        # Errors reach the user through the run's own report; Ray's progress talk would
        # drown it (and it stays in Ray's logs).
        quiet = {"logging_level": logging.ERROR, "log_to_driver": False, "include_dashboard": False}
        try:
            if self.address:
                ray.init(address=self.address, **quiet)
            else:
                ray.init(address="local", num_cpus=self.cpus, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as error:
            if not self.address:
                raise ConfigError(f"cannot start a local Ray instance: {error}") from None
            raise ConfigError(
                f"cannot join the Ray cluster at {self.address}: {error} (a cluster with "
                "token authentication needs RAY_AUTH_MODE=token and its token, as any Ray "
                "client does)"
            ) from None
        return True


def _prepare(task: Task, work: Work, jobs: _Jobs) -> Task | FileResult:
    """The task with absolute paths (workers do not share the driver's working folder),
    or its failure if it failed already, or the file is too large or cannot be read:
    Ray's reader would fail the whole run on a file it cannot open, the local engine
    fails only that file."""
    work.prepare(task)  # the outputs' folders, as the local engine clears them
    if task.error is not None:
        return failed(task, task.error)
    size = 0
    try:
        if task.remote is not None:
            before = (task.remote.mtime_ns, task.remote.size)
        else:
            before = stat(task.path)
            if not os.access(task.path, os.R_OK):
                raise FileFailure("read", os.strerror(errno.EACCES))
        size = before[1]
        check_size(size, work.max_size)
    except FileFailure as failure:
        return failed(task, str(failure), size)
    key = _task_key(task)
    target = os.path.abspath(task.target) if task.target is not None else None  # noqa: PTH100
    jobs.setdefault(key, []).append((task._replace(path=key, target=target), before))
    return task


def _task_key(task: Task) -> str:
    """How Ray names the file: its key on object storage, its absolute path here."""
    if task.remote is not None:
        return task.remote.path
    return os.path.abspath(task.path)  # noqa: PTH100


def _results(ray: Any, jobs: _Jobs, work: Work) -> Iterator[tuple[str, FileResult]]:
    """(absolute path, result) pairs as Ray finishes them."""
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    context.execution_options.preserve_order = True
    shared = ray.put((jobs, work))
    # One reader per filesystem: the local one, and one per object-storage PATH.
    groups: dict[int, tuple[Any, list[str]]] = {}
    for key, entries in jobs.items():
        remote = entries[0][0].remote
        filesystem = remote.filesystem if remote is not None else None
        groups.setdefault(id(filesystem), (filesystem, []))[1].append(key)
    blocks = _blocks(ray, jobs)
    readers = [
        ray.data.read_binary_files(
            keys,
            include_paths=True,
            filesystem=filesystem,
            override_num_blocks=max(1, round(blocks * len(keys) / len(jobs))),
        )
        for filesystem, keys in groups.values()
    ]
    dataset = readers[0].union(*readers[1:]) if len(readers) > 1 else readers[0]
    dataset = dataset.map_batches(
        _work_batch,
        batch_format="numpy",
        batch_size=None,
        fn_kwargs={"shared": [shared]},  # in a list: resolved once per worker, not per batch
    )
    try:
        for batch in dataset.iter_batches(batch_format="numpy", batch_size=None):
            for path, blob in zip(batch["path"], batch["result"], strict=True):
                yield str(path), pickle.loads(blob)
    except ray.exceptions.RayError as error:
        raise CleanReportsError(
            f"the Ray run stopped: {error}; every file written is complete, run again to finish"
        ) from None


def _blocks(ray: Any, jobs: _Jobs) -> int:
    """How many blocks (Ray tasks) to read the files in: two per CPU of the cluster, so
    that the work spreads and evens out, but no more files or bytes per block than
    :data:`FILES_PER_BLOCK` and :data:`BYTES_PER_BLOCK`. Ray Data's own choice, by
    bytes alone, makes many small tasks of small reports, each paying Ray's overhead
    (measured: a third slower on 11,000 reports on 2 CPUs)."""
    cpus = int(ray.cluster_resources().get("CPU", 1))
    size = sum(entries[0][1][1] for entries in jobs.values())
    wanted = max(2 * cpus, -(-len(jobs) // FILES_PER_BLOCK), -(-size // BYTES_PER_BLOCK))
    return min(len(jobs), wanted)


def _work_batch(batch: dict[str, Any], shared: list[Any]) -> dict[str, list[Any]]:
    """On a worker: clean the files of one block and write their outputs."""
    jobs, work = _shared(shared[0])
    paths: list[str] = []
    results: list[bytes] = []
    for path, data in zip(batch["path"], batch["bytes"], strict=True):
        key = _key(str(path), jobs)
        for task, before in jobs[key]:
            raw = _raw(task, before, work.max_size) if _decompressed_by_ray(key) else bytes(data)
            result = raw if isinstance(raw, FileResult) else work.on_bytes(task, raw, before)
            paths.append(key)
            results.append(pickle.dumps(result))
    return {"path": paths, "result": results}


def _decompressed_by_ray(path: str) -> bool:
    """Ray's binary reader decompresses a file whose name says it is compressed (``.gz``,
    ``.bz2``, ``.zst``…) and cannot be told not to; the same test as Ray's own."""
    import pyarrow as pa

    try:
        pa.Codec.detect(path)
    except (ValueError, TypeError):
        return path.endswith(".snappy")
    return True


def _raw(task: Task, before: tuple[int, int], max_size: int) -> bytes | FileResult:
    """The file's own bytes (a gzipped dataset is cleaned and copied as the gzip it is)."""
    try:
        if task.remote is not None:
            return read_raw(task.remote.filesystem, task.remote.path)
        return read(task.path, before[1], max_size)
    except FileFailure as failure:
        return failed(task, str(failure), before[1])


def _shared(ref: Any) -> tuple[_Jobs, Work]:
    import ray

    name = ref.hex()
    if name not in _loaded:
        _loaded.clear()  # one run's worth at a time
        _loaded[name] = ray.get(ref)
    return _loaded[name]


def _key(path: str, jobs: _Jobs) -> str:
    """The driver's name for a path Ray reports (Ray may drop a ``file://`` or normalise)."""
    if path in jobs:
        return path
    return os.path.abspath(path.removeprefix("file://"))  # noqa: PTH100


def _merge(
    entries: list[Task | FileResult], finished: Iterator[tuple[str, FileResult]]
) -> Iterator[FileResult]:
    """Results in the order of ``entries``, however Ray delivers them."""
    expected = deque(entries)
    pending: dict[str, deque[FileResult]] = {}

    def ready() -> Iterator[FileResult]:
        while expected:
            head = expected[0]
            if isinstance(head, FileResult):
                expected.popleft()
                yield head
                continue
            waiting = pending.get(_task_key(head))
            if not waiting:
                return
            expected.popleft()
            result = waiting.popleft()
            if result.output is not None:  # as the driver names it: the workers' is absolute
                result = result._replace(output=head.target)
            yield result

    for path, result in finished:
        pending.setdefault(path, deque()).append(result)
        yield from ready()
    yield from ready()
    if expected:
        raise CleanReportsError(f"Ray returned no result for {len(expected)} files")


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError("--engine ray needs Ray: pip install 'clean-reports[ray]'") from None
    return ray
