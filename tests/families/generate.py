"""A corpus of stamped reports, built from the parts stamps are made of, with exact answers.

The shipped rules were written against five seeds and a few named phrases; on corpora
they had not seen they left most stamps in. This corpus tests rules on the *classes* of
boilerplate instead: each stamp is assembled at random (fixed seed) from independent
building blocks — a contact verb, a contact form, an id, a site name and address, a
notice's clauses, its decoration, its place in the document, how a converter wrapped
it, its encoding and line breaks — so no rule can pass by knowing the phrases.

Every document is a list of lines of labelled pieces (content or boilerplate). Its
expected clean form follows from the labels and the cleaning contract alone (a line
left with no content goes; around removed lines at most one blank line stays, none at
the start or end), never from running the tool. Look-alike documents are genuine report
text that merely resembles stamps; they must come out byte for byte as they went in.

    python tests/families/generate.py            # the scores, as the test computes them
    python tests/families/generate.py --dump DIR  # write the documents and expectations
"""

from __future__ import annotations

import argparse
import random
import re
import string
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import opencc

SEED = 17
ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "fixtures" / "expected"

_s2t = opencc.OpenCC("s2tw")  # Taiwan forms: what Big5 can hold


class Piece(NamedTuple):
    """A run of a line's text, and whether it is boilerplate (to be removed)."""

    text: str
    boiler: bool


Line = list[Piece]  # an empty list is a blank line


def content(text: str) -> Piece:
    return Piece(text, False)


def boiler(text: str) -> Piece:
    return Piece(text, True)


# --- encodings and newlines ---------------------------------------------------------------

# (codec written, codec the tool is told or None when the bytes say it, traditional text)
ENCODINGS: tuple[tuple[str, str | None, bool], ...] = (
    ("utf-8", None, False),
    ("utf-8-sig", None, False),
    ("gb18030", "gb18030", False),
    ("gbk", "gbk", False),
    ("big5", "big5", True),
    ("utf-16", None, False),
    ("utf-8", None, True),  # traditional text in UTF-8
)
NEWLINES = ("\n", "\r\n", "\r")


@dataclass
class Document:
    """One generated document: its lines, how it is stored, and what it must become."""

    name: str
    family: str  # the class of boilerplate it carries, or "lookalike"
    rules: str  # "default" (酷乐文行 and contact adverts), "packs" (other mills), "lookalike"
    lines: list[Line]
    codec: str
    told: str | None  # the encoding the tool is told (legacy code pages), else None
    newline: str

    @property
    def text(self) -> str:
        return "".join("".join(p.text for p in line) + self.newline for line in self.lines)

    def labels(self) -> bytearray:
        """Per character of :attr:`text`: 0 a line break, 1 content, 2 boilerplate."""
        marks = bytearray()
        for line in self.lines:
            for piece in line:
                marks.extend((2 if piece.boiler else 1,) * len(piece.text))
            marks.extend((0,) * len(self.newline))
        return marks

    @property
    def expected(self) -> str:
        return expected_text(self.lines, self.newline)

    @property
    def data(self) -> bytes:
        return encode(self.text, self.codec)

    @property
    def expected_data(self) -> bytes:
        return encode(self.expected, self.codec)


def encode(text: str, codec: str) -> bytes:
    if codec == "utf-16" and not text:
        return b""
    return text.encode(codec)


def _is_blank(text: str) -> bool:
    return not text.strip()


def expected_text(lines: Sequence[Line], newline: str) -> str:
    """The clean form the cleaning contract gives: boilerplate pieces go; a line left
    without content goes with its break; a run of removed and blank lines keeps its
    first blank line, or none at the start or end of the document."""
    states: list[str] = []
    texts: list[str] = []
    for line in lines:
        kept = "".join(p.text for p in line if not p.boiler)
        if all(_is_blank(p.text) for p in line):
            states.append("blank")
        elif _is_blank(kept):
            states.append("gone")
        else:
            states.append("keep")
        texts.append(kept)
    dropped: set[int] = set()
    index = 0
    while index < len(lines):
        if states[index] == "keep":
            index += 1
            continue
        end = index
        while end < len(lines) and states[end] != "keep":
            end += 1
        run = range(index, end)
        if any(states[i] == "gone" for i in run):
            survivor = None
            if index > 0 and end < len(lines):
                survivor = next((i for i in run if states[i] == "blank"), None)
            dropped.update(i for i in run if i != survivor)
        index = end
    return "".join(texts[i] + newline for i in range(len(lines)) if i not in dropped)


# --- building blocks: report text ---------------------------------------------------------


def seed_paragraphs() -> tuple[list[str], list[str]]:
    """Titles and body paragraphs of the clean seeds: real report text."""
    titles, body = [], []
    for path in sorted(EXPECTED.glob("*.txt")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        titles.append(lines[0].strip())
        body.extend(line for line in lines[1:] if len(line) > 20)
    return titles, body


ORGS = ["区委", "县政府", "市场监管局", "工信局", "开发区", "街道办", "镇党委", "人社局", "教育局"]
TOPICS = ["疫情防控", "安全生产", "招商引资", "乡村振兴", "营商环境", "民生实事", "基层党建"]
UNITS = ["万元", "亿元", "个", "项", "家", "人次", "%", "户", "件", "余人"]
WORK = [
    "我们召开专题会议研究部署{topic}工作，逐项明确责任分工。",
    "全区{topic}工作稳步推进，各项指标均完成年度目标。",
    "开展{topic}专项督查，发现并整改问题隐患。",
    "组织党员干部深入一线，帮助企业解决实际困难。",
    "完成{topic}任务，群众满意度明显提升。",
]


def _sentence(rng: random.Random) -> str:
    return rng.choice(WORK).format(topic=rng.choice(TOPICS))


def numbered_opening(rng: random.Random) -> str:
    """A paragraph that opens with digits of its own: dates, years, amounts, list numbers."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    forms = [
        f"{month}月{day}日至{min(day + rng.randint(1, 10), 31)}日，",
        f"{rng.randint(2015, 2023)}年，",
        f"{rng.randint(2015, 2023)}年{month}月，",
        f"{month}月{day}日，",
        f"{month}月以来，",
        f"{rng.randint(2, 980)}{rng.choice(UNITS)}",
        f"{rng.randint(1, 9)}\uff0e",  # a full-width full stop
        f"{rng.randint(1, 12)}、",
        f"{rng.randint(3, 99)}.{rng.randint(1, 9)}%的企业",
    ]
    return rng.choice(forms) + _sentence(rng)


def paragraph(rng: random.Random, body: list[str]) -> str:
    roll = rng.random()
    if roll < 0.25:
        return numbered_opening(rng)
    if roll < 0.4:
        return "\u3000\u3000" + rng.choice(body).lstrip("\u3000 \u00a0")
    return rng.choice(body)


# --- building blocks: contact adverts -----------------------------------------------------


def digits(rng: random.Random, low: int = 5, high: int = 11) -> str:
    return str(rng.randint(1, 9)) + "".join(
        rng.choice(string.digits) for _ in range(rng.randint(low, high) - 1)
    )


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice(string.digits) for _ in range(9))


def wechat_id(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return phone(rng)
    head = rng.choice(["wx", "kl", "wenxing", "ziliao", "fw", "gongwen", ""])
    letters = string.ascii_lowercase
    body = "".join(rng.choice(letters + string.digits + "_") for _ in range(rng.randint(5, 12)))
    return (head or rng.choice(letters)) + body  # 6 to 20 characters, a letter first


QQ_FORMS = [
    "QQ",
    "qq",
    "ＱＱ",
    "扣扣",
    "QQ号",
    "QQ号码",
    "ＱＱ号",
    "QQ群",
    "Q群",
    "企鹅号",
    "QQ群号",
    "扣扣群",
    "企鹅群",
]
WECHAT_FORMS = ["微信", "V信", "v信", "VX", "vx", "微信号", "微信同号", "威信"]
BOTH_FORMS = ["QQ/微信", "QQ/微信同号", "微信/QQ", "QQ、微信"]
CONTACT_VERBS = [
    "咨询",
    "联系",
    "加",
    "添加",
    "请加",
    "请联系",
    "咨询唯一指定",
    "唯一指定",
    "详询",
    "咨询唯一官方",
]
SEPARATORS = ["", "", "：", ":", " ", "： ", "："]


def contact(rng: random.Random, verbs: Sequence[str] = CONTACT_VERBS) -> str:
    """A verb, a contact form and an id: 咨询扣扣：206157060, 加V信 wx_kl2020…"""
    kind = rng.random()
    if kind < 0.5:
        form, ident = rng.choice(QQ_FORMS), digits(rng)
    elif kind < 0.85:
        form, ident = rng.choice(WECHAT_FORMS), wechat_id(rng)
    else:
        form, ident = rng.choice(BOTH_FORMS), digits(rng, 8, 11)
    if rng.random() < 0.15:
        ident = full_width(ident)
    return rng.choice(verbs) + form + rng.choice(SEPARATORS) + ident


ADVERT_LEADS = [
    "更多资料请",
    "如需完整版请",
    "需要word版请",
    "获取更多范文请",
    "更多精品资料请",
    "需要本文档请",
    "欢迎",
    "资料下载请",
    "如需原文请",
    "",
]
ADVERT_TAILS = [
    "",
    "",
    "获取",
    "免费获取",
    "领取完整版",
    "获取完整版资料",
    "，备注来意",
    "（备注：资料）",
]


def contact_advert(rng: random.Random) -> str:
    """A contact with the advert's lead-in or tail. A bare "联系QQ：…" or "加微信…" is how
    reports give their own contacts too (see the look-alikes), so an advert with such a
    verb always has one of them; only 咨询 stands as an advert alone."""
    lead, tail = rng.choice(ADVERT_LEADS), rng.choice(ADVERT_TAILS)
    text = contact(rng, ["加", "添加", "联系", "咨询"])
    if not (lead or tail or text.startswith("咨询")):
        tail = rng.choice([t for t in ADVERT_TAILS if t])
    return lead + text + tail


def kule_footer(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.12:
        return "酷乐文行整理"
    comma = rng.choice(["，", "，", ",", " ", ""])
    if roll < 0.3:
        lead = "其他任何途径获取的资料均不完整，获得完整版资料"
        return (
            "酷乐文行整理" + comma + lead + contact(rng, ["咨询唯一指定", "请联系唯一指定", "咨询"])
        )
    return "酷乐文行整理" + comma + contact(rng)


def member_notice(rng: random.Random) -> str:
    comma = rng.choice(["，", ",", "；", " "])
    return comma.join(["会员资料仅供内部交流使用", "严禁外传及用于商业用途", "违者后果自负"])


# The vendor's banner, line by line, each in the forms it is re-punctuated into.
BANNER_LINES: list[list[str]] = [
    [
        "仅供学习 禁止外传 用后删除",
        "仅供学习，禁止外传，用后删除",
        "仅供学习·禁止外传·用后删除",
        "仅供学习、禁止外传、用后删除！",
        "仅供学习|禁止外传|用后删除",
    ],
    ["酷乐文行", "酷 乐 文 行", "【酷乐文行】", "酷乐文行出品"],
    ["自建平台、实时分享", "自建平台 · 实时分享", "自建平台，实时分享", "自建平台|实时分享"],
    [
        "根据实际需求和形式任务不断迭代",
        "根据实际需求和形势任务不断迭代",
        "根据实际需求和形式任务，不断迭代",
    ],
    [
        "现在订阅立享前3年的所有权益和资料",
        "现在订阅，立享前3年的所有权益和资料！",
        "现在订阅立享成立以来所有权益和资料",
        "现在订阅，立享成立以来所有权益和资料！",
    ],
    ["【打击倒卖活动】", "【打击倒卖行动】", "〖打击倒卖活动〗"],
    [
        "举报倒卖会员资料的人，举报成功免费赠送一年会员材料！",
        "举报倒卖会员资料的人，举报成功免费赠送一年会员资料。",
    ],
    [
        "会员群：                      免费QQ群：         ",
        "会员群：   免费QQ群：",
        "会员群：　　免费ＱＱ群：",
    ],
]
MARKUP: list[tuple[str, str]] = [
    ("", ""),
    ("", ""),
    ("<p>", "</p>"),
    ("", "<br>"),
    ("", "<br/>"),
    ("&nbsp;&nbsp;", "&nbsp;"),
    ("# ", ""),
    ("## ", ""),
    ("> ", ""),
    ("**", "**"),
    ("<p><strong>", "</strong></p>"),
]


# --- building blocks: other mills ---------------------------------------------------------

SITE_HEADS = [
    "第一",
    "精品",
    "优质",
    "海量",
    "免费",
    "实用",
    "办公",
    "范文",
    "公文",
    "文秘",
    "学习",
    "中国",
]
SITE_BODIES = ["范文", "文档", "文库", "资料", "公文", "课件", "材料", "写作"]
SITE_TAILS = ["网", "网", "站", "之家", "吧", "库", "中心"]
DOMAIN_PARTS = [
    "fanwen",
    "wendang",
    "wenku",
    "ziliao",
    "gongwen",
    "doc",
    "wenmi",
    "xiezuo",
    "51",
    "99",
    "8",
]
TLDS = [".com", ".cn", ".net", ".com.cn", ".org"]


def site(rng: random.Random) -> str:
    return rng.choice(SITE_HEADS) + rng.choice(SITE_BODIES) + rng.choice(SITE_TAILS)


def url(rng: random.Random) -> str:
    host = "".join(rng.sample(DOMAIN_PARTS, rng.randint(1, 2))) + rng.choice(TLDS)
    scheme = rng.choice(["", "", "www.", "http://www.", "https://www.", "https://"])
    path = rng.choice(["", "", "/", f"/doc/{digits(rng, 4, 6)}.html"])
    return scheme + host + path


def source_line(rng: random.Random) -> str:
    forms = [
        lambda: f"本文由{site(rng)}整理发布",
        lambda: f"本文由{site(rng)}（{url(rng)}）整理",
        lambda: f"本文来源于{site(rng)}，转载请注明出处",
        lambda: f"更多精品文档请访问 {url(rng)}",
        lambda: (
            f"更多{rng.choice(['范文', '资料', '文档', '精彩内容'])}请访问{site(rng)}：{url(rng)}"
        ),
        lambda: f"文档来源：{site(rng)} {url(rng)}",
        lambda: f"本文档由{site(rng)}提供，{url(rng)}",
        lambda: f"来源：{site(rng)}（{url(rng)}）",
        lambda: f"原文地址：{url(rng)}",
        lambda: f"本资料由{site(rng)}收集整理",
        lambda: f"{site(rng)}（{url(rng)}）整理",
        lambda: f"本文转载自{site(rng)}",
        lambda: f"下载更多资料请登录{url(rng)}",
        lambda: f"本文档来自{site(rng)}",
        lambda: f"文章来源：{site(rng)}",
        lambda: f"摘自{site(rng)}（{url(rng)}）",
    ]
    return rng.choice(forms)()


def infringement(rng: random.Random) -> str:
    source = rng.choice(
        [
            "本资料来源于网络",
            "本文部分内容来自网络",
            "文档来源于网络",
            "资料来源于互联网",
            "本文内容来源于网络",
            "部分图文来源于网络",
        ]
    )
    middle = rng.choice(["", "，版权归原作者所有", "，仅供学习参考", "，仅供交流学习之用"])
    claim = rng.choice(
        [
            "如有侵权请联系删除",
            "如有侵权，请联系删除",
            "若有侵权，请告知删除",
            "如有侵权请联系我们删除",
            "如侵犯您的权益请联系本站删除",
            "若侵犯了您的权益，请联系作者删除",
            "如有侵权，请联系网站删除",
            "若有侵权请告知，将立即删除",
            "侵删",
        ]
    )
    text = source + middle + "，" + claim + rng.choice(["", "。", "！"])
    if rng.random() < 0.3:
        text = rng.choice(["声明：", "免责声明：", "【声明】"]) + text
    return text


def edit_download(rng: random.Random) -> str:
    forms = [
        "word版可编辑",
        "-可编辑修改-",
        "下载后可任意编辑",
        "欢迎下载",
        "（可编辑word版）",
        "本文档可编辑，欢迎下载",
        "word格式，下载后可编辑修改",
        "【精品】可编辑",
        "可编辑版本",
        "文档可自由编辑打印",
        "（word版，可编辑）",
        "-- 可编辑 --",
        "精品word文档 值得下载 值得拥有",
        "下载后可自行编辑修改内容",
        "欢迎下载使用",
        "此文档下载后可编辑",
        "精品文档，下载可编辑",
        "Word版本，下载可自行编辑",
        "（可编辑版）",
        "【可编辑】",
    ]
    text = rng.choice(forms)
    return text


def page_furniture(rng: random.Random, page: int, pages: int) -> str:
    forms = [
        f"第 {page} 页 共 {pages} 页",
        f"第{page}页，共{pages}页",
        f"第{page}页/共{pages}页",
        f"- {page} -",
        f"— {page} —",
        f"{page} / {pages}",
        f"Page {page} of {pages}",
        f"第 {page} 页",
        f"共{pages}页 第{page}页",
        f"第{page}页（共{pages}页）",
        f"- {page} / {pages} -",
    ]
    return forms[rng.randrange(len(forms))]


MILLS = [
    "百度文库",
    "道客巴巴",
    "豆丁网",
    "原创力文档",
    "360文库",
    "新浪爱问",
    "人人文库",
    "冰点文库",
    "文库网",
]
SLOGANS = [
    "让每个人平等地提升自我",
    "好好学习，天天向上",
    "专业文档分享平台",
    "海量文档 免费下载",
    "让知识更有价值",
    "在线文档分享平台",
    "一站式文档服务",
    "海量资料 任你下载",
]


def wenku_slogan(rng: random.Random) -> str:
    return rng.choice(MILLS) + rng.choice([" - ", "—", "-", "：", " | "]) + rng.choice(SLOGANS)


def trailer(rng: random.Random) -> list[str]:
    head = rng.choice(
        [
            "THANKS !!!",
            "THANKS!!!",
            "Thanks !!",
            "THANK YOU!",
            "THANKS",
            "感谢您的阅读与下载",
            "谢谢阅读，欢迎下载",
            "感谢阅读",
            "谢谢您的阅读",
            "感谢您的下载",
        ]
    )
    extra = rng.choice(
        [
            [],
            [],
            ["致力为企业和个人提供合同协议，策划案计划书，学习课件等等"],
            ["打造全网一站式需求"],
            ["欢迎您的下载，资料仅供参考"],
        ]
    )
    return [head, *extra]


ACCOUNT_HEADS = ["范文", "公文", "文秘", "材料", "笔杆子", "写作", "办公"]
ACCOUNT_TAILS = ["之家", "助手", "宝库", "天地", "联盟", "精选", "驿站"]


def follow_advert(rng: random.Random) -> str:
    name = rng.choice(ACCOUNT_HEADS) + rng.choice(ACCOUNT_TAILS)
    quoted = rng.choice([f"“{name}”", f"【{name}】", f"：{name}", f"「{name}」"])
    forms = [
        f"关注微信公众号{quoted}，获取更多资料",
        f"微信搜索公众号{quoted}，关注后可方便查找下载各种文档",
        f"更多资料请关注公众号{quoted}",
        f"扫码关注公众号{quoted}，免费领取更多范文",
        f"欢迎关注公众号{quoted}，每日分享精品文档",
        f"关注公众号{quoted}回复“资料”免费下载",
        f"长按识别二维码关注{quoted}公众号，获取更多资料",
    ]
    return rng.choice(forms)


SEPARATOR_LINES = [
    "—" * 12,
    "-" * 20,
    "=" * 16,
    "*" * 14,
    "※" * 8,
    "·" * 18,
    "~" * 10,
    "——————————",
]
DECORATIONS: list[tuple[str, str]] = [
    ("", ""),
    ("", ""),
    ("", ""),
    ("【", "】"),
    ("〖", "〗"),
    ("（", "）"),
    ("(", ")"),
    ("※※", "※※"),
    ("——", "——"),
    ("----", "----"),
    ("【", "！】"),
    ("★", "★"),
    ("[", "]"),
    ("◆", ""),
]


def decorate(rng: random.Random, text: str) -> list[Piece]:
    left, right = rng.choice(DECORATIONS)
    return [boiler(left + text + right)]


# --- placing a stamp in a document --------------------------------------------------------


def _ends_stamp(line: Line) -> bool:
    return bool(line) and line[-1].boiler


def _starts_stamp(line: Line) -> bool:
    return bool(line) and line[0].boiler


# A paragraph opening with an amount, a list number ("412件", "37.2%", "3、") or a Latin
# letter ("X区") cannot be told from the end of an id glued before it ("…94" + "12件"):
# nobody could say where one ends, so no document asks it. Years and dates can be told
# ("2020年", "10月").
_AMOUNT_OPENING = re.compile(r"\d+(?:\.\d+)?(?:万|亿|元|%|个|项|家|户|件|人次|余人|、|\uff0e)")


def _unindented(line: Line) -> Line:
    """The line with any blank before its text dropped, but a paragraph's two ideographic
    spaces of indentation: what is left of a line glued after a stamp."""
    first = line[0].text
    if first[:1].isspace() and not first.startswith("\u3000\u3000"):
        return [Piece(first.lstrip(), line[0].boiler), *line[1:]]
    return line


def _glues_ambiguously(stamp: str, line: Line) -> bool:
    opening = "".join(p.text for p in line).lstrip()
    if not stamp[-1:].isalnum():
        return False
    return _AMOUNT_OPENING.match(opening) is not None or (
        opening[:1].isascii() and opening[:1].isalpha()
    )


def split_wrapped(rng: random.Random, text: str) -> tuple[str, str]:
    """Where a converter breaks a long line: anywhere with some of the stamp's words on
    each side (a half of nothing but its decoration could be the text's own)."""
    words = [i for i, c in enumerate(text) if c.isalnum()]
    at = rng.randint(words[0] + 1, words[-1])
    return text[:at], text[at:]


def place(rng: random.Random, body: list[Line], stamp: str, allow_glue: bool = True) -> None:
    """Put ``stamp`` somewhere in ``body``: its own line (maybe between blank lines, maybe
    wrapped over two lines), glued to the end of a paragraph, or before one."""
    places = [
        i
        for i in range(len(body) + 1)
        if not (0 < i < len(body) and _ends_stamp(body[i - 1]) and _starts_stamp(body[i]))
    ]
    at = rng.choice(places)  # never between the halves of a wrapped stamp
    roll = rng.random()
    pieces = decorate(rng, stamp)
    text = "".join(p.text for p in pieces)
    if at < len(body) and not any(not p.boiler for p in body[at]):
        allow_glue = False  # glue stamps to report text, not to blank lines or other stamps
    if allow_glue and roll < 0.2 and at < len(body) and not _ends_stamp(body[at]):
        body[at] = body[at] + [boiler(text)]
    elif (
        allow_glue
        and roll < 0.35
        and at < len(body)
        and not _starts_stamp(body[at])
        and not _glues_ambiguously(text, body[at])
    ):
        body[at] = [boiler(text), *_unindented(body[at])]
    elif roll < 0.5 and len(text) > 8:
        first, second = split_wrapped(rng, text)
        body[at:at] = [[boiler(first)], [boiler(second)]]
    elif (
        roll < 0.6 and len(text) > 8 and allow_glue and at < len(body) and not _ends_stamp(body[at])
    ):
        first, second = split_wrapped(rng, text)  # glued to a paragraph's end, then wrapped
        body[at : at + 1] = [body[at] + [boiler(first)], [boiler(second)]]
    elif roll < 0.75:
        body[at:at] = [[], [boiler(text)], []]
    else:
        body[at:at] = [[boiler(text)]]


def report_body(rng: random.Random, body: list[str], titles: list[str]) -> list[Line]:
    title = rng.choice(titles)
    lines: list[Line] = [[content(title)], []]
    for _ in range(rng.randint(3, 7)):
        lines.append([content(paragraph(rng, body))])
        if rng.random() < 0.2:
            lines.append([])
    return lines


def banner_block(rng: random.Random) -> list[Line]:
    """Two or more of the vendor's banner lines, in order, maybe blank-line separated and
    wrapped in HTML or Markdown leftovers."""
    count = rng.randint(2, len(BANNER_LINES))
    chosen = sorted(rng.sample(range(len(BANNER_LINES)), count))
    if rng.random() < 0.5 and 1 not in chosen:
        chosen = sorted([1, *chosen[1:]])
    spaced = rng.random() < 0.4
    markup = rng.choice(MARKUP) if rng.random() < 0.5 else ("", "")
    block: list[Line] = []
    for index in chosen:
        left, right = markup
        block.append([boiler(left + rng.choice(BANNER_LINES[index]) + right)])
        if spaced:
            block.append([])
    if rng.random() < 0.5:
        left, right = rng.choice([("【", "】"), ("〖", "〗"), ("", ""), ("【", "！】")])
        block.append([boiler(left + member_notice(rng) + right)])
    return block


# --- documents ----------------------------------------------------------------------------


def _traditional(lines: list[Line]) -> list[Line]:
    return [[Piece(str(_s2t.convert(p.text)), p.boiler) for p in line] for line in lines]


def _store(
    rng: random.Random, lines: list[Line], want_traditional: bool | None = None
) -> tuple[list[Line], str, str | None]:
    """Pick an encoding the lines can be written in (traditional text for Big5)."""
    options = [e for e in ENCODINGS if want_traditional is None or e[2] == want_traditional]
    codec, told, traditional = rng.choice(options)
    if traditional:
        lines = _traditional(lines)
    text = "".join(p.text for line in lines for p in line)
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        codec, told = ("utf-8", None) if not traditional else ("gb18030", "gb18030")
    return lines, codec, told


def _document(
    rng: random.Random,
    number: int,
    family: str,
    rules: str,
    lines: list[Line],
    suffix: str = ".txt",
) -> Document:
    lines, codec, told = _store(rng, lines)
    newline = rng.choice(NEWLINES)
    return Document(f"{number:03d}-{family}{suffix}", family, rules, lines, codec, told, newline)


SEEDS = (SEED, 1, 2)  # the corpora the test scores: three draws of the same families


def kule_document(
    rng: random.Random, body: list[str], titles: list[str]
) -> tuple[str, list[Line], str]:
    lines = report_body(rng, body, titles)
    suffix = ".md" if rng.random() < 0.15 else ".txt"
    family = rng.choice(
        [
            "kule-banner",
            "kule-footer",
            "kule-footer",
            "kule-both",
            "contact-advert",
            "contact-advert",
        ]
    )
    if family in ("kule-footer", "kule-both"):
        for _ in range(rng.randint(1, 3)):
            place(rng, lines, kule_footer(rng))
    if family == "contact-advert":
        for _ in range(rng.randint(1, 2)):
            place(rng, lines, contact_advert(rng))
    if family in ("kule-banner", "kule-both"):
        block = banner_block(rng)
        if rng.random() < 0.25:
            lines = [*lines, [], *block]  # the banner at the bottom, as one seed has it
        else:
            lines = block + rng.choice([[], [[]], [[], []]]) + lines
    return family, lines, suffix


MILL_FAMILIES: dict[str, Callable[[random.Random], str]] = {
    "mill-source": source_line,
    "mill-infringement": infringement,
    "mill-edit-download": edit_download,
    "mill-follow-advert": follow_advert,
    "mill-wenku-slogan": wenku_slogan,
}


def mill_document(rng: random.Random, body: list[str], titles: list[str]) -> tuple[str, list[Line]]:
    lines = report_body(rng, body, titles)
    family = rng.choice([*MILL_FAMILIES, "mill-page-furniture", "mill-trailer", "mill-mixed"])
    if family in MILL_FAMILIES:
        for _ in range(rng.randint(1, 2)):
            stamp = MILL_FAMILIES[family](rng)
            if rng.random() < 0.3:  # set off by separator lines
                sep = rng.choice(SEPARATOR_LINES)
                at = rng.choice([0, len(lines)])
                lines[at:at] = [[boiler(sep)], [boiler(stamp)], [boiler(sep)]]
            else:
                place(rng, lines, stamp, allow_glue=family in ("mill-source", "mill-edit-download"))
    elif family == "mill-page-furniture":
        pages = rng.randint(2, 4)
        step = max(2, len(lines) // pages)
        for page in range(pages, 0, -1):
            at = min(len(lines), page * step)
            lines[at:at] = [[boiler(page_furniture(rng, page, pages))]]
    elif family == "mill-trailer":
        lines += [[]] + [[boiler(t)] for t in trailer(rng)]
    else:
        for make in rng.sample(list(MILL_FAMILIES.values()), 3):
            place(rng, lines, make(rng), allow_glue=False)
        if rng.random() < 0.5:
            lines += [[], [boiler(trailer(rng)[0])]]
    return family, lines


# --- look-alikes --------------------------------------------------------------------------

NAMES = ["张伟", "王芳", "李强", "刘洋", "陈静", "杨军", "赵敏", "黄磊"]
VENDORLIKE = [
    "酷乐文化传媒有限公司",
    "文行科技有限公司",
    "酷乐文具店",
    "第一范文教育咨询中心",
    "精品文档印务公司",
    "文库书店",
    "优质资料印刷厂",
]
JOURNALS = ["中国行政管理", "党建研究", "理论探讨", "领导科学", "人民论坛", "秘书工作"]


def lookalike_sentences(rng: random.Random, count: int) -> list[str]:
    """Genuine report sentences that resemble stamps: QQ work groups, legal advice
    services, member assemblies, archiving, "for reference only", phone numbers, dates,
    bibliographies that cite a mill, companies named like a vendor…"""

    def n() -> int:
        return rng.randint(2, 980)

    def org() -> str:
        return rng.choice(ORGS)

    def tel() -> str:
        return rng.choice(
            [f"0{rng.randint(10, 999)}-{digits(rng, 7, 8)}", phone(rng), "12345", "12315"]
        )

    templates: list[Callable[[], str]] = [
        lambda: f"建立{org()}QQ工作群，及时发布{rng.choice(TOPICS)}通知。",
        lambda: f"通过QQ群、微信群加强与企业的联系，累计发布信息{n()}条。",
        lambda: f"开通法律咨询服务热线{tel()}，全年接待群众咨询{n()}人次。",
        lambda: f"设立{rng.choice(TOPICS)}咨询服务台，联系电话：{tel()}。",
        lambda: f"召开第{rng.choice('一二三四五六七')}届会员大会，审议通过了章程修正案。",
        lambda: "会员大会选举产生了新一届理事会，会员资料已整理归档。",
        lambda: f"对{rng.choice(TOPICS)}档案进行整理归档，共整理{n()}卷。",
        lambda: f"以上数据仅供参考，以{org()}公布的为准。",
        lambda: "本方案仅供参考，各单位可结合实际调整。",
        lambda: f"联系人：{rng.choice(NAMES)}，联系电话：{tel()}，QQ：{digits(rng, 6, 10)}。",
        lambda: (
            f"请于{rng.randint(1, 12)}月{rng.randint(1, 28)}日前将材料报送至邮箱，咨询电话{tel()}。"
        ),
        lambda: f"如有疑问，请联系{rng.choice(NAMES)}，电话{tel()}。",
        lambda: f"建立微信工作群{n()}个，及时解答群众咨询。",
        lambda: f"群众可通过微信咨询办事流程，全年办结{n()}件。",
        lambda: "妥善保管QQ号码和密码，防范电信网络诈骗。",
        lambda: f"冒充QQ好友诈骗案件同比下降{rng.randint(2, 60)}%。",
        lambda: "与群众保持联系，QQ、微信24小时在线。",
        lambda: f"报名请联系QQ：{digits(rng, 6, 10)}（{rng.choice(NAMES)}老师）。",
        lambda: f"请加微信{wechat_id(rng)}报名，名额有限。",
        lambda: f"如需帮助，可添加客服微信{wechat_id(rng)}。",
        lambda: f"具体事宜请联系{rng.choice(NAMES)}，微信同号{phone(rng)}。",
        lambda: f"全年受理群众咨询QQ留言、电话和来信共计{n()}件。",
        lambda: f"参加QQ群{digits(rng, 6, 9)}组织的线上培训，共{n()}人次。",
        lambda: f"严禁克扣扣发工资，为{n()}名职工追回工资{n()}万元。",
        lambda: f"添加微信好友{n()}人，建立联系服务台账。",
        lambda: f"通过“{org()}发布”微信公众号发布政务信息{n()}条，关注人数达{n()}万。",
        lambda: f"开设“{rng.choice(TOPICS)}”公众号，推送学习文章{n()}篇。",
        lambda: (
            f"[{rng.randint(1, 20)}] {rng.choice(NAMES)}. 论{rng.choice(TOPICS)}的路径[J]. "
            f"{rng.choice(JOURNALS)}, {rng.randint(2005, 2022)}({rng.randint(1, 12)}): {n()}-{n()}."
        ),
        lambda: (
            f"[{rng.randint(1, 20)}] {rng.choice(NAMES)}. {rng.choice(TOPICS)}工作总结[EB/OL]. "
            f"{rng.choice(MILLS)}, {rng.randint(2012, 2022)}."
        ),
        lambda: (
            f"[{rng.randint(1, 20)}] {org()}. 关于{rng.choice(TOPICS)}的通知[EB/OL]. "
            f"({rng.randint(2015, 2022)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}). "
            f"http://www.{rng.choice(['gov', 'moe', 'mof'])}.cn/."
        ),
        lambda: f"{rng.choice(VENDORLIKE)}积极履行社会责任，捐款{n()}万元。",
        lambda: f"走访{rng.choice(VENDORLIKE)}等{n()}家企业，了解生产经营情况。",
        lambda: f"本文整理自{rng.choice(NAMES)}同志在{rng.choice(TOPICS)}工作会议上的讲话。",
        lambda: "会后对会议纪要进行了整理，咨询了有关专家的意见。",
        lambda: "如有侵权行为，将依法追究法律责任。",
        lambda: f"严厉打击侵权盗版行为，删除侵权链接{n()}条。",
        lambda: "收到侵权投诉后，我们第一时间联系平台删除了相关内容。",
        lambda: f"完成{n()}份文件的编辑修改，按时报送{org()}。",
        lambda: f"欢迎下载“{org()}通”APP，随时随地办理业务。",
        lambda: "表格为可编辑格式，请各单位填写后报送。",
        lambda: f"本报告共{rng.randint(3, 30)}页，第{rng.randint(1, 2)}页为目录。",
        lambda: f"详见附件第{rng.randint(2, 9)}页。",
        lambda: "以上意见仅供参考。",
        lambda: f"举报电话：{tel()}。",
        lambda: (
            f"{rng.randint(1, 12)}月{rng.randint(1, 15)}日至{rng.randint(16, 28)}日，"
            f"开展{rng.choice(TOPICS)}集中整治。"
        ),
        lambda: "谢谢大家！",
        lambda: "以上报告，请审议。谢谢！",
        lambda: f"在“学习强国”平台累计学习{n()}小时。",
        lambda: "我们在酷乐文行的门店开展了调研。",
        lambda: "自建平台、实时分享的做法值得推广，我们根据实际需求不断迭代。",
        lambda: "全体工会会员资料已整理归档。",
        lambda: "严禁外传涉密文件，用后及时销毁。",
        lambda: f"开展打击倒卖活动，查处案件{n()}起。",
        lambda: (
            f"依托{org()}门户网站发布信息{n()}条，网址为www.{rng.choice(['gov', 'zf', 'zw'])}.cn。"
        ),
        lambda: f"本数据来源于{org()}统计年报。",
        lambda: "部分内容来源于网络公开资料，经核实后使用。",
        lambda: f"下载并安装“{org()}”客户端后即可在线申报。",
        lambda: f"会员群众反映良好，参与率达到{rng.randint(60, 99)}%。",
        lambda: f"加强与企业联系，及时掌握用工需求{n()}个。",
        lambda: f"第{rng.randint(1, 5)}季度共召开会员代表大会{rng.randint(1, 3)}次。",
        lambda: "第一，坚持学习；第二，坚持实干。",
        lambda: f"——{rng.choice(TOPICS)}工作情况汇报",
        lambda: f"企业可在{org()}网站下载申报表格。",
        lambda: f"热线电话{tel()}全天候受理群众诉求。",
    ]
    found: list[str] = []
    seen: set[str] = set()
    attempts = 0
    while len(found) < count and attempts < count * 50:
        attempts += 1
        text = rng.choice(templates)()
        if text not in seen:
            seen.add(text)
            found.append(text)
    return found


def lookalike_document(
    rng: random.Random, sentences: list[str], body: list[str], titles: list[str]
) -> list[Line]:
    lines = report_body(rng, body, titles)
    for sentence in sentences:
        at = rng.randrange(1, len(lines) + 1)
        if rng.random() < 0.3 and at < len(lines) and lines[at]:
            lines[at] = lines[at] + [content(sentence)]  # inside a paragraph
        else:
            lines[at:at] = [[content(sentence)]]
    return lines


# --- the corpus ---------------------------------------------------------------------------


class Corpus(NamedTuple):
    documents: list[Document]
    lookalikes: list[str]  # the distinct look-alike sentences the look-alike documents hold


def build(
    seed: int = SEED, default_docs: int = 220, mill_docs: int = 160, lookalikes: int = 180
) -> Corpus:
    """The whole corpus, the same for the same ``seed``."""
    rng = random.Random(seed)
    titles, body = seed_paragraphs()
    documents: list[Document] = []
    for _ in range(default_docs):
        family, lines, suffix = kule_document(rng, body, titles)
        documents.append(_document(rng, len(documents), family, "default", lines, suffix))
    for _ in range(mill_docs):
        family, lines = mill_document(rng, body, titles)
        documents.append(_document(rng, len(documents), family, "packs", lines))
    sentences = lookalike_sentences(rng, lookalikes)
    for start in range(0, len(sentences), 3):
        lines = lookalike_document(rng, sentences[start : start + 3], body, titles)
        documents.append(
            _document(
                rng,
                len(documents),
                "lookalike",
                "lookalike",
                lines,
                rng.choice([".txt", ".md"]) if rng.random() < 0.1 else ".txt",
            )
        )
    return Corpus(documents, sentences)


# --- scoring ------------------------------------------------------------------------------


class Score(NamedTuple):
    documents: int
    exact: int
    content_chars: int
    content_lost: int
    boiler_chars: int
    boiler_left: int
    lookalike_documents: int
    lookalikes_changed: int
    wrong: tuple[str, ...]  # names of the documents not exactly right

    def render(self, label: str) -> str:
        share = self.exact / self.documents if self.documents else 1.0
        left = self.boiler_left / self.boiler_chars if self.boiler_chars else 0.0
        return (
            f"{label}: {self.exact}/{self.documents} documents exactly right ({share:.1%}); "
            f"{self.content_lost} of {self.content_chars} content characters lost; "
            f"{self.boiler_left} of {self.boiler_chars} boilerplate characters left ({left:.1%}); "
            f"{self.lookalikes_changed} of {self.lookalike_documents} look-alike documents changed"
        )


def score(documents: Sequence[Document], rules: Sequence[object]) -> Score:
    """Clean every document's bytes as a run would and count what went right and wrong.

    Exactness is judged on the bytes written in place (encoding, BOM and line breaks
    kept); the character counts on the decoded text, from the ranges the cleaner cut.
    """
    from clean_reports.core import clean
    from clean_reports.process import FileOptions, Mode, process

    exact = content_chars = content_lost = boiler_chars = boiler_left = 0
    looks = looks_changed = 0
    wrong: list[str] = []
    for doc in documents:
        options = FileOptions(max_removal=1.0, encoding=doc.told)
        processed = process(doc.data, rules, Mode.IN_PLACE, doc.name, file_options=options)  # type: ignore[arg-type]
        output = doc.data if processed.output is None else processed.output
        text = doc.text
        removed = bytearray(len(text))
        for start, end in clean(text, rules).removed:  # type: ignore[arg-type]
            removed[start:end] = b"\x01" * (end - start)
        for char, label, cut in zip(text, doc.labels(), removed, strict=True):
            if char.isspace():
                continue
            if label == 1:
                content_chars += 1
                content_lost += cut
            elif label == 2:
                boiler_chars += 1
                boiler_left += 1 - cut
        if doc.rules == "lookalike":
            looks += 1
            looks_changed += output != doc.data
        if output == doc.expected_data:
            exact += 1
        else:
            wrong.append(doc.name)
    return Score(
        len(documents),
        exact,
        content_chars,
        content_lost,
        boiler_chars,
        boiler_left,
        looks,
        looks_changed,
        tuple(wrong),
    )


def scores(seeds: Sequence[int] = SEEDS) -> dict[str, Score]:
    """The corpora of ``seeds`` scored with the default rules, and with every shipped
    pack as well. Documents are named ``SEED/NUMBER-FAMILY``."""
    from clean_reports.rules import available_packs, load_rules

    documents = []
    for seed in seeds:
        for doc in build(seed).documents:
            doc.name = f"{seed}/{doc.name}"
            documents.append(doc)
    default = [d for d in documents if d.rules in ("default", "lookalike")]
    return {
        "default rules": score(default, load_rules([])),
        "with the packs": score(documents, load_rules([], packs=available_packs())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dump", type=Path, help="write every document and its expected form here")
    args = parser.parse_args(argv)
    if args.dump:
        for doc in build().documents:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / doc.name).write_bytes(doc.data)
            (args.dump / (doc.name + ".expected")).write_bytes(doc.expected_data)
        return 0
    for label, result in scores().items():
        print(result.render(label))
        print(
            "  not exactly right:",
            " ".join(result.wrong[:40]),
            "…" if len(result.wrong) > 40 else "",
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
