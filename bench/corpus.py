"""Generate a benchmark corpus from the seeds: report files the way users have them.

    python bench/corpus.py OUT_DIR [--size-mb 200] [--seed 1]

About 4.3 KB a file (the issue's 200 MB / 46,000 files), 80% carrying the 酷乐文行
banner, notice and footers as the seeds do; 70% UTF-8 (one in ten of those with a BOM),
20% GB18030 and 10% UTF-16 LE with a BOM; a quarter of the files with CRLF line endings;
in folders of 500. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import codecs
import random
import sys
from pathlib import Path

from disguise import BANNER, FOOTER, other_number

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "fixtures" / "expected"
FILE_BYTES = 4350
PER_FOLDER = 500


def paragraphs() -> tuple[list[str], list[str]]:
    """The seeds' titles and body paragraphs (clean)."""
    titles, body = [], []
    for path in sorted(EXPECTED.glob("*.txt")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        titles.append(lines[0])
        body.extend(lines[1:])
    return titles, body


def report(rng: random.Random, titles: list[str], body: list[str], watermarked: bool) -> str:
    lines = [rng.choice(titles), ""]
    size = 0
    start = rng.randrange(len(body))
    while size < FILE_BYTES * rng.uniform(0.5, 1.5):
        paragraph = body[(start + len(lines)) % len(body)]
        lines.append(paragraph)
        size += len(paragraph.encode())
    if watermarked:
        footer = other_number(FOOTER, rng)
        lines = [*BANNER, *lines[:2], footer, *lines[2:], "", footer, ""]
    return "\n".join(lines) + "\n"


def encode(rng: random.Random, text: str) -> bytes:
    if rng.random() < 0.25:
        text = text.replace("\n", "\r\n")
    roll = rng.random()
    if roll < 0.07:
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if roll < 0.70:
        return text.encode("utf-8")
    if roll < 0.90:
        return text.encode("gb18030")
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def generate(folder: Path, size_mb: float, seed: int = 1) -> tuple[int, int]:
    """Write the corpus under ``folder``; return (files, bytes)."""
    rng = random.Random(seed)
    titles, body = paragraphs()
    files = total = 0
    while total < size_mb * 1_000_000:
        data = encode(rng, report(rng, titles, body, watermarked=rng.random() < 0.8))
        path = folder / f"{files // PER_FOLDER:03d}" / f"{files:06d}.txt"
        if files % PER_FOLDER == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files += 1
        total += len(data)
    return files, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size-mb", type=float, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"{args.out} is not empty")
    files, total = generate(args.out, args.size_mb, args.seed)
    print(f"{files} files, {total / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
