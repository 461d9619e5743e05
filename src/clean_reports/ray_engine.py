"""``--engine ray``: a local run's per-file work, spread over a Ray cluster by Ray Data.

The driver walks the inputs exactly as a local run does (same files, order, walk
failures and output clashes). Ray Data reads the files as bytes with their paths
(``read_binary_files``: its text reader would assume one encoding and split lines), and
``map_batches`` calls :func:`clean_reports.run.handle` — what a local run calls for
each file — on the workers, which write each clean copy and diff atomically to the
output folder themselves. Only each file's result (findings and counts, no text) comes
back, in walk order, to the same reporters: summary.json, diffs, findings and exit
status are those of a local run.

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
from typing import Any

from .errors import CleanReportsError, ConfigError, FileFailure
from .results import FileResult, Status
from .run import RunOptions, Task, check_size, handle, read, stat
from .storage import read_raw

FILES_PER_BLOCK = 5_000
BYTES_PER_BLOCK = 64 * 1024 * 1024
Work = Callable[[Task, bytes, tuple[int, int], RunOptions], FileResult]
# what the workers need, by path: the tasks for that file with its (mtime, size)
_Jobs = dict[str, list[tuple[Task, tuple[int, int]]]]

_loaded: dict[str, tuple[_Jobs, RunOptions, Work]] = {}


def run_ordered(
    items: Iterable[Task | FileResult], options: RunOptions, work: Work = handle
) -> Generator[FileResult, None, None]:
    """Every task's result, worked on Ray, in the order of ``items``.

    Items that are already results pass straight through. ``work`` is the per-file
    function (the local engine's, unless a test wants another).
    """
    ray = _import_ray()
    entries: list[Task | FileResult] = []
    jobs: _Jobs = {}
    for item in items:
        entry = item if isinstance(item, FileResult) else _prepare(item, options, jobs)
        entries.append(entry)
    if not jobs:
        yield from (entry for entry in entries if isinstance(entry, FileResult))
        return
    started = _connect(ray, options)
    try:
        yield from _merge(entries, _results(ray, jobs, options, work))
    finally:
        if started:
            ray.shutdown()


def _prepare(task: Task, options: RunOptions, jobs: _Jobs) -> Task | FileResult:
    """The task with absolute paths (workers do not share the driver's working folder),
    or its failure if the file is too large or cannot be read: Ray's reader would fail
    the whole run on a file it cannot open, the local engine fails only that file."""
    size = 0
    try:
        if task.remote is not None:
            before = (task.remote.mtime_ns, task.remote.size)
        else:
            before = stat(task.path)
            if not os.access(task.path, os.R_OK):
                raise FileFailure("read", os.strerror(errno.EACCES))
        size = before[1]
        check_size(size, options.max_size)
    except FileFailure as failure:
        return FileResult(task.name, Status.FAILED, reason=str(failure), size=size)
    key = _task_key(task)
    target = os.path.abspath(task.target) if task.target is not None else None  # noqa: PTH100
    jobs.setdefault(key, []).append((task._replace(path=key, target=target), before))
    return task


def _task_key(task: Task) -> str:
    """How Ray names the file: its key on object storage, its absolute path here."""
    if task.remote is not None:
        return task.remote.path
    return os.path.abspath(task.path)  # noqa: PTH100


def _results(
    ray: Any, jobs: _Jobs, options: RunOptions, work: Work
) -> Iterator[tuple[str, FileResult]]:
    """(absolute path, result) pairs as Ray finishes them."""
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    context.execution_options.preserve_order = True
    shared = ray.put((jobs, options, work))
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
    jobs, options, work = _shared(shared[0])
    paths: list[str] = []
    results: list[bytes] = []
    for path, data in zip(batch["path"], batch["bytes"], strict=True):
        key = _key(str(path), jobs)
        for task, before in jobs[key]:
            raw = _raw(task, before, options) if _decompressed_by_ray(key) else bytes(data)
            result = raw if isinstance(raw, FileResult) else work(task, raw, before, options)
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


def _raw(task: Task, before: tuple[int, int], options: RunOptions) -> bytes | FileResult:
    """The file's own bytes (a gzipped dataset is cleaned and copied as the gzip it is)."""
    try:
        if task.remote is not None:
            return read_raw(task.remote.filesystem, task.remote.path)
        return read(task.path, before[1], options.max_size)
    except FileFailure as failure:
        return FileResult(task.name, Status.FAILED, reason=str(failure), size=before[1])


def _shared(ref: Any) -> tuple[_Jobs, RunOptions, Work]:
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


def _connect(ray: Any, options: RunOptions) -> bool:
    """Join the cluster at ``--ray-address``, or start a local Ray instance; True if
    this run started Ray (and so shuts it down)."""
    if ray.is_initialized():
        return False
    engine = options.engine
    # Errors reach the user through the run's own report; Ray's progress talk would
    # drown it (and it stays in Ray's logs).
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False, "include_dashboard": False}
    try:
        if engine.address:
            ray.init(address=engine.address, **quiet)
        else:
            ray.init(address="local", num_cpus=engine.cpus, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as error:
        if not engine.address:
            raise ConfigError(f"cannot start a local Ray instance: {error}") from None
        raise ConfigError(
            f"cannot join the Ray cluster at {engine.address}: {error} (a cluster with token "
            "authentication needs RAY_AUTH_MODE=token and its token, as any Ray client does)"
        ) from None
    return True
