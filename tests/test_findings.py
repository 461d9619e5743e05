"""The findings sink: text findings stream to a terminal, and go in batches elsewhere."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from clean_reports.model import FileResult, Match, Status, Totals
from clean_reports.rules import load_rules
from clean_reports.sinks import findings as findings_module
from clean_reports.sinks.console import Console
from clean_reports.sinks.findings import Findings
from clean_reports.sinks.formats import finding_line, finding_lines


class Stream(io.StringIO):
    """A text stream that counts its writes, and is a terminal or not."""

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty
        self.writes = 0

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def result(number: int) -> FileResult:
    matches = (
        Match("qq-advert", "QQ advert", 0, 7, "咨询QQ12345", 1, 1, 1, 8, "咨询qq12345"),
        Match("kule-footer", "footer", 9, 15, "酷乐文行整理", 2, 1, 2, 7, "酷乐文行整理", row=3),
    )
    return FileResult(f"corpus/{number:04d}.txt", Status.CLEANED, matches=matches)


def sink(stream: Stream, *, batch: bool = True) -> Findings:
    return Findings(Console(), load_rules([]), Path(), stream, batch=batch)


def expected(count: int) -> str:
    return "".join(finding_lines(r.path, r.matches) for r in map(result, range(count)))


@pytest.mark.parametrize(
    ("tty", "batch"), [(True, True), (False, False)], ids=["a terminal", "not batched"]
)
def test_each_files_findings_are_written_as_it_finishes(tty: bool, batch: bool) -> None:
    """On a terminal, and where each file's findings must follow its diff (``--check
    --diff``'s stderr), whatever stderr is."""
    stream = Stream(tty=tty)
    findings = sink(stream, batch=batch)
    for number in range(3):
        findings.add(result(number))
        assert stream.getvalue() == expected(number + 1)
    assert stream.writes == 3


@pytest.mark.parametrize("stop", ["close", "abort"])
def test_a_file_or_pipe_gets_the_findings_in_batches_and_all_of_them(
    monkeypatch: pytest.MonkeyPatch, stop: str
) -> None:
    """Fewer writes than files, the same text, and nothing held back when the run ends
    or is stopped (Ctrl-C: the findings of the files done are told)."""
    monkeypatch.setattr(findings_module, "BATCH_CHARS", 1000)
    stream = Stream(tty=False)
    findings = sink(stream)
    for number in range(200):
        findings.add(result(number))
    assert 0 < stream.writes < 200 / 5
    getattr(findings, stop)(Totals())
    assert stream.getvalue().startswith(expected(200))


@pytest.mark.parametrize(
    "path", ["corpus/a.txt", os.fsdecode(b"corpus/\xff\xfe.txt"), "corpus/data.jsonl"]
)
def test_finding_lines_are_finding_line_a_line_each(path: str) -> None:
    matches = result(0).matches
    assert finding_lines(path, matches) == "".join(finding_line(path, m) + "\n" for m in matches)
