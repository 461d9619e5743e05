"""Disguised watermarks, as copy-paste chains, OCR and resellers produce them.

Shared by the tests (tests/test_disguises.py) and the catch-rate measurement
(bench/disguise_catch.py), so both speak of the same disguises.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import opencc

FOOTER = "酷乐文行整理，咨询QQ206157060"
# The banner block and members-only notice at the top of the seeds.
BANNER = [
    "仅供学习 禁止外传 用后删除",
    "酷乐文行",
    "自建平台、实时分享",
    "根据实际需求和形式任务不断迭代",
    "现在订阅立享前3年的所有权益和资料 ",
    "【打击倒卖活动】",
    "举报倒卖会员资料的人，举报成功免费赠送一年会员材料！",
    "会员群：                      免费QQ群：         ",
    "【会员资料仅供内部交流使用，严禁外传及用于商业用途，违者后果自负】",
]
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
OTHER_INVISIBLE = ("\u00ad", "\u200e", "\u202a", "\u2061")

_s2t = opencc.OpenCC("s2t")


def full_width(text: str) -> str:
    """ASCII letters and digits in their full-width forms (Ｑ, ２…)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def spaced(text: str) -> str:
    return " ".join(text)


def zero_width(text: str) -> str:
    return "".join(c + INVISIBLE[i % len(INVISIBLE)] for i, c in enumerate(text))[:-1]


def other_invisible(text: str) -> str:
    return "".join(c + OTHER_INVISIBLE[i % len(OTHER_INVISIBLE)] for i, c in enumerate(text))[:-1]


def traditional(text: str) -> str:
    return str(_s2t.convert(text))


def other_number(text: str, rng: random.Random | None = None) -> str:
    number = str((rng or random.Random(7)).randint(10_000, 99_999_999_999))
    return text.replace("206157060", number)


DISGUISES: dict[str, Callable[[str], str]] = {
    "plain": lambda w: w,
    "full-width letters and digits": full_width,
    "half-width comma": lambda w: w.replace("，", ","),
    "QQ：": lambda w: w.replace("QQ", "QQ："),
    "QQ:": lambda w: w.replace("QQ", "QQ:"),
    "qq and a space": lambda w: w.replace("QQ", "qq "),
    "spaced out": spaced,
    "zero-width characters": zero_width,
    "other invisible characters": other_invisible,
    "traditional characters": traditional,
    "ideographic-space padding": lambda w: "\u3000\u3000" + w + "\u3000",
    "no-break-space padding": lambda w: "\u00a0" + w + "\u00a0\u00a0",
    "【】 brackets": lambda w: "【" + w + "】",
    "another QQ number": other_number,
}

PLACEMENTS = ("own line", "glued to the end", "glued to the start", "page footers")


def inject(paragraphs: list[str], watermark: str, placement: str, at: int) -> list[str]:
    """``paragraphs`` with ``watermark`` placed once (or every third paragraph)."""
    lines = list(paragraphs)
    at = at % len(lines)
    if placement == "own line":
        lines.insert(at, watermark)
    elif placement == "glued to the end":
        lines[at] = lines[at] + watermark
    elif placement == "glued to the start":
        lines[at] = watermark + lines[at]
    else:
        for index in range(len(lines) - 1, 0, -3):
            lines.insert(index, watermark)
    return lines
