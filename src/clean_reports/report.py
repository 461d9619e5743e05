"""Telling the user: findings, diffs, failures, the summary table and ``summary.json``.

Data goes to stdout (findings, diffs, a machine-readable report); everything for people
(summary table, failures, per-file decisions) goes to stderr, so
``clean-reports --check ... > findings.txt`` keeps only findings.

Every path is written as :func:`~clean_reports.walk.shown` gives it (a byte of a name
that is not UTF-8 as ``\\xff``): a name the terminal or summary.json cannot carry must
not stop the run, nor be shown differently in one place than in another.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TextIO

import click

from . import __version__
from .errors import CleanReportsError
from .formats import check_total, finding_line, plural, render
from .process import Mode
from .progress import ProgressDisplay
from .results import FileResult, RunTotals, Status
from .rules import Rule, available_packs, pack_of
from .storage import is_uri
from .walk import shown
from .write import atomic_write, diff_name, digest, remove_unchanged, sweep_temp_files, temp_name

if TYPE_CHECKING:
    from .htmlreport import HtmlReport

SUMMARY_FILE = "summary.json"
NO_FILES = (
    "warning: No files found under the given paths (none matched the include patterns, "
    "*.txt by default, or all were excluded)"
)


_color: bool | None = None  # None: colour when stderr is a terminal


def set_color(choice: str, environ: Mapping[str, str]) -> bool | None:
    """``--color auto|always|never``; ``auto`` honours NO_COLOR (https://no-color.org)."""
    global _color
    if choice == "always":
        _color = True
    elif choice == "never" or environ.get("NO_COLOR"):
        _color = False
    else:
        _color = None
    return _color


def say(message: str, style: str | None = None) -> None:
    """A line for people, on stderr, coloured as ``--color`` says; a path in it that is
    not UTF-8 is shown as every report shows it."""
    message = shown(message)
    if style == "error":
        click.secho(message, err=True, fg="red", bold=True, color=_color)
    elif style == "warning":
        click.secho(message, err=True, fg="yellow", bold=True, color=_color)
    elif style == "dim":
        click.secho(message, err=True, dim=True, color=_color)
    else:
        click.echo(message, err=True, color=_color)


@dataclass
class Reporter:
    """Receives each file's result as the run goes, and closes the run.

    ``output_format`` and ``output_file`` concern ``--check``: text findings stream to
    stdout as files finish; any other format is rendered once at the end, to stdout or
    to ``output_file`` (the terminal then keeps the text findings and total).
    """

    mode: Mode
    rules: Sequence[Rule]
    root: Path
    output_format: str = "text"
    output_file: Path | None = None
    out_dir: Path | None = None
    quiet: bool = False
    verbose: bool = False
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    results: list[FileResult] = field(default_factory=list)
    progress: ProgressDisplay | None = None
    html: HtmlReport | None = None
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        check = self.mode is Mode.CHECK
        self.stream_text = check and (self.output_format == "text" or self.output_file is not None)
        # Check reports other than text need every result at the end; summary.json is
        # written as files finish, so an out-dir run's memory does not grow with the corpus.
        self.collect = check and (self.output_format != "text" or self.output_file is not None)
        self.summary = (
            SummaryWriter(self.out_dir, self.rules) if self.mode is Mode.OUT_DIR else None
        )

    def on_file(self, result: FileResult) -> None:
        if self.progress is not None:
            self.progress.advance(result)
        if result.status is Status.FAILED:
            say(f"error: {result.path}: {result.reason}", style="error")
        elif self.mode is Mode.IN_PLACE and result.status is Status.CLEANED and not self.quiet:
            found = plural(len(result.matches), "watermark")
            say(f"cleaned {result.path} ({found})")
        elif self.verbose:
            say(describe(result), style="dim")
        if self.stream_text and result.matches:
            self.stdout.write("".join(finding_line(result.path, m) + "\n" for m in result.matches))
        elif self.mode is Mode.DIFF and result.diff:
            self.stdout.write(result.diff)
        if self.collect:
            self.results.append(result)
        if self.summary is not None:
            self.summary.add(result)
        if self.html is not None:
            self.html.add(result, self.mode.value)

    def on_skip(self, path: Path, reason: str) -> None:
        if self.verbose:
            say(f"{path}: skipped ({reason})", style="dim")

    def interrupted(self, totals: RunTotals) -> None:
        """Ctrl-C: summary.json still lists every file written, and says the run stopped."""
        self.stop_progress()
        if self.html is not None:
            self.html.discard()
        if self.summary is not None:
            self.summary.close(totals, interrupted=True)

    def stop_progress(self) -> None:
        if self.progress is not None:
            self.progress.stop()

    def finish(self, totals: RunTotals) -> None:
        """Write the end-of-run outputs: report file, summary.json, totals, summary table."""
        self.stop_progress()
        if totals.files == 0 and not self.quiet:
            # As ruff does: a run that had nothing to read says so, and is no failure.
            say(NO_FILES, style="warning")
        if self.html is not None:
            self.html.close(totals, self.mode.value)
        if self.mode is Mode.CHECK:
            self._finish_check(totals)
            return
        if self.summary is not None:
            for line in self.summary.close(totals):
                if not self.quiet:
                    say(line)
        if self.quiet:
            return
        if self.mode is Mode.DIFF:
            say(
                f"{plural(totals.cleaned, 'file')} would be cleaned, "
                f"{totals.unchanged} unchanged, {totals.failed} failed."
            )
            return
        if self.mode is Mode.IN_PLACE:
            failed = f", {totals.failed} failed" if totals.failed else ""
            say(f"{plural(totals.cleaned, 'file')} cleaned, {totals.unchanged} unchanged{failed}.")
            return
        elapsed = time.monotonic() - self.started
        title = f"clean-reports → {shown(str(self.out_dir))}"
        print_summary(totals, title=title, seconds=elapsed)

    def _finish_check(self, totals: RunTotals) -> None:
        if self.collect:
            report = render(
                self.output_format, self.results, totals=totals, rules=self.rules, root=self.root
            )
            if self.output_file is not None:
                atomic_write(self.output_file, report.encode("utf-8"))
            else:
                self.stdout.write(report)
        if self.stream_text:
            self.stdout.write(check_total(totals) + "\n")
        elif not self.quiet and self.output_format not in ("text", "explain"):
            say(check_total(totals))


def describe(result: FileResult) -> str:
    """One line of ``--verbose``: what was decided for a file and what it was read as."""
    encoding = f"{result.encoding}{' with BOM' if result.bom else ''}, {result.newline}"
    if result.status is Status.CLEANED:
        removed = f", {result.chars_removed} characters" if result.chars_removed else ""
        return f"{result.path}: {encoding}: {plural(len(result.matches), 'finding')}{removed}"
    return f"{result.path}: {encoding}: unchanged"


def print_summary(totals: RunTotals, *, title: str, seconds: float) -> None:
    """The end-of-run summary on stderr: files by status, encodings, time and throughput,
    hits per rule, and the files that failed with their reasons.

    rich is imported here, not at start-up: a pre-commit run on one file never needs it.
    """
    from rich.console import Console, Group
    from rich.table import Table

    files = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    files.add_column(style="bold")
    files.add_column(justify="right")
    files.add_row("files scanned", str(totals.files))
    files.add_row("cleaned", str(totals.cleaned), style="green" if totals.cleaned else None)
    files.add_row("unchanged", str(totals.unchanged))
    files.add_row("failed", str(totals.failed), style="bold red" if totals.failed else None)
    files.add_row("characters removed", str(totals.chars_removed))
    encodings = ", ".join(f"{name} {count}" for name, count in totals.encodings.most_common())
    files.add_row("encodings", encodings or "-")
    files.add_row("time", run_time(totals.files, totals.bytes, seconds))
    parts: list[Table] = [files]
    if totals.hits:
        hits = Table(show_edge=False, padding=(0, 2))
        hits.add_column("rule")
        hits.add_column("hits", justify="right")
        for rule_id, count in sorted(totals.hits.items(), key=lambda item: (-item[1], item[0])):
            hits.add_row(rule_id, str(count))
        parts.append(hits)
    if totals.failures:
        failed = Table(show_edge=False, padding=(0, 2), title="failed", title_justify="left")
        failed.add_column("file", style="bold red", overflow="fold")
        failed.add_column("reason", overflow="fold")
        for path, reason in totals.failures:
            failed.add_row(shown(path), shown(reason))
        if totals.failed > len(totals.failures):
            failed.add_row(f"… and {totals.failed - len(totals.failures)} more", "")
        parts.append(failed)
    console = Console(stderr=True, highlight=False, soft_wrap=True, no_color=_color is False)
    if _color:
        console = Console(stderr=True, highlight=False, soft_wrap=True, force_terminal=True)
    console.print(Group(*parts))


def run_time(files: int, size: int, seconds: float) -> str:
    """The time a run took and its throughput, e.g. ``6.2 s (0.81 files/s, 0.0042 MB/s)``.

    Rates keep two significant digits below 10, so that a few files in a run that spent
    seconds starting Ray read as the fraction they are rather than as ``0 files/s``.
    """
    if seconds <= 0:
        return "-"
    rates = f"{_rate(files / seconds, ',.0f')} files/s, {_rate(size / 1e6 / seconds, ',.1f')} MB/s"
    return f"{seconds:.1f} s ({rates})"


def _rate(value: float, large: str) -> str:
    """A rate: in ``large`` format from 10 up, else two significant digits."""
    if value >= 10:
        return format(value, large)
    if value == 0:
        return "0"
    if value < 0.0001:
        return "< 0.0001"
    return f"{value:.2g}"


class SummaryWriter:
    """``OUT/summary.json``, written one record at a time as files finish.

    The records go to a temporary file in the output folder that replaces summary.json
    once the totals are known, so the file is always whole: the last complete run's, or
    this one's. Memory grows only by the name of each output, which closing the run
    needs: outputs an earlier run listed that this one did not write are looked at then
    (see :func:`leftovers`).
    """

    def __init__(self, out_dir: Path | None, rules: Sequence[Rule]) -> None:
        assert out_dir is not None
        self.out_dir = out_dir
        self.rules = rules
        self.temp = Path(temp_name(str(out_dir / SUMMARY_FILE)))
        self.stream: TextIO | None = None
        self.error: str | None = None
        self.written: set[str] = set()  # this run's outputs, relative to out_dir
        self.failed: set[str] = set()  # the inputs that failed, as summary.json names them

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
            # one write with its separator: Ctrl-C while it is made (hashing the output
            # takes a while) must not leave a separator without its record.
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

    def close(self, totals: RunTotals, *, interrupted: bool = False) -> list[str]:
        """Write the totals and put summary.json in place; ``interrupted`` marks a run
        stopped by Ctrl-C, whose summary lists the files it did.

        A run that went through to the end then clears up what an earlier run into the
        folder wrote for inputs that are gone (:func:`leftovers`); the lines that say
        what was removed, and what was left, are returned.
        """
        stale = [] if interrupted else self._earlier_outputs()
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
        try:
            self.stream.write(f'\n  ],\n  "totals": {rendered}\n}}\n')
            self.stream.close()
            self.temp.replace(self.out_dir / SUMMARY_FILE)
        except OSError as exc:
            with contextlib.suppress(OSError):
                self.temp.unlink()
            raise CleanReportsError(f"cannot write {self.out_dir / SUMMARY_FILE}: {exc}") from exc
        return leftovers(self.out_dir, stale, self.failed)

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
        written = {}
        for name, path in (
            (output, result.output),
            (record["diff"], diff_name(result.output)),
        ):
            facts = digest(path) if name is not None else None
            if facts is not None:
                written[name] = {"bytes": facts[0], "sha256": facts[1]}
        record["written"] = written
    records: dict[int, Counter[str]] = {}
    for match in result.matches:
        if match.row is not None:
            records.setdefault(match.row, Counter())[match.rule_id] += 1
    if records:  # a dataset: which records were cleaned, by record number
        record["records"] = {str(row): dict(sorted(hits.items())) for row, hits in records.items()}
    return record


def rules_listing(rules: Sequence[Rule]) -> str:
    """``--list-rules``: id, pack, what it removes, the file it comes from, and its
    description; then the packs that ship with the tool, and which are on.

    Plain aligned columns, description last (CJK text is double width), so the listing
    reads the same in a terminal, a pipe or a CI log.
    """
    rows = [("id", "pack", "removes", "file", "description")]
    rows += [
        (rule.id, pack_of(rule) or "-", rule.remove.value, rule.source, rule.description)
        for rule in rules
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*cells, row[4]]))
    active = {pack_of(rule) for rule in rules}
    packs = ", ".join(f"{name} ({'on' if name in active else 'off'})" for name in available_packs())
    lines.append(f"\npacks: {packs}; turn one on with --pack NAME")
    return "\n".join(lines)
