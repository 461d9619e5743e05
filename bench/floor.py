"""The least a Python program does to check a corpus: the floor under any Python tool.

    python bench/floor.py [--jobs N] DIR PATTERN...

Lists the files under DIR that contain any PATTERN, as ``rg -l -F`` does: walk, read
each file, decode it (BOM, else UTF-8, else GB18030), look for the literal patterns, on
N processes fed in chunks. No normalised view, no rules, no positions, no report. What
this takes against ripgrep bounds from below what clean-reports could take against it.
(It lists more files than ``rg -l`` does: ripgrep reads GB18030 files as UTF-8 and so
misses their watermarks.)
"""

from __future__ import annotations

import argparse
import codecs
import os
import sys
from collections.abc import Iterator
from multiprocessing import Pool

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_patterns: tuple[str, ...] = ()


def files(root: str) -> Iterator[str]:
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith(".txt"):
                yield os.path.join(folder, name)


def decoded(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def found(path: str) -> str | None:
    with open(path, "rb") as stream:
        text = decoded(stream.read())
    return path if any(pattern in text for pattern in _patterns) else None


def start(patterns: tuple[str, ...]) -> None:
    global _patterns
    _patterns = patterns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("root")
    parser.add_argument("patterns", nargs="+")
    args = parser.parse_args()
    with Pool(args.jobs, initializer=start, initargs=(tuple(args.patterns),)) as pool:
        hits = [path for path in pool.imap(found, files(args.root), chunksize=256) if path]
    sys.stdout.write("".join(path + "\n" for path in hits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
