"""The values every layer passes on: what crosses between processes must come back exactly."""

from __future__ import annotations

import pickle

import pytest

from clean_reports.model import Digest, FileResult, Match, Seen, Status, Task, Totals, failed


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize("status", list(Status))
def test_a_result_pickles_to_an_equal_one(protocol: int, status: Status) -> None:
    first = Match("kule-footer", "footer", 3, 9, "酷乐文行整理", 1, 4, 1, 10, "酷乐文行整理")
    second = Match("qq-advert", "QQ advert", 20, 31, "咨询QQ12345", 2, 1, 2, 12, "咨询qq12345", 7)
    result = FileResult(
        "corpus/a.txt",
        status,
        output="out/a.txt",
        reason="why",
        encoding="gb18030",
        bom=True,
        newline="CRLF",
        chars_removed=17,
        matches=(first, second),
        diff="--- a\n+++ b\n",
        size=4096,
        contexts=(("前", "后"), ("", "。")),
        written=(Digest(10, "ab" * 32), Digest(20, "cd" * 32)),
        key="0123abcd",
        cached=True,
        note="read-only, mode 0444: rewritten",
        seen=Seen(b"/corpus/\xff.txt", "1:2:3:4:5", "ef" * 32),
    )
    # every field set, none to its default: a field the pickling forgot would show
    assert all(
        value != default
        for value, default in zip(result, FileResult("", status), strict=True)
        if value is not status
    )
    back = pickle.loads(pickle.dumps(result, protocol=protocol))
    assert back == result
    assert type(back) is FileResult and back.status is status
    assert [type(match) for match in back.matches] == [Match, Match]
    assert back.matches[1].row == 7


def test_a_failed_task_is_its_failed_result() -> None:
    task = Task("corpus/a.txt", "a.txt", "out/a.txt", "corpus/a.txt")
    assert failed(task, "read: gone", 12) == FileResult(
        "corpus/a.txt", Status.FAILED, reason="read: gone", size=12
    )


def test_totals_count_each_result_once() -> None:
    match = Match("kule-footer", "footer", 0, 2, "酷乐", 1, 1, 1, 3)
    totals = Totals()
    for result in (
        FileResult("a", Status.CLEANED, encoding="utf-8", matches=(match,), chars_removed=2),
        FileResult("b", Status.UNCHANGED, encoding="gb18030", bom=True, size=5),
        FileResult("c", Status.FAILED, reason="read: gone"),
    ):
        totals.add(result)
    assert (totals.files, totals.cleaned, totals.unchanged, totals.failed) == (3, 1, 1, 1)
    assert (totals.findings, totals.chars_removed, totals.bytes) == (1, 2, 5)
    assert totals.hits == {"kule-footer": 1}
    assert totals.encodings == {"utf-8": 1, "gb18030 (BOM)": 1}
    assert totals.failures == [("c", "read: gone")]
