"""Both stages of both worked plans, zh and en, end to end through papermill and the exporters."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from branch_consult.campaign_plan import shipped_plans_dir
from branch_consult.run import run_playbook

CASES = [
    (plan, stage, lang)
    for plan in ("deposit_drive", "mobile_ad_buy")
    for stage in ("plan", "review")
    for lang in ("zh", "en")
]
EXPECT = {
    ("plan", "zh"): [
        "目标客群",
        "目标分解",
        "媒体投放计划与敏感性",
        "方案比较",
        "测试设计",
        "活动排期",
        "龙虎榜",
    ],
    ("plan", "en"): [
        "Target groups",
        "Targets by branch and staff",
        "Media plan and sensitivity",
        "Option appraisal",
        "Test design",
        "Schedule",
        "Leaderboard (blank, to print)",
    ],
    ("review", "zh"): ["活动复盘概要", "进度", "龙虎榜", "增量效果", "下次怎么做"],
    ("review", "en"): [
        "Campaign review summary",
        "Progress against plan",
        "Leaderboard",
        "Uplift: treatment",
        "What to do next time",
    ],
}
VERDICT = {
    ("deposit_drive", "en"): "the campaign caused an uplift",
    ("deposit_drive", "zh"): "活动确实带来了增量",
    ("mobile_ad_buy", "en"): "no evidence the campaign caused an uplift",
    ("mobile_ad_buy", "zh"): "没有证据表明活动带来增量",
}


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml)


@pytest.mark.slow
@pytest.mark.parametrize("plan,stage,lang", CASES, ids=lambda v: str(v))
def test_deliverables(plan, stage, lang, tmp_path):
    result = run_playbook(
        "campaign_plan",
        out_dir=tmp_path,
        lang=lang,
        params={"plan": str(shipped_plans_dir() / f"{plan}.yaml"), "stage": stage},
    )
    docx, html = result.outputs["docx"], result.outputs["html"]
    assert docx.stat().st_size > 20_000 and html.stat().st_size > 20_000
    text = _docx_text(docx)
    page = html.read_text(encoding="utf-8")
    for heading in EXPECT[(stage, lang)]:
        assert heading in text, heading
        assert heading.replace("&", "&amp;") in page, heading
    if stage == "review":
        assert VERDICT[(plan, lang)] in text
    else:
        assert "O'Brien" in text or ("descriptive" in text if lang == "en" else "只作描述" in text)
