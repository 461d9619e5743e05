"""Per-file time of the normalised view: the compiled view against the pure-Python one.

    python bench/view_time.py [--size-mb 5] [--work DIR] [--repeat 7]

Generates (once, under --work) a corpus with bench/corpus.py, decodes its files, then
times ``normalized_view`` on every file with each view, and prints the best turn's mean
CPU time per file (CPU time: other processes on a busy machine count less). Both views
run in this one process on the same texts.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from corpus import generate

from clean_reports import _compiled_view, view
from clean_reports.decode import decode
from clean_reports.errors import FileFailure
from clean_reports.view import View


def texts(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.rglob("*.txt")):
        try:
            out.append(decode(path.read_bytes()).text)
        except FileFailure:
            continue
    return out


def best_turn(build: Callable[[str], View], documents: list[str], repeat: int) -> float:
    """The best of ``repeat`` turns over every document: seconds per document."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for document in documents:
            build(document)
        best = min(best, time.process_time() - start)
    return best / len(documents)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/clean-reports-bench"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = args.work / f"view-corpus-{args.size_mb:g}mb"
    if not folder.exists():
        generate(folder, args.size_mb)
    documents = texts(folder)
    compiled = _compiled_view.load(view.__file__, View, view.to_simplified, environment={})
    chars = sum(map(len, documents)) / len(documents)
    print(f"{len(documents)} files, {chars:.0f} characters a file on average")
    with mock.patch.object(view, "_compiled_build", None):
        python = best_turn(view.normalized_view, documents, args.repeat)
    print(f"pure-Python view   {python * 1e6:8.1f} µs per file")
    if compiled.build is None:
        print(f"compiled view      not available: {compiled.kind}")
        return 0
    with mock.patch.object(view, "_compiled_build", compiled.build):
        native = best_turn(view.normalized_view, documents, args.repeat)
    print(f"compiled view      {native * 1e6:8.1f} µs per file   {python / native:.1f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
