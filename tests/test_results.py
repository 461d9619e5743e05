"""Per-file results: what crosses between processes must come back exactly."""

from __future__ import annotations

import pickle

import pytest

from clean_reports.core import Match
from clean_reports.results import FileResult, Status


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
        cache_key="0123abcd",
        cache_entry='["utf-8", false, "LF", []]',
        hit=True,
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
