"""--suggest: recurring boilerplate no rule knows is proposed; report prose is not."""

from __future__ import annotations

import random
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import regex
import yaml
from click.testing import CliRunner

from clean_reports.cli import cli
from clean_reports.rulecheck import verify_examples
from clean_reports.rules import load_rule_file
from clean_reports.suggest import suggest

from conftest import EXPECTED, SEED_NAMES, run_installed

DECLARATION = "【声明】本文档由星辰文库整理发布，仅供个人学习使用，转载请注明出处。"
FOOTER = "星辰文库 www.xingchen-docs.com 文档编号：{number}"
PARAGRAPHS = sorted(
    {
        line.strip()
        for name in SEED_NAMES
        for line in (EXPECTED / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
)


def documents(count: int = 20) -> tuple[list[str], list[list[str]]]:
    """Documents with distinct bodies (no paragraph in two of them) and an unknown watermark."""
    rng = random.Random(3)
    pool = list(PARAGRAPHS)
    rng.shuffle(pool)
    bodies = [pool[index::count] for index in range(count)]
    texts = []
    for body in bodies:
        footer = FOOTER.format(number=rng.randint(10_000, 99_999_999))
        # The seeds' own watermark too: known to the active rules, so never proposed.
        lines = [DECLARATION, "酷乐文行整理，咨询QQ206157060", *body, "", footer]
        texts.append("\n".join(lines) + "\n")
    return texts, bodies


def test_top_suggestions_are_the_watermark_and_no_body_text(shipped_rules) -> None:  # type: ignore[no-untyped-def]
    texts, bodies = documents()
    proposals = suggest(texts, shipped_rules)
    assert len(proposals) >= 2
    top = {proposal.examples[0] for proposal in proposals[:2]}
    assert DECLARATION in top
    assert any(example.startswith("星辰文库 www.xingchen-docs.com 文档编号：") for example in top)
    footer = next(p for p in proposals if p.key.startswith("星辰文库"))
    assert footer.documents == 20 and "<N>" in footer.key and "<URL>" in footer.key
    body_text = {paragraph for body in bodies for paragraph in body}
    for proposal in proposals:
        assert not set(proposal.examples) & body_text
        assert "酷乐文行" not in proposal.key  # already covered by an active rule


def test_numbered_headings_and_salutations_are_left_out(shipped_rules) -> None:  # type: ignore[no-untyped-def]
    texts = [
        f"尊敬的各位领导：\n一、主要工作\n（一）存在问题\n正文第{n}段，内容各不相同。\n"
        for n in range(10)
    ]
    keys = {p.key for p in suggest(texts, shipped_rules)}
    assert not any(key.startswith(("尊敬的", "一、", "(一)")) for key in keys)


def test_cli_writes_a_rule_file_that_loads_and_keeps_its_examples(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts, _ = documents()
    for index, text in enumerate(texts):
        (corpus / f"{index:02d}.txt").write_text(text, encoding="utf-8")
    pack = tmp_path / "suggested.yaml"
    result = CliRunner().invoke(cli, ["--suggest", str(corpus), "-O", str(pack)])
    assert result.exit_code == 0, result.stderr
    assert "from 20 documents" in result.stderr
    document = yaml.safe_load(pack.read_text(encoding="utf-8"))
    assert document["rules"][0]["description"].startswith("seen in 20 of 20 documents")
    rules = load_rule_file(pack)
    verify_examples(rules)  # every proposal matches its own real examples
    # ... and, once reviewed, the file is a rule pack like any other:
    cleaned = CliRunner().invoke(cli, ["--check", "--rules", str(pack), str(corpus)])
    assert cleaned.exit_code == 1
    assert "suggested-001" in cleaned.stdout


def test_suggest_takes_no_mode(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--suggest", "--check", str(tmp_path)])
    assert result.exit_code == 2


@pytest.mark.parametrize("minimum", [3])
def test_lines_in_fewer_documents_than_the_minimum_are_not_proposed(
    shipped_rules, minimum: int
) -> None:  # type: ignore[no-untyped-def]
    texts = ["重复的页脚文字出现在这里\n正文甲\n", "重复的页脚文字出现在这里\n正文乙\n"]
    assert suggest(texts, shipped_rules, minimum=minimum) == []


SHORT_BANNER = "【声明】星辰文库整理"


def short_corpus(folder: Path, codec: str, count: int = 4) -> list[Path]:
    """``count`` short reports in ``codec``, each carrying the same banner."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"{number:02d}.txt"
        path.write_bytes(f"{SHORT_BANNER}\n正文{number}\n".encode(codec))
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    "codec",
    [
        "gb18030",  # too short for chardet, which is unsure: the files fail untold
        "hz",  # 7-bit: read as UTF-8 untold, a banner of ASCII escapes
    ],
)
def test_suggest_decodes_with_the_forced_encoding(tmp_path: Path, codec: str) -> None:
    short_corpus(tmp_path / "corpus", codec)
    result = run_installed("--suggest", "--encoding", codec, "corpus", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "from 4 documents" in result.stderr
    proposed = yaml.safe_load(result.stdout)["rules"]
    assert [rule["examples"]["match"] for rule in proposed] == [[SHORT_BANNER]]


def test_suggest_refuses_a_file_over_the_size_limit_as_a_run_does(tmp_path: Path) -> None:
    short_corpus(tmp_path / "corpus", "utf-8")
    large = tmp_path / "corpus" / "large.txt"
    large.write_text(f"{SHORT_BANNER}\n" + "正文。" * 1000 + "\n", encoding="utf-8")
    result = run_installed("--suggest", "--max-size", "0.001", "corpus", cwd=tmp_path)
    assert result.returncode == 2, result.stderr  # a file that could not be read: an error
    assert f"error: {Path('corpus', 'large.txt')}: read: " in result.stderr
    assert "larger than the --max-size limit of 0.001 MB; not read" in result.stderr
    assert "from 4 documents; 1 file failed" in result.stderr
    assert yaml.safe_load(result.stdout)["rules"][0]["examples"]["match"] == [SHORT_BANNER]


def test_suggest_takes_each_record_of_a_dataset_as_a_document(tmp_path: Path) -> None:
    import json

    records = [
        {"id": number, "text": f"{SHORT_BANNER}\n{PARAGRAPHS[number * 7]}\n"} for number in range(5)
    ]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "reports.jsonl").write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
        encoding="utf-8",
    )
    result = run_installed("--suggest", "--text-field", "text", "corpus", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 proposal from 5 documents." in result.stderr  # one file, five records
    proposed = yaml.safe_load(result.stdout)["rules"]
    assert proposed[0]["description"].startswith("seen in 5 of 5 documents")
    assert proposed[0]["examples"]["match"] == [SHORT_BANNER]


# --- Boilerplate signals, not frequency -------------------------------------------------
#
# Corpora built from blocks with a fixed seed: report text from the seeds, template lines
# real 述职报告 share (titles, openings, closings, headings, look-alike sentences that
# mention 公众号, 下载, 资料, 整理, 会员, 侵权, a website), and the stamps of a document mill
# no rule knows, with ids that differ from copy to copy.

KNOWN_RULES = """
rules:
  - id: known-footer
    description: the seeds' footer, known to the active rules
    remove: line
    pattern: ^酷乐文行整理,咨询QQ\\d+$
    examples:
      match: ["酷乐文行整理，咨询QQ206157060"]
"""
KNOWN_FOOTER = "酷乐文行整理，咨询QQ206157060"

TITLES = [
    "述职报告",
    "个人述职报告",
    "年度述职报告",
    "{year}年度个人述职报告",
    "{year}年抓基层党建工作述职报告",
    "述职述廉报告",
    "档案资料管理工作述职报告",
    "会员服务中心主任述职报告",
]
HEADERS = ["开发区党工委书记、管委会主任", "（{year}年12月）", "述职人：{name}"]
OPENINGS = [
    "按照要求，现将本人{year}年抓基层党建工作情况述职如下，请予以评议。",
    "根据组织安排，现将本人一年来的学习、工作和廉洁自律情况整理汇报如下，请予评议。",
    "一年来，在上级党委的正确领导下，我认真履行岗位职责，现将有关情况报告如下：",
    "现将本人一年来的思想、工作情况向各位领导汇报如下，不妥之处，请批评指正。",
    "按照区委统一部署，通过单位官网和微信公众号公开征求意见后，现将本人履职情况报告如下。",
]
LOOK_ALIKES = [
    "强化宣传阵地，用好微信公众号",
    "加强档案资料整理工作",
    "第一句话：原则面前不让步",
    "建立党员群众微信群和工作公众号，及时发布政策信息，累计推送文章{n}篇。",
    "坚持把档案资料整理归档作为基础工作，全年整理文书档案{n}卷。",
    "组织党员下载学习强国APP，人均学习积分达到{n}分。",
    "严格落实版权保护和知识产权相关规定，开展侵权盗版专项整治行动{n}次。",
    "发展新会员{n}名，会员服务满意度持续提升。",
    "开通服务热线和政务网站 www.example.gov.cn，群众诉求办结率达到{n}%。",
]
CLOSINGS = [
    "以上是我的述职报告，不妥之处，请各位领导和同志们批评指正。",
    "以上述职，请予评议。",
    "以上资料仅供参考。",
    "（根据会议录音整理）",
    "本报告数据来源：区统计局",
    "述职人：{name}",
    "{year}年12月{day}日",
    "联系电话：{phone}",
    "谢谢大家！",
]
NAMES = ["张明", "李华", "王强", "赵丽", "陈刚", "刘洋"]


def fill(line: str, rng: random.Random) -> str:
    """A template line with its blanks filled as the author of one report would."""
    return line.format(
        year=rng.choice([2018, 2019, 2020, 2021]),
        name=rng.choice(NAMES),
        day=rng.randint(1, 31),
        n=rng.randint(3, 900),
        phone=f"0{rng.randint(10, 999)}-{rng.randint(1_000_000, 99_999_999)}",
    )


def template_reports(count: int, rng: random.Random) -> list[list[str]]:
    """``count`` reports, as lines, written from each other: every title, opening,
    closing and most paragraphs are in many of them, and no stamp is in any."""
    shared = rng.sample(PARAGRAPHS, 40)
    reports = []
    for _ in range(count):
        lines = [fill(rng.choice(TITLES), rng)]
        if rng.random() < 0.6:
            lines.append(fill(rng.choice(HEADERS), rng))
        lines += ["", fill(rng.choice(OPENINGS), rng)]
        body = rng.sample(shared, rng.randint(6, 10))
        body += [fill(line, rng) for line in rng.sample(LOOK_ALIKES, rng.randint(2, 4))]
        rng.shuffle(body)
        lines += body
        lines += [fill(line, rng) for line in sorted(rng.sample(CLOSINGS, rng.randint(2, 3)))]
        reports.append(lines)
    return reports


def distinct_reports(count: int, rng: random.Random) -> list[list[str]]:
    """``count`` reports, as lines, no line of which is in two of them."""
    pool = list(PARAGRAPHS)
    rng.shuffle(pool)
    return [pool[index::count] for index in range(count)]


def source_line(rng: random.Random) -> str:
    return (
        "本文由文海网整理发布，更多精品文档请访问 "
        f"www.wenhai-doc.com/doc/{rng.randint(100_000, 999_999_999)}.html"
    )


def advert(rng: random.Random) -> str:
    return (
        f"关注微信公众号「文海学堂」或添加客服微信 wh{rng.randint(10_000, 99_999_999)}，"
        "免费领取更多范文资料！"
    )


EDIT_NOTICE = "【word版本可编辑，欢迎下载】"
STAMPS = {  # what each stamp's examples start with: its family
    "source": "本文由文海网整理发布",
    "advert": "关注微信公众号「文海学堂」",
    "edit": EDIT_NOTICE,
    "page": "第 ",
}


def stamped(lines: list[str], rng: random.Random) -> list[str]:
    """The report ``lines`` as a mill sells it: its source line and edit notice on top,
    a page line after every page, its advert at the bottom, the seeds' known footer."""
    blank = [index for index, line in enumerate(lines) if not line.strip()]
    body = lines[: blank[0]] + lines[blank[0] + 1 :] if blank else list(lines)
    pages = [body[start : start + 4] for start in range(0, len(body), 4)]
    out = [source_line(rng)]
    if rng.random() < 0.8:
        out.append(EDIT_NOTICE)
    for number, page in enumerate(pages, 1):
        out += page
        out.append(f"第 {number} 页 共 {len(pages)} 页")
    if rng.random() < 0.5:
        out.append(KNOWN_FOOTER)
    out.append(advert(rng))
    return out


def text_of(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, texts: list[str]) -> None:
    folder.mkdir(parents=True)
    for index, text in enumerate(texts):
        (folder / f"{index:03d}.txt").write_text(text, encoding="utf-8")


def content_lost(expected: str, cleaned: str) -> int:
    """Characters of the report's own lines that the cleaned copy no longer has intact."""
    want = Counter(line.strip() for line in expected.splitlines() if line.strip())
    have = Counter(line.strip() for line in cleaned.splitlines() if line.strip())
    return sum(len(line) * count for line, count in (want - have).items())


def left_over(expected: str, cleaned: str) -> list[str]:
    """Lines of the cleaned copy the report did not have: stamps left behind."""
    want = Counter(line.strip() for line in expected.splitlines() if line.strip())
    have = Counter(line.strip() for line in cleaned.splitlines() if line.strip())
    return sorted((have - want).elements())


def family(proposal_examples: list[str]) -> str:
    """Which stamp a proposal's examples belong to ("?" for anything else)."""
    names = {
        next((name for name, start in STAMPS.items() if example.startswith(start)), "?")
        for example in proposal_examples
    }
    return names.pop() if len(names) == 1 else "?"


@pytest.fixture
def known_rules(tmp_path: Path) -> Path:
    path = tmp_path / "known.yaml"
    path.write_text(KNOWN_RULES, encoding="utf-8")
    return path


def suggest_and_apply(
    tmp_path: Path, known: Path, texts: list[str], expected: list[str]
) -> tuple[subprocess.CompletedProcess[str], Any, int, list[str]]:
    """Run ``--suggest`` on the corpus, then clean it with the rule file it wrote (and the
    known rules alone, so the shipped ones change neither step): the summary, the rule
    file, the content characters the clean copies lost, the stamp lines they kept."""
    write_corpus(tmp_path / "corpus", texts)
    only_known = ("--no-default-rules", "--rules", known)
    proposed = run_installed(
        "--suggest", *only_known, "corpus", "-O", "suggested.yaml", cwd=tmp_path
    )
    assert proposed.returncode == 0, proposed.stderr
    rule_file = tmp_path / "suggested.yaml"
    document = yaml.safe_load(rule_file.read_text(encoding="utf-8"))
    lost, kept = 0, []
    if document["rules"]:
        cleaned = run_installed(
            *only_known, "--rules", rule_file, "-o", "out", "corpus", cwd=tmp_path
        )
        assert cleaned.returncode == 0, cleaned.stderr
        for index, want in enumerate(expected):
            out = tmp_path / "out" / f"{index:03d}.txt"
            got = out.read_text(encoding="utf-8") if out.exists() else texts[index]
            lost += content_lost(want, got)
            kept += left_over(want, got)
    return proposed, document, lost, kept


def test_template_reports_give_no_proposals(known_rules: Path) -> None:
    reports = template_reports(84, random.Random(11))
    texts = [text_of(lines) for lines in reports]
    proposals = suggest(texts, load_rule_file(known_rules))
    assert [(p.key, p.where) for p in proposals] == []
    # ... though they share plenty: the corpus is not one of distinct reports.
    assert sum(proposals.held_back.values()) >= 40
    assert set(proposals.held_back) == {"body text", "title", "no signal"}


def test_template_reports_through_the_cli_say_why_nothing_is_proposed(
    tmp_path: Path, known_rules: Path
) -> None:
    texts = [text_of(lines) for lines in template_reports(84, random.Random(12))]
    result, document, lost, _ = suggest_and_apply(tmp_path, known_rules, texts, texts)
    assert document["rules"] == [] and lost == 0
    assert "0 proposals from 84 documents.\n  no proposals: " in result.stderr
    header = (tmp_path / "suggested.yaml").read_text(encoding="utf-8")
    assert "# no proposals: " in header and "recur in 3 or more documents" in header
    assert "titles" in header and "body text" in header


def test_each_unknown_stamp_is_proposed_with_its_reasons_and_cleans_exactly(
    tmp_path: Path, known_rules: Path
) -> None:
    rng = random.Random(13)
    reports = distinct_reports(15, rng)
    texts = [text_of(stamped(lines, rng)) for lines in reports]
    expected = [text_of([line for line in lines if line.strip()]) for lines in reports]
    result, document, lost, kept = suggest_and_apply(tmp_path, known_rules, texts, expected)
    rules = document["rules"]
    assert sorted(family(rule["examples"]["match"]) for rule in rules) == sorted(STAMPS)
    assert "4 proposals from 15 documents." in result.stderr
    written = (tmp_path / "suggested.yaml").read_text(encoding="utf-8")
    by_family = {family(rule["examples"]["match"]): rule for rule in rules}
    reasons = {  # each says what gave it away, and where it sits
        "source": ("URL", "vendor words 精品文档", "top in 15"),
        "advert": ("contact id", "vendor words 公众号", "bottom in 15"),
        "edit": ("vendor words 可编辑/下载", "decoration", "top in "),
        "page": ("page number", "not a sentence", "bottom in 15"),
    }
    for name, needed in reasons.items():
        rule = by_family[name]
        assert rule["description"].startswith("seen in ")
        for reason in needed:
            assert reason in rule["description"], (name, rule["description"])
        assert f"# {rule['id']}: " in written
    assert "<ID>" not in by_family["advert"]["pattern"]  # a pattern, not the placeholder
    assert len({rule["examples"]["match"][0] for rule in rules}) == 4
    assert lost == 0 and kept == []


def test_stamps_in_template_reports_are_proposed_and_nothing_else(
    tmp_path: Path, known_rules: Path
) -> None:
    rng = random.Random(14)
    reports = template_reports(90, rng)
    sold = set(rng.sample(range(90), 30))
    texts = [text_of(stamped(r, rng) if i in sold else r) for i, r in enumerate(reports)]
    expected = [text_of(lines) for lines in reports]
    result, document, lost, kept = suggest_and_apply(tmp_path, known_rules, texts, expected)
    rules = document["rules"]
    assert sorted(family(rule["examples"]["match"]) for rule in rules) == sorted(STAMPS)
    assert "4 proposals from 90 documents." in result.stderr
    for rule in rules:
        assert rule["description"].startswith("seen in ")
        assert " of 90 documents" in rule["description"]
    assert "held back: " in (tmp_path / "suggested.yaml").read_text(encoding="utf-8")
    assert lost == 0 and kept == []


def test_a_sentence_between_paragraphs_is_body_text_however_many_documents_share_it() -> None:
    body = "严格落实版权保护规定，组织党员下载学习资料，关注微信公众号www.example.cn。"
    texts = [
        f"标题{n}\n开头段落{n}\n第二段{n}\n{body}\n结尾段落{n}\n落款{n}\n署名{n}\n"
        for n in range(9)
    ]
    proposals = suggest(texts, [])
    assert list(proposals) == [] and proposals.held_back["body text"] == 1
    # At the top of each document the same words are a notice.
    assert [p.key for p in suggest([f"{body}\n正文{n}\n" for n in range(9)], [])] == [
        "严格落实版权保护规定,组织党员下载学习资料,关注微信公众号<URL>。"
    ]


def test_a_title_is_not_proposed_and_a_mill_title_suffix_line_is() -> None:
    texts = [f"会员大会工作报告\n正文第{n}段。\n" for n in range(5)]
    assert list(suggest(texts, [])) == []
    stamped_texts = [f"精品文档·欢迎下载\n会员大会工作报告\n正文第{n}段。\n" for n in range(5)]
    assert [p.examples[0] for p in suggest(stamped_texts, [])] == ["精品文档·欢迎下载"]


def test_contact_ids_that_differ_between_copies_are_one_proposal() -> None:
    texts = [f"正文第{n}段内容。\n加微信 xc{n}2020doc 领取资料\n" for n in range(4)]
    (proposal,) = suggest(texts, [])
    assert proposal.key == "加微信<ID>领取资料" and proposal.documents == 4
    assert "contact id" in proposal.why and "in 4 documents (bottom in 4)" in proposal.why
    compiled = regex.compile(proposal.pattern)
    assert all(compiled.fullmatch(example.replace(" ", "")) for example in proposal.examples)


def test_too_few_documents_say_so() -> None:
    from clean_reports import suggest as suggest_module

    proposals = suggest(["【声明】星辰文库整理\n正文。\n"], [])
    assert list(proposals) == []
    assert suggest_module.explain(proposals, 1) == [
        "no proposals: a line is proposed only when 3 or more documents carry it, "
        "and there is 1 document"
    ]
    assert suggest_module.explain(suggest([], []), 0)[0].endswith("and there are no documents")


def test_summary_says_why_each_rule_was_proposed(known_rules: Path) -> None:
    from clean_reports import suggest as suggest_module

    texts, _ = documents()
    proposals = suggest(texts, load_rule_file(known_rules))
    lines = suggest_module.explain(proposals, 20)
    assert lines[0].startswith("suggested-001: ")
    assert any("URL" in line and "in 20 documents (bottom in 20)" in line for line in lines)


def test_one_document_through_the_cli_says_why_nothing_is_proposed(tmp_path: Path) -> None:
    short_corpus(tmp_path / "corpus", "utf-8", count=1)
    result = run_installed("--suggest", "corpus", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 proposals from 1 document.\n  no proposals: a line is proposed only when 3" in (
        result.stderr
    )
    assert "# no proposals: a line is proposed only when 3 or more documents" in result.stdout
    assert yaml.safe_load(result.stdout)["rules"] == []


def test_a_file_with_no_proposals_loads_as_it_is(tmp_path: Path) -> None:
    short_corpus(tmp_path / "corpus", "utf-8", count=1)
    assert run_installed("--suggest", "corpus", "-O", "none.yaml", cwd=tmp_path).returncode == 0
    checked = run_installed("--check", "--no-cache", "--rules", "none.yaml", "corpus", cwd=tmp_path)
    assert checked.returncode in (0, 1), checked.stderr
    assert "error" not in checked.stderr
