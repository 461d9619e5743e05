"""``--suggest``: find boilerplate no rule knows yet, and propose rules for review.

CCNet's observation holds for report corpora: what a reseller stamps in recurs, line for
line, across many documents, while report prose does not. This module counts, per
document, the lines and sentence fragments of the normalised view that no active rule
already matches, with numbers, URLs and dates generalised so that one family of variants
counts as one; it leaves out the structure reports legitimately repeat (numbered
headings, salutations); and it ranks what recurs by how many documents carry it, where
it sits, and how unlike report prose it reads. The result is a rule file, each rule with
its document count and real examples, for a person to review and pass to ``--rules``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex
import yaml

from .core import find
from .rules import Rule
from .view import normalized_view

MIN_DOCUMENTS = 3
MIN_CHARS = 6
EXAMPLES = 3

# Variants: what differs between copies of one watermark. (URLs in ASCII only: the view
# has no spaces, so a URL runs straight into the Chinese text after it.)
_URL = r"(?:https?://|www\.)[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:/[A-Za-z0-9._~/?#=&%+-]*)?"
_GENERALISE = [
    (regex.compile(_URL), "<URL>"),
    (regex.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?"), "<DATE>"),
    (regex.compile(r"\d+"), "<N>"),
]
_PATTERNS = {
    "<URL>": _URL,
    "<DATE>": r"\d{4}\D\d{1,2}\D\d{1,2}日?",
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
# Words resellers use and reports rarely do: a small boost, never a requirement.
_VENDOR_WORDS = regex.compile(
    r"下载|文档|文库|资料|会员|QQ|微信|公众号|关注|版权|来源|转载|整理|咨询|免费|VIP|<URL>|网",
    regex.I,
)


@dataclass
class Suggestion:
    """A recurring line or fragment, generalised, with the documents that carry it."""

    key: str
    whole_line: bool
    documents: int = 0
    examples: list[str] = field(default_factory=list)
    positions: list[float] = field(default_factory=list)

    @property
    def where(self) -> str:
        middle = sum(1 for p in self.positions if 0.2 < p < 0.8)
        if middle * 2 > len(self.positions):
            return "between paragraphs"
        top = sum(1 for p in self.positions if p <= 0.2)
        return "top of documents" if top * 2 >= len(self.positions) else "bottom of documents"

    @property
    def score(self) -> float:
        edge = 1.5 if self.where != "between paragraphs" else 1.0
        vendor = 1.0 + 0.5 * len(_VENDOR_WORDS.findall(self.key))
        prose = 0.5 if len(self.key) > 60 and self.key.endswith("。") else 1.0
        return self.documents * edge * vendor * prose

    @property
    def pattern(self) -> str:
        parts = regex.split(r"(<URL>|<DATE>|<N>)", self.key)
        body = "".join(_PATTERNS.get(part, regex.escape(part)) for part in parts)
        return f"^{body}$" if self.whole_line else body


def suggest(
    texts: Iterable[str], rules: Sequence[Rule], *, top: int = 20, minimum: int = MIN_DOCUMENTS
) -> list[Suggestion]:
    """The ``top`` proposals for ``texts`` (decoded documents), best first."""
    found: dict[str, Suggestion] = {}
    for text in texts:
        seen: set[str] = set()
        for key, whole, example, position in _candidates(text, rules):
            if key in seen:
                continue
            seen.add(key)
            entry = found.setdefault(key, Suggestion(key, whole))
            entry.documents += 1
            entry.positions.append(position)
            if len(entry.examples) < EXAMPLES and example not in entry.examples:
                entry.examples.append(example)
    ranked = [s for s in found.values() if s.documents >= minimum]
    ranked.sort(key=lambda s: (-s.score, s.key))
    chosen: list[Suggestion] = []
    for entry in ranked:  # a fragment of a line already proposed adds nothing
        if not any(entry.key in other.key for other in chosen):
            chosen.append(entry)
        if len(chosen) == top:
            break
    return chosen


def _candidates(text: str, rules: Sequence[Rule]) -> Iterable[tuple[str, bool, str, float]]:
    """(generalised key, whole line?, original example, position 0..1) for each candidate."""
    covered = [(m.start, m.end) for m in find(text, rules)]
    view = normalized_view(text)
    lines = view.text.split("\n")
    offset = 0
    count = max(len(lines) - 1, 1)
    for index, line in enumerate(lines):
        start, end = offset, offset + len(line)
        offset = end + 1
        if len(line) < MIN_CHARS or _STRUCTURE.match(line):
            continue
        original_start, original_end = view.original_span(start, end)
        if any(a < original_end and original_start < b for a, b in covered):
            continue
        example = text[original_start:original_end].strip()
        position = index / count
        yield _generalise(line), True, example, position
        fragments = [f for f in _FRAGMENT.findall(line) if len(f) >= MIN_CHARS]
        if len(fragments) > 1:
            for fragment in fragments:
                yield _generalise(fragment), False, fragment, position


def _generalise(text: str) -> str:
    for pattern, token in _GENERALISE:
        text = pattern.sub(token, text)
    return text


def to_yaml(suggestions: Sequence[Suggestion], documents: int) -> str:
    """A rule file of the proposals, each with its count and real examples."""
    rules = []
    for number, entry in enumerate(suggestions, 1):
        rules.append(
            {
                "id": f"suggested-{number:03d}",
                "description": f"seen in {entry.documents} of {documents} documents, "
                f"{entry.where}: review before use",
                "remove": "line" if entry.whole_line else "span",
                "pattern": entry.pattern,
                "examples": {"match": entry.examples},
            }
        )
    header = (
        "# Boilerplate that recurs across the corpus and no active rule matches.\n"
        "# Review every rule: keep the watermarks, delete the rest, add look-alikes it must\n"
        "# keep (examples.keep), then pass this file to clean-reports --rules.\n"
    )
    body = yaml.safe_dump(
        {"description": "suggested rules", "rules": rules}, allow_unicode=True, sort_keys=False
    )
    return header + body
