"""The findings cache: repeated --check and --in-place runs skip unchanged files."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner

from clean_reports import __version__, rules
from clean_reports import cache as cache_module
from clean_reports.cache import DATABASE, KEEP_SECONDS, OLD_DATABASES, Cache, CachedWork
from clean_reports.cachedir import CACHE_DIR, RULE_DOCUMENTS
from clean_reports.cli import cli
from clean_reports.engines.serial import Serial
from clean_reports.inputs import Inputs
from clean_reports.model import FileResult, Mode, Status, Totals
from clean_reports.rules import load_rules
from clean_reports.selection import RuleSelector
from clean_reports.work import Work

from conftest import EXPECTED, SEED_NAMES, SEEDS, run_installed, script

FINDINGS = DATABASE


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


SETTLED_NS = cache_module.SETTLED_NS


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seeds to check, none of them known by its metadata, however slow the machine
    (most tests here are of the entries found by a file's bytes; see ``settled``)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cache_module, "SETTLED_NS", 10**18)
    shutil.copytree(SEEDS, tmp_path / "corpus")
    return tmp_path / "corpus"


def entries(folder: Path) -> dict[str, tuple[int, str]]:
    """The cache's rows: key -> (the run that last used it, the remembered result)."""
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db:
        rows = db.execute(
            "SELECT key, last_used, payload FROM findings JOIN usage USING (key)"
        ).fetchall()
        assert len(rows) == db.execute("SELECT count(*) FROM findings").fetchone()[0]
        assert len(rows) == db.execute("SELECT count(*) FROM usage").fetchone()[0]
    return {key: (used, payload) for key, used, payload in rows}


def age(folder: Path, key: str, seconds: int) -> None:
    """Make the entry ``key`` look last used ``seconds`` ago."""
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
        then = int(time.time()) - seconds
        db.execute("UPDATE usage SET last_used = ? WHERE key = ?", (then, key))


def test_a_second_check_gives_the_same_report_from_the_cache(corpus: Path) -> None:
    first = invoke("--check", "corpus")
    cache = corpus.parent / CACHE_DIR
    assert (cache / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert (cache / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f59")
    assert len(entries(cache)) == len(SEED_NAMES)
    assert invoke("--check", "corpus") == first
    assert first[0] == 1


def test_the_cache_is_what_a_second_run_reads(corpus: Path) -> None:
    """Planting a finding in one entry, with its checksum, shows it in the next report:
    hits are not re-checked; changing the file's bytes makes it a miss again."""
    from clean_reports.cachedir import checksum

    invoke("--check", "corpus")
    clean = next(n for n in SEED_NAMES if (SEEDS / n).read_bytes() == (EXPECTED / n).read_bytes())
    planted = ["qq-advert", 0, 7, "planted", 1, 1, 1, 8, "planted", None]
    with contextlib.closing(sqlite3.connect(corpus.parent / CACHE_DIR / DATABASE)) as db, db:
        for key, (_run, payload) in entries(corpus.parent / CACHE_DIR).items():
            encoding, bom, newline, matches = json.loads(payload)
            if not matches:
                changed = json.dumps([encoding, bom, newline, [planted]])
                db.execute(
                    "UPDATE findings SET payload = ?, checksum = ? WHERE key = ?",
                    (changed, checksum(key, changed), key),
                )
    _, out, _ = invoke("--check", "corpus")
    assert f'corpus/{clean}:1:1: qq-advert QQ or WeChat contact advert: "planted"' in out
    (corpus / clean).write_bytes((corpus / clean).read_bytes() + b"\n")
    _, out, _ = invoke("--check", "corpus")
    assert "planted" not in out


@pytest.mark.parametrize(
    "args",
    [
        ["--select", "kule-footer"],  # other rules: other findings
        ["--encoding", "gb18030"],  # another decoding: other text
        ["--text-field", "text"],
        ["--regex-timeout", "0.000001"],  # a rule may time out: the file fails now
    ],
)
def test_what_changes_findings_changes_the_key(corpus: Path, args: list[str]) -> None:
    invoke("--check", "corpus")
    before = set(entries(corpus.parent / CACHE_DIR))
    code, out, _ = invoke("--check", *args, "corpus")
    assert (code, out) == invoke("--check", "--no-cache", *args, "corpus")[:2]
    if code != 2:  # (every file fails as gb18030, and failures are not remembered)
        assert set(entries(corpus.parent / CACHE_DIR)) - before


def test_in_place_skips_files_known_to_be_clean(corpus: Path) -> None:
    assert invoke("--in-place", "corpus")[0] == 1
    for name in SEED_NAMES:
        assert (corpus / name).read_bytes() == (EXPECTED / name).read_bytes()
    assert invoke("--in-place", "corpus")[0] == 0  # all clean now: remembered as such
    assert invoke("--in-place", "corpus")[0] == 0
    known = entries(corpus.parent / CACHE_DIR)
    assert len(known) == 2 * len(SEED_NAMES) - 1  # before and after, one seed was clean
    shutil.copy(SEEDS / SEED_NAMES[0], corpus / SEED_NAMES[0])  # dirty again: a known key
    code, _, err = invoke("--in-place", "corpus")  # known to have findings: cleaned again
    assert code == 1 and f"cleaned corpus/{SEED_NAMES[0]}" in err
    assert (corpus / SEED_NAMES[0]).read_bytes() == (EXPECTED / SEED_NAMES[0]).read_bytes()


def test_no_cache_and_cache_dir(corpus: Path, tmp_path: Path) -> None:
    invoke("--check", "--no-cache", "corpus")
    assert not (tmp_path / CACHE_DIR).exists()
    invoke("--check", "--cache-dir", tmp_path / "elsewhere", "corpus")
    assert (tmp_path / "elsewhere" / FINDINGS).exists() and not (tmp_path / CACHE_DIR).exists()
    (tmp_path / ".clean-reports.toml").write_text('cache-dir = "from-config"\n', encoding="utf-8")
    invoke("--check", "corpus")
    assert (tmp_path / "from-config" / FINDINGS).exists()


def test_a_relative_cache_dir_is_read_back(corpus: Path, tmp_path: Path) -> None:
    first = invoke("--check", "--cache-dir", "relative", "corpus")
    second = invoke("--check", "--cache-dir", "relative", "corpus")
    assert first == second
    assert entries(tmp_path / "relative")


def test_out_dir_and_diff_runs_use_no_cache(corpus: Path, tmp_path: Path) -> None:
    invoke("corpus", "-o", "out")
    invoke("--diff", "corpus")
    assert not (tmp_path / CACHE_DIR).exists()


def test_failures_are_not_remembered(corpus: Path) -> None:
    (corpus / "broken.txt").write_bytes(b"\x00\x01binary")
    first = invoke("--check", "corpus")
    assert first[0] == 2
    assert len(entries(corpus.parent / CACHE_DIR)) == len(SEED_NAMES)
    assert invoke("--check", "corpus") == first


def test_unreadable_or_old_caches_start_afresh(corpus: Path) -> None:
    expected = invoke("--check", "--no-cache", "corpus")
    folder = corpus.parent / CACHE_DIR
    folder.mkdir()
    (folder / DATABASE).write_bytes(b"not a database")
    assert invoke("--check", "corpus") == expected  # unreadable: checked, then replaced
    assert len(entries(folder)) == len(SEED_NAMES)
    assert invoke("--check", "corpus") == expected
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
        assert db.execute("SELECT version FROM meta").fetchone() == (__version__,)
        db.execute("UPDATE meta SET version = '0.0.0-old'")
    key = next(iter(entries(folder)))
    assert Cache(folder).get(key, (), "x", 0) is None  # another version's: not read
    assert invoke("--check", "corpus") == expected
    assert len(entries(folder)) == len(SEED_NAMES)  # rewritten by this version


def test_a_cache_of_an_earlier_layout_is_deleted_when_a_run_saves(corpus: Path) -> None:
    folder = corpus.parent / CACHE_DIR
    folder.mkdir()
    for old in OLD_DATABASES:
        (folder / old).write_bytes(b"an earlier layout")
    expected = invoke("--check", "--no-cache", "corpus")
    assert invoke("--check", "corpus") == expected
    assert not any((folder / old).exists() for old in OLD_DATABASES)
    assert len(entries(folder)) == len(SEED_NAMES)


def test_entries_unused_for_thirty_days_are_dropped(tmp_path: Path) -> None:
    """By time, not by runs: many small runs (a pre-commit hook's) drop nothing recent."""

    cache = Cache(tmp_path)
    for key in ("stale", "hit", "recent"):
        cache.add(FileResult(f"{key}.txt", Status.UNCHANGED, encoding="utf-8", key=key))
    assert cache.save()
    for run in range(30):
        cache = Cache(tmp_path)
        cache.add(FileResult(f"{run}.txt", Status.UNCHANGED, key=f"small{run}"))
        assert cache.save()
    assert {"stale", "hit", "recent"} <= set(entries(tmp_path))
    age(tmp_path, "stale", KEEP_SECONDS + 60)
    age(tmp_path, "hit", KEEP_SECONDS + 60)
    age(tmp_path, "recent", KEEP_SECONDS - 3600)
    cache = Cache(tmp_path)
    cache.add(FileResult("hit.txt", Status.UNCHANGED, key="hit", cached=True))
    assert cache.save()
    kept = entries(tmp_path)
    assert "stale" not in kept
    assert {"hit", "recent", "small0"} <= set(kept)  # a hit is a use: kept
    assert kept["hit"][0] >= int(time.time()) - 60


def test_a_cache_that_cannot_be_written_costs_only_time(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the cache folder should be")
    expected = invoke("--check", "--no-cache", "corpus")
    assert invoke("--check", "--cache-dir", tmp_path / "blocked" / "cache", "corpus") == expected


RULE_FILE = """\
rules:
  - id: demo
    description: a demo rule
    remove: span
    pattern: 演示水印
    examples:
      match: ["演示水印"]
"""


def test_parsed_rule_files_are_remembered_by_their_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    rule_file = tmp_path / "demo.yaml"
    rule_file.write_text(RULE_FILE, encoding="utf-8")
    first = load_rules([rule_file], cache_dir=cache)
    assert len(list((cache / RULE_DOCUMENTS).iterdir())) == 3  # two shipped files and this one
    assert (cache / ".gitignore").exists()

    def no_yaml(_text: str, source: str) -> NoReturn:
        raise AssertionError(f"{source} was parsed again")

    with monkeypatch.context() as patched:
        patched.setattr(rules, "_parse_yaml", no_yaml)
        again = load_rules([rule_file], cache_dir=cache)
    assert [(r.id, r.pattern.pattern) for r in again] == [(r.id, r.pattern.pattern) for r in first]

    rule_file.write_text(RULE_FILE.replace("演示水印", "另一水印"), encoding="utf-8")
    edited = load_rules([rule_file], cache_dir=cache, default_rules=False)
    assert edited[0].pattern.pattern == "另一水印"
    assert len(list((cache / RULE_DOCUMENTS).iterdir())) == 4


def test_remembered_rule_files_keep_their_normalised_patterns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second run compiles the remembered patterns as normalised before, so a one-file
    check of a report that needs no OpenCC never loads it."""
    cache = tmp_path / "cache"
    first = [(r.id, r.pattern.pattern) for r in load_rules([], cache_dir=cache)]

    def no_normalising(pattern: str) -> NoReturn:
        raise AssertionError(f"normalised again: {pattern[:40]!r}")

    with monkeypatch.context() as patched:
        patched.setattr(rules, "normalize_pattern", no_normalising)
        again = [(r.id, r.pattern.pattern) for r in load_rules([], cache_dir=cache)]
    assert again == first
    code = (
        "import sys; from pathlib import Path; from clean_reports.rules import load_rules; "
        f"load_rules([], cache_dir=Path({str(cache)!r})); print('opencc' in sys.modules)"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.stdout.strip() == "False", loaded.stderr


def test_patterns_normalised_by_another_view_are_normalised_again(tmp_path: Path) -> None:
    """After an upgrade of OpenCC, regex or Python's Unicode data (the view's fingerprint
    changes) the remembered forms are not used: normalised again, and remembered anew."""
    from clean_reports.cachedir import checksum

    cache = tmp_path / "cache"
    rule_file = tmp_path / "demo.yaml"
    rule_file.write_text(RULE_FILE, encoding="utf-8")
    (expected,) = [r.pattern.pattern for r in load_rules([rule_file], cache_dir=cache)][-1:]
    (entry,) = [p for p in (cache / RULE_DOCUMENTS).iterdir() if "演示水印" in p.read_text("utf-8")]
    value = json.loads(entry.read_text("utf-8").partition("\n")[2])
    value.update(view="another view", normalized=dict.fromkeys(value["normalized"], "别的"))
    text = json.dumps(value, ensure_ascii=False)
    entry.write_text(f"{checksum(entry.name, text)}\n{text}", encoding="utf-8")
    (rule,) = load_rules([rule_file], cache_dir=cache, default_rules=False)
    assert rule.pattern.pattern == expected
    remembered = json.loads(entry.read_text("utf-8").partition("\n")[2])
    assert remembered["view"] != "another view" and "别的" not in remembered["normalized"].values()


def test_rule_files_json_cannot_hold_are_parsed_every_time(tmp_path: Path) -> None:
    rule_file = tmp_path / "dated.yaml"
    rule_file.write_text("description: 2024-01-01\n" + RULE_FILE, encoding="utf-8")
    for _ in range(2):
        (rule,) = load_rules([rule_file], cache_dir=tmp_path / "cache", default_rules=False)
        assert rule.id == "demo"
    assert not (tmp_path / "cache" / RULE_DOCUMENTS).exists()  # a YAML date: not JSON


def test_a_rule_cache_that_cannot_be_written_costs_only_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert load_rules([], cache_dir=blocked / "cache") == load_rules([])


def test_a_one_file_check_with_remembered_rules_loads_no_yaml(corpus: Path) -> None:
    seed = corpus / SEED_NAMES[0]
    importtime = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}  # python -X importtime
    first = run_installed("--check", seed, cwd=corpus.parent, env=importtime)
    second = run_installed("--check", seed, cwd=corpus.parent, env=importtime)
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout
    assert "| yaml" in first.stderr
    assert "yaml" not in second.stderr


def test_the_cache_stores_the_results_the_work_gives(corpus: Path, tmp_path: Path) -> None:
    """The cache's lookup names each result's entry (its key); the cache, as a sink,
    stores the results as they are, and a second run takes every one of them from it."""
    cache = Cache(tmp_path / "cache")
    work = Work(RuleSelector(load_rules([])), Mode.CHECK)
    seen = list(Serial().map(Inputs((corpus,)).tasks(), CachedWork(work, cache)))
    for result in seen:
        cache.add(result)
    assert seen and not any(result.cached for result in seen)
    assert set(cache.new) == {result.key for result in seen}
    cache.close(Totals())
    again_cache = Cache(tmp_path / "cache")
    again = list(Serial().map(Inputs((corpus,)).tasks(), CachedWork(work, again_cache)))
    assert all(result.cached for result in again)
    assert [r.matches for r in again] == [r.matches for r in seen]
    assert [r._replace(cached=False) for r in again] == [r._replace(contexts=()) for r in seen]


# A damaged or edited cache must never change an answer, nor stop a run: every entry below
# is a miss, the file is checked again, and its entry is made again as it should be.


def rows(folder: Path) -> dict[str, str]:
    """The cache's entries: key -> payload."""
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db:
        return dict(db.execute("SELECT key, payload FROM findings").fetchall())


def rewrite(folder: Path, key: str, payload: object, check: object | None = None) -> None:
    """Store ``payload`` as the entry of ``key``, with its right checksum unless ``check``
    is given: what a damaged or edited file, not a damaged checksum, looks like."""
    from clean_reports.cachedir import checksum

    if check is None and isinstance(payload, str):
        check = checksum(key, payload)
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
        db.execute(
            "UPDATE findings SET payload = ?, checksum = ? WHERE key = ?", (payload, check, key)
        )


GOOD_MATCH = ["qq-advert", 0, 7, "planted", 1, 1, 1, 8, "planted", None]


def one_match(index: int, value: object) -> str:
    """An entry of one match, GOOD_MATCH with its field ``index`` replaced by ``value``."""
    match = [*GOOD_MATCH[:index], value, *GOOD_MATCH[index + 1 :]]
    return json.dumps(["utf-8", False, "\n", [match]])


DAMAGED = {
    "bad JSON": '["utf-8", false, "\\n", [',
    "not JSON at all": "\x00\x01garbage",
    "nested past the JSON parser's depth": "[" * 100_000,
    "a mapping": '{"encoding": "utf-8"}',
    "too short": '["utf-8", false, "\\n"]',
    "too long": '["utf-8", false, "\\n", [], []]',
    "null": "null",
    "a number for the encoding": '[5, false, "\\n", []]',
    "a string for the byte-order mark": '["utf-8", "no", "\\n", []]',
    "a mapping for the matches": '["utf-8", false, "\\n", {}]',
    "a match that is not a list": '["utf-8", false, "\\n", ["qq-advert"]]',
    "a match of too few fields": '["utf-8", false, "\\n", [["qq-advert", 0, 7]]]',
    "a string for a position": one_match(1, "0"),
    "true for a position": one_match(1, True),
    "a float for a line": one_match(4, 1.0),
    "a rule no longer loaded": one_match(0, "gone-rule"),
    "an end before the start": one_match(2, 0),
    "a text of another length": one_match(3, "p"),
    "line 0": one_match(5, 0),
}  # fmt: skip


@pytest.mark.parametrize("payload", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_entry_is_a_miss_and_is_made_again(corpus: Path, payload: str) -> None:
    expected = invoke("--check", "--no-cache", "corpus")
    assert invoke("--check", "corpus") == expected
    folder = corpus.parent / CACHE_DIR
    good = rows(folder)
    for key in good:
        rewrite(folder, key, payload)
    assert all(Cache(folder).get(key, load_rules([]), "x", 0) is None for key in good)
    assert invoke("--check", "corpus") == expected
    assert rows(folder) == good  # every entry overwritten with what the file holds
    assert invoke("--check", "corpus") == expected


@pytest.mark.parametrize(
    "payload",
    [b'["utf-8", false, "\\n", []]', 7, 7.5],
    ids=["bytes", "an integer", "a float"],
)
def test_a_payload_of_another_sqlite_type_is_a_miss(corpus: Path, payload: object) -> None:
    """SQLite keeps any type in any column: a payload that is not text is not read."""
    from clean_reports.cachedir import checksum

    expected = invoke("--check", "--no-cache", "corpus")
    invoke("--check", "corpus")
    folder = corpus.parent / CACHE_DIR
    good = rows(folder)
    for key in good:
        rewrite(folder, key, payload, checksum(key, str(payload)))
    assert invoke("--check", "corpus") == expected
    assert rows(folder) == good


def dirty_and_clean(folder: Path) -> tuple[str, str, str]:
    """The key of an entry with findings, and the key and payload of one without."""
    found = rows(folder)
    dirty = next(key for key, payload in found.items() if json.loads(payload)[3])
    clean = next(key for key, payload in found.items() if not json.loads(payload)[3])
    return dirty, clean, found[clean]


def test_a_no_findings_entry_edited_in_is_not_trusted(corpus: Path) -> None:
    """Well-formed, but not what was stored: the checksum no longer holds."""
    expected = invoke("--check", "--no-cache", "corpus")
    invoke("--check", "corpus")
    folder = corpus.parent / CACHE_DIR
    good = rows(folder)
    dirty, _, _ = dirty_and_clean(folder)
    encoding, bom, newline, matches = json.loads(good[dirty])
    assert matches
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
        nothing = json.dumps([encoding, bom, newline, []])
        db.execute("UPDATE findings SET payload = ? WHERE key = ?", (nothing, dirty))
    assert invoke("--check", "corpus") == expected
    assert rows(folder) == good


def test_a_no_findings_entry_moved_from_a_clean_file_is_not_trusted(corpus: Path) -> None:
    """A clean file's whole row (payload and checksum) under a dirty file's key: the
    checksum is of the key as well, so --in-place still cleans the dirty file."""
    invoke("--check", "corpus")
    folder = corpus.parent / CACHE_DIR
    dirty, clean, clean_payload = dirty_and_clean(folder)
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
        db.execute(
            "UPDATE findings SET payload = ?, checksum = "
            "(SELECT checksum FROM findings WHERE key = ?) WHERE key = ?",
            (clean_payload, clean, dirty),
        )
    assert Cache(folder).get(dirty, load_rules([]), "x", 0) is None
    assert invoke("--in-place", "corpus")[0] == 1
    for name in SEED_NAMES:
        assert (corpus / name).read_bytes() == (EXPECTED / name).read_bytes()


def test_a_checksum_that_does_not_hold_is_a_miss(corpus: Path) -> None:
    expected = invoke("--check", "--no-cache", "corpus")
    invoke("--check", "corpus")
    folder = corpus.parent / CACHE_DIR
    good = rows(folder)
    for key, payload in good.items():
        rewrite(folder, key, payload, "0" * 32)
    assert invoke("--check", "corpus") == expected
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db:
        assert "0" * 32 not in {check for (check,) in db.execute("SELECT checksum FROM findings")}


def truncate(database: Path) -> None:
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])


def header_only(database: Path) -> None:
    database.write_bytes(database.read_bytes()[:100])


def emptied(database: Path) -> None:
    database.write_bytes(b"")


def garbage(database: Path) -> None:
    database.write_bytes(os.urandom(database.stat().st_size))


def torn_pages(database: Path) -> None:
    """A page in the middle overwritten: SQLite's own header still holds."""
    data = bytearray(database.read_bytes())
    data[4096 : 4096 * 2] = os.urandom(4096)
    database.write_bytes(bytes(data))


def other_layout(database: Path) -> None:
    """A database of this name whose findings table is laid out otherwise."""
    database.unlink()
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute("CREATE TABLE meta (version TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES (?)", (__version__,))
        db.execute("CREATE TABLE findings (key TEXT PRIMARY KEY, payload TEXT NOT NULL)")
        db.execute("CREATE TABLE usage (key TEXT PRIMARY KEY, last_used INTEGER NOT NULL)")


def no_tables(database: Path) -> None:
    database.unlink()
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute("CREATE TABLE meta (version TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES (?)", (__version__,))


@pytest.mark.parametrize(
    "damage", [truncate, header_only, emptied, garbage, torn_pages, other_layout, no_tables]
)
def test_a_damaged_database_file_gives_the_answer_of_no_cache(
    corpus: Path, damage: Callable[[Path], None]
) -> None:
    """With enough files that the database spans several pages; the run after the
    damage replaces what it cannot use, and the one after that reads the cache again."""
    seed_dir = corpus / "more"
    for copy in range(40):
        for name in SEED_NAMES:
            data = (SEEDS / name).read_bytes() + f"\n第{copy}份\n".encode()
            (seed_dir / f"{copy:02d}").mkdir(parents=True, exist_ok=True)
            (seed_dir / f"{copy:02d}" / name).write_bytes(data)
    expected = invoke("--check", "--no-cache", "corpus")
    assert invoke("--check", "corpus") == expected
    database = corpus.parent / CACHE_DIR / DATABASE
    assert database.stat().st_size > 3 * 4096
    damage(database)
    for _ in range(3):
        code, out, err = invoke("--check", "corpus")
        assert (code, out, err) == expected
        assert "Traceback" not in err
    found = rows(corpus.parent / CACHE_DIR)
    assert len(found) == 41 * len(SEED_NAMES)
    cache, shipped = Cache(corpus.parent / CACHE_DIR), load_rules([])
    assert all(cache.get(key, shipped, "x", 0) is not None for key in found)


def test_a_damaged_parsed_rule_file_is_parsed_again(tmp_path: Path) -> None:
    """The rule cache is read as carefully: a damaged, edited or foreign entry is a miss."""
    cache = tmp_path / "cache"
    rule_file = tmp_path / "demo.yaml"
    rule_file.write_text(RULE_FILE, encoding="utf-8")
    expected = [(r.id, r.pattern.pattern) for r in load_rules([rule_file], cache_dir=cache)]
    (entry,) = [p for p in (cache / RULE_DOCUMENTS).iterdir() if "演示水印" in p.read_text("utf-8")]
    stored = entry.read_bytes()
    check, _, text = stored.decode().partition("\n")
    edited = text.replace("演示水印", "别的")
    damaged = [
        b"",
        b"\xff\xfe",
        stored[: len(stored) // 2],
        f"{check}\n{edited}".encode(),  # edited: the checksum no longer holds
        f"{check}\n{'[' * 100_000}".encode(),
        b"not a checksum\n" + text.encode(),
        text.encode(),  # the layout of rules-v1: JSON alone
    ]
    for data in damaged:
        entry.write_bytes(data)
        got = [(r.id, r.pattern.pattern) for r in load_rules([rule_file], cache_dir=cache)]
        assert got == expected
        assert entry.read_bytes() == stored  # made again


def test_a_remembered_document_that_makes_no_rules_is_parsed_again(tmp_path: Path) -> None:
    """Even an entry whose checksum holds is not trusted to say a valid file is invalid."""
    from clean_reports.cachedir import checksum

    cache = tmp_path / "cache"
    rule_file = tmp_path / "demo.yaml"
    rule_file.write_text(RULE_FILE, encoding="utf-8")
    load_rules([rule_file], cache_dir=cache, default_rules=False)
    (entry,) = (cache / RULE_DOCUMENTS).iterdir()
    wrong = json.dumps({"rules": [{"id": "demo"}]})  # no pattern, no examples: no rule
    entry.write_text(f"{checksum(entry.name, wrong)}\n{wrong}", encoding="utf-8")
    (rule,) = load_rules([rule_file], cache_dir=cache, default_rules=False)
    assert rule.id == "demo"


@pytest.mark.parametrize("layout", ["rules-v1", "rules-v2"])
def test_parsed_rule_files_of_the_earlier_layout_are_deleted(tmp_path: Path, layout: str) -> None:
    old = tmp_path / "cache" / layout
    old.mkdir(parents=True)
    (old / f"{'0123' * 10}.json").write_text('{"rules": []}', encoding="utf-8")
    load_rules([], cache_dir=tmp_path / "cache")
    assert not old.exists()
    assert len(list((tmp_path / "cache" / RULE_DOCUMENTS).iterdir())) == 2


@pytest.mark.parametrize("mode", ["--check", "--in-place"])
def test_a_fifo_in_the_databases_place_is_replaced_not_waited_on(tmp_path: Path, mode: str) -> None:
    """SQLite opens its file with a plain open(): a FIFO there would block for ever."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    cache = tmp_path / ".clean-reports-cache"
    cache.mkdir()
    os.mkfifo(cache / DATABASE)
    result = subprocess.run(
        [script("clean-reports"), mode, "corpus"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,  # a hang fails the test here
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert (cache / DATABASE).is_file()
    if mode == "--in-place":
        assert all((corpus / n).read_bytes() == (EXPECTED / n).read_bytes() for n in SEED_NAMES)


def test_the_rule_cache_reads_only_regular_files_of_bounded_size(tmp_path: Path) -> None:
    """A FIFO, a device or a huge file in an entry's place is a miss: no hang, no memory
    blown, the rules as the file says; the entry is made again as a file."""
    cache = tmp_path / "cache"
    rule_file = tmp_path / "demo.yaml"
    rule_file.write_text(RULE_FILE, encoding="utf-8")
    expected = [(r.id, r.pattern.pattern) for r in load_rules([rule_file], cache_dir=cache)]
    (entry,) = [p for p in (cache / RULE_DOCUMENTS).iterdir() if "演示水印" in p.read_text("utf-8")]
    code = (
        "from pathlib import Path; from clean_reports.rules import load_rules; "
        f"print([(r.id, r.pattern.pattern) for r in load_rules([Path({str(rule_file)!r})], "
        f"cache_dir=Path({str(cache)!r}))])"
    )
    for make in (
        lambda: os.mkfifo(entry),
        lambda: entry.symlink_to("/dev/zero"),
        lambda: entry.write_bytes(b"0" * 9_000_000),
    ):
        entry.unlink()
        make()
        loaded = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )
        assert loaded.stdout.strip() == repr(expected), loaded.stderr
    assert entry.is_file() and not entry.is_symlink()


def test_the_rule_cache_never_deletes_what_it_did_not_write(tmp_path: Path) -> None:
    """Old entries are pruned by name, in real folders only: a rules folder that is a
    link (a repository could commit one) is not written to nor pruned through, and files
    of other names beside the entries stay."""
    victim = tmp_path / "victim"
    victim.mkdir()
    for index in range(150):
        (victim / f"{index:040x}.json").write_text("someone else's", encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / RULE_DOCUMENTS).symlink_to(victim)
    (cache / "rules-v2").symlink_to(victim)
    assert load_rules([], cache_dir=cache)
    assert len(list(victim.iterdir())) == 150

    real = tmp_path / "real-cache"
    load_rules([], cache_dir=real)
    notes = real / RULE_DOCUMENTS / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    for index in range(120):  # more rule files than the cache keeps
        rule_file = tmp_path / f"r{index}.yaml"
        rule_file.write_text(RULE_FILE.replace("演示水印", f"水印{index}"), encoding="utf-8")
        load_rules([rule_file], cache_dir=real, default_rules=False)
    assert notes.read_text(encoding="utf-8") == "mine"
    assert len([p for p in (real / RULE_DOCUMENTS).iterdir() if p.suffix == ".json"]) == 100


def test_a_rule_whose_literals_change_is_checked_again(tmp_path: Path) -> None:
    """Literals decide which documents a rule searches, so they are part of what a cached
    finding was found under: a wrong promise put right finds what it had missed."""
    report = tmp_path / "corpus" / "a.txt"
    report.parent.mkdir()
    report.write_text("正文。\n欢迎推广\n", encoding="utf-8")
    rule_file = tmp_path / "rules.yaml"
    rule = RULE_FILE.replace("pattern: 演示水印", "pattern: '演示水印|推广'")
    rule_file.write_text(rule + "    literals: [演示水印]\n", encoding="utf-8")
    cache = tmp_path / "cache"
    command = ("--check", "--cache-dir", cache, "--rules", rule_file, report)
    assert invoke(*command)[0] == 0  # the promise is wrong: 推广 holds no literal
    rule_file.write_text(rule, encoding="utf-8")
    assert invoke(*command)[0] == 1


# Files known by their metadata: a file read once and unchanged since is not read again.


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as changed long enough before it is looked at that its times
    would show a later change (as a corpus in a repository is between two runs); the
    real margin has tests of its own."""
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)


def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the reports the work reads from now on, in order (in this process:
    runs that count them take ``-j 1``)."""
    import clean_reports.work as work_module

    reads: list[str] = []
    real = work_module.read

    def read(path: str, size: int, limit: int) -> bytes:
        reads.append(str(path))
        return real(path, size, limit)

    monkeypatch.setattr(work_module, "read", read)
    return reads


def known(folder: Path) -> dict[bytes, tuple[object, ...]]:
    """The cache's files: absolute path -> the rest of its row."""
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db:
        return {row[0]: row[1:] for row in db.execute("SELECT * FROM files")}


FILE_FIELDS = ["signature", "digest", "key", "recorded"]


def rewrite_file_row(folder: Path, path: bytes, *, recheck: bool = True, **changes: object) -> None:
    """Change fields of a file's row, and give it the checksum of what it then holds
    (``recheck``, as an edit by someone who knows how it is made), or leave its own."""
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
        for name, value in changes.items():
            db.execute(f"UPDATE files SET {name} = ? WHERE path = ?", (value, path))
        if recheck:
            row = db.execute(f"SELECT {', '.join(FILE_FIELDS)} FROM files WHERE path = ?", (path,))
            check = cache_module.checksum("files", cache_module._file_row(path, *row.fetchone()))
            db.execute("UPDATE files SET checksum = ? WHERE path = ?", (check, path))


def dirty_seed(corpus: Path) -> Path:
    return next(
        corpus / name
        for name in SEED_NAMES
        if (SEEDS / name).read_bytes() != (EXPECTED / name).read_bytes()
    )


def test_an_unchanged_file_is_known_by_its_metadata_unread(
    corpus: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = invoke("--check", "-j", "1", "corpus")
    folder = corpus.parent / CACHE_DIR
    assert set(known(folder)) == {os.fsencode(corpus.absolute() / name) for name in SEED_NAMES}
    reads = counted_reads(monkeypatch)
    assert invoke("--check", "-j", "1", "corpus") == first
    assert invoke("--check", "-j", "2", str(corpus.absolute()))[0] == first[0]
    assert reads == []
    assert (
        invoke("--in-place", "-j", "1", "corpus")[0] == 1
    )  # the files with findings are read, cleaned
    assert sorted(reads) == sorted(
        str(Path("corpus") / name)
        for name in SEED_NAMES
        if (SEEDS / name).read_bytes() != (EXPECTED / name).read_bytes()
    )
    for name in SEED_NAMES:
        assert (corpus / name).read_bytes() == (EXPECTED / name).read_bytes()


def same_size_time_set_back(path: Path, data: bytes) -> None:
    before = path.stat()
    path.write_bytes(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def renamed_over(path: Path, data: bytes) -> None:
    """An editor's save: a new file of the same size and time renamed over the old one."""
    before = path.stat()
    new = path.with_name(path.name + ".new")
    new.write_bytes(data)
    os.utime(new, ns=(before.st_atime_ns, before.st_mtime_ns))
    new.replace(path)


@pytest.mark.parametrize("change", [same_size_time_set_back, renamed_over])
def test_a_changed_file_is_read_again_whatever_its_size_and_time(
    corpus: Path,
    settled: None,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path, bytes], None],
) -> None:
    """Any write changes a file's change time (which no program sets back) or its inode:
    a file edited to the same size, its modification time set back, is not taken for
    the file that was read."""
    invoke("--check", "-j", "1", "corpus")
    target = dirty_seed(corpus)
    clean = "本报告无水印。".encode() * 2000
    change(target, clean[: target.stat().st_size])
    reads = counted_reads(monkeypatch)
    assert invoke("--check", "-j", "1", "corpus") == invoke(
        "--check", "-j", "1", "--no-cache", "corpus"
    )
    assert reads[0] == str(Path("corpus") / target.name)
    _, out, _ = invoke("--check", "-j", "1", "corpus")
    assert target.name not in out


def test_a_file_changed_just_before_it_was_looked_at_is_not_known_by_its_metadata(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file changed twice within one tick of the clock keeps its times: a file is
    known by its metadata only when it was last changed SETTLED_NS before it was looked
    at. Its modification time can be set back by anyone, its change time cannot."""
    monkeypatch.setattr(cache_module, "SETTLED_NS", SETTLED_NS)
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for name in SEED_NAMES:
        os.utime(corpus / name, ns=(an_hour_ago, an_hour_ago))
    invoke("--check", "-j", "1", "corpus")
    assert known(corpus.parent / CACHE_DIR) == {}
    assert len(entries(corpus.parent / CACHE_DIR)) == len(SEED_NAMES)  # by the bytes, still


def test_metadata_are_trusted_for_a_limited_time(
    corpus: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = invoke("--check", "-j", "1", "corpus")
    folder = corpus.parent / CACHE_DIR
    long_ago = int(time.time()) - cache_module.REFRESH_SECONDS - 60
    for path in known(folder):
        rewrite_file_row(folder, path, recorded=long_ago)
    reads = counted_reads(monkeypatch)
    assert invoke("--check", "-j", "1", "corpus") == first
    assert len(reads) == len(SEED_NAMES)  # read again, once
    assert all(row[3] > long_ago for row in known(folder).values())
    assert invoke("--check", "-j", "1", "corpus") == first
    assert len(reads) == len(SEED_NAMES)


def another_key(folder: Path) -> str:
    return sorted(rows(folder))[0]


FILE_ROW_DAMAGE: dict[str, Callable[[Path], dict[str, object]]] = {
    "another file's signature": lambda _: {"signature": "1:2:3:4:5"},
    "a signature of another type": lambda _: {"signature": 5},
    "a digest that is not hex": lambda _: {"digest": "not a digest"},
    "a digest of other bytes": lambda _: {"digest": "ab" * 32},
    "a digest of another type": lambda _: {"digest": b"\x00" * 32},
    "another entry's key": lambda folder: {"key": another_key(folder)},
    "a key no entry has": lambda _: {"key": "0" * 40},
    "a recorded time as text": lambda _: {"recorded": "yesterday"},
    "a recorded time to come": lambda _: {"recorded": int(time.time()) + 3600},
}


@pytest.mark.parametrize("damage", FILE_ROW_DAMAGE.values(), ids=FILE_ROW_DAMAGE.keys())
@pytest.mark.parametrize("recheck", [True, False], ids=["checksum made again", "checksum kept"])
def test_a_damaged_or_edited_file_row_is_not_trusted(
    corpus: Path,
    settled: None,
    damage: Callable[[Path], dict[str, object]],
    recheck: bool,
) -> None:
    """An edited row is the file read again, or the entry of its bytes: its checksum
    must hold, and then its shape, its time and the key its digest makes."""
    expected = invoke("--check", "-j", "1", "--no-cache", "corpus")
    invoke("--check", "-j", "1", "corpus")
    folder = corpus.parent / CACHE_DIR
    changes = damage(folder)
    for path in known(folder):
        rewrite_file_row(folder, path, recheck=recheck, **changes)
    assert invoke("--check", "-j", "1", "corpus") == expected
    assert invoke("--check", "-j", "1", "corpus") == expected


@pytest.mark.parametrize("fields", [["digest", "key"], [*FILE_FIELDS[1:], "checksum"]])
def test_a_row_moved_to_another_files_path_is_not_that_files(
    corpus: Path, settled: None, fields: list[str]
) -> None:
    """A watermarked report's digest (and key, and checksum) in a clean report's row, and
    the other way round: the checksum covers the path, so neither file takes the other's
    findings, and --in-place still cleans the watermarked one."""
    invoke("--check", "-j", "1", "corpus")
    folder = corpus.parent / CACHE_DIR
    dirty = os.fsencode(dirty_seed(corpus).absolute())
    clean_name = next(
        n for n in SEED_NAMES if (SEEDS / n).read_bytes() == (EXPECTED / n).read_bytes()
    )
    clean = os.fsencode((corpus / clean_name).absolute())
    stored = {
        path: dict(zip([*FILE_FIELDS, "checksum"], row, strict=False))
        for path, row in known(folder).items()
    }
    rewrite_file_row(folder, clean, recheck=False, **{f: stored[dirty][f] for f in fields})
    rewrite_file_row(folder, dirty, recheck=False, **{f: stored[clean][f] for f in fields})
    assert invoke("--check", "-j", "1", "corpus") == invoke(
        "--check", "-j", "1", "--no-cache", "corpus"
    )
    assert invoke("--in-place", "-j", "1", "corpus")[0] == 1
    for name in SEED_NAMES:
        assert (corpus / name).read_bytes() == (EXPECTED / name).read_bytes()


@pytest.mark.parametrize("payload", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_entry_of_a_file_known_by_its_metadata_is_a_miss(
    corpus: Path, settled: None, monkeypatch: pytest.MonkeyPatch, payload: str
) -> None:
    """The entry a file's row leads to is checked as every entry is."""
    expected = invoke("--check", "-j", "1", "--no-cache", "corpus")
    invoke("--check", "-j", "1", "corpus")
    folder = corpus.parent / CACHE_DIR
    good = rows(folder)
    for key in good:
        rewrite(folder, key, payload)
    reads = counted_reads(monkeypatch)
    assert invoke("--check", "-j", "1", "corpus") == expected
    assert len(reads) == len(SEED_NAMES)
    assert rows(folder) == good


@pytest.mark.parametrize(
    "args",
    [
        ["--select", "kule-footer"],
        ["--encoding", "gb18030"],
        ["--max-size", "0.001"],  # too large now: refused, as if the file were not known
    ],
)
def test_what_changes_findings_is_not_answered_from_metadata(
    corpus: Path, settled: None, args: list[str]
) -> None:
    invoke("--check", "-j", "1", "corpus")
    assert known(corpus.parent / CACHE_DIR)
    assert invoke("--check", *args, "corpus") == invoke("--check", "--no-cache", *args, "corpus")
    assert invoke("--check", *args, "corpus") == invoke("--check", "--no-cache", *args, "corpus")


def test_file_rows_not_recorded_for_thirty_days_are_dropped(corpus: Path, settled: None) -> None:
    invoke("--check", "-j", "1", "corpus")
    folder = corpus.parent / CACHE_DIR
    old = sorted(known(folder))
    rewrite_file_row(folder, old[0], recorded=int(time.time()) - KEEP_SECONDS - 60)
    (corpus.parent / "other").mkdir()
    shutil.copy(SEEDS / SEED_NAMES[0], corpus.parent / "other" / "new.txt")
    invoke("--check", "-j", "1", "other")  # a run that saves drops the stale rows
    assert set(known(folder)) == {*old[1:], os.fsencode(corpus.parent.absolute() / "other/new.txt")}


def test_a_name_that_is_not_utf8_is_known_by_its_metadata(
    corpus: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = os.fsdecode(b"corpus/\xff\xfe-report.txt")
    shutil.copy(SEEDS / SEED_NAMES[0], odd)
    first = invoke("--check", "-j", "1", "corpus")
    assert os.fsencode(Path(odd).absolute()) in known(corpus.parent / CACHE_DIR)
    reads = counted_reads(monkeypatch)
    assert invoke("--check", "-j", "1", "corpus") == first
    assert reads == []


def read_ahead_corpus(root: Path) -> list[Path]:
    """Reports in folders and subfolders, as a corpus lays them out."""
    files = []
    for folder in ["a", "a/inner", "a-b", "b", "b/c/d"]:
        for number in range(30):
            path = root / folder / f"{number:03d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes((SEEDS / SEED_NAMES[number % len(SEED_NAMES)]).read_bytes())
            files.append(path)
    return files


@pytest.mark.parametrize("order", ["walk", "reversed", "shuffled"])
def test_rows_read_ahead_are_the_rows_looked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    """Rows are read with those after them in path order; in any order of lookups, each
    gives exactly the row stored for that path (and none for a path not stored), with
    its entry; in the walk's order, in far fewer queries than files."""
    import random

    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)
    files = read_ahead_corpus(tmp_path / "corpus")
    cache = Cache(tmp_path / "cache")
    work = Work(RuleSelector(load_rules([])), Mode.CHECK)
    tasks = list(Inputs((tmp_path / "corpus",)).tasks())
    for result in Serial().map(tasks, CachedWork(work, cache)):
        cache.add(result)
    cache.save()
    stored = known(tmp_path / "cache")
    assert len(stored) == len(files)
    looked = [os.fsencode(Path(task.path).absolute()) for task in tasks]
    looked.insert(len(looked) // 2, os.fsencode(tmp_path / "corpus" / "a" / "absent.txt"))
    if order == "reversed":
        looked.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(looked)
    reader = Cache(tmp_path / "cache")._process_reader()
    assert reader.connection is not None
    queries: list[str] = []
    reader.connection.set_trace_callback(queries.append)
    entries = rows(tmp_path / "cache")
    for path in looked:
        row = reader.row(path)
        assert row is None or row[5] == entries[row[2]]
        assert (row is None and path not in stored) or row[:5] == stored[path]
    if order == "walk":
        assert len(queries) < len(looked) / 8


def test_the_installed_command_knows_an_unchanged_corpus_by_its_metadata(tmp_path: Path) -> None:
    """End to end, with the real margin: files last changed more than SETTLED_NS before
    a run are known by their metadata after it; a file then edited to the same size,
    its modification time set back, is read again and its findings are what it holds."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    time.sleep(SETTLED_NS / 1e9 + 0.2)
    first = run_installed("--check", "corpus", cwd=tmp_path)
    assert first.returncode == 1
    assert len(known(tmp_path / CACHE_DIR)) == len(SEED_NAMES)
    again = run_installed("--check", "corpus", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
    target = dirty_seed(corpus)
    same_size_time_set_back(target, ("本报告无水印。".encode() * 2000)[: target.stat().st_size])
    changed = run_installed("--check", "corpus", cwd=tmp_path)
    fresh = run_installed("--check", "--no-cache", "corpus", cwd=tmp_path)
    assert (changed.returncode, changed.stdout) == (fresh.returncode, fresh.stdout)
    assert target.name in first.stdout and target.name not in changed.stdout


def test_a_run_stores_its_results_as_it_goes(
    corpus: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most STORE_EVERY results are held before they are stored, so that memory does
    not grow with the corpus; what a run stored is the cache of the whole run."""
    monkeypatch.setattr(cache_module, "STORE_EVERY", 2)
    cache = Cache(corpus.parent / "cache")
    work = Work(RuleSelector(load_rules([])), Mode.CHECK)
    for result in Serial().map(Inputs((corpus,)).tasks(), CachedWork(work, cache)):
        cache.add(result)
        assert len(cache.new) + len(cache.used) + len(cache.seen) < 2
    cache.close(Totals())
    assert len(rows(corpus.parent / "cache")) == len(SEED_NAMES)
    assert len(known(corpus.parent / "cache")) == len(SEED_NAMES)
