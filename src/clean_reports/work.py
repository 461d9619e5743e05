"""One file's work: read its bytes, process them (pure), write what the mode asks for.

:class:`Work` is the function every engine maps over the tasks, in this process, in
worker processes or on Ray; it never raises for a file, it returns the file's
:class:`~clean_reports.model.FileResult`, failed with the reason if it must be. A file
that fails is left untouched. :class:`StdinWork` is the same work for standard input,
a filter to standard output.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from .core import clean
from .decode import decode
from .errors import CleanReportsError, FileFailure
from .model import Digest, FileResult, Mode, Status, Task, failed
from .process import FileOptions, Processed, process
from .regular import limit_text, read, stat, stat_regular
from .rules import Rule
from .selection import RuleSelector
from .tables import is_table, open_table
from .walk import shown
from .write import atomic_write, diff_name, remove_if_present, replace_in_place, sweep_temp_files


class Work:
    """What is done with each file: ``mode`` (``--check --diff`` cleans, as ``--diff``
    does, to show the diffs), the rules each file gets, and how files are read.

    ``swept`` holds the folders this process has cleared of a killed run's temporary
    files, which it does before its first write into each. (A plain class: a dataclass
    costs a millisecond of start-up to define, and a one-file check is mostly start-up.)
    """

    def __init__(
        self,
        selector: RuleSelector,
        mode: Mode,
        file_options: FileOptions = FileOptions(),
        max_size: int = 50_000_000,
    ) -> None:
        self.selector = selector
        self.mode = mode
        self.file_options = file_options
        self.max_size = max_size
        self.swept: set[str] = set()

    def __call__(self, task: Task) -> FileResult:
        read = self.read(task)
        if isinstance(read, FileResult):
            return read
        data, before = read
        return self.on_bytes(task, data, before)

    def read(self, task: Task) -> tuple[bytes, tuple[int, int]] | FileResult:
        """The file's bytes and its (mtime, size) when read, or its failed result."""
        info = self.look(task)
        return info if isinstance(info, FileResult) else self.read_looked(task, info)

    def look(self, task: Task) -> os.stat_result | FileResult:
        """What the file's metadata are before it is read, or its failed result (a file
        that is not a regular one, or is gone)."""
        self.prepare(task)
        if task.error is not None:
            return failed(task, task.error)
        try:
            return stat_regular(task.path)
        except FileFailure as failure:
            return failed(task, str(failure))

    def read_looked(
        self, task: Task, info: os.stat_result
    ) -> tuple[bytes, tuple[int, int]] | FileResult:
        """The bytes of a file :meth:`look` looked at, and its (mtime, size) then."""
        size = info.st_size
        try:
            return read(task.path, size, self.max_size), (info.st_mtime_ns, size)
        except FileFailure as failure:
            return failed(task, str(failure), size)

    def rules(self, task: Task) -> tuple[Rule, ...]:
        return self.selector.for_path(task.path)

    def on_bytes(
        self,
        task: Task,
        data: bytes,
        before: tuple[int, int],
        rules: tuple[Rule, ...] | None = None,
    ) -> FileResult:
        """Process a file's ``data`` and write what the mode asks for; never raises.

        ``before`` is the file's (mtime, size) when it was read: cleaning in place refuses
        to overwrite a file that changed since. The Ray engine, which reads the bytes
        itself, calls this directly; ``rules`` are the file's, when the caller has looked
        them up already (the cache's lookup needs them too).
        """
        mode, options = self.mode, self.file_options
        try:
            # The diff is text: a byte of the name that is not UTF-8 is written as \xff.
            label = shown(task.relative if task.target is not None else task.name)
            if rules is None:
                rules = self.rules(task)
            processed = process(data, rules, mode, label, file_options=options)
            if mode is Mode.CHECK and options.context and processed.matches:
                # The review page of a check says what a clean would remove, not "0 removed".
                chars = would_remove(data, rules, options, label)
                processed = processed._replace(chars_removed=chars)
            written: tuple[Digest, ...] = ()
            note = None
            if task.target is not None:
                written = self._write_out(task.target, processed)
            elif mode is Mode.IN_PLACE and processed.output is not None:
                if stat(task.path) != before:
                    raise FileFailure("write", "the file changed while it was being cleaned")
                # A link named on the command line: write its target, keep the link.
                destination = os.path.realpath(task.path)
                self._sweep(destination)  # a link's target may be in another folder
                note = replace_in_place(destination, processed.output, data)
        except FileFailure as failure:
            return failed(task, str(failure), before[1])
        result = result_of(task.name, processed, mode, task.target, before[1], written)
        return result if note is None else result._replace(note=note)

    def prepare(self, task: Task) -> None:
        """In the modes that write, before the first file of each folder: clear a killed
        run's temporary files from the folder its output goes to, whether or not this
        run writes there (a file the killed run was replacing may be clean by now)."""
        if task.target is not None:
            self._sweep(task.target)
        elif self.mode is Mode.IN_PLACE and task.remote is None:
            self._sweep(task.path)

    def _sweep(self, target: str) -> None:
        """Clear a killed run's leftovers from ``target``'s folder, once per process:
        a folder named as given (``corpus``) and as resolved (a link's target's,
        ``/srv/corpus``) is looked into once."""
        folder = os.path.dirname(target) or "."  # noqa: PTH120
        if folder in self.swept:
            return
        real = os.path.realpath(folder)
        self.swept.add(folder)
        if real != folder and real in self.swept:
            return
        self.swept.add(real)
        sweep_temp_files(folder)

    def _write_out(self, target: str, processed: Processed) -> tuple[Digest, ...]:
        """The clean copy and its diff (or no stale diff), both or neither: a file whose
        diff cannot be written fails, and gets no output, as every file that fails.
        Returns what was written, weighed for summary.json."""
        assert processed.output is not None
        atomic_write(target, processed.output, durable=False)
        try:
            if processed.diff is not None:
                diff = processed.diff.encode("utf-8")
                atomic_write(diff_name(target), diff, durable=False)
                return weigh(processed.output), weigh(diff)
            remove_if_present(diff_name(target))
        except BaseException:
            with contextlib.suppress(OSError):
                remove_if_present(target)
            raise
        return (weigh(processed.output),)


def weigh(data: bytes) -> Digest:
    """The size and SHA-256 of bytes written: what lets a later run tell that an output
    left in the folder is still exactly this run's (see summary.json)."""
    import hashlib  # here, not at start-up: only out-dir runs weigh their outputs

    return Digest(len(data), hashlib.sha256(data).hexdigest())


def result_of(
    name: str,
    processed: Processed,
    mode: Mode,
    target: str | None = None,
    size: int = 0,
    written: tuple[Digest, ...] = (),
) -> FileResult:
    """A processed file's result: ``target`` its clean copy, if it was written."""
    return FileResult(
        name,
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
        written=written,
    )


def would_remove(data: bytes, rules: Sequence[Rule], file_options: FileOptions, label: str) -> int:
    """How many characters cleaning ``data`` would remove (the removal guard aside): what
    ``--check --report`` shows beside the findings, since a check removes nothing."""
    if file_options.text_field and is_table(label):
        table = open_table(data, label, file_options.text_field)
        texts = [text for _row, text in table.documents]
    else:
        texts = [decode(data, file_options.encoding).text]
    return sum(clean(text, rules, timeout=file_options.timeout).chars_removed for text in texts)


class StdinWork:
    """``clean-reports -``: standard input's one task, a filter to standard output, or
    a check or diff of it.

    A filter's output is in the encoding that came in, so
    ``clean-reports - < a.txt > b.txt`` changes nothing but the removed text; a filter
    that cannot clean passes its input through, so ``> out.txt`` keeps the text. The
    result goes to the sinks as any file's (a filter's sinks report only failures).
    """

    def __init__(
        self,
        selector: RuleSelector,
        mode: Mode,  # what is done with the text (``--check --diff`` makes its diff)
        filter: bool,  # out-dir and in-place modes: the text goes to standard output
        file_options: FileOptions = FileOptions(),
        max_size: int = 50_000_000,
    ) -> None:
        self.selector = selector
        self.mode = mode
        self.filter = filter
        self.file_options = file_options
        self.max_size = max_size

    def __call__(self, task: Task) -> FileResult:
        stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
        data = stdin.read(self.max_size + 1)
        if len(data) > self.max_size:
            if self.filter:
                stdout.write(data)
                shutil.copyfileobj(stdin, stdout)
                stdout.flush()
            raise CleanReportsError(
                f"{task.name}: standard input is larger than the --max-size limit of "
                f"{limit_text(self.max_size)}"
                + ("; passed through unchanged" if self.filter else "")
            )
        try:
            rules = self.selector.for_path(task.name)
            processed = process(
                data,
                rules,
                self.mode,
                shown(task.name),
                file_options=self.file_options,
                filter_output=self.filter,
            )
        except FileFailure as failure:
            if not self.filter:
                return failed(task, str(failure))
            stdout.write(data)
            stdout.flush()
            return failed(task, f"{failure}; passed through unchanged")
        if processed.output is not None:
            stdout.write(processed.output)
            stdout.flush()
        return result_of(task.name, processed, self.mode)


class Documents(NamedTuple):
    """The texts of one file as a run would read them, or why it could not be read."""

    path: str
    texts: tuple[str, ...] = ()
    error: str | None = None


class DocumentWork:
    """``--suggest``'s work: a file's documents, read as a run reads them, so that
    proposals come from the very texts a run would clean. A file over ``max_size``
    bytes is refused unread, ``file_options``'s ``encoding`` forces the codec, and with
    its ``text_field`` each record of a dataset file (JSONL, Parquet) is a document."""

    def __init__(
        self, max_size: int = 50_000_000, file_options: FileOptions = FileOptions()
    ) -> None:
        self.max_size = max_size
        self.file_options = file_options

    def __call__(self, task: Task) -> Documents:
        path = str(Path(task.path))
        try:
            if task.error:
                raise FileFailure("read", task.error)
            data = read(task.path, stat(task.path)[1], self.max_size)
            text_field = self.file_options.text_field
            if text_field and is_table(task.path):
                table = open_table(data, task.path, text_field)
                return Documents(path, tuple(text for _row, text in table.documents))
            return Documents(path, (decode(data, self.file_options.encoding).text,))
        except FileFailure as failure:
            return Documents(path, error=str(failure))
