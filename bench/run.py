"""The benchmark: clean-reports against its baselines, on one generated corpus, in one run.

    python bench/run.py [--size-mb 200] [--small-mb 50] [--jobs N] [--skip-naive] [--skip-ray]
    python bench/run.py --only large-file

Generates (once, under --work, default /tmp/clean-reports-bench) a corpus with
bench/corpus.py, then times over the same files: ``clean-reports --check``, once with an
empty cache and once more with the cache it left, against bench/floor.py, the least a
Python program does to list the files holding the watermarks' literals (walk, read,
decode, a substring test, on the same processes), and against ripgrep when ``rg`` is
installed; the naive script (bench/naive.py) and ``cp -r`` against ``clean-reports``
writing clean copies; a ``--check`` of one file (start-up included); the peak memory
of the whole process tree on a small and the full corpus; when Ray is installed,
``--check`` and clean copies with ``--engine ray`` (a local Ray instance with --jobs
CPUs, started by the run and included in its time) against the local engine; and the
time per MB of ``--check`` and of a clean copy of one large file with many findings
(bench/large.py) at 64 MB against 4 MB, with the peak memory as a multiple of the
file's size (``--only large-file`` takes these figures alone). Every figure is printed
with its ratio to the baseline measured in the same run, since the machine is noisy,
beside its target and whether this run met it. Under the ``--check``, cached and
clean-copy figures, indented, stand the bounds bench/bound.py measures: the job's own
steps alone (the rules on the view; a digest, a lookup and the findings printed; the
copies and diffs written), and whether the target is reachable at all above them.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from corpus import generate
from large import generate as generate_large

HERE = Path(__file__).resolve().parent
RG_PATTERNS = ["酷乐文行", "会员资料仅供内部交流使用", "咨询QQ", "仅供学习 禁止外传"]
LARGE_MB = (4, 64)  # the one large file, small and large: the same text, 16 times over
Row = tuple[str, str, str, str, str, str]  # figure, value, baseline, ratio, target, met


def tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed")
    return found


def corpus(work: Path, size_mb: float) -> Path:
    folder = work / f"corpus-{size_mb:g}mb"
    if not folder.exists():
        files, total = generate(folder, size_mb)
        print(f"generated {files} files, {total / 1e6:.0f} MB in {folder}", flush=True)
    return folder


def timed(command: list[str], *, quiet: bool = True) -> tuple[float, int, int]:
    """Wall time, exit status and peak memory (bytes, the whole process tree) of a command.

    Memory is the proportional set size (PSS): pages forked workers share with the main
    process count once, as they cost once.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL if quiet else None, stderr=subprocess.DEVNULL
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status = process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, status, peak[0]


def _tree_rss(root: int) -> int:
    """Proportional resident memory of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        with contextlib.suppress(OSError, ValueError, IndexError):
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total += int(rollup.split("Pss:", 1)[1].split()[0]) * 1024
    return total


def views() -> str:
    """Which normalised view the tool timed and bench/bound.py used: a figure of the
    pure-Python view (no compiler, or a view built for another regex) says nothing of
    the compiled one."""
    version = subprocess.run(
        [tool("clean-reports"), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    bound = subprocess.run(
        [sys.executable, "-c", "from clean_reports.view import VIEW_KIND; print(VIEW_KIND)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return f"{version}\nbench/bound.py's normalised view: {bound}"


def met(ok: bool) -> str:
    return "yes" if ok else "NO"


def reachable(ok: bool) -> str:
    """For a bound's row: whether the target lies above what the job itself costs."""
    return "reachable" if ok else "out of reach"


def large_file_rows(work: Path, outputs: Path) -> list[Row]:
    """``--check`` and a clean copy of one file of bench/large.py's text at each of
    ``LARGE_MB``: time per MB, the large file's against the small one's (a cost that
    grows with the file's size alone keeps the ratio near 1), and peak memory as a
    multiple of the file's size."""
    cr = [tool("clean-reports"), "-q", "--no-cache", "--max-removal", "100", "--max-size", "500"]
    per_mb: dict[int, tuple[float, float]] = {}
    peaks: dict[int, str] = {}
    for size_mb in LARGE_MB:
        path = work / f"large-{size_mb}mb.txt"
        if not path.exists():
            generate_large(path, size_mb)
        size = len(path.read_bytes())  # and from the page cache from now on
        check, check_status, check_peak = timed([*cr, "--check", str(path)])
        clean, clean_status, clean_peak = timed(
            [*cr, str(path), "-o", str(outputs / f"large-{size_mb}")]
        )
        if 2 in (check_status, clean_status):
            sys.exit(f"clean-reports failed on {path}")
        per_mb[size_mb] = (check / (size / 1e6), clean / (size / 1e6))
        peak = max(check_peak, clean_peak)
        peaks[size_mb] = f"{peak / 1e6:.0f} MB = {peak / size:.1f}x"
    small, large = LARGE_MB
    rows: list[Row] = []
    for index, what in enumerate(("--check", "clean copy")):
        before, after = per_mb[small][index], per_mb[large][index]
        rows.append(
            (f"{what}, one {large} MB file", f"{after * 1000:.0f} ms/MB",
             f"{small} MB file {before * 1000:.0f} ms/MB", f"{after / before:.2f}x",
             "flat: within 1.3x", met(after / before <= 1.3))
        )  # fmt: skip
    rows.append(
        ("peak memory, one file", f"{peaks[large]} the file", f"{small} MB: {peaks[small]}",
         "", "(grows with the file)", "")
    )  # fmt: skip
    return rows


def print_table(rows: list[Row]) -> None:
    header = ("figure", "clean-reports", "baseline", "ratio", "target", "met")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=200)
    parser.add_argument("--small-mb", type=float, default=50)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/clean-reports-bench"))
    parser.add_argument("--skip-naive", action="store_true", help="the naive script is slow")
    parser.add_argument("--skip-ray", action="store_true", help="no --engine ray rows")
    parser.add_argument(
        "--only", choices=["large-file"], help="take only these figures (no corpus needed)"
    )
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    if args.only != "large-file":
        big, small = corpus(work, args.size_mb), corpus(work, args.small_mb)
    cr = [tool("clean-reports"), "--jobs", str(args.jobs), "-q"]
    rows: list[Row] = []

    # Every output goes to a folder of this run, deleted only when all is measured: on
    # ext4, creating files within minutes of deleting many makes the kernel skip each
    # recently freed inode, which can make file creation ten times slower for whoever
    # writes next. Leftovers of an earlier, interrupted run go first, before any timing.
    for leftover in work.glob("run-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    outputs = work / f"run-{os.getpid()}"
    if args.only == "large-file":
        rows = large_file_rows(work, outputs)
        shutil.rmtree(outputs, ignore_errors=True)
        print(f"\none file of bench/large.py's text; {os.cpu_count()} cores")
        print_table(rows)
        return 0

    def fresh(name: str) -> Path:
        return outputs / name

    for path in big.rglob("*.txt"):  # every tool then reads from the page cache
        path.read_bytes()
    cache = fresh("cache")  # the first --check finds the cache empty, the second full
    check, _, _ = timed([*cr, "--check", "--cache-dir", str(cache), str(big)])
    cached, _, _ = timed([*cr, "--check", "--cache-dir", str(cache), str(big)])
    floor_command = [sys.executable, str(HERE / "floor.py"), "--jobs", str(args.jobs)]
    floor, _, _ = timed([*floor_command, str(big), *RG_PATTERNS])
    on_floor = f"floor.py {floor:.2f} s"
    rows.append(
        ("--check", f"{check:.2f} s", on_floor, f"{check / floor:.1f}x", "<= 3x",
         met(check / floor <= 3))
    )  # fmt: skip
    rows.append(
        ("--check again (cache)", f"{cached:.2f} s", on_floor, f"{cached / floor:.1f}x",
         "<= 1.5x", met(cached / floor <= 1.5))
    )  # fmt: skip
    # What the job itself costs, with nothing of the tool's own (bench/bound.py): a bound
    # past a target shows that no change inside the tool can meet that target.
    bound = [sys.executable, str(HERE / "bound.py")]
    database = fresh("bound.sqlite")
    subprocess.run([*bound, "cache-build", str(big), str(database)], check=True)
    for mode, figure, target in (
        ("rules", "  bound: view and rules alone", 3),
        ("cache", "  bound: digest, lookup, print", 1.5),
        ("stat", "  bound: metadata lookup, print", 1.5),
    ):
        least, _, _ = timed([*bound, mode, "--jobs", str(args.jobs), str(big), str(database)])
        rows.append(
            (figure, f"{least:.2f} s", on_floor, f"{least / floor:.1f}x", f"<= {target:g}x",
             reachable(least / floor <= target))
        )  # fmt: skip
    if shutil.which("rg"):
        patterns = [arg for pattern in RG_PATTERNS for arg in ("-e", pattern)]
        grep, _, _ = timed(["rg", "-l", "-F", *patterns, str(big)])
        rows.append(
            ("--check", f"{check:.2f} s", f"rg {grep:.2f} s", f"{check / grep:.1f}x",
             "(ripgrep, for scale)", "")
        )  # fmt: skip

    # Before any run that writes files or starts Ray, whose processes linger a moment.
    one = next(big.rglob("*.txt"))
    single = [tool("clean-reports"), "--check", "--cache-dir", str(cache), str(one)]
    singles = [timed(single)[0] for _ in range(11)]
    median = statistics.median(singles)
    rows.append(
        ("--check one file", f"{median * 1000:.0f} ms", "(median of 11)", "", "< 100 ms",
         met(median < 0.1))
    )  # fmt: skip

    clean, _, peak_big = timed([*cr, str(big), "-o", str(fresh("out-cr"))])
    copy, _, _ = timed(["cp", "-r", str(big), str(fresh("out-cp"))])
    if not args.skip_naive:
        naive, _, _ = timed(
            [sys.executable, str(HERE / "naive.py"), str(big), str(fresh("out-naive"))]
        )
        rows.append(
            ("clean to out dir", f"{clean:.2f} s", f"naive {naive:.2f} s",
             f"{naive / clean:.1f}x faster", ">= 6x faster", met(naive / clean >= 6))
        )  # fmt: skip
    rows.append(
        ("clean to out dir", f"{clean:.2f} s", f"cp -r {copy:.2f} s", f"{clean / copy:.1f}x",
         "<= 4x", met(clean / copy <= 4))
    )  # fmt: skip
    copies = [*bound, "copies", "--jobs", str(args.jobs), str(big), str(fresh("out-bound"))]
    least, _, _ = timed(copies)
    if not args.skip_naive:
        rows.append(
            ("  bound: rules, then writes", f"{least:.2f} s", f"naive {naive:.2f} s",
             f"{naive / least:.1f}x faster", ">= 6x faster", reachable(naive / least >= 6))
        )  # fmt: skip
    rows.append(
        ("  bound: rules, then writes", f"{least:.2f} s", f"cp -r {copy:.2f} s",
         f"{least / copy:.1f}x", "<= 4x", reachable(least / copy <= 4))
    )  # fmt: skip

    if not args.skip_ray and importlib.util.find_spec("ray") is not None:
        on_ray = [*cr, "--engine", "ray"]
        ray_check, _, _ = timed([*on_ray, "--check", str(big)])  # Ray runs use no cache
        ray_clean, _, _ = timed([*on_ray, str(big), "-o", str(fresh("out-ray"))])
        rows.append(
            ("--check, Ray", f"{ray_check:.2f} s", f"local {check:.2f} s",
             f"{ray_check / check:.2f}x", "(overhead)", "")
        )  # fmt: skip
        rows.append(
            ("clean to out dir, Ray", f"{ray_clean:.2f} s", f"local {clean:.2f} s",
             f"{ray_clean / clean:.2f}x", "(overhead)", "")
        )  # fmt: skip

    _, _, peak_small = timed([*cr, str(small), "-o", str(fresh("out-small"))])
    growth = peak_big / peak_small - 1
    rows.append(
        ("peak memory", f"{peak_small / 1e6:.0f} MB / {peak_big / 1e6:.0f} MB",
         f"{args.small_mb:g} MB / {args.size_mb:g} MB corpus", f"{growth:+.0%}",
         "< 150 MB, flat: ±10%", met(max(peak_small, peak_big) < 150e6 and abs(growth) <= 0.1))
    )  # fmt: skip
    rows.extend(large_file_rows(work, outputs))

    shutil.rmtree(outputs, ignore_errors=True)
    files = sum(1 for _ in big.rglob("*.txt"))
    print(f"\ncorpus: {files} files, {args.size_mb:g} MB; {args.jobs} jobs; {os.cpu_count()} cores")
    print(views())
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
