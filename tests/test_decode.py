"""Bytes to text: BOMs decide, then strict UTF-8, then chardet; never a lossy decode."""

from __future__ import annotations

import codecs
from typing import NoReturn

import pytest

from clean_reports.decode import decode, newline_style
from clean_reports.errors import FileFailure

from conftest import SEEDS

TEXT = (SEEDS / "000_155c858b691bed45.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ],
)
def test_bom_decides(bom: bytes, codec: str, name: str) -> None:
    decoded = decode(bom + TEXT.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.bom) == (TEXT, name, bom)


def test_plain_utf8() -> None:
    decoded = decode(TEXT.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.bom) == (TEXT, "utf-8", b"")


@pytest.mark.parametrize("codec", ["gb18030", "gbk", "gb2312"])
def test_gb_family_decodes_as_gb18030(codec: str) -> None:
    text = TEXT.encode(codec, errors="ignore").decode(codec)  # GB2312 lacks a few characters
    decoded = decode(text.encode(codec))
    assert decoded.encoding == "gb18030"
    assert decoded.text == text


def test_chinese_gb18030_needs_no_chardet(monkeypatch: pytest.MonkeyPatch) -> None:
    import chardet

    def refuse(*_args: object, **_kwargs: object) -> NoReturn:
        raise AssertionError("chardet was asked")

    monkeypatch.setattr(chardet, "detect", refuse)
    monkeypatch.setattr(chardet, "detect_all", refuse)
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        decoded = decode(text.encode("gb18030"))
        assert (decoded.text, decoded.encoding, decoded.bom) == (text, "gb18030", b"")


KOREAN = (
    "대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 "
    "나온다. 올해 우리 부서는 여러 가지 업무를 성공적으로 수행하였으며, 내년에도 계속 "
    "노력하겠습니다.\n"
) * 5
JAPANESE = (
    "日本国民は、正当に選挙された国会における代表者を通じて行動し、われらとわれらの子孫の"
    "ために、諸国民との協和による成果と、わが国全土にわたつて自由のもたらす恵沢を確保し。\n"
) * 3
TRADITIONAL = "二零二零年述職報告：堅持以人民為中心的發展思想，全面完成各項工作任務。\n" * 20


@pytest.mark.parametrize(
    ("text", "codec", "name"),
    [
        (KOREAN, "euc-kr", "cp949"),
        (JAPANESE, "euc-jp", "euc_jp"),
        (JAPANESE, "shift_jis", "cp932"),
        (TRADITIONAL, "big5", "big5"),
    ],
)
def test_other_encodings_that_read_as_gb18030_go_to_chardet(
    text: str, codec: str, name: str
) -> None:
    data = text.encode(codec)
    data.decode("gb18030")  # valid GB18030 bytes: only the reading tells them apart
    decoded = decode(data)
    assert (decoded.text, decoded.encoding) == (text, name)


def test_big5() -> None:
    text = "二零二零年述職報告：堅持以人民為中心的發展思想，全面完成各項工作任務。\n" * 20
    decoded = decode(text.encode("big5"))
    assert decoded.encoding == "big5"
    assert decoded.text == text


def test_nul_bytes_are_not_decoded() -> None:
    with pytest.raises(FileFailure, match="NUL bytes"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_undecodable_bytes_fail_with_the_reason() -> None:
    # GB18030 text with bytes that no GB18030 sequence contains.
    data = TEXT.encode("gb18030")[:600] + b"\xff\xfe\xff" + TEXT.encode("gb18030")[600:1200]
    with pytest.raises(FileFailure) as error:
        decode(data)
    assert error.value.stage == "decode"
    assert "not UTF-8" in error.value.reason or "invalid" in error.value.reason


def test_a_guess_is_not_a_verdict() -> None:
    with pytest.raises(FileFailure, match="unsure"):
        decode("述职报告".encode("gb18030"))


def test_invalid_bytes_after_a_bom_fail() -> None:
    with pytest.raises(FileFailure, match="invalid utf-8"):
        decode(codecs.BOM_UTF8 + b"ok \xff\xfe")


def test_empty_file_is_utf8() -> None:
    assert decode(b"").text == ""


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("a\nb\n", "LF"),
        ("a\r\nb\r\n", "CRLF"),
        ("a\rb\r", "CR"),
        ("a\r\nb\n", "mixed"),
        ("a", "none"),
        ("", "none"),
    ],
)
def test_newline_style(text: str, style: str) -> None:
    assert newline_style(text) == style


def test_a_few_bytes_with_nul_are_binary_not_utf16() -> None:
    with pytest.raises(FileFailure, match="binary file"):
        decode(b"\x00\x01binary")
