"""The opt-in packs: each rule keeps its examples; a pack is off until asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from clean_reports.cli import cli
from clean_reports.errors import RuleError
from clean_reports.rulecheck import example_failures
from clean_reports.rules import available_packs, load_rules, pack_of

PACKS = [
    "diyifanwen",
    "edit-download",
    "follow-adverts",
    "infringement",
    "jingpin",
    "page-furniture",
    "reseller-notices",
    "source-lines",
    "trailers",
    "wenku",
]
PACK_RULES = load_rules([], default_rules=False, packs=PACKS)

STAMPED = """精选优质文档-倾情为你奉上2020年度述职报告
【提示】本文档来源自第一范文网（https://www.diyifanwen.com），更多精彩文章欢迎访问。
下面是小编精心整理的2020年度述职报告，供大家参考借鉴，希望可以帮助到有需要的朋友。
一年来，在局党组的正确领导下，我认真履行岗位职责，较好地完成了各项工作任务。还剩3页未读，继续阅读
2下载券  42人已下载
坚持学习，不断提高政治素质和业务能力，严格落实全面从严治党各项要求。
微信搜索公众号“第一范文网”，关注后可方便查找下载各种文档。
转发文档请保留以上标记，谢谢！
仅供学习交流|禁止用于商业用途|违者后果自负
"""
CLEAN = """2020年度述职报告
一年来，在局党组的正确领导下，我认真履行岗位职责，较好地完成了各项工作任务。
坚持学习，不断提高政治素质和业务能力，严格落实全面从严治党各项要求。
"""


def test_the_shipped_packs() -> None:
    assert available_packs() == PACKS
    assert {pack_of(rule) for rule in PACK_RULES} == set(PACKS)
    assert {pack_of(rule) for rule in load_rules([])} == {"default"}  # packs are off


@pytest.mark.parametrize("rule", PACK_RULES, ids=[rule.id for rule in PACK_RULES])
def test_pack_rule_keeps_its_examples(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.examples.match and rule.examples.keep
    assert example_failures(rule) == []


def test_packs_clean_a_stamped_report(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text(STAMPED, encoding="utf-8")
    off = CliRunner().invoke(cli, ["--check", str(report)])
    assert off.exit_code == 0  # the default rules know none of these mills
    args = ["--in-place", "--max-removal", "100", str(report)]
    on = CliRunner().invoke(
        cli,
        [*args, "--pack", "diyifanwen,jingpin", "--pack", "wenku", "--pack", "reseller-notices"],
    )
    assert on.exit_code == 1, on.stderr
    assert report.read_text(encoding="utf-8") == CLEAN


def test_packs_from_the_config(tmp_path: Path) -> None:
    (tmp_path / ".clean-reports.toml").write_text('packs = ["wenku"]\n', encoding="utf-8")
    report = tmp_path / "r.txt"
    report.write_text("正文\n下载VIP免费下载\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--check", str(report)])
    assert ": wenku-vip " in result.stdout


def test_unknown_pack_is_an_error() -> None:
    with pytest.raises(RuleError, match="no pack named 'nope'"):
        load_rules([], packs=["nope"])
    result = CliRunner().invoke(cli, ["--check", "--pack", "nope", "."])
    assert result.exit_code == 2 and "packs: diyifanwen" in result.stderr


def test_list_rules_shows_the_packs() -> None:
    listing = CliRunner().invoke(cli, ["--list-rules", "--pack", "wenku"]).stdout
    assert any(line.split()[:2] == ["wenku-vip", "wenku"] for line in listing.splitlines())
    off = ", ".join(f"{pack} (off)" for pack in PACKS if pack != "wenku")
    assert f"packs: {off}, wenku (on)" in listing


# Stamps of the families the newer packs catch, each in a form no rule example spells.
FAMILIES = """2021年度述职报告（word版，可编辑）
——————————————
本文由公文范文站（www.gongwenfw.cn）整理发布
——————————————
一年来，我认真履行岗位职责，较好地完成了各项工作任务。
部分内容来自互联网，若有侵权，请及时告知我们删除。
第 2 页 共 5 页
【关注公众号“笔杆子驿站”，免费领取更多材料】
坚持学习，不断提高政治素质和业务能力。
豆丁网 | 海量文档 免费下载
THANKS !!!
"""
FAMILIES_CLEAN = """2021年度述职报告
一年来，我认真履行岗位职责，较好地完成了各项工作任务。
坚持学习，不断提高政治素质和业务能力。
"""


def test_the_family_packs_clean_a_stamped_report() -> None:
    from clean_reports.core import clean

    assert clean(FAMILIES, load_rules([])).text == FAMILIES  # none of these is default
    assert clean(FAMILIES, load_rules([], packs=PACKS)).text == FAMILIES_CLEAN
