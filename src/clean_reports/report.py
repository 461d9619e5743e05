"""Telling the user: findings, diffs, failures, the summary table and ``summary.json``.

Machine-readable output (findings, diffs) goes to stdout; everything for people
(summary table, failures) goes to stderr, so ``clean-reports --check ... > findings.txt``
keeps only findings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from . import __version__
from .core import Match
from .results import FileResult, RunTotals, Status
from .rules import Rule

_SNIPPET_CHARS = 40


def finding_line(path: str, match: Match) -> str:
    """``path:line:col: RULE-ID message``, the format editors and CI logs understand."""
    return (
        f"{path}:{match.line}:{match.column}: {match.rule_id} {match.description}: {snippet(match)}"
    )


def snippet(match: Match) -> str:
    """The matched text on one short line: its first line, cut, and how many lines follow."""
    lines = match.text.splitlines() or [""]
    first = lines[0].strip()
    if len(first) > _SNIPPET_CHARS:
        first = first[:_SNIPPET_CHARS] + "…"
    more = f" (+{len(lines) - 1} lines)" if len(lines) > 1 else ""
    return f'"{first}"{more}'


def failure_line(result: FileResult) -> Text:
    return Text(f"error: {result.path}: {result.reason}", style="bold red")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def check_total(totals: RunTotals) -> str:
    """The one line that closes a ``--check`` run."""
    checked = plural(totals.files, "file")
    if totals.findings:
        line = (
            f"Found {plural(totals.findings, 'watermark')} in "
            f"{plural(totals.cleaned, 'file')} ({checked} checked)"
        )
    else:
        line = f"No watermarks found ({checked} checked)"
    if totals.failed:
        line += f"; {plural(totals.failed, 'file')} could not be checked"
    return line + "."


def summary_table(totals: RunTotals, *, title: str) -> Group:
    """The end-of-run summary: files by status, then hits per rule."""
    files = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    files.add_column(style="bold")
    files.add_column(justify="right")
    files.add_row("files scanned", str(totals.files))
    files.add_row("cleaned", str(totals.cleaned), style="green" if totals.cleaned else None)
    files.add_row("unchanged", str(totals.unchanged))
    files.add_row("failed", str(totals.failed), style="bold red" if totals.failed else None)
    files.add_row("characters removed", str(totals.chars_removed))
    parts: list[Table] = [files]
    if totals.hits:
        hits = Table(show_edge=False, padding=(0, 2))
        hits.add_column("rule")
        hits.add_column("hits", justify="right")
        for rule_id, count in sorted(totals.hits.items(), key=lambda item: (-item[1], item[0])):
            hits.add_row(rule_id, str(count))
        parts.append(hits)
    return Group(*parts)


def summary_document(
    results: Sequence[FileResult], totals: RunTotals, out_dir: Path, rules: Sequence[Rule]
) -> dict[str, Any]:
    """The content of ``OUT/summary.json``: one record per input, then the totals."""
    return {
        "tool": "clean-reports",
        "version": __version__,
        "rules": [rule.id for rule in rules],
        "files": [_file_record(result, out_dir) for result in results],
        "totals": {
            "files": totals.files,
            "cleaned": totals.cleaned,
            "unchanged": totals.unchanged,
            "failed": totals.failed,
            "chars_removed": totals.chars_removed,
            "hits": dict(sorted(totals.hits.items())),
            "encodings": dict(sorted(totals.encodings.items())),
        },
    }


def _file_record(result: FileResult, out_dir: Path) -> dict[str, Any]:
    output = PurePath(result.output).relative_to(out_dir).as_posix() if result.output else None
    record: dict[str, Any] = {
        "path": result.path,
        "output": output,
        "diff": f"{output}.diff" if output and result.status is Status.CLEANED else None,
        "encoding": result.encoding,
        "bom": result.bom,
        "newline": result.newline,
        "status": result.status.value,
        "reason": result.reason,
        "chars_removed": result.chars_removed or 0,
        "hits": dict(sorted(result.hits().items())),
    }
    return record


def dump_json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def rules_listing(rules: Sequence[Rule]) -> str:
    """``--list-rules``: id, what it removes, the file it comes from, and its description.

    Plain aligned columns, description last (CJK text is double width), so the listing
    reads the same in a terminal, a pipe or a CI log.
    """
    rows = [("id", "removes", "file", "description")]
    rows += [(rule.id, rule.remove.value, rule.source, rule.description) for rule in rules]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    )


def make_console(*, stderr: bool) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)
