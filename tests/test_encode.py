"""Text back to bytes: UTF-8 copies, and in-place splices that keep every other byte."""

from __future__ import annotations

import codecs

import pytest

from clean_reports.core import clean
from clean_reports.decode import decode
from clean_reports.encode import splice, to_utf8
from clean_reports.errors import FileFailure

from conftest import EXPECTED, SEEDS

SEED = "000_155c858b691bed45.txt"


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("gb18030", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_splice_equals_the_expected_output_in_the_original_encoding(
    codec: str, bom: bytes, newline: str, shipped_rules
) -> None:  # type: ignore[no-untyped-def]
    source = (SEEDS / SEED).read_text(encoding="utf-8").replace("\n", newline)
    expected = (EXPECTED / SEED).read_text(encoding="utf-8").replace("\n", newline)
    data = bom + source.encode(codec)
    decoded = decode(data)
    result = clean(decoded.text, shipped_rules)
    assert splice(data, decoded, result.removed, result.text) == bom + expected.encode(codec)


def test_splice_in_big5_keeps_every_other_byte() -> None:
    body = "二零二零年述職報告：堅持以人民為中心的發展思想，全面完成各項工作任務。\n" * 10
    text = body + "廣告\n" + body
    data = text.encode("big5")
    decoded = decode(data)
    assert decoded.encoding == "big5"
    start = decoded.text.index("廣告")
    removed = [(start, start + len("廣告\n"))]
    out = splice(data, decoded, removed, body + body)
    assert out == body.encode("big5") * 2


def test_splice_refuses_a_result_that_does_not_decode_to_the_clean_text() -> None:
    decoded = decode("正文".encode())
    with pytest.raises(FileFailure, match="exactly"):
        splice("正文".encode(), decoded, [(0, 1)], "wrong")


def test_utf8_output_has_no_bom_and_keeps_line_endings() -> None:
    assert to_utf8("一\r\n二\n") == "一\r\n二\n".encode()
