"""Telling people: one line per file that needs it, and the run's closing summary.

Everything here goes to stderr, so ``clean-reports --check ... > findings.txt`` keeps
only findings. Every path is written as :func:`~clean_reports.walk.shown` gives it (a
byte of a name that is not UTF-8 as ``\\xff``): a name the terminal cannot carry must
not stop the run, nor be shown differently in one place than in another.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import click

from ..model import FileResult, Mode, Status, Totals
from ..rules import Rule, available_packs, pack_of
from ..walk import shown
from .formats import plural

NO_FILES = (
    "warning: No files found under the given paths (none matched the include patterns, "
    "*.txt by default, or all were excluded)"
)


def color_choice(choice: str, environ: Mapping[str, str]) -> bool | None:
    """``--color auto|always|never``; ``auto`` honours NO_COLOR (https://no-color.org):
    True or False forces colour on or off, None colours a terminal only."""
    if choice == "always":
        return True
    if choice == "never" or environ.get("NO_COLOR"):
        return False
    return None


class Console(NamedTuple):
    """Lines for people, on stderr, coloured as ``--color`` says (None: on a terminal)."""

    color: bool | None = None

    def say(self, message: str, style: str | None = None) -> None:
        """A line; a path in it that is not UTF-8 is shown as every report shows it."""
        message = shown(message)
        if style == "error":
            click.secho(message, err=True, fg="red", bold=True, color=self.color)
        elif style == "warning":
            click.secho(message, err=True, fg="yellow", bold=True, color=self.color)
        elif style == "dim":
            click.secho(message, err=True, dim=True, color=self.color)
        else:
            click.echo(message, err=True, color=self.color)

    def skipped(self, path: Path, reason: str) -> None:
        """``-v``: a path the walk left out, and why."""
        self.say(f"{path}: skipped ({reason})", style="dim")


class Messages:
    """A sink: each failure, each file cleaned in place (unless ``quiet``), and with
    ``verbose`` what was decided for every other file; at the end, a warning when the
    run found no file at all."""

    def __init__(
        self,
        console: Console,
        *,
        in_place: bool = False,
        quiet: bool = False,
        verbose: bool = False,
    ) -> None:
        self.console = console
        self.cleaned = in_place and not quiet
        self.quiet = quiet
        self.verbose = verbose

    def add(self, result: FileResult) -> None:
        if result.status is Status.FAILED:
            self.console.say(f"error: {result.path}: {result.reason}", style="error")
        elif self.cleaned and result.status is Status.CLEANED:
            found = plural(len(result.matches), "watermark")
            note = "" if result.note is None else f"; {result.note}"
            self.console.say(f"cleaned {result.path} ({found}{note})")
        elif self.verbose:
            self.console.say(describe(result), style="dim")

    def close(self, totals: Totals) -> None:
        if totals.files == 0 and not self.quiet:
            # As ruff does: a run that had nothing to read says so, and is no failure.
            self.console.say(NO_FILES, style="warning")

    def abort(self, totals: Totals) -> None:
        pass


class Closing:
    """A sink that closes a run on stderr: the count of a ``--diff`` or ``--in-place``
    run, or the summary table of a run that wrote clean copies to ``out_dir``."""

    def __init__(self, console: Console, mode: Mode, out_dir: Path | None = None) -> None:
        self.console = console
        self.mode = mode
        self.out_dir = out_dir
        self.started = time.monotonic()

    def add(self, result: FileResult) -> None:
        pass

    def close(self, totals: Totals) -> None:
        if self.mode is Mode.DIFF:
            self.console.say(
                f"{plural(totals.cleaned, 'file')} would be cleaned, "
                f"{totals.unchanged} unchanged, {totals.failed} failed."
            )
        elif self.mode is Mode.IN_PLACE:
            failed = f", {totals.failed} failed" if totals.failed else ""
            self.console.say(
                f"{plural(totals.cleaned, 'file')} cleaned, {totals.unchanged} unchanged{failed}."
            )
        elif self.mode is Mode.OUT_DIR:
            elapsed = time.monotonic() - self.started
            title = f"clean-reports → {shown(str(self.out_dir))}"
            print_summary(totals, title=title, seconds=elapsed, color=self.console.color)

    def abort(self, totals: Totals) -> None:
        pass


def describe(result: FileResult) -> str:
    """One line of ``--verbose``: what was decided for a file and what it was read as."""
    encoding = f"{result.encoding}{' with BOM' if result.bom else ''}, {result.newline}"
    if result.status is Status.CLEANED:
        removed = f", {result.chars_removed} characters" if result.chars_removed else ""
        note = "" if result.note is None else f"; {result.note}"
        found = plural(len(result.matches), "finding")
        return f"{result.path}: {encoding}: {found}{removed}{note}"
    return f"{result.path}: {encoding}: unchanged"


def print_summary(totals: Totals, *, title: str, seconds: float, color: bool | None = None) -> None:
    """The end-of-run summary on stderr: files by status, encodings, time and throughput,
    hits per rule, and the files that failed with their reasons.

    rich is imported here, not at start-up: a pre-commit run on one file never needs it.
    """
    from rich.console import Console as Terminal
    from rich.console import Group
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
    terminal = Terminal(stderr=True, highlight=False, soft_wrap=True, no_color=color is False)
    if color:
        terminal = Terminal(stderr=True, highlight=False, soft_wrap=True, force_terminal=True)
    terminal.print(Group(*parts))


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
