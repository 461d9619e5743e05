"""How much of a generated corpus of disguised watermarks clean-reports removes exactly.

    python bench/disguise_catch.py [--files 1000] [--seed 1]

Each generated file is a clean report from fixtures/expected with the 酷乐文行 banner and
members-only notice on top, a footer placed in the body (own line, glued to the end or
the start of a paragraph, or repeated as page footers) and a footer at the end, every
watermark in one disguise class. A file counts as caught when the installed
``clean-reports`` turns it back into the clean report byte for byte. Files with no
watermark are the control: they must come out unchanged.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from disguise import BANNER, DISGUISES, FOOTER, PLACEMENTS, inject, other_number

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "fixtures" / "expected"
# Disguises of one footer's wording; the banner keeps its words in those classes.
FOOTER_ONLY = {"QQ：", "QQ:", "another QQ number", "【】 brackets"}


def _glues_before(paragraph: str) -> bool:
    """A QQ number glued before other digits cannot be told from them; before a year it can."""
    return not paragraph[:1].isdigit() or paragraph[4:5] == "年"


def generate(folder: Path, files: int, seed: int) -> dict[str, str]:
    """Write the corpus; return each file's disguise class."""
    rng = random.Random(seed)
    bodies = [p.read_text(encoding="utf-8") for p in sorted(EXPECTED.glob("*.txt"))]
    classes = ["no watermark (control)", *DISGUISES]
    truth: dict[str, str] = {}
    for index in range(files):
        body = rng.choice(bodies)
        name = f"{index:04d}.txt"
        disguise_name = classes[index % len(classes)]
        # Blank lines next to removed lines at the start and the end of a file go too.
        paragraphs = body.strip("\n").split("\n")
        while not paragraphs[0].strip():
            paragraphs.pop(0)
        text = body
        if disguise_name in DISGUISES:
            disguise = DISGUISES[disguise_name]
            footer = disguise(other_number(FOOTER, rng))
            banner = [line if disguise_name in FOOTER_ONLY else disguise(line) for line in BANNER]
            placement = rng.choice(PLACEMENTS)
            # A watermark is glued to a paragraph: text without blank edges (cleaning
            # takes the whitespace between a watermark and the line's edge with it).
            gluable = [i for i, p in enumerate(paragraphs) if p and p == p.strip()]
            at = rng.choice(gluable)
            if placement == "glued to the start" and not _glues_before(paragraphs[at]):
                placement = "glued to the end"
            lines = [*banner, *inject(paragraphs, footer, placement, at), "", footer]
            text = "\n".join(lines) + "\n"
            body = "\n".join(paragraphs) + "\n"
        (folder / "in" / name).write_text(text, encoding="utf-8")
        (folder / "truth" / name).write_text(body, encoding="utf-8")
        truth[name] = disguise_name
    return truth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show-misses", action="store_true", help="print what was missed")
    args = parser.parse_args()
    tool = Path(sys.executable).with_name("clean-reports")
    command = str(tool) if tool.exists() else shutil.which("clean-reports")
    if command is None:
        sys.exit("clean-reports is not installed")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        (folder / "in").mkdir()
        (folder / "truth").mkdir()
        classes = generate(folder, args.files, args.seed)
        subprocess.run(
            [command, str(folder / "in"), "-o", str(folder / "out"), "-q", "--max-removal", "100"],
            check=False,
        )
        files: Counter[str] = Counter()
        caught: Counter[str] = Counter()
        for name, disguise in classes.items():
            files[disguise] += 1
            output = folder / "out" / name
            if output.exists() and output.read_bytes() == (folder / "truth" / name).read_bytes():
                caught[disguise] += 1
            elif args.show_misses:
                shown = output.read_text(encoding="utf-8") if output.exists() else "(no output)"
                print(f"--- {name} ({disguise})\n{shown[:300]}")
    width = max(map(len, files))
    print(f"{'disguise class':<{width}}  files  exact  rate")
    for disguise in files:
        rate = caught[disguise] / files[disguise]
        print(f"{disguise:<{width}}  {files[disguise]:>5}  {caught[disguise]:>5}  {rate:>5.0%}")
    total = sum(files.values())
    exact = sum(caught.values())
    print(f"{'all':<{width}}  {total:>5}  {exact:>5}  {exact / total:>5.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
