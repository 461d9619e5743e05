"""Two installs of clean-reports against each other, interleaved, on one generated corpus.

    python bench/compare.py BEFORE_EXE AFTER_EXE [--size-mb 50] [--rounds 5] [--case CASE ...]

For a change that must not make the tool slower: each case (``check-cold``,
``check-warm``, ``one-file``, ``out-dir``) runs with one install, then the other,
alternating which goes first, ``--rounds`` times; the medians of wall time and of CPU
time (user + system of the whole process tree) are printed with their ratio, after to
before. Interleaving and medians are what make a ratio mean something on a noisy,
shared machine; the CPU time is the steadier of the two.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from corpus import generate

CASES: dict[str, Callable[[str, Path, Path], list[str]]] = {
    "check-cold": lambda exe, corpus, work: [exe, "-q", "--check", "--no-cache", str(corpus)],
    "check-warm": lambda exe, corpus, work: [
        *(exe, "-q", "--check", "--cache-dir", str(work / "cache"), str(corpus))
    ],
    "one-file": lambda exe, corpus, work: [
        *(exe, "-q", "--check", "--cache-dir", str(work / "cache-one"), str(first(corpus)))
    ],
    "out-dir": lambda exe, corpus, work: [exe, "-q", str(corpus), "-o", str(work / "out")],
}


def first(corpus: Path) -> Path:
    return min(path for path in corpus.rglob("*.txt"))


def measure(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (the exit status is the tool's business here)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--case", dest="cases", action="append", default=[], help=", ".join(CASES))
    parser.add_argument("--size-mb", type=float, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/clean-reports-bench"))
    args = parser.parse_args()
    unknown = [case for case in args.cases if case not in CASES]
    if unknown:
        parser.error(f"unknown case {unknown[0]!r}; the cases are {', '.join(CASES)}")
    cases = args.cases or list(CASES)
    corpus = args.work / f"corpus-{args.size_mb:g}mb"
    if not corpus.exists():
        generate(corpus, args.size_mb)
    installs = {"before": args.before, "after": args.after}
    folders = {name: args.work / f"compare-{name}" for name in installs}
    for name, exe in installs.items():  # the caches the warm cases read
        shutil.rmtree(folders[name], ignore_errors=True)
        folders[name].mkdir(parents=True)
        for case in ("check-warm", "one-file"):
            subprocess.run(CASES[case](exe, corpus, folders[name]), capture_output=True)
    for case in cases:
        walls: dict[str, list[float]] = {name: [] for name in installs}
        cpus: dict[str, list[float]] = {name: [] for name in installs}
        for round_ in range(args.rounds):
            order = list(installs) if round_ % 2 == 0 else list(reversed(installs))
            for name in order:
                shutil.rmtree(folders[name] / "out", ignore_errors=True)
                wall, cpu = measure(CASES[case](installs[name], corpus, folders[name]))
                walls[name].append(wall)
                cpus[name].append(cpu)
        wall = {name: statistics.median(values) for name, values in walls.items()}
        cpu = {name: statistics.median(values) for name, values in cpus.items()}
        print(
            f"{case:10s}  wall {wall['before']:.3f} s -> {wall['after']:.3f} s "
            f"({wall['after'] / wall['before']:.3f}x)  cpu {cpu['before']:.3f} s -> "
            f"{cpu['after']:.3f} s ({cpu['after'] / cpu['before']:.3f}x)  "
            f"[median of {args.rounds}]",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
