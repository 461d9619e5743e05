"""The views rules match on, and the map back to the original."""

from __future__ import annotations

import unicodedata

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_reports.view import (
    compatibility_forms,
    normalize_pattern,
    normalized_view,
    plain_view,
    to_simplified,
)


def test_plain_view_without_carriage_returns_is_the_text_itself() -> None:
    view = plain_view("一\n二\n")
    assert view.text == "一\n二\n"
    assert not view.view_starts  # no segments: the view maps one to one
    assert view.original_span(1, 3) == (1, 3)


@pytest.mark.parametrize("original", ["ab\r\ncd\r\n", "ab\rcd\r", "ab\r\ncd\nef\rgh", "\r\n\r\n"])
def test_line_breaks_become_lf_and_map_back(original: str) -> None:
    view = plain_view(original)
    assert view.text == original.replace("\r\n", "\n").replace("\r", "\n")
    for start in range(len(view.text)):
        for end in range(start + 1, len(view.text) + 1):
            o_start, o_end = view.original_span(start, end)
            mapped = original[o_start:o_end].replace("\r\n", "\n").replace("\r", "\n")
            assert mapped == view.text[start:end]


@pytest.mark.parametrize(
    ("original", "normal"),
    [
        ("酷乐文行整理，咨询ＱＱ２０６", "酷乐文行整理,咨询QQ206"),
        ("酷 乐\u3000文\xa0行\t整理", "酷乐文行整理"),
        ("酷\u200b乐\u200c文\u200d行\u2060整\ufeff理\u00ad", "酷乐文行整理"),
        ("酷樂文行整理，諮詢QQ", "酷乐文行整理,咨询QQ"),
        ("【會員資料】\r\n", "【会员资料】\n"),
        ("全角：（一）", "全角:(一)"),
        ("……省略", "……省略"),  # NFKC would make "..." (three characters): kept as it is
    ],
)
def test_normalised_view(original: str, normal: str) -> None:
    assert normalized_view(original).text == normal


@pytest.mark.parametrize(
    "original",
    [
        "　　酷 乐\u200b文行　整理，\r\n咨询ＱＱ：２０６１５７\r\n",
        "a\u200b\u200b b\rc",
        " ",
        "\u200b",
    ],
)
def test_every_view_character_maps_back_to_its_original(original: str) -> None:
    view = normalized_view(original)
    covered = 0
    for index, char in enumerate(view.text):
        start, end = view.original_span(index, index + 1)
        assert start >= covered  # in order, never overlapping
        covered = end
        assert normalized_view(original[start:end]).text == char
    # what lies between mapped characters was dropped: blank or invisible
    assert normalized_view(original).text == "".join(
        normalized_view(original[slice(*view.original_span(i, i + 1))]).text
        for i in range(len(view.text))
    )


def test_a_view_span_maps_to_exactly_the_matched_characters() -> None:
    original = "正文。\u3000酷 乐 文 行\u3000后文"
    view = normalized_view(original)
    found = regex.search("酷乐文行", view.text)
    assert found is not None
    start, end = view.original_span(*found.span())
    assert original[start:end] == "酷 乐 文 行"


def test_to_simplified_keeps_the_length() -> None:
    assert to_simplified("酷樂文行") == "酷乐文行"
    assert to_simplified("简体不变") == "简体不变"
    text = "乾隆年間，頭髮乾了" * 3
    assert len(to_simplified(text)) == len(text)


@pytest.mark.parametrize(
    ("pattern", "normal"),
    [
        ("酷乐文行整理，咨询QQ", "酷乐文行整理,咨询QQ"),
        ("會員資料", "会员资料"),
        ("【会员资料（内部）】", "【会员资料\\(内部\\)】"),
        ("是否？", "是否\\?"),
        ("a b\u3000c", "abc"),
        ("[，, ]", "[,, ]"),
        (r"\d{5,12}\s", r"\d{5,12}\s"),
        (r"\，", r"\,"),
    ],
)
def test_normalize_pattern(pattern: str, normal: str) -> None:
    assert normalize_pattern(pattern) == normal
    regex.compile(normal)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from("酷樂文行 \u3000\u00a0\u200b\u200d\ufeff\r\n\tＱq１,，。")
    )
)
def test_view_spans_map_back_for_any_text(text: str) -> None:
    view = normalized_view(text)
    for start in range(len(view.text)):
        for end in range(start + 1, min(len(view.text), start + 6) + 1):
            o_start, o_end = view.original_span(start, end)
            assert normalized_view(text[o_start:o_end]).text == view.text[start:end]


def _one_character_nfkc(text: str) -> str:
    forms = (unicodedata.normalize("NFKC", c) for c in text)
    return "".join(
        f if len(f) == 1 and ord(c) < 0x10000 else c for c, f in zip(text, forms, strict=True)
    )


@pytest.mark.parametrize(
    "text",
    [
        "述职报告，咨询ＱＱ２０６１５７０６０：",  # full-width ASCII only
        "工作……取得成效。",  # … has a three-character NFKC form: kept
        "①加强学习②改进作风",  # circled digits
        "面积１２０㎡，ｶﾀｶﾅ",  # a square unit (several characters) and half-width kana
        "ﬁle ﬂow \uff46\uff49",  # ligatures are several characters: kept
        "\U0001d400\U0001d41a",  # mathematical letters beyond the BMP: kept
        "",
    ],
)
def test_compatibility_forms_is_one_character_nfkc(text: str) -> None:
    assert compatibility_forms(text) == _one_character_nfkc(text)
