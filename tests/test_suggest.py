"""--suggest: recurring boilerplate no rule knows is proposed; report prose is not."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
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
