"""A whole run: walk → read bytes → process (pure) → write, file by file.

This module owns the file system side of a run; deciding what is clean happens in
:mod:`clean_reports.process`, spreading files over processes in
:mod:`clean_reports.parallel`, and telling the user in :mod:`clean_reports.report`.
A file that fails is recorded with its reason and left untouched; the run goes on.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from .cache import Cache
from .core import clean
from .decode import decode
from .errors import ConfigError, FileFailure
from .process import FileOptions, Mode, Processed, process
from .regular import not_regular, open_regular
from .results import FileResult, RunTotals, Status
from .rules import Rule
from .selection import RuleSelector
from .storage import RemoteFile, list_files
from .tables import is_table
from .walk import SkipReporter, Source, WalkOptions, shown, walk
from .write import (
    atomic_write,
    diff_name,
    remove_if_present,
    replace_in_place,
    sweep_temp_files,
    tag_output_folder,
)

DEFAULT_MAX_SIZE = 50_000_000
SERIAL_FILES = 64
_BLOCK = 1 << 16


class Engine(NamedTuple):
    """Where the per-file work runs: ``local`` (``jobs`` processes here) or ``ray``.

    ``address`` is the Ray cluster to join (``None``: start a local Ray instance with
    ``cpus`` CPUs, all of this machine's when ``None``).
    """

    name: str = "local"
    address: str | None = None
    cpus: int | None = None


class RunOptions(NamedTuple):
    """Everything a run needs to know, already validated by the command line.

    ``jobs`` is the number of worker processes (1: everything in this process).
    """

    paths: tuple[Path, ...]
    selector: RuleSelector
    mode: Mode
    out_dir: Path | None = None
    walk: WalkOptions = WalkOptions()
    file_options: FileOptions = FileOptions()
    max_size: int = DEFAULT_MAX_SIZE
    jobs: int = 1
    engine: Engine = Engine()
    uris: tuple[str, ...] = ()  # inputs on object storage (the Ray engine reads them)
    cache: Cache | None = None  # findings of earlier runs (--check and --in-place)


class Task(NamedTuple):
    """One file to process, after the checks only the whole run can make.

    Its paths are strings: tasks go to worker processes, and a path object takes twenty
    times as long as a string to pickle and to rebuild there.
    """

    path: str  # where to read it
    relative: str  # where it lands under an output folder (with "/" separators)
    target: str | None  # its clean copy, in out-dir mode
    name: str  # how the file is shown: the argument joined with the walk
    remote: RemoteFile | None = None  # set for a file on object storage; path is its key


def run(
    options: RunOptions,
    on_file: Callable[[FileResult], None],
    totals: RunTotals | None = None,
    on_skip: SkipReporter | None = None,
) -> RunTotals:
    """Process every input, calling ``on_file`` as each one is done; return the totals.

    Files are reported in walk order whatever ``jobs`` is, so output does not depend on
    it. ``totals`` is updated as files finish, so a caller interrupted mid-run can still
    say what was done; ``on_skip`` hears of every path the walk leaves out.
    """
    totals = totals if totals is not None else RunTotals()
    tasks = plan(options, on_skip)
    if options.engine.name == "ray":
        from . import ray_engine

        results: Generator[FileResult, None, None] = ray_engine.run_ordered(tasks, options)
    elif options.jobs > 1 and _worth_a_pool(options.paths):
        from . import parallel  # multiprocessing costs start-up time: only when it pays

        results = parallel.run_ordered(
            tasks, _run_task, options, jobs=options.jobs, done=FileResult
        )
    else:
        results = (
            item if isinstance(item, FileResult) else _run_task(item, options) for item in tasks
        )

    ctrl_c = _HeldInterrupts()

    def take(result: FileResult) -> None:
        with ctrl_c.held():
            if options.cache is not None:
                result = options.cache.record(result)
            totals.add(result)
            on_file(result)

    try:
        with ctrl_c.installed():
            for result in results:
                take(result)
    except KeyboardInterrupt:
        # Ctrl-C: the engine still gives the results of the files its workers finished,
        # so the account of the run is complete.
        with contextlib.suppress(KeyboardInterrupt, StopIteration):
            take(results.throw(KeyboardInterrupt()))
            for result in results:
                take(result)
        raise
    if options.cache is not None:
        options.cache.save()
    return totals


class _HeldInterrupts:
    """Ctrl-C that waits until the result being reported is reported in full.

    A file's output is on disk before its result is reported; Ctrl-C in the middle of
    reporting it (the summary record hashes the output, which takes a while) would leave
    a written file that summary.json and the totals do not count. While a result is
    taken, SIGINT is noted and raised as soon as it is done; at any other moment, waiting
    for the workers for one, it is raised at once, as usual. It is installed only where
    Python's own handler is (in the main thread, not replacing a caller's own).
    """

    def __init__(self) -> None:
        self.busy = False
        self.pending = False

    def _handler(self, signum: int, frame: object) -> None:
        if self.busy:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        try:
            own = signal.getsignal(signal.SIGINT) is signal.default_int_handler
            previous = signal.signal(signal.SIGINT, self._handler) if own else None
        except ValueError:  # not the main thread: signals are not ours to handle
            previous = None
        try:
            yield
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.busy = True
        try:
            yield
        finally:
            self.busy = False
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


def _worth_a_pool(paths: tuple[Path, ...]) -> bool:
    """Worker processes pay for themselves on folders or many files, not on a few files
    named one by one (a pre-commit hook's batch), where starting them costs more."""
    return len(paths) > SERIAL_FILES or any(path.is_dir() for path in paths)


def _walk_options(options: RunOptions) -> WalkOptions:
    if options.mode is not Mode.OUT_DIR:
        return options.walk
    assert options.out_dir is not None
    _check_out_dir(options)
    return options.walk._replace(skip=(*options.walk.skip, options.out_dir))


def count_inputs(options: RunOptions) -> tuple[int, int]:
    """How many files a run will read, and their bytes: a walk ahead, for a progress bar."""
    files = size = 0
    for source in _sources(options, _walk_options(options), None):
        files += 1
        if isinstance(source, RemoteFile):
            size += source.size
            continue
        with contextlib.suppress(OSError):
            size += os.stat(source.path).st_size  # noqa: PTH116
    return files, size


class TextReader:
    """The documents of every file under ``paths``, one at a time, for ``--suggest``.

    Files are read as a run reads them, so that proposals come from the very texts a run
    would clean: a file over ``max_size`` bytes is refused unread, ``file_options``'s
    ``encoding`` forces the codec, and with its ``text_field`` each record of a dataset
    file (JSONL, Parquet) is a document. A file that cannot be read or decoded is passed
    to ``on_error`` and left out; ``count`` is how many documents were given and
    ``failed`` how many files were left out.
    """

    def __init__(
        self,
        paths: tuple[Path, ...],
        options: WalkOptions,
        on_error: Callable[[Path, str], None],
        *,
        max_size: int = DEFAULT_MAX_SIZE,
        file_options: FileOptions = FileOptions(),
    ) -> None:
        self.paths, self.options, self.on_error = paths, options, on_error
        self.max_size, self.file_options = max_size, file_options
        self.count = self.failed = 0

    def __iter__(self) -> Iterator[str]:
        for source in walk(self.paths, self.options):
            try:
                if source.error:
                    raise FileFailure("read", source.error)
                texts = self._documents(source.path)
            except FileFailure as failure:
                self.failed += 1
                self.on_error(Path(source.path), str(failure))
                continue
            for text in texts:
                self.count += 1
                yield text

    def _documents(self, path: str) -> list[str]:
        """The texts of one file, as :func:`~clean_reports.process.process` would take them."""
        data = read(path, stat(path)[1], self.max_size)
        text_field = self.file_options.text_field
        if text_field and is_table(path):
            from .tables import open_table  # the module is loaded already, for is_table

            return [text for _row, text in open_table(data, path, text_field).documents]
        return [decode(data, self.file_options.encoding).text]


def plan(options: RunOptions, on_skip: SkipReporter | None = None) -> Iterator[Task | FileResult]:
    """The walk, as tasks; files that already failed (walk errors, clashes) as results."""
    walk_options = _walk_options(options)
    # Two inputs can only write the same output when several paths were named: one folder
    # never yields the same relative path twice. So only then are outputs remembered.
    claimed: dict[str, str] | None = {} if len(options.paths) + len(options.uris) > 1 else None
    swept: set[str] = set()
    out_dir = None if options.out_dir is None else str(options.out_dir)
    if out_dir is not None and options.mode is Mode.OUT_DIR:
        # Before the first output: a walk of a folder holding it never takes it for input.
        # If the folder cannot be written, each file's write fails and says why.
        with contextlib.suppress(OSError, FileFailure):
            tag_output_folder(out_dir)
    for source in _sources(options, walk_options, on_skip):
        remote = source if isinstance(source, RemoteFile) else None
        path = source.path
        shown = remote.uri if remote is not None else path
        if source.error:
            yield FileResult(shown, Status.FAILED, reason=source.error)
            continue
        relative = source.relative
        target = None
        if options.mode is Mode.OUT_DIR:
            assert out_dir is not None
            target = relative if out_dir == "." else os.path.join(out_dir, relative)  # noqa: PTH118
            clash = _clash(target, path, shown, claimed)
            if clash:
                yield FileResult(shown, Status.FAILED, reason=f"write: {clash}")
                continue
        if options.mode in (Mode.OUT_DIR, Mode.IN_PLACE):
            folder = os.path.dirname(target if target is not None else path) or "."  # noqa: PTH120
            if folder not in swept:  # before the first write there: clear a killed run's leftovers
                swept.add(folder)
                sweep_temp_files(folder)
        yield Task(path, relative, target, shown, remote)


def _sources(
    options: RunOptions, walk_options: WalkOptions, on_skip: SkipReporter | None
) -> Iterator[Source | RemoteFile]:
    """The local files the walk gives, then the files listed on object storage."""
    yield from walk(options.paths, walk_options, on_skip)
    for uri in options.uris:
        yield from list_files(uri, walk_options)


def _check_out_dir(options: RunOptions) -> None:
    """Refuse an output folder that is, or holds, an input folder: outputs would land on inputs."""
    assert options.out_dir is not None
    out = Path(os.path.realpath(options.out_dir))
    for path in options.paths:
        real = Path(os.path.realpath(path))
        if path.is_dir() and (real == out or out in real.parents):
            raise ConfigError(
                f"output folder {options.out_dir} holds the input {path}; "
                "choose another -o folder, or clean the files themselves with --in-place"
            )


def _clash(target: str, path: str, shown: str, claimed: dict[str, str] | None) -> str | None:
    """Two inputs must not write the same output, nor may an output overwrite its input."""
    # abspath, not resolve(): no system calls per file (the output folder was resolved once)
    key = os.path.abspath(target)  # noqa: PTH100
    if key == os.path.abspath(path):  # noqa: PTH100
        return f"the output {target} would overwrite the input"
    if claimed is None:
        return None
    if key in claimed:
        return f"{claimed[key]} already writes to {target}"
    claimed[key] = shown
    return None


def _run_task(task: Task, options: RunOptions) -> FileResult:
    """Read, process and write one file: the part of a run that can go to a worker."""
    size = 0
    try:
        before = stat(task.path)
        size = before[1]
        data = read(task.path, size, options.max_size)
    except FileFailure as failure:
        return FileResult(task.name, Status.FAILED, reason=str(failure), size=size)
    cache = options.cache
    if cache is None:
        return handle(task, data, before, options)
    rules = options.selector.for_path(task.path)
    table = bool(options.file_options.text_field) and is_table(task.name)
    key = cache.key(data, rules, table)
    hit = cache.get(key, rules, task.name, size)
    # A file with findings is remembered for --check; --in-place must still clean it.
    if hit is not None and (options.mode is Mode.CHECK or not hit.matches):
        return hit
    result = handle(task, data, before, options)
    entry = None if result.status is Status.FAILED else cache.entry(result)
    return result._replace(cache_key=key, cache_entry=entry)


def handle(task: Task, data: bytes, before: tuple[int, int], options: RunOptions) -> FileResult:
    """Process one file's ``data`` and write what the mode asks for; never raises.

    ``before`` is the file's (mtime, size) when it was read: cleaning in place refuses
    to overwrite a file that changed since. Every engine calls this once per file.
    """
    display = task.name
    try:
        # The diff is text: a byte of the name that is not UTF-8 is written as \xff.
        label = shown(task.relative if task.target is not None else display)
        rules = options.selector.for_path(task.path)
        processed = process(data, rules, options.mode, label, file_options=options.file_options)
        if options.mode is Mode.CHECK and options.file_options.context and processed.matches:
            # The review page of a check says what a clean would remove, not "0 removed".
            chars = would_remove(data, rules, options.file_options, label)
            processed = processed._replace(chars_removed=chars)
        if task.target is not None:
            _write_out(task.target, processed)
        elif options.mode is Mode.IN_PLACE and processed.output is not None:
            if stat(task.path) != before:
                raise FileFailure("write", "the file changed while it was being cleaned")
            # A link named on the command line: write its target, keep the link.
            destination = os.path.realpath(task.path)
            replace_in_place(destination, processed.output, data)
    except FileFailure as failure:
        return FileResult(display, Status.FAILED, reason=str(failure), size=before[1])
    return _result(display, processed, task.target, options.mode, before[1])


def would_remove(data: bytes, rules: Sequence[Rule], file_options: FileOptions, label: str) -> int:
    """How many characters cleaning ``data`` would remove (the removal guard aside): what
    ``--check --report`` shows beside the findings, since a check removes nothing."""
    if file_options.text_field and is_table(label):
        from .tables import open_table

        table = open_table(data, label, file_options.text_field)
        texts = [text for _row, text in table.documents]
    else:
        texts = [decode(data, file_options.encoding).text]
    return sum(clean(text, rules, timeout=file_options.timeout).chars_removed for text in texts)


def _result(
    path: str, processed: Processed, target: str | None, mode: Mode, size: int = 0
) -> FileResult:
    return FileResult(
        path,
        Status.CLEANED if processed.changed else Status.UNCHANGED,
        output=target,
        encoding=processed.encoding,
        bom=processed.bom,
        newline=processed.newline,
        chars_removed=processed.chars_removed,
        matches=processed.matches,
        diff=processed.diff if mode is Mode.DIFF else None,
        size=size,
        contexts=processed.contexts,
    )


def run_stdin(
    data: bytes, name: str, selector: RuleSelector, mode: Mode, file_options: FileOptions
) -> tuple[FileResult, bytes | None]:
    """Clean text read from standard input: the result, and the bytes for standard output.

    Standard input is a filter: what comes out is in the encoding that came in, so
    ``clean-reports - < a.txt > b.txt`` changes nothing but the removed text.
    """
    filter_output = mode in (Mode.OUT_DIR, Mode.IN_PLACE)
    try:
        rules = selector.for_path(name)
        processed = process(
            data, rules, mode, shown(name), file_options=file_options, filter_output=filter_output
        )
    except FileFailure as failure:
        return FileResult(name, Status.FAILED, reason=str(failure)), None
    return _result(name, processed, None, mode), processed.output


def _write_out(target: str, processed: Processed) -> None:
    """The clean copy and its diff (or no stale diff), both or neither: a file whose diff
    cannot be written fails, and gets no output, as every file that fails."""
    assert processed.output is not None
    atomic_write(target, processed.output, durable=False)
    try:
        if processed.diff is not None:
            atomic_write(diff_name(target), processed.diff.encode("utf-8"), durable=False)
        else:
            remove_if_present(diff_name(target))
    except BaseException:
        with contextlib.suppress(OSError):
            remove_if_present(target)
        raise


def check_size(size: int, limit: int) -> None:
    """Refuse a file over ``limit`` bytes before reading it."""
    if size > limit:
        raise FileFailure("read", f"{size_text(size, limit)} is {_refusal(limit)}")


def size_text(size: int, limit: int) -> str:
    """``size`` (bytes, over ``limit``) written so that it reads as larger than the limit.

    Under a 1 MB limit the size is given in bytes; above, in MB with as many decimals as
    it takes to differ from the limit (1.000001 MB, not 1.0 MB, over a 1 MB limit).
    """
    if limit < 1_000_000:
        return f"{size:,} bytes"
    decimals = 1
    while decimals < 6 and f"{size / 1e6:.{decimals}f}" == f"{limit / 1e6:.{decimals}f}":
        decimals += 1
    return f"{size / 1e6:.{decimals}f} MB"


def _refusal(limit: int) -> str:
    return f"larger than the --max-size limit of {limit_text(limit)}; not read"


def limit_text(limit: int) -> str:
    """A --max-size limit of ``limit`` bytes as the flag gives it: MB, exactly (0.001 MB)."""
    return f"{limit / 1e6:.6f}".rstrip("0").rstrip(".") + " MB"


def read(path: str | os.PathLike[str], size: int, limit: int) -> bytes:
    """The whole file, or a failure: a file over ``limit`` bytes is refused, never half-read,
    and anything but a regular file (a FIFO put in its place since :func:`stat`) is refused
    unread, where reading would wait for ever."""
    check_size(size, limit)
    # System calls rather than a file object: io's and pathlib's layers cost more than
    # reading a report of a few KB. The first read asks for the size looked at (and a
    # byte more); a file that grew since is read on to the limit, a block at a time.
    pieces: list[bytes] = []
    handle = open_regular(path)
    try:
        total, wanted = 0, size + 1
        while piece := os.read(handle, wanted):
            pieces.append(piece)
            total += len(piece)
            if total > limit:
                break
            wanted = min(limit + 1 - total, _BLOCK)
    except OSError as exc:
        raise FileFailure("read", exc.strerror or str(exc)) from exc
    finally:
        os.close(handle)
    data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
    if len(data) > limit:  # it grew since it was looked at
        raise FileFailure("read", f"the file grew and is now {_refusal(limit)}")
    return data


def stat(path: str | os.PathLike[str]) -> tuple[int, int]:
    """A regular file's (mtime in ns, size), or a read failure: a FIFO, a socket or a
    device is refused here, before anything opens it (opening a FIFO waits for a writer)."""
    try:
        # os.stat, not Path.stat: a task's path is a string (cheap to send to a worker)
        info = os.stat(path)  # noqa: PTH116
    except OSError as exc:
        raise FileFailure("read", exc.strerror or str(exc)) from exc
    problem = not_regular(info.st_mode)
    if problem is not None:
        raise FileFailure("read", problem)
    return info.st_mtime_ns, info.st_size
