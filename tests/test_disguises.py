"""Disguised watermarks are removed exactly, in UTF-8 and GB18030, LF and CRLF."""

from __future__ import annotations

import random
import unicodedata

import pytest
from disguise import BANNER, DISGUISES, FOOTER, PLACEMENTS, inject, other_number
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clean_reports.core import clean
from clean_reports.model import Mode
from clean_reports.process import FileOptions, process
from clean_reports.view import to_simplified

from conftest import EXPECTED, SEED_NAMES

BODY = (EXPECTED / "000_155c858b691bed45.txt").read_text(encoding="utf-8").split("\n")[:-1]
# Report paragraphs from every clean seed, for random documents.
PARAGRAPHS = sorted(
    {
        line.strip()
        for name in SEED_NAMES
        for line in (EXPECTED / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
)
NO_GUARD = FileOptions(max_removal=1.0)


def cleaned(document: str, shipped_rules, encoding: str = "utf-8", newline: str = "\n") -> bytes:  # type: ignore[no-untyped-def]
    data = document.replace("\n", newline).encode(encoding)
    processed = process(data, shipped_rules, Mode.IN_PLACE, "doc", file_options=NO_GUARD)
    return data if processed.output is None else processed.output


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("placement", PLACEMENTS)
@pytest.mark.parametrize("disguise", list(DISGUISES))
def test_disguised_footer_is_cut_exactly(
    disguise: str, placement: str, encoding: str, newline: str, shipped_rules
) -> None:  # type: ignore[no-untyped-def]
    watermark = DISGUISES[disguise](FOOTER)
    # Paragraph 5 opens with "（一）", paragraph 3 ends with "。": no digits to glue to.
    document = "\n".join(inject(BODY, watermark, placement, at=5)) + "\n"
    expected = "\n".join(BODY) + "\n"
    assert cleaned(document, shipped_rules, encoding, newline) == expected.replace(
        "\n", newline
    ).encode(encoding)


def test_footer_glued_to_a_paragraph_that_opens_with_a_year(shipped_rules) -> None:  # type: ignore[no-untyped-def]
    paragraph = "2020年，是我担任×开发区党工委书记的第三个年头。"
    assert clean(FOOTER + paragraph + "\n", shipped_rules).text == paragraph + "\n"
    wide = DISGUISES["full-width letters and digits"](FOOTER)
    assert clean(wide + paragraph + "\n", shipped_rules).text == paragraph + "\n"


# Disguises of form; the footer's own variants (a colon after QQ, another number) are not
# banner disguises.
BANNER_DISGUISES = [
    d for d in DISGUISES if d not in ("QQ：", "QQ:", "another QQ number", "【】 brackets")
]


@pytest.mark.parametrize("disguise", BANNER_DISGUISES)
def test_disguised_banner_is_removed(disguise: str, shipped_rules) -> None:  # type: ignore[no-untyped-def]
    banner = [DISGUISES[disguise](line) for line in BANNER]
    document = "\n".join([*banner, *BODY]) + "\n"
    assert clean(document, shipped_rules).text == "\n".join(BODY) + "\n"


# --- properties -----------------------------------------------------------------------------

injection = st.tuples(
    st.sampled_from(list(DISGUISES)),
    st.sampled_from(PLACEMENTS),
    st.integers(min_value=0, max_value=1000),
    st.integers(min_value=0, max_value=2**32),
)


def _safe_to_glue_before(paragraph: str) -> bool:
    """A QQ number glued before digits cannot be told apart from them (but years can)."""
    return not paragraph[:1].isdigit() or paragraph[4:5] == "年"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    paragraphs=st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=8),
    injections=st.lists(injection, min_size=1, max_size=4),
)
def test_injected_watermarks_come_out_as_if_never_there(
    paragraphs: list[str], injections: list[tuple[str, str, int, int]], shipped_rules
) -> None:  # type: ignore[no-untyped-def]
    document = list(paragraphs)
    for disguise, placement, at, seed in injections:
        watermark = DISGUISES[disguise](other_number(FOOTER, random.Random(seed)))
        if placement == "glued to the start" and not _safe_to_glue_before(
            document[at % len(document)]
        ):
            placement = "own line"
        if placement == "page footers":
            placement = "own line"  # repeated placements are what several injections do
        document = inject(document, watermark, placement, at)
    text = "\n".join(document) + "\n"
    assert clean(text, shipped_rules).text == "\n".join(paragraphs) + "\n"


# Every shipped rule needs one of these characters (in some form) to match; text made
# without them cannot hold a watermark, whatever else Hypothesis puts in it.
KEY_CHARACTERS = set("酷会仅订举享迭卖q扣企微威信详认唯v")  # a watermark holds one at least


def _not_a_key_character(char: str) -> bool:
    forms = unicodedata.normalize("NFKC", char).casefold() + to_simplified(char)
    return not set(forms) & KEY_CHARACTERS


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.characters(codec="utf-8").filter(_not_a_key_character)))
def test_text_without_watermarks_is_unchanged(text: str, shipped_rules) -> None:  # type: ignore[no-untyped-def]
    assert clean(text, shipped_rules).text == text


@settings(max_examples=200, deadline=None)
@given(
    paragraphs=st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=10),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_report_text_is_unchanged(paragraphs: list[str], newline: str, shipped_rules) -> None:  # type: ignore[no-untyped-def]
    text = newline.join(paragraphs) + newline
    assert clean(text, shipped_rules).text == text
