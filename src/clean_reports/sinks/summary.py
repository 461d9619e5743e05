"""``OUT/summary.json``: what a run into an output folder did, file by file.

It is written one record at a time as files finish, and the records tell a later run
which outputs it may clear up once their input is gone (:func:`leftovers`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path, PurePath
from typing import Any, TextIO

from ..errors import CleanReportsError
from ..model import FileResult, Status, Totals
from ..rules import Rule
from ..storage import is_uri
from ..version import __version__
from ..walk import shown
from ..write import diff_name, remove_unchanged, sweep_temp_files, temp_name
from .console import Console

SUMMARY_FILE = "summary.json"


class Summary:
    """A sink: ``OUT/summary.json``, written one record at a time as files finish.

    The records go to a temporary file in the output folder that replaces summary.json
    once the totals are known, so the file is always whole: the last complete run's, or
    this one's. Memory grows only by the name of each output, which closing the run
    needs: outputs an earlier run listed that this one did not write are looked at then
    (see :func:`leftovers`).
    """

    def __init__(
        self, out_dir: Path, rules: Sequence[Rule], console: Console, *, quiet: bool = False
    ) -> None:
        self.out_dir = out_dir
        self.console = console
        self.quiet = quiet
        self.rules = rules
        self.temp = Path(temp_name(str(out_dir / SUMMARY_FILE)))
        self.stream: TextIO | None = None
        self.error: str | None = None
        self.written: set[str] = set()  # this run's outputs, relative to out_dir
        self.failed: set[str] = set()  # the inputs that failed, as summary.json names them
        self.finished = False

    def _open(self) -> TextIO:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        sweep_temp_files(self.out_dir)  # a killed run's summary, among others
        stream = self.temp.open("w", encoding="utf-8")
        header: dict[str, Any] = {"tool": "clean-reports", "version": __version__}
        header["rules"] = [rule.id for rule in self.rules]
        stream.write(json.dumps(header, ensure_ascii=False, indent=2)[:-2])
        stream.write(',\n  "files": [')
        return stream

    def add(self, result: FileResult) -> None:
        if self.error:
            return
        try:
            first = self.stream is None
            if self.stream is None:
                self.stream = self._open()
            # The record is made whole before anything of it is written, and goes out in
            # one write with its separator.
            record = _file_record(result, self.out_dir)
            self.stream.write(
                ("\n    " if first else ",\n    ") + json.dumps(record, ensure_ascii=False)
            )
            if record["output"] is not None:
                self.written.add(record["output"])
            elif result.status is Status.FAILED and shown(result.path) == result.path:
                self.failed.add(_source(result.path))
        except OSError as exc:
            self.error = exc.strerror or str(exc)

    def close(self, totals: Totals) -> None:
        """Write the totals and put summary.json in place, then clear up what an earlier
        run into the folder wrote for inputs that are gone (:func:`leftovers`), saying
        what was removed, and what was left (unless ``quiet``)."""
        for line in self._finish(totals):
            if not self.quiet:
                self.console.say(line)

    def abort(self, totals: Totals) -> None:
        """Ctrl-C: summary.json still lists every file written, and says the run stopped."""
        self._finish(totals, interrupted=True)

    def _finish(self, totals: Totals, *, interrupted: bool = False) -> list[str]:
        """Write the totals and put summary.json in place; ``interrupted`` marks a run
        stopped before its end (Ctrl-C, an error), whose summary lists the files it did.

        Such a run clears nothing up, and keeps, under ``earlier``, the earlier run's
        records of the outputs it did not reach: the next run that goes through to the
        end still knows them, and clears up those whose input is gone. Returns what
        :func:`leftovers` says of the earlier run's outputs (nothing when interrupted)."""
        if self.finished:  # closing failed, and the run stopping aborts it: said already
            return []
        self.finished = True
        stale = self._earlier_outputs()
        try:
            if self.stream is None and not self.error:  # no file at all: an empty list
                self.stream = self._open()
        except OSError as exc:
            self.error = exc.strerror or str(exc)
        if self.error or self.stream is None:
            with contextlib.suppress(OSError):
                self.temp.unlink()
            raise CleanReportsError(f"cannot write {self.out_dir / SUMMARY_FILE}: {self.error}")
        document_totals = {
            "files": totals.files,
            "cleaned": totals.cleaned,
            "unchanged": totals.unchanged,
            "failed": totals.failed,
            "chars_removed": totals.chars_removed,
            "hits": dict(sorted(totals.hits.items())),
            "encodings": dict(sorted(totals.encodings.items())),
        }
        if interrupted:
            document_totals["interrupted"] = True
        rendered = json.dumps(document_totals, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        earlier = ""
        if interrupted and stale:  # one record a line, as the files' are: read back alike
            kept = ",\n    ".join(json.dumps(record, ensure_ascii=False) for record in stale)
            earlier = f',\n  "earlier": [\n    {kept}\n  ]'
        try:
            self.stream.write(f'\n  ]{earlier},\n  "totals": {rendered}\n}}\n')
            self.stream.close()
            self.temp.replace(self.out_dir / SUMMARY_FILE)
        except OSError as exc:
            with contextlib.suppress(OSError):
                self.temp.unlink()
            raise CleanReportsError(f"cannot write {self.out_dir / SUMMARY_FILE}: {exc}") from exc
        return [] if interrupted else leftovers(self.out_dir, stale, self.failed)

    def _earlier_outputs(self) -> list[dict[str, Any]]:
        """The records of the folder's summary.json (the run before this one) whose
        output this run did not write."""
        previous = self.out_dir / SUMMARY_FILE
        records = []
        for record in _summary_records(previous):
            output = record.get("output")
            if isinstance(output, str) and output not in self.written:
                records.append(record)
        return records


def _summary_records(path: Path) -> Iterator[dict[str, Any]]:
    """The file records of a summary.json this tool wrote (one per line, as
    :class:`SummaryWriter` writes them), read a line at a time; nothing from a file
    that is missing or is not one."""
    try:
        stream = path.open(encoding="utf-8", errors="replace")
    except OSError:
        return
    with stream:
        try:
            head = stream.read(4096)
        except OSError:
            return
        if '"tool": "clean-reports"' not in head:
            return
        stream.seek(0)
        try:
            for line in stream:
                if not line.startswith("    {"):
                    continue
                with contextlib.suppress(ValueError):
                    record = json.loads(line.strip().removesuffix(","))
                    if isinstance(record, dict):
                        yield record
        except OSError:
            return


LEFTOVERS_SHOWN = 20


def leftovers(
    out_dir: Path, records: Sequence[dict[str, Any]], failed: Collection[str] = ()
) -> list[str]:
    """Clear up outputs of an earlier run whose input is gone; say what was done.

    Such an output (and its diff) is removed only when it is provably this tool's own:
    the earlier summary.json lists it with its size and SHA-256 and the input it came
    from, that input no longer exists, and the file is byte for byte what was written.
    Everything else an earlier run listed and this one did not write is left in place
    and reported: an output changed since, one whose input is still there (it failed,
    or was not part of this run), one the earlier summary gives no size and hash for.
    """
    removed: list[str] = []
    left: list[str] = []
    for record in records:
        source = record.get("source")
        written = record.get("written")
        output = str(record["output"])
        if not isinstance(written, dict) or not isinstance(source, str):
            left.append(
                f"{out_dir / output}: the earlier summary.json does not say what was written"
            )
            continue
        if source in failed:
            left.append(f"{out_dir / output}: its input {source} failed in this run")
            continue
        if is_uri(source) or os.path.lexists(source):
            left.append(f"{out_dir / output}: its input {source} was not part of this run")
            continue
        for name, facts in written.items():
            path = _inside(out_dir, name)
            if path is None or not os.path.lexists(path):
                continue
            why = None
            if not isinstance(facts, dict):
                why = "the earlier summary.json does not say what was written"
            else:
                size, sha256 = facts.get("bytes"), facts.get("sha256")
                if isinstance(size, int) and isinstance(sha256, str):
                    why = remove_unchanged(path, size, sha256)
                else:
                    why = "the earlier summary.json does not say what was written"
            if why is None:
                removed.append(f"removed {shown(path)}: its input {source} is gone")
            else:
                left.append(f"{path}: its input {source} is gone, but {why}")
    lines = removed + [f"left {shown(line)}" for line in left[:LEFTOVERS_SHOWN]]
    if len(left) > LEFTOVERS_SHOWN:
        lines.append(f"left {len(left) - LEFTOVERS_SHOWN} more files an earlier run wrote")
    return lines


def _inside(out_dir: Path, name: str) -> str | None:
    """``out_dir/name`` for a relative ``name`` that stays inside ``out_dir``, else None."""
    parts = PurePath(name).parts
    if not parts or PurePath(name).is_absolute() or ".." in parts:
        return None
    return os.path.join(out_dir, *parts)  # noqa: PTH118


def _source(path: str) -> str:
    """An input as a later run can look for it: a URI as it is, a local file absolute."""
    return path if is_uri(path) else os.path.abspath(path)  # noqa: PTH100


def _file_record(result: FileResult, out_dir: Path) -> dict[str, Any]:
    output = None
    if result.output:  # str(out_dir / relative): cut, not parsed, for a million files
        prefix = f"{out_dir}{os.sep}"
        if result.output.startswith(prefix):
            output = result.output[len(prefix) :].replace(os.sep, "/")
        else:
            output = PurePath(result.output).relative_to(out_dir).as_posix()
    changed = output is not None and result.status is Status.CLEANED
    diff = diff_name(output) if changed and output is not None else None
    if output is not None:
        output = shown(output)
    record: dict[str, Any] = {
        "path": shown(result.path),
        "output": output,
        "diff": None if diff is None else shown(diff),
        "encoding": result.encoding,
        "bom": result.bom,
        "newline": result.newline,
        "status": result.status.value,
        "reason": None if result.reason is None else shown(result.reason),
        "chars_removed": result.chars_removed or 0,
        "hits": dict(sorted(result.hits().items())),
    }
    if result.output:
        # What a later run needs to tell, once the input is gone, that the outputs left
        # in the folder are still exactly what this run wrote, and so may be removed.
        if shown(result.path) == result.path:  # else it cannot be recorded exactly
            record["source"] = _source(result.path)
        names = (output, record["diff"])
        record["written"] = {
            name: {"bytes": facts.size, "sha256": facts.sha256}
            for name, facts in zip(names, result.written, strict=False)
            if name is not None
        }
    records: dict[int, Counter[str]] = {}
    for match in result.matches:
        if match.row is not None:
            records.setdefault(match.row, Counter())[match.rule_id] += 1
    if records:  # a dataset: which records were cleaned, by record number
        record["records"] = {str(row): dict(sorted(hits.items())) for row, hits in records.items()}
    return record
