"""Rule files: the shipped pack keeps its promises, and broken files are clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from clean_reports.core import clean
from clean_reports.errors import RuleError
from clean_reports.rulecheck import example_failures, verify_examples
from clean_reports.rules import (
    Removal,
    is_shipped,
    load_rule_file,
    load_rules,
    parse_rule_document,
    shipped_rules_dir,
)

SHIPPED = load_rules([])


@pytest.mark.parametrize("rule", SHIPPED, ids=[rule.id for rule in SHIPPED])
def test_shipped_rule_keeps_its_examples(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.examples.match, "every rule needs match examples"
    assert rule.examples.keep, "every shipped rule needs look-alikes it must keep"
    assert example_failures(rule) == []


def test_shipped_pack_covers_the_watermarks() -> None:
    assert {rule.id for rule in SHIPPED} >= {
        "kule-banner",
        "kule-member-notice",
        "kule-footer",
        "qq-advert",
    }
    assert all(is_shipped(rule) for rule in SHIPPED)


# Report sentences that resemble watermarks; no shipped rule may touch them.
LOOKALIKES = [
    "建立企业QQ工作群，及时发布通知。",
    "严禁外传涉密文件，用后及时收回。",
    "资料整理归档工作有序推进。",
    "全体工会会员资料已整理完毕。",
    "【典型案例】某单位违规外传资料被通报。",
    "按照要求，现将本人2017年抓基层党建工作情况述职如下，请予以评议。",
    "开展打击倒卖活动，查处案件12起。",
    "通过QQ群、微信群加强与企业的联系。",
    "自建平台、实时分享的做法值得推广，我们根据实际需求不断迭代。",
]


@pytest.mark.parametrize("text", LOOKALIKES)
def test_shipped_rules_leave_report_sentences_alone(text: str) -> None:
    from clean_reports.core import find

    assert find(text, SHIPPED) == ()


def test_shipped_rules_dir_is_inside_the_installed_package() -> None:
    import clean_reports

    package = Path(clean_reports.__file__).resolve().parent
    folder = shipped_rules_dir()
    assert folder.is_dir()
    assert sorted(p.name for p in folder.glob("*.yaml")) == ["kule.yaml", "qq.yaml"]
    # An installed wheel must carry its rules; only an editable checkout may use ./rules.
    if "site-packages" in package.parts and not (package.parent.parent / "rules").is_dir():
        assert folder == package / "rules"


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_RULE = """
rules:
  - id: demo
    description: demo rule
    pattern: 广告
    examples: {match: ["广告"], keep: ["正文"]}
"""


def test_load_a_rule_file(tmp_path: Path) -> None:
    (rule,) = load_rule_file(write(tmp_path, GOOD_RULE))
    assert rule.id == "demo"
    assert rule.remove is Removal.SPAN
    assert rule.source.endswith("rules.yaml")


def test_folder_of_rules_adds_to_the_shipped_ones(tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    write(folder, GOOD_RULE, "a.yaml")
    write(folder, GOOD_RULE.replace("demo", "demo2"), "b.yml")
    write(folder, "not yaml rules", "notes.txt")
    ids = [rule.id for rule in load_rules([folder])]
    assert ids[-2:] == ["demo", "demo2"]
    assert ids[: len(SHIPPED)] == [rule.id for rule in SHIPPED]
    assert [rule.id for rule in load_rules([folder], default_rules=False)] == ["demo", "demo2"]


BAD_FILES = [
    ("rules: [", "invalid YAML"),
    ("- just a list", "must be a mapping"),
    ("rules:", "must be a list of rules"),
    ("rules: {demo: 1}", "must be a list of rules"),
    ("rulez: []", "unknown top-level key 'rulez'"),
    (GOOD_RULE.replace("pattern: 广告", "pattern: '(广告'"), "rule 'demo': invalid pattern"),
    (GOOD_RULE.replace("pattern: 广告", "pattern: 'x*'"), "matches the empty string"),
    (GOOD_RULE.replace("id: demo", "id: 'bad id'"), "needs an 'id'"),
    (GOOD_RULE.replace("description: demo rule", "description: ''"), "'description'"),
    (GOOD_RULE + "    remove: word\n", "'remove' must be 'span' or 'line'"),
    (GOOD_RULE + "    flags: i\n", "unknown key 'flags'"),
    (GOOD_RULE.replace('examples: {match: ["广告"], keep: ["正文"]}', ""), "'examples'"),
    (GOOD_RULE.replace('match: ["广告"], ', ""), "at least one text"),
    (GOOD_RULE + "    literals: []\n", "'literals' must list 1 to 100 strings"),
    (GOOD_RULE + "    literals: 广告\n", "'literals' must be a list of strings"),
    (GOOD_RULE + "    literals: [广告, 7]\n", "'literals' must be a list of strings"),
    (GOOD_RULE + "    literals: ['\u200b ']\n", "each literal must be 1 to 200 characters"),
    (GOOD_RULE + f"    literals: [{'广' * 201}]\n", "each literal must be 1 to 200 characters"),
    (GOOD_RULE + f"    literals: [{', '.join(['广'] * 101)}]\n", "must list 1 to 100"),
    (GOOD_RULE + "    normalize: false\n    literals: ['  ']\n", "not all spaces"),
]


def test_a_rule_file_with_an_empty_list_adds_no_rules(tmp_path: Path) -> None:
    """What --suggest writes when it proposes nothing loads, and adds nothing."""
    assert load_rule_file(write(tmp_path, "description: nothing yet\nrules: []\n")) == []


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_invalid_rule_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as error:
        load_rule_file(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD_RULE, "one.yaml")
    second = write(tmp_path, GOOD_RULE, "two.yaml")
    with pytest.raises(RuleError, match="duplicate rule id") as error:
        load_rules([first, second], default_rules=False)
    assert "one.yaml" in str(error.value) and "two.yaml" in str(error.value)


def test_folder_without_rule_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no rule files"):
        load_rules([tmp_path])


BROKEN_PROMISE = "matches '推广', which holds none of its 'literals' as the normalised view"


@pytest.mark.parametrize(
    ("examples", "message"),
    [
        ({"match": ["不匹配"]}, "does not match its example"),
        ({"match": ["广告"], "keep": ["这是广告"]}, "in the text it must keep"),
        ({"match": ["广告"], "clean": [{"text": "广告\n正文\n", "expect": "正文"}]}, "expects"),
        # its literals promise every match holds 广告; 推广 breaks the promise
        ({"match": ["广告", "推广"]}, BROKEN_PROMISE),
        ({"match": ["广告"], "keep": ["推广"]}, BROKEN_PROMISE),
    ],
)
def test_examples_are_enforced(examples: dict[str, object], message: str) -> None:
    document = yaml.safe_load(GOOD_RULE)
    document["rules"][0]["examples"] = examples
    if "推广" in str(examples):
        document["rules"][0].update(pattern="广告|推广", literals=["广告"])
    rules = parse_rule_document(document, "x.yaml")
    with pytest.raises(RuleError, match=message):
        verify_examples(rules)


def test_readme_rule_example_loads_and_keeps_its_examples(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Rule format", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    rules = load_rule_file(write(tmp_path, block))
    assert [rule.id for rule in rules] == ["acme-footer"]
    verify_examples(rules)


def test_literals_are_seen_as_the_view_shows_text(tmp_path: Path) -> None:
    """A literal is normalised like the text (full width, traditional, case), so it passes
    every disguise its pattern does; a rule with ``normalize: false`` takes it as written."""
    rule_text = GOOD_RULE.replace("pattern: 广告", "pattern: 'QQ广告'").replace(
        'match: ["广告"]', 'match: ["ＱＱ廣告", "qq广告"]'
    )
    (rule,) = load_rule_file(write(tmp_path, rule_text + "    literals: ['ＱＱ廣\u200b告']\n"))
    verify_examples([rule])
    assert rule.literals is not None and rule.literals.search("前 qq广告 后")
    plain = rule_text.replace('["ＱＱ廣告", "qq广告"]', '["QQ广告"]')
    plain += "    normalize: false\n    literals: [QQ广告]\n"
    (exact,) = load_rule_file(write(tmp_path, plain, "plain.yaml"))
    assert exact.literals is not None and exact.literals.search("qq广告") is None


def _texts_the_rules_meet() -> list[str]:
    """Every stamp family, look-alike and disguise the tests know, as the core sees them."""
    from disguise import BANNER, DISGUISES, FOOTER

    from families.generate import build

    texts = [document.text for document in build().documents]
    watermarks = ["\n".join(BANNER), FOOTER, *BANNER]
    texts += [disguise(mark) for disguise in DISGUISES.values() for mark in watermarks]
    # a watermark a converter wrapped over two lines, at every place it can break
    texts += [FOOTER[:cut] + "\n" + FOOTER[cut:] for cut in range(1, len(FOOTER))]
    return texts


def test_literals_never_change_what_the_shipped_rules_find() -> None:
    """The prefilter only skips searches that would find nothing: the same findings, the
    same cuts, with the literals and without, over every text the tests generate."""
    bare = [rule._replace(literals=None) for rule in SHIPPED]
    assert any(rule.literals is not None for rule in SHIPPED)
    texts = _texts_the_rules_meet()
    assert len(texts) > 500
    for text in texts:
        assert clean(text, SHIPPED) == clean(text, bare), text


def test_the_literals_search_is_the_same_in_every_process() -> None:
    """It is part of the key cached findings are stored under: a search that followed the
    process's string hashing would miss the cache on every other run."""
    code = (
        "from clean_reports.rules import load_rules; "
        "print([r.literals.pattern for r in load_rules([]) if r.literals is not None])"
    )
    printed = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(6)
    }
    assert len(printed) == 1
