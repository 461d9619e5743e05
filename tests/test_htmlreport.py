"""The HTML report's page, without a browser: self-contained and safe with any file name."""

from __future__ import annotations

import json
import re
from pathlib import Path

from clean_reports.htmlreport import HtmlReport
from clean_reports.results import FileResult, RunTotals, Status


def write(tmp_path: Path, *results: FileResult) -> str:
    page = tmp_path / "r.html"
    report, totals = HtmlReport(page), RunTotals()
    for result in results:
        totals.add(result)
        report.add(result)
    report.close(totals, "out-dir")
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
