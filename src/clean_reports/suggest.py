"""``--suggest``: find boilerplate no rule knows yet, and propose rules for review.

What a reseller stamps in recurs, line for line, across many documents; but so does
report prose in a corpus of reports written from templates: 述职报告 copy paragraphs,
headings, openings, closings and titles from each other, and a corpus of 84 of them
shares more lines than any reseller stamps in. Recurrence is therefore only the entry
ticket (a line must recur in ``minimum`` documents to be considered at all); what gets a
line proposed is evidence that it is not the report:

- **structural signals**, which report prose hardly ever has in a line of its own: a URL
  or bare domain, a messenger contact with an id (QQ, 扣扣, 微信, V信 … followed by one),
  page furniture (第 1 页 共 3 页, - 2 -, Page 1 of 3);
- **vendor words**: strong ones that reports rarely need (下载, 文库, 公众号, 侵权, 转载,
  订阅, 可编辑 …) and weak ones reports use as well (整理, 文档, 资料, 会员, 版权, 来源 …);
- **decoration** (※※, ——, 【】, 〖〗, !!!) and lines with no Chinese text;
- **place**: the first or last few non-blank lines of the documents that carry it.

And it holds back what reads as the report itself, however often it recurs: a line in
sentence form (clauses ending in 。！？) between paragraphs, any line between
paragraphs without a structural signal, a title (a top line ending in 报告, 总结 …), and a
sentence at the edge that merely mentions a vendor word (one in ten characters or
fewer). Every proposal carries its reasons, so the person reviewing the rule file sees
why each line was picked; when nothing is proposed the result says why not.

Lines are counted per document on the normalised view, with numbers, URLs, dates and
contact ids generalised so that one family of variants counts as one. Cost is linear in
the corpus: one pass, a few regular expressions per line, and memory for the lines that
carry a signal (the rest are only counted, by hash).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import regex
import yaml

from .core import find
from .rules import Rule
from .sinks.formats import plural
from .view import normalized_view

MIN_DOCUMENTS = 3
MIN_CHARS = 4
EXAMPLES = 3
# The first and last EDGE non-blank lines of a document are its top and bottom; a line
# is "at the edge" of the corpus when at least EDGE_SHARE of its documents have it there.
EDGE = 3
EDGE_SHARE = 0.8

# Variants: what differs between copies of one watermark. (URLs in ASCII only: the view
# has no spaces, so a URL runs straight into the Chinese text after it.)
_URL = r"(?:https?://|www\.)[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:/[A-Za-z0-9._~/?#=&%+-]*)?"
# Messenger names resellers give an id after; "QQ/微信：xxx" puts the id after the last.
_MESSENGER = r"(?:QQ群|Q群|QQ|扣扣|企鹅|微信|V信|VX|WX|薇信|威信)"
_ID = r"[A-Za-z0-9_-]{5,}"
_GENERALISE = [
    (regex.compile(_URL), "<URL>"),
    (regex.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?"), "<DATE>"),
    (regex.compile(rf"({_MESSENGER}(?:号码|号|同号)?:?){_ID}", regex.I), r"\1<ID>"),
    (regex.compile(r"\d+"), "<N>"),
]
_PATTERNS = {
    "<URL>": _URL,
    "<DATE>": r"\d{4}\D\d{1,2}\D\d{1,2}日?",
    "<ID>": _ID,
    "<N>": r"\d+",
}
# Structure reports repeat on purpose (in the view, full-width "（一）" reads "(一)").
_STRUCTURE = regex.compile(
    r"""^(?:
        [一二三四五六七八九十百]+[、.]          # 一、主要工作
      | \([一二三四五六七八九十\d]+\)         # (一)存在问题
      | \d+[、.)]                              # 1. / 1、
      | 第[一二三四五六七八九十\d]+[章节部分条点]
      | (?:尊敬的|各位|同志们|谢谢|此致|敬礼)
    )""",
    regex.VERBOSE,
)
_FRAGMENT = regex.compile(r"[^。！？!?；;]+[。！？!?；;]?")

# Signals, read on the generalised key. Structural ones weigh 3, strong words 2, weak
# words and the rest 1: a line needs a structural signal, a strong word or three points.
STRUCTURAL = 3
STRONG = 2
WEAK = 1
_STRUCTURAL_SIGNALS = (
    ("URL", regex.compile(r"<URL>|[A-Za-z0-9-]+\.(?:com|cn|net|org|cc|top|vip|wang)\b", regex.I)),
    ("contact id", regex.compile(rf"{_MESSENGER}(?:号码|号|同号)?:?<ID>", regex.I)),
    (
        "page number",
        regex.compile(
            r"^(?:第<N>页(?:[,/]?共<N>页)?|共<N>页[,/]?第<N>页|<N>/<N>页?|-<N>-"
            r"|page<N>(?:of<N>)?)$",
            regex.I,
        ),
    ),
)
_STRONG_WORDS = regex.compile(
    r"下载|文库|公众号|侵权|版权所有|转载|订阅|可编辑|VIP|扫码|二维码|客服|禁止外传|用后删除"
    r"|精品文档|范文|免费领取|免费获取|原创",
    regex.I,
)
_WEAK_WORDS = regex.compile(
    r"整理|文档|资料|会员|版权|来源|出处|关注|咨询|免费|删除|仅供|发布|网站|网址|官网|分享"
    r"|平台|更多|欢迎|获取|编辑|修改|word|pdf|ppt|doc",
    regex.I,
)
_DECORATION = regex.compile(
    r"[※★☆◆◇■□●○▲△▼▽◎〖〗【】]|([-—=~*#_!.…·•])\1+|^[-—=~*#_·•].*[-—=~*#_·•]$"
)
_LATIN_ONLY = regex.compile(r"^[^\p{Han}]*[A-Za-z]{3,}[^\p{Han}]*$")
_HAN = regex.compile(r"\p{Han}")
_SENTENCE_END = regex.compile(r"[。!?]")
_CLAUSE = regex.compile(r"[,、;:]")
_TITLE = regex.compile(
    r"(?:报告|总结|计划|讲话|发言稿?|致辞|汇报|材料|方案|心得|体会|意见|通知|纪要|规划|讲稿)"
    r"(?:\([^()]{0,16}\))?$"
)
# A sentence this long (in Chinese characters) is prose whatever its punctuation.
PROSE_CHARS = 40


class Signal(NamedTuple):
    """One piece of evidence that a line is boilerplate, how strong, how much it weighs."""

    name: str
    strength: int  # STRUCTURAL, STRONG or WEAK
    weight: int  # the strength times how many (words)


def signals(key: str) -> list[Signal]:
    """What in the generalised line ``key`` reads as boilerplate rather than report."""
    found = [
        Signal(name, STRUCTURAL, STRUCTURAL) for name, rx in _STRUCTURAL_SIGNALS if rx.search(key)
    ]
    strong = _unique(_STRONG_WORDS.findall(key))
    if strong:
        found.append(Signal(f"vendor words {'/'.join(strong)}", STRONG, STRONG * len(strong)))
    weak = _unique(_WEAK_WORDS.findall(key))
    if weak:
        found.append(Signal(f"words {'/'.join(weak)}", WEAK, WEAK * len(weak)))
    if _DECORATION.search(key):
        found.append(Signal("decoration", WEAK, WEAK))
    if _LATIN_ONLY.match(key) and "<URL>" not in key:
        found.append(Signal("no Chinese text", WEAK, WEAK))
    return found


def is_sentence(key: str) -> bool:
    """Whether ``key`` has sentence content: clauses closed by 。！？, or prose length."""
    han = len(_HAN.findall(key))
    if han >= PROSE_CHARS:
        return True
    return han >= 6 and bool(_SENTENCE_END.search(key)) and bool(_CLAUSE.search(key))


def _unique(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(word.lower() if word.isascii() else word for word in words))


TOP, BOTTOM, MIDDLE = "top", "bottom", "middle"


@dataclass
class Suggestion:
    """A recurring line or fragment, generalised, with the documents that carry it."""

    key: str
    whole_line: bool
    documents: int = 0
    examples: list[str] = field(default_factory=list)
    top: int = 0
    bottom: int = 0
    middle: int = 0
    evidence: list[Signal] = field(default_factory=list)

    def add(self, place: str, example: str) -> None:
        """Count one more document carrying the line, at ``place`` in it."""
        self.documents += 1
        if place == TOP:
            self.top += 1
        elif place == BOTTOM:
            self.bottom += 1
        else:
            self.middle += 1
        if len(self.examples) < EXAMPLES and example not in self.examples:
            self.examples.append(example)

    @property
    def points(self) -> int:
        return sum(signal.weight for signal in self.evidence)

    @property
    def sentence(self) -> bool:
        return is_sentence(self.key)

    @property
    def at_edge(self) -> bool:
        """Whether nearly every document carrying it has it in its first or last lines.

        A stamp keeps its place; a paragraph or heading copied between reports lands
        wherever the report puts it, at the edge of some and between paragraphs of the
        rest, and a bare majority at the edge is what chance gives a short report.
        """
        return (self.top + self.bottom) >= EDGE_SHARE * self.documents

    @property
    def where(self) -> str:
        """Where the documents carry it, e.g. "top in 18, bottom in 2"."""
        parts = [
            f"{name} in {count}"
            for name, count in (
                ("top", self.top),
                ("bottom", self.bottom),
                ("between paragraphs", self.middle),
            )
            if count
        ]
        return ", ".join(parts)

    def held_back(self) -> str | None:
        """Why this line is not proposed ("body text", "title", "no signal"), or None.

        Report prose recurs in template corpora as much as stamps do, so the test is not
        how often but what the line is. Away from the edge (see :attr:`at_edge`) only
        page furniture, URLs and contact ids outside a sentence are trusted. At the edge,
        a sentence must carry a strong signal and be dense with signals (a stamp is
        short and all vendor talk; a report's paragraph mentions a 公众号 in passing); a
        title needs a structural signal; any other line a strong signal or three points.
        """
        structural = any(signal.strength == STRUCTURAL for signal in self.evidence)
        strong = any(signal.strength >= STRONG for signal in self.evidence)
        if not self.at_edge:
            return None if structural and not self.sentence else "body text"
        if self.sentence:
            dense = self.points * 10 >= len(_HAN.findall(self.key))
            return None if strong and dense else "body text"
        if self.whole_line and self.top * 2 > self.documents and _TITLE.search(self.key):
            return None if structural else "title"
        return None if strong or self.points >= 3 else "no signal"

    @property
    def reasons(self) -> str:
        """The signals that got it proposed, and its form."""
        names = [signal.name for signal in self.evidence]
        names.append("a sentence" if self.sentence else "not a sentence")
        return ", ".join(names)

    @property
    def why(self) -> str:
        """Why it is proposed: its signals, how many documents, where in them."""
        return f"{self.reasons}; in {self.documents} documents ({self.where})"

    @property
    def score(self) -> float:
        edge = 1.5 if self.at_edge else 1.0
        return self.documents * edge * (1 + self.points)

    @property
    def pattern(self) -> str:
        parts = regex.split(r"(<URL>|<DATE>|<ID>|<N>)", self.key)
        body = "".join(_PATTERNS.get(part, regex.escape(part)) for part in parts)
        return f"^{body}$" if self.whole_line else body


class Proposals(list[Suggestion]):
    """The proposals, best first, and what the corpus held that was not proposed.

    A list, so that callers that only want the rules use it as one; the counts say why
    a corpus gave few or no proposals (too few documents, or only report text recurring).
    """

    def __init__(
        self,
        chosen: Iterable[Suggestion] = (),
        *,
        documents: int = 0,
        minimum: int = MIN_DOCUMENTS,
        held_back: dict[str, int] | None = None,
    ) -> None:
        super().__init__(chosen)
        self.documents = documents
        self.minimum = minimum
        self.held_back: dict[str, int] = dict(held_back or {})


def suggest(
    texts: Iterable[str], rules: Sequence[Rule], *, top: int = 20, minimum: int = MIN_DOCUMENTS
) -> Proposals:
    """The ``top`` proposals for ``texts`` (decoded documents), best first."""
    found: dict[str, Suggestion] = {}
    plain: dict[int, int] = {}  # lines without a signal: documents per hash of the key
    documents = 0
    for text in texts:
        documents += 1
        places: dict[str, _Candidate] = {}
        unsignalled: set[int] = set()
        for candidate in _candidates(text, rules):
            key = candidate.key
            if key in places:
                if places[key].place == MIDDLE and candidate.place != MIDDLE:
                    places[key] = places[key]._replace(place=candidate.place)  # the edge tells
                continue
            if not candidate.evidence:
                if candidate.whole_line:
                    unsignalled.add(hash(key))
                continue
            places[key] = candidate
        for key, candidate in places.items():
            entry = found.get(key)
            if entry is None:
                entry = found[key] = Suggestion(
                    key, candidate.whole_line, evidence=candidate.evidence
                )
            entry.add(candidate.place, candidate.example)
        for digest in unsignalled:
            plain[digest] = plain.get(digest, 0) + 1
    held: dict[str, int] = {}
    recurring = sum(1 for count in plain.values() if count >= minimum)
    if recurring:
        held["no signal"] = recurring
    ranked = []
    for entry in found.values():
        if entry.documents < minimum:
            continue
        reason = entry.held_back()
        if reason is None:
            ranked.append(entry)
        elif entry.whole_line:
            held[reason] = held.get(reason, 0) + 1
    ranked.sort(key=lambda s: (-s.score, s.key))
    chosen: list[Suggestion] = []
    for entry in ranked:  # a fragment of a line already proposed adds nothing
        if not any(entry.key in other.key for other in chosen):
            chosen.append(entry)
        if len(chosen) == top:
            break
    return Proposals(chosen, documents=documents, minimum=minimum, held_back=held)


class _Candidate(NamedTuple):
    """A line (or a sentence of one) of a document that might be boilerplate."""

    key: str  # generalised
    whole_line: bool
    example: str  # as the original has it
    place: str  # TOP, BOTTOM or MIDDLE
    evidence: list[Signal]


def _candidates(text: str, rules: Sequence[Rule]) -> Iterator[_Candidate]:
    """The candidates of ``text``: its lines that no rule touches, and their sentences.

    A line is at the top or bottom when it is one of the first or last ``EDGE``
    non-blank lines, or when a run of short lines that carry a strong signal (or that a
    rule removes) joins it to them: stamps come in blocks, and a mill's block of five
    lines sits at the top as much as its first three do. A sentence does not extend the
    run, so a paragraph that mentions a 公众号 does not pull the next one to the edge.
    """
    covered = sorted((m.start, m.end) for m in find(text, rules))
    view = normalized_view(text)
    rows: list[tuple[str, str, list[Signal]] | None] = []  # per non-blank line
    stamps: list[bool] = []  # per non-blank line: carries a strong signal, or is known
    next_span = offset = 0
    for line in view.text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line:
            continue
        original_start, original_end = view.original_span(start, end)
        while next_span < len(covered) and covered[next_span][1] <= original_start:
            next_span += 1  # spans and lines both in order: one sweep over the two
        known = next_span < len(covered) and covered[next_span][0] < original_end
        if known or len(line) < MIN_CHARS or _STRUCTURE.match(line):
            rows.append(None)
            stamps.append(known)
            continue
        example = text[original_start:original_end].strip()
        key = _generalise(line)
        evidence = signals(key)
        rows.append((line, example, evidence))
        strong = any(signal.strength >= STRONG for signal in evidence)
        stamps.append(strong and not is_sentence(key))
    filled = len(rows)
    top_end = min(EDGE, filled)
    while top_end < filled and stamps[top_end]:
        top_end += 1
    bottom_start = max(filled - EDGE, 0)
    while bottom_start > 0 and stamps[bottom_start - 1]:
        bottom_start -= 1
    for rank, row in enumerate(rows):
        if row is None:
            continue
        line, example, evidence = row
        top, bottom = rank < top_end, rank >= bottom_start
        if top and bottom:  # a document too short for a middle: the half it is in
            place = TOP if rank * 2 < filled else BOTTOM
        else:
            place = TOP if top else BOTTOM if bottom else MIDDLE
        yield _Candidate(_generalise(line), True, example, place, evidence)
        fragments = [f for f in _FRAGMENT.findall(line) if len(f) >= MIN_CHARS]
        if len(fragments) > 1:
            for fragment in fragments:
                key = _generalise(fragment)
                yield _Candidate(key, False, fragment, place, signals(key))


def _generalise(text: str) -> str:
    for pattern, token in _GENERALISE:
        text = pattern.sub(token, text)
    return text


def explain(proposals: Proposals, documents: int) -> list[str]:
    """Lines for the summary: why each rule was proposed, or why none was."""
    lines = [f"suggested-{n:03d}: {entry.why}" for n, entry in enumerate(proposals, 1)]
    held = proposals.held_back
    if not lines:
        if documents < proposals.minimum or not held:
            return [_nothing_recurs(documents, proposals.minimum)]
        return [
            f"no proposals: {plural(sum(held.values()), 'line')} recur in "
            f"{proposals.minimum} or more documents, but none reads as boilerplate "
            f"({_held_back(held)})"
        ]
    if held:
        lines.append(f"held back: {_held_back(held)}")
    return lines


def _nothing_recurs(documents: int, minimum: int) -> str:
    if documents < minimum:
        have = "no documents" if not documents else plural(documents, "document")
        return (
            f"no proposals: a line is proposed only when {minimum} or more documents carry "
            f"it, and there {'is' if documents == 1 else 'are'} {have}"
        )
    return (
        f"no proposals: no line the active rules leave recurs in {minimum} or more of "
        f"the {documents} documents"
    )


_HELD_BACK = {
    "body text": "read as body text (sentences, or lines between paragraphs without a "
    "URL, contact id or page number)",
    "title": "read as titles",
    "no signal": "carry no URL, contact id, vendor word, page number or decoration",
}


def _held_back(held: dict[str, int]) -> str:
    return "; ".join(
        f"{count} {_HELD_BACK[reason]}" for reason, count in sorted(held.items()) if count
    )


def to_yaml(suggestions: Sequence[Suggestion], documents: int) -> str:
    """A rule file of the proposals, each with its count, reasons and real examples."""
    header = (
        "# Boilerplate that recurs across the corpus and no active rule matches.\n"
        "# Review every rule: keep the watermarks, delete the rest, add look-alikes it must\n"
        "# keep (examples.keep), then pass this file to clean-reports --rules.\n"
    )
    if isinstance(suggestions, Proposals):
        # Each rule's reasons stand above it; the summary's closing note (why none, or
        # what was held back) goes in the header.
        notes = explain(suggestions, documents)[len(suggestions) :]
        header += "".join(f"# {line}\n" for line in notes)
    head = yaml.safe_dump({"description": "suggested rules"}, allow_unicode=True)
    if not suggestions:
        return header + head + "rules: []\n"
    items = []
    for number, entry in enumerate(suggestions, 1):
        rule = {
            "id": f"suggested-{number:03d}",
            "description": f"seen in {entry.documents} of {documents} documents "
            f"({entry.where}); signals: {entry.reasons}: review before use",
            "remove": "line" if entry.whole_line else "span",
            "pattern": entry.pattern,
            "examples": {"match": entry.examples},
        }
        dumped = yaml.safe_dump([rule], allow_unicode=True, sort_keys=False, width=1000)
        items.append(f"# suggested-{number:03d}: {entry.why}\n{dumped}")
    return header + head + "rules:\n" + "".join(items)
