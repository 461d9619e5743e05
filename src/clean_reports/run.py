"""A whole run: walk → read bytes → process (pure) → write, one file at a time.

This module owns the file system side of a run; deciding what is clean happens in
:mod:`clean_reports.process`, and telling the user in :mod:`clean_reports.report`.
A file that fails is recorded with its reason and left untouched; the run goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ConfigError, FileFailure
from .process import Limits, Mode, Processed, process
from .results import FileResult, RunTotals, Status
from .selection import RuleSelector
from .walk import SkipReporter, Source, WalkOptions, walk
from .write import atomic_write, remove_if_present

DIFF_SUFFIX = ".diff"


@dataclass(frozen=True)
class RunOptions:
    """Everything a run needs to know, already validated by the command line."""

    paths: tuple[Path, ...]
    selector: RuleSelector
    mode: Mode
    out_dir: Path | None = None
    walk: WalkOptions = field(default_factory=WalkOptions)
    limits: Limits = field(default_factory=Limits)


def run(
    options: RunOptions,
    on_file: Callable[[FileResult], None],
    totals: RunTotals | None = None,
    on_skip: SkipReporter | None = None,
) -> RunTotals:
    """Process every input, calling ``on_file`` as each one is done; return the totals.

    ``totals`` is updated as files finish, so a caller interrupted mid-run can still say
    what was done; ``on_skip`` hears of every path the walk leaves out.
    """
    walk_options = options.walk
    if options.mode is Mode.OUT_DIR:
        assert options.out_dir is not None
        _check_out_dir(options)
        walk_options = replace(walk_options, skip=(*walk_options.skip, options.out_dir))
    totals = totals if totals is not None else RunTotals()
    claimed: dict[Path, str] = {}
    for source in walk(options.paths, walk_options, on_skip):
        result = _run_one(source, options, claimed)
        totals.add(result)
        on_file(result)
    return totals


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


def _run_one(source: Source, options: RunOptions, claimed: dict[Path, str]) -> FileResult:
    display = str(source.path)
    if source.error:
        return FileResult(display, Status.FAILED, reason=source.error)
    target = None
    if options.mode is Mode.OUT_DIR:
        assert options.out_dir is not None
        target = options.out_dir / source.relative
    try:
        if target is not None:
            _claim(target, source, claimed)
        before = _stat(source.path)
        data = _read(source.path)
        label = source.relative.as_posix() if target is not None else display
        rules = options.selector.for_path(source.path)
        processed = process(data, rules, options.mode, label, limits=options.limits)
        if target is not None:
            _write_out(target, processed)
        elif options.mode is Mode.IN_PLACE and processed.output is not None:
            if _stat(source.path) != before:
                raise FileFailure("write", "the file changed while it was being cleaned")
            atomic_write(source.path, processed.output, keep_mode_of=source.path)
    except FileFailure as failure:
        return FileResult(display, Status.FAILED, reason=str(failure))
    return _result(display, processed, target, options.mode)


def _result(path: str, processed: Processed, target: Path | None, mode: Mode) -> FileResult:
    return FileResult(
        path,
        Status.CLEANED if processed.changed else Status.UNCHANGED,
        output=str(target) if target is not None else None,
        encoding=processed.encoding,
        bom=processed.bom,
        newline=processed.newline,
        chars_removed=processed.chars_removed,
        matches=processed.matches,
        diff=processed.diff if mode is Mode.DIFF else None,
    )


def run_stdin(
    data: bytes, name: str, selector: RuleSelector, mode: Mode, limits: Limits
) -> tuple[FileResult, bytes | None]:
    """Clean text read from standard input: the result, and the bytes for standard output.

    Standard input is a filter: what comes out is in the encoding that came in, so
    ``clean-reports - < a.txt > b.txt`` changes nothing but the removed text.
    """
    filter_output = mode in (Mode.OUT_DIR, Mode.IN_PLACE)
    try:
        rules = selector.for_path(name)
        processed = process(data, rules, mode, name, limits=limits, filter_output=filter_output)
    except FileFailure as failure:
        return FileResult(name, Status.FAILED, reason=str(failure)), None
    return _result(name, processed, None, mode), processed.output


def _claim(target: Path, source: Source, claimed: dict[Path, str]) -> None:
    """Two inputs must not write the same output, nor may an output overwrite its input."""
    key = Path(os.path.realpath(target))
    if key == Path(os.path.realpath(source.path)):
        raise FileFailure("write", f"the output {target} would overwrite the input")
    if key in claimed:
        raise FileFailure("write", f"{claimed[key]} already writes to {target}")
    claimed[key] = str(source.path)


def _write_out(target: Path, processed: Processed) -> None:
    assert processed.output is not None
    atomic_write(target, processed.output, durable=False)
    diff_path = target.with_name(target.name + DIFF_SUFFIX)
    if processed.diff is not None:
        atomic_write(diff_path, processed.diff.encode("utf-8"), durable=False)
    else:
        remove_if_present(diff_path)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileFailure("read", exc.strerror or str(exc)) from exc


def _stat(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError as exc:
        raise FileFailure("read", exc.strerror or str(exc)) from exc
    return info.st_mtime_ns, info.st_size
