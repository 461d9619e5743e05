"""The baseline: the obvious script a user would write instead of clean-reports.

    python bench/naive.py IN_DIR OUT_DIR

One process; chardet on every file; ``re.sub`` of the watermark lines; UTF-8 out.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import chardet

PATTERNS = [
    re.compile(r"^仅供学习 禁止外传 用后删除\s*$", re.M),
    re.compile(r"^酷乐文行\s*$", re.M),
    re.compile(r"^(自建平台、实时分享|根据实际需求和形式任务不断迭代|【打击倒卖活动】)\s*$", re.M),
    re.compile(
        r"^(现在订阅立享.*所有权益和资料|举报倒卖会员资料的人.*|会员群：.*免费QQ群：.*)$", re.M
    ),
    re.compile(r"【会员资料仅供内部交流使用，严禁外传及用于商业用途，违者后果自负】"),
    re.compile(
        r"酷乐文行整理，(其他任何途径获取的资料均不完整，获得完整版资料)?咨询(唯一指定)?QQ\d+"
    ),
    re.compile(r"\n{3,}"),
]


def main() -> int:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    for path in sorted(source.rglob("*.txt")):
        data = path.read_bytes()
        encoding = chardet.detect(data)["encoding"] or "utf-8"
        text = data.decode(encoding, errors="replace")
        for pattern in PATTERNS[:-1]:
            text = pattern.sub("", text)
        text = PATTERNS[-1].sub("\n\n", text).strip() + "\n"
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
