"""The normalised view built in compiled code, and the tables it is built from.

The optional extension ``_clean_reports_view`` (``_view.c``, compiled at install time
when a C compiler is there) builds the same :class:`~clean_reports.view.View` as the
pure-Python :func:`~clean_reports.view.normalized_view` in one pass over the text:
drop invisible format characters and horizontal whitespace, make CR and CRLF one LF,
apply one-character NFKC and per-character traditional-to-simplified conversion, and
record the segments that map the view back. The pure-Python view stays the fallback
and the reference the compiled one is tested against.

Its per-code-point tables are derived at build time by :func:`derive` from what the
Python view itself uses: the ``_DROPPED`` pattern (``regex``'s Unicode properties),
``_nfkc_table`` (``unicodedata``) and OpenCC's own ``t2s`` converter and dictionaries.
OpenCC converts phrases, and a phrase can come out differently from its characters
converted one by one; :func:`derive` finds every such phrase in OpenCC's dictionaries,
and a text that may hold one (or a character whose conversion depends on what follows
it, such as an ideographic description character) is converted by OpenCC, exactly as
the Python view does.

The build ships the extension only when :func:`self_check` finds its views the same as
the Python view's, and it records a fingerprint of its sources; :func:`load` uses it
only when the fingerprint of the sources installed now is the same, so a changed
``view.py``, a new ``regex``, Python or OpenCC never yields a different view: the Python
one is used until the extension is built again. ``CLEAN_REPORTS_PURE_PYTHON=1`` forces
the Python view at run time.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar

from ._hash import blake2b

# The view's type: clean_reports.view.View, which loads this module (and so is not
# imported by it).
View = TypeVar("View")

EXTENSION = "_clean_reports_view"
PURE_PYTHON_VARIABLE = "CLEAN_REPORTS_PURE_PYTHON"
MAX_CODE_POINT = 0x110000
# Flags of a table entry, as _view.c reads them (the low 21 bits are a code point).
MAPPED = 1 << 21  # the character becomes the code point in the low bits
DROPPED = 1 << 22  # dropped from the view
LINE_BREAK = 1 << 23  # CR: with a following LF, one "\n"
PHRASE = 1 << 24  # OpenCC may convert it differently inside a phrase
CONTEXT = 1 << 25  # only OpenCC itself can say: the text goes to it
_THIS_FILE = Path(__file__)


class _Extension(Protocol):
    FINGERPRINT: str

    def build(
        self, original: str, simplify: bool, /
    ) -> tuple[str, list[int], list[int], list[int], bool]: ...


@dataclass
class Tables:
    """What the compiled view needs, per code point, and the fingerprint of its sources."""

    final: list[int]  # the entry of each code point: flags | the view's character
    nfkc: dict[int, int]  # one-character NFKC alone, for texts OpenCC converts
    # The phrases OpenCC converts otherwise than per character (each in its per-character
    # form) and the offsets where the two differ.
    differing: list[tuple[str, list[int]]] = field(default_factory=list)
    fingerprint: str = ""


# --- the sources -------------------------------------------------------------------------


def _opencc_files() -> tuple[Path, list[Path]] | None:
    """OpenCC's t2s configuration and the dictionaries it names, found without importing it."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        return None
    share = Path(spec.origin).parent / "clib" / "share" / "opencc"
    config = share / "t2s.json"
    if not config.is_file():
        return None
    try:
        settings = json.loads(config.read_text(encoding="utf-8"))
        found = [share / str(d["file"]) for d in _ocd2_dicts(settings)]
    except (OSError, ValueError, KeyError):
        return None
    return config, found


@functools.cache
def fingerprint(view_file: str | os.PathLike[str]) -> str:
    """A digest of everything the tables are derived from, as installed now (once per
    process: loading the view and the rules both ask)."""
    import regex

    digest = blake2b(digest_size=32)
    for part in (unicodedata.unidata_version, regex.__version__):
        digest.update(part.encode() + b"\0")
    opencc = _opencc_files()
    paths = [Path(view_file), _THIS_FILE, *(() if opencc is None else (opencc[0], *opencc[1]))]
    for path in paths:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"missing " + str(path).encode())
        digest.update(b"\0")
    return digest.hexdigest()


# --- loading -----------------------------------------------------------------------------


@dataclass
class Choice(Generic[View]):
    """Which view is in use, and why."""

    build: Callable[[str], View] | None
    kind: str


def load(
    view_file: str,
    view_type: Callable[..., View],
    to_simplified: Callable[[str], str],
    environment: Mapping[str, str] = os.environ,
) -> Choice[View]:
    """The compiled view's builder, when it is built and built from these very sources,
    unless ``environment`` sets CLEAN_REPORTS_PURE_PYTHON."""
    if environment.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return Choice(None, f"pure Python ({PURE_PYTHON_VARIABLE} is set)")
    try:
        native: _Extension = importlib.import_module(EXTENSION)
    except ImportError:
        return Choice(None, "pure Python (the compiled view is not built)")
    if fingerprint(view_file) != native.FINGERPRINT:
        return Choice(
            None,
            "pure Python (the compiled view was built from other sources: "
            "view.py, Python's Unicode data, regex or OpenCC changed; reinstall to rebuild it)",
        )
    return Choice(_builder(native, view_type, to_simplified), "compiled (C)")


def _builder(
    native: _Extension, view_type: Callable[..., View], to_simplified: Callable[[str], str]
) -> Callable[[str], View]:
    build = native.build

    def normalized_view(original: str) -> View:
        text, view_starts, origin_starts, break_lengths, by_opencc = build(original, True)
        if by_opencc:  # the text holds a phrase OpenCC converts otherwise, or may
            text = to_simplified(build(original, False)[0])
        return view_type(text, view_starts, origin_starts, break_lengths)

    return normalized_view


# --- deriving the tables (at build time) -------------------------------------------------


def self_check(native: Any, view: Any, samples: int = 3000) -> str | None:
    """Where the compiled ``native`` module's view differs from the Python ``view``
    (the module :mod:`clean_reports.view`, which loads this one), or None.

    Every code point (between line breaks), and random texts of the characters the
    tables treat specially, of ASCII punctuation (markup) and of phrases. The build keeps
    the extension only when there is no difference, so a view.py that changed what the
    view is, not only its tables, gets the Python view until _view.c follows.
    """
    import random

    builder = _builder(native, view.View, view.to_simplified)

    def normalized_view(text: str, build: Callable[[str], Any] | None) -> Any:
        """view.normalized_view, dispatching to ``build`` (the Python view for None)."""
        saved, view._compiled_build = view._compiled_build, build
        try:
            return view.normalized_view(text)
        finally:
            view._compiled_build = saved

    codes = [c for c in range(MAX_CODE_POINT) if not 0xD800 <= c < 0xE000]
    texts = ["\n".join(map(chr, codes[i : i + 8192])) for i in range(0, len(codes), 8192)]
    special = [chr(c) for c in range(0x30000) if native.entry(c) and not 0xD800 <= c < 0xE000]
    # Pieces of reports, HTML and Markdown: what a change to the view might be about.
    pieces = [*"\r\n\t <>&*#;/=\"'-_aZ09文", "\r\n", "乾隆", "瞭解", "覆命", "<p>", "</div>"]
    pieces += ["<br/>", '<a href="x">', "&nbsp;", "&#160;", "&amp;", "**", "\n# ", "\n> ", "`"]
    rng = random.Random(20)
    for _ in range(samples):
        texts.append(
            "".join(
                rng.choice(pieces) if rng.random() < 0.5 else rng.choice(special)
                for _ in range(rng.randrange(40))
            )
        )
    for text in texts:
        if normalized_view(text, builder) != normalized_view(text, None):
            return repr(text[:200])
    return None


def _dump(dictionary: Path) -> dict[str, str]:
    """An OpenCC dictionary's entries (key to first value), by OpenCC's own tool."""
    import subprocess  # here: only a build derives the tables
    import tempfile

    tool = dictionary.parents[2] / "bin" / "opencc_dict"
    with tempfile.TemporaryDirectory() as folder:
        text = Path(folder) / "dictionary.txt"
        subprocess.run(
            [str(tool), "-i", str(dictionary), "-o", str(text), "-f", "ocd2", "-t", "text"],
            check=True,
            capture_output=True,
        )
        entries = {}
        for line in text.read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            entries[key] = values.split(" ")[0]
    return entries


def _chunks(codes: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(codes), size):
        yield codes[start : start + size]


def derive(view: ModuleType) -> Tables:
    """The tables, from the sources the Python ``view`` (:mod:`clean_reports.view`,
    which loads this module) uses."""
    view_file = view.__file__ or ""

    everything = "".join(map(chr, range(MAX_CODE_POINT)))
    # What _build drops and what it takes for a line break: its own pattern, on every
    # code point (a character class: each matches or not whatever is around it).
    dropped: set[int] = set()
    breaks: set[int] = set()
    for found in view._DROPPED.finditer(everything):
        codes = range(found.start(), found.end())
        (breaks if found.group(1) else dropped).update(codes)
    # One-character NFKC: the table compatibility_forms uses.
    nfkc = {code: ord(char) for code, char in view._nfkc_table().items()}

    # OpenCC, per character: its converter on each key of its dictionaries.
    opencc = _opencc_files()
    if opencc is None:
        raise RuntimeError("OpenCC's t2s configuration was not found")
    config_file, dictionaries = opencc
    config = json.loads(config_file.read_text(encoding="utf-8"))
    normalization = {
        str(Path(config_file).parent / d["file"])
        for d in _ocd2_dicts(config.get("normalization", []))
    }
    converter = view._converter()
    convert: Callable[[str], str] = converter.convert
    context: set[int] = set(range(0xD800, 0xE000))  # lone surrogates: OpenCC cannot read them
    simple: dict[int, int] = {}
    phrases: list[str] = []
    for dictionary in dictionaries:
        entries = _dump(dictionary)
        for key in entries:
            if str(dictionary) in normalization:
                # Normalised before segmentation: may start a phrase it was not.
                context.update(ord(c) for c in key)
            elif len(key) > 1:
                phrases.append(key)
            else:
                converted = convert(key)
                if len(converted) != 1:
                    context.add(ord(key))  # length-changing: to_simplified's own fallback
                elif converted != key:
                    simple[ord(key)] = ord(converted)

    def per_character(text: str) -> str:
        return "".join(chr(simple.get(ord(c), ord(c))) for c in text)

    # Every other character is left as it is, whatever is around it: checked on each
    # code point between two characters OpenCC converts, in chunks, and one by one in a
    # chunk where that is not so (ideographic description characters keep what follows).
    probe = next(chr(k) for k in sorted(simple) if k < 0x10000)
    converted_probe = per_character(probe)
    others = [c for c in range(MAX_CODE_POINT) if c not in context]

    def probes(code: int) -> tuple[str, str]:
        char = chr(code)
        return char + probe * 3 + "\n", probe + char + probe + "\n"

    def expected(code: int) -> str:
        char = per_character(chr(code))
        return char + converted_probe * 3 + "\n" + converted_probe + char + converted_probe + "\n"

    for chunk in _chunks(others, 4096):
        text = "".join(p for code in chunk for p in probes(code))
        if convert(text) == "".join(map(expected, chunk)):
            continue
        for code in chunk:
            if "".join(map(convert, probes(code))) != expected(code):
                context.add(code)

    # Phrases that OpenCC converts otherwise than character by character, and where
    # they differ: a text holding the character there (PHRASE) is looked at for the
    # phrase, in the per-character form the view has.
    phrase_chars: set[int] = set()
    differing: list[tuple[str, list[int]]] = []
    for key in sorted(phrases):
        whole, alone = convert(key), per_character(key)
        if whole == alone:
            continue
        if len(whole) != len(key):
            where = list(range(len(key)))
        else:
            where = [j for j, (w, a) in enumerate(zip(whole, alone, strict=True)) if w != a]
        phrase_chars.update(ord(key[j]) for j in where)
        differing.append((alone, where))

    final = [0] * MAX_CODE_POINT
    for code in range(MAX_CODE_POINT):
        if code in dropped:
            final[code] = DROPPED
        elif code in breaks:
            final[code] = LINE_BREAK
        else:
            plain = nfkc.get(code, code)
            target = simple.get(plain, plain)
            entry = (MAPPED | target) if target != code else 0
            if plain in phrase_chars:
                entry |= PHRASE
            if plain in context:
                entry |= CONTEXT
            final[code] = entry
    return Tables(final, nfkc, differing, fingerprint(view_file))


def _ocd2_dicts(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "ocd2":
            return [node]
        return [d for value in node.values() for d in _ocd2_dicts(value)]
    if isinstance(node, list):
        return [d for value in node for d in _ocd2_dicts(value)]
    return []


def c_source(tables: Tables) -> str:
    """The tables as C: two-level lookups of the code point's high and low bits."""
    lines = ["/* Generated at build time by clean_reports._compiled_view.c_source. */"]
    lines += _two_level("final", tables.final)
    nfkc = [tables.nfkc.get(code, 0) for code in range(0x10000)]
    lines += _two_level("nfkc", nfkc)
    lines.append(f"static const char FINGERPRINT[] = {json.dumps(tables.fingerprint)};")
    # Each phrase's code points, one after another, and for each character that marks a
    # text that may hold it (in the view's form): the phrase and its offset there.
    text: list[int] = []
    triggers: list[tuple[int, int, int, int]] = []
    for phrase, where in tables.differing:
        for offset in where:
            triggers.append((ord(phrase[offset]), offset, len(text), len(phrase)))
        text.extend(map(ord, phrase))
    triggers.sort()
    lines.append(f"static const uint32_t PHRASE_TEXT[{len(text) or 1}] = {{")
    lines += [", ".join(map(str, text[i : i + 16])) + "," for i in range(0, len(text), 16)]
    lines.append("};")
    lines.append(f"#define TRIGGERS {len(triggers)}")
    lines.append(f"static const Trigger TRIGGER[{len(triggers) or 1}] = {{")
    lines += ["{" + ", ".join(map(str, trigger)) + "}," for trigger in triggers]
    lines.append("};")
    return "\n".join(lines) + "\n"


def _two_level(name: str, values: list[int]) -> list[str]:
    blocks: dict[tuple[int, ...], int] = {}
    index: list[int] = []
    for start in range(0, len(values), 256):
        block = tuple(values[start : start + 256])
        index.append(blocks.setdefault(block, len(blocks)))
    out = [f"#define {name.upper()}_BLOCKS {len(index)}"]
    out.append(f"static const uint16_t {name}_index[{len(index)}] = {{")
    out += [", ".join(map(str, index[i : i + 32])) + "," for i in range(0, len(index), 32)]
    out.append("};")
    out.append(f"static const uint32_t {name}_blocks[{len(blocks)}][256] = {{")
    for block in blocks:
        out.append("{" + ",".join(map(str, block)) + "},")
    out.append("};")
    return out
