"""The HTML report's page, without a browser: self-contained and safe with any file name."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from clean_reports.cli import cli
from clean_reports.model import FileResult, Status, Totals
from clean_reports.sinks.html import HtmlReport

from conftest import SEEDS


def write(tmp_path: Path, *results: FileResult) -> str:
    page = tmp_path / "r.html"
    report, totals = HtmlReport(page, "out-dir"), Totals()
    for result in results:
        totals.add(result)
        report.add(result)
    report.close(totals)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    return page.read_text(encoding="utf-8")


def test_page_is_self_contained(tmp_path: Path) -> None:
    text = write(tmp_path, FileResult("a.txt", Status.UNCHANGED, encoding="utf-8"))
    assert '<meta charset="utf-8">' in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing fetched
    assert "<style>" in text and "<script>" in text


def test_hostile_file_names_cannot_break_out_of_the_data(tmp_path: Path) -> None:
    name = 'x</script><script>alert(1)</script><!--".txt'
    text = write(tmp_path, FileResult(name, Status.FAILED, reason="<b>bad</b>"))
    assert text.count("<script") == 2  # the data and the page's own script, nothing more
    data = text.split('<script id="data" type="application/json">', 1)[1].split("</script>", 1)[0]
    (record,) = json.loads(data)
    assert record["p"] == name and record["r"] == "<b>bad</b>"


def test_empty_run_writes_a_page(tmp_path: Path) -> None:
    text = write(tmp_path)
    assert '<script id="data" type="application/json">[]</script>' in text


# --- a check or a diff writes nothing: its page says what was found and would be removed --


def run_report(tmp_path: Path, *mode: str) -> tuple[str, list[dict[str, Any]]]:
    """The page of a run over a copy of the seeds, and its records."""
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        shutil.copytree(SEEDS, corpus)
    page = tmp_path / f"{'-'.join(mode) or 'out-dir'}.html"
    args = [*mode, str(corpus), "--report", str(page), "-q"]
    if not mode:
        args += ["-o", str(tmp_path / "out")]
    CliRunner().invoke(cli, args, catch_exceptions=False)
    text = page.read_text(encoding="utf-8")
    data = text.split('<script id="data" type="application/json">', 1)[1].split("</script>", 1)[0]
    return text, json.loads(data)


def cards(text: str) -> dict[str, tuple[str, str]]:
    """Each summary card's label: (its class, its number)."""
    found = re.findall(r'<div class="card ?([\w-]*)"><b>([\d,]+)</b><span>([^<]+)</span>', text)
    return {label: (css, number) for css, number, label in found}


def colour_of(text: str, selector: str) -> str:
    style = text.split("<style>", 1)[1].split("</style>", 1)[0]
    variables = dict(re.findall(r"--(\w+):(#[0-9a-f]{6})", style))
    (colour,) = re.findall(re.escape(selector) + r" \{ color:var\(--(\w+)\)", style)
    return variables[colour]


def test_a_check_report_speaks_of_what_would_be_removed(tmp_path: Path) -> None:
    text, records = run_report(tmp_path, "--check")
    _, cleaned = run_report(tmp_path)  # what an out-dir run of the same files removed
    removed = {record["p"]: record["c"] for record in cleaned}
    watermarked = [record for record in records if record["h"]]
    assert len(watermarked) == 4
    for record in watermarked:
        assert (record["s"], record["k"]) == ("watermarked", "watermarked")
        assert record["c"] == removed[record["p"]] > 0  # not "0 characters removed"
    assert {record["s"] for record in records if not record["h"]} == {"no watermarks"}
    assert "cleaned" not in {record["s"] for record in records}
    summary = cards(text)
    assert summary["with watermarks"] == ("watermarked", "4")
    assert summary["characters would be removed"][1] == f"{sum(removed.values()):,}"
    assert "characters removed" not in summary and "cleaned" not in summary
    assert ">chars to remove</th>" in text and 'data-nothing="no watermarks found"' in text
    # a warning colour, not the green of files that were cleaned
    warning = colour_of(text, ".card.watermarked b")
    assert warning == colour_of(text, ".status-watermarked")
    assert warning not in (colour_of(text, ".card.cleaned b"), colour_of(text, ".card.failed b"))


def test_a_diff_report_says_would_be_cleaned(tmp_path: Path) -> None:
    text, records = run_report(tmp_path, "--diff")
    assert {(record["s"], record["k"]) for record in records if record["h"]} == {
        ("would be cleaned", "watermarked")
    }
    assert all(record["c"] > 0 for record in records if record["h"])
    assert cards(text)["would be cleaned"] == ("watermarked", "4")
    assert "characters would be removed" in cards(text)


def test_an_out_dir_report_still_says_cleaned(tmp_path: Path) -> None:
    text, records = run_report(tmp_path)
    assert {record["s"] for record in records if record["h"]} == {"cleaned"}
    summary = cards(text)
    assert summary["cleaned"] == ("cleaned", "4")
    assert summary["files"][1] == "5"
    assert int(summary["characters removed"][1].replace(",", "")) > 0
    assert ">chars removed</th>" in text and 'data-nothing="nothing removed"' in text
