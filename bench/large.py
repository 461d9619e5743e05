"""One large report with many findings: a seed repeated, a footer after each sentence.

    python bench/large.py OUT_FILE [--size-mb 64]

A file's cost must grow with its size alone. A text with a finding every ~180
characters (the seed's own banner, notice and footers, and a 酷乐文行 footer after
each of its sentences: about 5,600 findings a MB) is where a search of the text
before each finding shows: one made ``--check`` of 5, 10 and 20 MB of it take 9.8,
36.7 and 150 s. Shared by the benchmark (bench/run.py) and the tests
(tests/test_linear.py), so both speak of the same text.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from disguise import FOOTER

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seeds" / "000_155c858b691bed45.txt"


def dense_report() -> str:
    """The seed with the footer after each of its sentences (about 20 KB, 108 findings)."""
    lines: list[str] = []
    for line in SEED.read_text(encoding="utf-8").split("\n"):
        sentences = [sentence for sentence in line.split("。") if sentence]
        if len(sentences) <= 1:
            lines.append(line)
            continue
        for sentence in sentences:
            lines.extend([sentence + "。", FOOTER])
    return "\n".join(lines) + "\n"


def generate(path: Path, size_mb: float) -> int:
    """Write the dense report repeated to at least ``size_mb`` MB at ``path``; return its bytes."""
    unit = dense_report().encode("utf-8")
    copies = -(-int(size_mb * 1_000_000) // len(unit))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(unit * copies)
    return len(unit) * copies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size-mb", type=float, default=64)
    args = parser.parse_args()
    size = generate(args.out, args.size_mb)
    print(f"{size / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
