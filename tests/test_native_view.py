"""The compiled view against the pure-Python one: the same views, maps and findings.

The Python view (:func:`clean_reports.view.normalized_view` with the compiled view
switched off) is the reference. These tests run whenever the extension is built, also
when ``CLEAN_REPORTS_PURE_PYTHON`` makes the rest of the suite use the Python view.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import pytest
from corpus import generate
from disguise import BANNER, DISGUISES, FOOTER, PLACEMENTS, inject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clean_reports import _compiled_view, core, view
from clean_reports.decode import decode
from clean_reports.errors import FileFailure
from clean_reports.rules import Rule
from clean_reports.view import View

from conftest import EXPECTED, SEEDS

COMPILED = _compiled_view.load(view.__file__, View, view.to_simplified, environment={})
compiled_only = pytest.mark.skipif(COMPILED.build is None, reason=COMPILED.kind)
PURE_PYTHON_FORCED = os.environ.get(_compiled_view.PURE_PYTHON_VARIABLE, "") not in ("", "0")


def python_view(text: str) -> View:
    with mock.patch.object(view, "_compiled_build", None):
        return view.normalized_view(text)


def compiled_view(text: str) -> View:
    """The view as normalized_view gives it with the compiled view in use."""
    assert COMPILED.build is not None
    with mock.patch.object(view, "_compiled_build", COMPILED.build):
        return view.normalized_view(text)


def outcome(build: Callable[[str], View], text: str) -> View | type[BaseException]:
    """The view, or the kind of error building it raised."""
    try:
        return build(text)
    except (UnicodeError, ValueError) as error:
        return type(error)


def assert_same_view(text: str) -> None:
    expected, got = outcome(python_view, text), outcome(compiled_view, text)
    assert got == expected, repr(text)
    if isinstance(expected, View):
        assert isinstance(got, View)
        assert type(got.text) is str
        assert [type(part) for part in got] == [type(part) for part in expected]
        for index in range(len(expected.text)):  # the map back, character by character
            span = expected.original_span(index, index + 1)
            assert got.original_span(index, index + 1) == span


def findings(text: str, rules: tuple[Rule, ...], *, compiled: bool) -> object:
    if compiled:
        with mock.patch.object(view, "_compiled_build", COMPILED.build):
            return core.find(text, rules), core.clean(text, rules)
    with mock.patch.object(view, "_compiled_build", None):
        return core.find(text, rules), core.clean(text, rules)


def assert_same_findings(text: str, rules: tuple[Rule, ...]) -> None:
    assert findings(text, rules, compiled=True) == findings(text, rules, compiled=False)


# --- is it built -------------------------------------------------------------------------


def _working_compiler() -> bool:
    """Whether this machine has the C compiler an install would use."""
    command = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    if not command or shutil.which(command[0]) is None:
        return False
    try:
        done = subprocess.run([*command, "--version"], capture_output=True, check=False)
    except OSError:
        return False
    return done.returncode == 0


def test_the_compiled_view_is_in_use_where_it_can_be_built() -> None:
    if PURE_PYTHON_FORCED:
        assert view._compiled_build is None
        assert view.VIEW_KIND.startswith("pure Python")
        return
    if not _working_compiler():
        pytest.skip("no working C compiler here: installs get the pure-Python view")
    assert view._compiled_build is not None, (
        f"view in use: {view.VIEW_KIND}. With a C compiler, `pip install -e .` builds the "
        "compiled view; run it again after changing view.py or _compiled_view.py"
    )
    assert view.VIEW_KIND == "compiled (C)"


def test_the_environment_variable_forces_the_python_view() -> None:
    choice = _compiled_view.load(
        view.__file__, View, view.to_simplified, {_compiled_view.PURE_PYTHON_VARIABLE: "1"}
    )
    assert choice.build is None
    assert "CLEAN_REPORTS_PURE_PYTHON" in choice.kind


@compiled_only
def test_a_view_py_other_than_the_one_it_was_built_from_gets_the_python_view(
    tmp_path: Path,
) -> None:
    changed = tmp_path / "view.py"
    changed.write_text(Path(view.__file__).read_text(encoding="utf-8") + "\n# changed\n")
    choice = _compiled_view.load(str(changed), View, view.to_simplified, environment={})
    assert choice.build is None
    assert "other sources" in choice.kind


@compiled_only
def test_the_check_the_build_makes_finds_no_difference() -> None:
    import _clean_reports_view

    assert _compiled_view.self_check(_clean_reports_view, view, samples=500) is None


@compiled_only
def test_the_check_the_build_makes_finds_a_difference() -> None:
    """A compiled view that kept markup the Python view drops, say, is not shipped."""
    import _clean_reports_view

    class Different:
        entry = staticmethod(_clean_reports_view.entry)

        @staticmethod
        def build(
            original: str, simplify: bool
        ) -> tuple[str, list[int], list[int], list[int], bool]:
            text, *rest, by_opencc = _clean_reports_view.build(original, simplify)
            return (text.replace("&", ""), *rest, by_opencc)

    assert _compiled_view.self_check(Different, view, samples=500) is not None


# --- texts -------------------------------------------------------------------------------

# Phrases OpenCC converts otherwise than character by character (乾隆 keeps 乾, 覆命
# and 瞭解 change a character that alone stays), the characters that mark them, and
# simplified text holding those characters in no such phrase.
PHRASES = ["乾隆", "乾隆年間", "覆命", "瞭解", "不瞭解", "一目瞭然", "沈浸於", "什么", "反覆思量"]
SPECIAL = (
    "酷樂文行會員資料諮詢頭髮乾麼於畫計覆坏么沈瞭藉哩衹甦俱彷"  # traditional, and phrase marks
    "简体字内容报告整理"  # simplified
    "ＱＱ２０６１５７：，（）！？ｶﾀｶﾅ①㎡ﬁ…"  # compatibility forms, one character or more
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u202a\U000e0001"  # Cf, one astral
    " \u3000\u00a0\u2002\u202f\t"  # Zs and tab
    "\r\n\v\f\x85\u2028\x00"  # line breaks, and what is not one here
    "⿰⿱⿲⿾\u31ef"  # ideographic description characters: OpenCC keeps what follows them
    "\uf900\uf91f\ufa0e\U0002f800\U0002f81a"  # CJK compatibility ideographs
    "\U00020000\U0001d400\U0001f600"  # astral
    "<>&*#;aQq1"  # markup-like and ASCII
)
SURROGATES = "\ud800\udbff\udc00\udfff"


def _joined(parts: list[str]) -> str:
    return "".join(parts)


# Any code point (lone surrogates too), and the characters above more often.
texts = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.characters(), st.characters(codec="utf-8")),
    max_size=80,
).map(_joined)
# Phrases and pieces of reports among them.
pieces = st.lists(
    st.one_of(
        st.sampled_from(SPECIAL),
        st.sampled_from(PHRASES),
        st.sampled_from(["\r\n", "\r\r\n", "\u3000\u3000", " \r\n", "\u200b"]),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
).map(_joined)


@compiled_only
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_same_view_for_any_text(text: str) -> None:
    assert_same_view(text)


@compiled_only
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=pieces)
def test_same_view_for_texts_of_phrases_forms_and_breaks(text: str) -> None:
    assert_same_view(text)


@compiled_only
@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.one_of(st.sampled_from(SPECIAL), st.sampled_from(SURROGATES)), max_size=20
    ).map(_joined)
)
def test_same_outcome_for_texts_with_lone_surrogates(text: str) -> None:
    """A JSON record can hold a lone surrogate; OpenCC cannot read one, in either view."""
    assert_same_view(text)


@compiled_only
@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "\r",
        "\r\n",
        "\n",
        "\u3000",
        "\u200b",
        "　　酷 乐\u200b文行　整理，\r\n咨询ＱＱ：２０６１５７\r\n",
        "乾隆年間，頭髮乾了",  # a phrase OpenCC keeps as it is, beside ones it converts
        "沈浸於\u3000工作",
        "乾 隆",  # the phrase only in the view
        "⿰樂樂 樂",  # OpenCC keeps an ideographic description sequence as it is
        "什么乾隆",
        "\U0002f800樂",
        "abc\r\r\n\r",
        "一" * 5000 + "\r\n" + "乾隆",
        "酷" + SURROGATES[0] + "乐",  # OpenCC cannot read a lone surrogate: both raise
        SURROGATES[0] + "\u3000",
    ],
)
def test_same_view_for_chosen_texts(text: str) -> None:
    assert_same_view(text)


@compiled_only
def test_same_view_for_every_code_point() -> None:
    """Each code point once, between line breaks: the tables hold what the sources say."""
    codes = [c for c in range(_compiled_view.MAX_CODE_POINT) if not 0xD800 <= c < 0xE000]
    for start in range(0, len(codes), 8192):
        text = "\n".join(map(chr, codes[start : start + 8192]))
        expected, got = python_view(text), compiled_view(text)
        assert got == expected, f"code points from {codes[start]:#x}"
    for code in range(0xD800, 0xE000, 0x3F):
        assert_same_view(chr(code))


@compiled_only
def test_text_kinds_and_sizes() -> None:
    """Latin-1, two-byte and four-byte strings, and views that are narrower or wider."""
    for text in [
        "plain ascii\r\n",
        "café\u00a0noir",
        "\uff21\uff22\uff23",
        "𠀀𠀀\u3000",
        "é𠀀",
        "ｶ" * 300,
    ]:
        assert_same_view(text)
        assert_same_view(text * 1000)


# --- the disguises, the seeds and the bench corpus ---------------------------------------


def _disguised_documents() -> Iterator[str]:
    body = (EXPECTED / "000_155c858b691bed45.txt").read_text(encoding="utf-8").split("\n")[:-1]
    for name, disguise in DISGUISES.items():
        for placement in PLACEMENTS:
            document = "\n".join(inject(body, disguise(FOOTER), placement, at=5)) + "\n"
            yield document
            yield document.replace("\n", "\r\n")
        banner = [DISGUISES[name](line) for line in BANNER]
        yield "\n".join([*banner, *body]) + "\n"


@compiled_only
def test_same_views_and_findings_for_every_disguise(shipped_rules: tuple[Rule, ...]) -> None:
    documents = list(_disguised_documents())
    assert len(documents) > len(DISGUISES) * len(PLACEMENTS)
    for document in documents:
        assert_same_view(document)
        assert_same_findings(document, shipped_rules)


@compiled_only
def test_same_views_and_findings_on_the_seeds(shipped_rules: tuple[Rule, ...]) -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = decode(path.read_bytes()).text
        assert_same_view(text)
        assert_same_findings(text, shipped_rules)


@compiled_only
def test_same_views_and_findings_on_the_bench_corpus(
    tmp_path: Path, shipped_rules: tuple[Rule, ...]
) -> None:
    files, _ = generate(tmp_path, 3)
    checked = 0
    for path in sorted(tmp_path.rglob("*.txt")):
        try:
            text = decode(path.read_bytes()).text
        except FileFailure:
            continue
        assert_same_view(text)
        assert_same_findings(text, shipped_rules)
        checked += 1
    assert checked == files


@compiled_only
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_writes_the_same_bytes_with_either_view(tmp_path: Path, jobs: str) -> None:
    corpus = tmp_path / "corpus"
    generate(corpus, 0.5)
    outputs = []
    for forced in ("", "1"):
        out = tmp_path / f"out-{forced or 'compiled'}"
        environment = {**os.environ, _compiled_view.PURE_PYTHON_VARIABLE: forced}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "clean_reports",
                str(corpus),
                "-o",
                str(out),
                "-q",
                "-j",
                jobs,
                "--no-cache",
            ],
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 50
