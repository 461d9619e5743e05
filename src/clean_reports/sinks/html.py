"""``--report FILE.html``: one self-contained page to review what a run removed.

The summary (files by status, characters removed, hits and files touched per rule, files
per encoding) is drawn as HTML and CSS bars when the page is written, so it shows without
JavaScript. The file list (searchable, sortable, paged) and each file's removals in
context are rendered by a small inline script from JSON embedded in the page, a page of
rows at a time, so a report of 50,000 files stays responsive. Nothing is fetched: the
page works from ``file://``.

Records are streamed to a temporary file as files finish and copied into the page at the
end, so writing a report does not hold the corpus in memory.
"""

from __future__ import annotations

import contextlib
import html
import json
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple, TextIO

from ..errors import CleanReportsError
from ..model import FileResult, Match, Status, Totals
from ..version import __version__
from ..walk import shown
from ..write import temp_name

CONTEXT_CHARS = 40


class _Words(NamedTuple):
    """How a page speaks of a mode: a check or a diff writes nothing, so its page says
    what was found and would be removed, not what was cleaned."""

    changed: str  # a file with removals, in the list
    changed_card: str  # and on its summary card
    unchanged: str
    removed: str  # the characters card
    column: str  # the list's characters column
    nothing: str  # a file's detail when it has no removals
    kind: str  # the colour of files with removals: "cleaned" (done) or "watermarked"


_DONE = _Words(
    changed="cleaned",
    changed_card="cleaned",
    unchanged="unchanged",
    removed="characters removed",
    column="chars removed",
    nothing="nothing removed",
    kind="cleaned",
)
_WORDS = {
    "check": _Words(
        changed="watermarked",
        changed_card="with watermarks",
        unchanged="no watermarks",
        removed="characters would be removed",
        column="chars to remove",
        nothing="no watermarks found",
        kind="watermarked",
    ),
    "diff": _Words(
        changed="would be cleaned",
        changed_card="would be cleaned",
        unchanged="unchanged",
        removed="characters would be removed",
        column="chars to remove",
        nothing="nothing to remove",
        kind="watermarked",
    ),
}


def words(mode: str) -> _Words:
    """The words of a page for ``mode`` (``check``, ``diff``, ``out-dir``, ``in-place``)."""
    return _WORDS.get(mode, _DONE)


class HtmlReport:
    """A sink that collects one record per file, then writes the page; ``mode`` is the
    run's (``check``…), which names each file's status."""

    def __init__(self, path: Path, mode: str = "out-dir") -> None:
        self.path = path
        self.mode = mode
        self.temp = Path(temp_name(str(path), "-records"))
        self.files_touched: Counter[str] = Counter()
        self.started = time.time()
        # Opened now, before the run writes anything: a report that cannot be written
        # stops the run before its first output, not after half the corpus.
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.stream: TextIO = self.temp.open("w", encoding="utf-8")
        except OSError as exc:
            raise CleanReportsError(f"cannot write {self.path}: {exc}") from exc
        self.first = True

    def add(self, result: FileResult) -> None:
        """One file's record."""
        first, self.first = self.first, False
        self.files_touched.update({match.rule_id for match in result.matches})
        removals = [
            [m.rule_id, _line(m), m.column, before, m.text, after]
            for m, (before, after) in zip(result.matches, result.contexts, strict=False)
        ]
        said = words(self.mode)
        status, kind = {
            Status.CLEANED: (said.changed, said.kind),
            Status.UNCHANGED: (said.unchanged, "unchanged"),
            Status.FAILED: ("failed", "failed"),
        }[result.status]
        record = {
            "p": shown(result.path),  # a name that is not UTF-8 as every report shows it
            "s": status,
            "k": kind,  # the status's colour
            "e": (result.encoding or "") + (" (BOM)" if result.bom else ""),
            "h": len(result.matches),
            "c": result.chars_removed or 0,
            "r": shown(result.reason or ""),
            "m": removals,
        }
        self.stream.write(
            ("" if first else ",\n") + _script_safe(json.dumps(record, ensure_ascii=False))
        )

    def abort(self, totals: Totals) -> None:
        """An interrupted run writes no page: remove the temporary records."""
        with contextlib.suppress(OSError):
            self.stream.close()
        with contextlib.suppress(OSError):
            self.temp.unlink()

    def close(self, totals: Totals) -> None:
        """Write the page (atomically) and remove the temporary records."""
        mode = self.mode
        try:
            self.stream.close()
            temp_page = Path(temp_name(str(self.path)))
            with temp_page.open("w", encoding="utf-8") as page:
                head = _HEAD.replace("{title}", html.escape(f"clean-reports: {mode}"))
                page.write(head.replace("{style}", _asset("report.css")))
                page.write(self._summary(totals, mode))
                said = words(mode)
                page.write(
                    _LIST.replace("{column}", html.escape(said.column)).replace(
                        "{nothing}", html.escape(said.nothing, quote=True)
                    )
                )
                page.write('<script id="data" type="application/json">[')
                with self.temp.open(encoding="utf-8") as records:
                    while chunk := records.read(1 << 20):
                        page.write(chunk)
                page.write("]</script>\n")
                page.write(f"<script>\n{_asset('report.js')}</script>\n")
                page.write("</body></html>\n")
            temp_page.replace(self.path)
        except OSError as exc:
            raise CleanReportsError(f"cannot write {self.path}: {exc}") from exc
        finally:
            with contextlib.suppress(OSError):
                self.temp.unlink()

    def _summary(self, totals: Totals, mode: str) -> str:
        said = words(mode)
        status = [
            (said.changed_card, totals.cleaned, said.kind),
            (said.unchanged, totals.unchanged, "unchanged"),
            ("failed", totals.failed, "failed"),
        ]
        cards = "".join(
            f'<div class="card {css}"><b>{count:,}</b><span>{html.escape(label)}</span></div>'
            for label, count, css in [("files", totals.files, "files"), *status]
        )
        removed = f"<b>{totals.chars_removed:,}</b><span>{html.escape(said.removed)}</span>"
        cards += f'<div class="card">{removed}</div>'
        rules = [
            (rule, f"{hits:,} hits · {self.files_touched[rule]:,} files", hits)
            for rule, hits in totals.hits.most_common()
        ]
        encodings = [(name, f"{count:,}", count) for name, count in totals.encodings.most_common()]
        states = [(label, f"{count:,}", count) for label, count, _css in status]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.started))
        return (
            f"<header><h1>clean-reports</h1><p>{html.escape(mode)} · {when} · "
            f"clean-reports {__version__}</p></header>"
            f'<section class="cards">{cards}</section>'
            '<section class="charts">'
            + _bars("Hits per rule", rules)
            + _bars("Files by status", states)
            + _bars("Files per encoding", encodings)
            + "</section>"
        )


def _bars(title: str, rows: list[tuple[str, str, int]]) -> str:
    """A bar chart in HTML and CSS: one labelled bar per row, scaled to the largest."""
    top = max((value for _label, _text, value in rows), default=0) or 1
    body = "".join(
        f'<div class="bar"><span class="label">{html.escape(label)}</span>'
        f'<span class="track"><span class="fill" style="width:{100 * value / top:.1f}%">'
        "</span></span>"
        f'<span class="value">{html.escape(text)}</span></div>'
        for label, text, value in rows
    )
    return f'<div class="chart"><h2>{html.escape(title)}</h2>{body or "<p>none</p>"}</div>'


def _asset(name: str) -> str:
    """The page's stylesheet or script, shipped beside this module and inlined."""
    return (Path(__file__).parent / "assets" / name).read_text(encoding="utf-8")


def _script_safe(text: str) -> str:
    """JSON that cannot end or confuse its <script> element: no "<" at all (it can only be
    inside a string, where "\\u003c" means the same)."""
    return text.replace("<", "\\u003c")


_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{style}</style></head><body>
"""

_LIST = """<section><h2>Files</h2>
<div class="tools"><input id="search" type="search" placeholder="Filter by path, rule id or status">
<span id="count"></span></div>
<table><thead><tr>
<th data-key="p">path</th><th data-key="e">encoding</th><th data-key="h" class="num">hits</th>
<th data-key="c" class="num">{column}</th><th data-key="s">status</th></tr></thead>
<tbody id="rows" data-nothing="{nothing}"></tbody></table>
<div class="pager"><button id="prev">previous</button><span id="page"></span>
<button id="next">next</button></div>
</section>
"""


def _line(match: Match) -> int | str:
    """The line, after the record number for a record of a dataset (``#12 3``)."""
    return match.line if match.row is None else f"#{match.row} {match.line}"
