"""Staff events, role competency profiles and assessments, and the two staff-fit cases.

The cases live in one branch: a personal AM who misses target from the fourth month
on and is never reviewed (only sent to more training), and a wealth manager who beats
target every month, is criticised in public twice by the branch head and resigns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from branch_consult.data.generator.context import BranchContext
from branch_consult.data.generator.planted import MAIN_METRIC
from branch_consult.data.generator.sales import REVIEW_AFTER

D = np.timedelta64(1, "D")

ROLE_PROFILES: dict[str, tuple[tuple[str, int], ...]] = {
    "branch_head": (
        ("团队领导", 5),
        ("目标管理", 5),
        ("辅导下属", 4),
        ("公平考核", 4),
        ("风险合规", 4),
        ("客户关系", 4),
    ),
    "lobby_manager": (
        ("客户识别", 4),
        ("厅堂分流", 4),
        ("沟通表达", 4),
        ("转介意识", 4),
        ("投诉处理", 3),
    ),
    "teller": (("业务准确", 5), ("服务效率", 4), ("产品推荐", 3), ("转介意识", 3), ("风险合规", 4)),
    "wealth_manager": (
        ("产品知识", 5),
        ("需求挖掘", 4),
        ("营销沟通", 4),
        ("客户开发", 4),
        ("资产配置", 4),
        ("抗压韧性", 3),
        ("风险合规", 4),
    ),
    "personal_am": (
        ("客户开发", 4),
        ("营销沟通", 4),
        ("需求挖掘", 4),
        ("抗压韧性", 4),
        ("客户维护", 4),
        ("细致严谨", 3),
    ),
    "corporate_am": (
        ("客户开发", 4),
        ("授信分析", 4),
        ("公私联动", 3),
        ("谈判能力", 4),
        ("风险合规", 4),
    ),
    "back_office": (
        ("业务准确", 5),
        ("细致严谨", 5),
        ("风险合规", 4),
        ("团队协作", 3),
        ("系统操作", 4),
    ),
}
#: competencies the under-performer lacks (sales drive) and has (care, precision)
_WEAK = {"客户开发", "营销沟通", "抗压韧性", "需求挖掘"}
_STRONG = {"细致严谨", "客户维护"}


def role_profiles() -> pd.DataFrame:
    rows = [(role, comp, req) for role, comps in ROLE_PROFILES.items() for comp, req in comps]
    return pd.DataFrame(rows, columns=["role", "competency", "required"])


def plant_staff_cases(
    ctx: BranchContext, people: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, np.ndarray], dict[str, float]]:
    """Fix the two case people in the staff-cases branch; their monthly actual/target ratios."""
    if not ctx.is_("staff_cases"):
        return people, {}, {}
    rng = ctx.rng("staff_cases")
    per = ctx.period
    m_count = len(per.months)
    months = np.array(per.months)
    people = people.copy()
    head = people["staff_id"].iloc[0]
    weak = int(np.flatnonzero(people["role"].to_numpy() == "personal_am")[0])
    star = int(np.flatnonzero(people["role"].to_numpy() == "wealth_manager")[0])
    people.at[weak, "hired_on"] = np.datetime64("2023-03-06")
    people.at[weak, "left_on"] = pd.NaT
    resign_on = per.month_ends[-2]
    people.at[star, "hired_on"] = np.datetime64("2019-04-08")
    people.at[star, "left_on"] = resign_on
    weak_id, star_id = str(people.at[weak, "staff_id"]), str(people.at[star, "staff_id"])
    # under-performer: fine for three months, then misses every month to the end
    first_miss = 3
    weak_ratio = np.concatenate(
        [[1.04, 0.97, 1.02], rng.uniform(0.55, 0.85, m_count - first_miss)]
    )[:m_count]
    missed = months[first_miss:].tolist()
    star_ratio = rng.uniform(1.12, 1.35, m_count)
    crit = [per.month_starts[-4] + 15 * D, per.month_starts[-3] + 26 * D]
    resign_event = per.month_starts[-2] + 13 * D
    ctx.log["underperformer"] = {
        "branch_id": ctx.branch_id,
        "staff_id": weak_id,
        "role": "personal_am",
        "metric": MAIN_METRIC["personal_am"],
        "missed_months": missed,
        "review_due_month": months[first_miss + REVIEW_AFTER],
    }
    ctx.log["top_performer_lost"] = {
        "branch_id": ctx.branch_id,
        "staff_id": star_id,
        "role": "wealth_manager",
        "metric": MAIN_METRIC["wealth_manager"],
        "over_target_months": months[:-1].tolist(),
        "criticised_by": head,
        "criticised_on": [str(d) for d in crit],
        "resigned_on": str(resign_event),
        "left_on": str(resign_on),
    }
    ctx.log["_case_events"] = [
        {
            "staff_id": star_id,
            "date": crit[0],
            "kind": "criticism",
            "by_staff_id": head,
            "public": True,
            "note": "晨会上当众批评其不服从网点安排",
        },
        {
            "staff_id": star_id,
            "date": crit[1],
            "kind": "criticism",
            "by_staff_id": head,
            "public": True,
            "note": "在全体员工会议上批评其只顾个人业绩",
        },
        {
            "staff_id": star_id,
            "date": resign_event,
            "kind": "resignation",
            "by_staff_id": None,
            "public": False,
            "note": "提出辞职，认为考核不公平",
        },
        *[
            {
                "staff_id": weak_id,
                "date": per.month_starts[m] + 20 * D,
                "kind": "training",
                "by_staff_id": head,
                "public": False,
                "note": "营销技能辅导",
            }
            for m in (first_miss + 2, first_miss + 5, first_miss + 7)
            if m < m_count
        ],
    ]
    return people, {weak_id: weak_ratio, star_id: star_ratio}, {weak_id: 0.35, star_id: 1.4}


def staff_events(
    ctx: BranchContext, people: pd.DataFrame, extra: list[dict[str, object]]
) -> pd.DataFrame:
    """Hires, probation ends, sprinkled praise/training/complaints, reviews and resignations."""
    rng = ctx.rng("staff_events")
    per = ctx.period
    head = people["staff_id"].iloc[0]
    case_ids = (
        {e["staff_id"] for e in ctx.log.get("_case_events", [])}
        if ctx.is_("staff_cases")
        else set()
    )
    rows: list[dict[str, object]] = []
    span = int((per.last_day - per.first_day).astype(int))
    for p in people.to_dict("records"):
        by = None if p["staff_id"] == head else head
        hired = np.datetime64(p["hired_on"], "D")
        rows.append(
            {
                "staff_id": p["staff_id"],
                "date": hired,
                "kind": "hire",
                "by_staff_id": by,
                "public": False,
                "note": None,
            }
        )
        if hired + 180 * D <= per.last_day:
            rows.append(
                {
                    "staff_id": p["staff_id"],
                    "date": hired + 180 * D,
                    "kind": "probation_end",
                    "by_staff_id": by,
                    "public": False,
                    "note": "试用期满转正",
                }
            )
        left = np.datetime64(p["left_on"], "D") if pd.notna(p["left_on"]) else None
        if left is not None and p["staff_id"] not in case_ids:
            rows.append(
                {
                    "staff_id": p["staff_id"],
                    "date": left - 14 * D,
                    "kind": "resignation",
                    "by_staff_id": None,
                    "public": False,
                    "note": "个人原因离职",
                }
            )
        if p["staff_id"] in case_ids:
            continue
        last = min(per.last_day, left) if left is not None else per.last_day
        for kind, rate, public_p, note in (
            ("training", 1.5, 0.0, "产品培训"),
            ("praise", 0.6, 0.7, "晨会表扬"),
            ("reward", 0.3, 0.5, "季度营销奖励"),
            ("complaint", 0.2, 0.0, "客户投诉等候时间长"),
            ("criticism", 0.15, 0.0, "私下提醒工作疏漏"),
        ):
            for _ in range(rng.poisson(rate)):
                day = per.first_day + int(rng.integers(0, span)) * D
                if day < hired or day > last:
                    continue
                rows.append(
                    {
                        "staff_id": p["staff_id"],
                        "date": day,
                        "kind": kind,
                        "by_staff_id": None
                        if kind == "complaint" or p["staff_id"] == head
                        else head,
                        "public": bool(rng.random() < public_p),
                        "note": note,
                    }
                )
    rows += extra + [e for e in ctx.log.get("_case_events", []) if ctx.is_("staff_cases")]
    out = pd.DataFrame(rows)
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[s]")
    out = out.drop_duplicates(["staff_id", "date", "kind", "by_staff_id"]).sort_values(
        ["date", "staff_id"], kind="stable"
    )
    return out.reset_index(drop=True)


def assessments(ctx: BranchContext, people: pd.DataFrame) -> pd.DataFrame:
    """Mid-year assessment for everyone employed then; a month-3 one for new hires."""
    rng = ctx.rng("assessments")
    per = ctx.period
    mid = per.month_ends[len(per.months) // 2 + 1] if len(per.months) > 2 else per.last_day
    weak = ctx.log.get("underperformer", {}).get("staff_id") if ctx.is_("staff_cases") else None
    star = ctx.log.get("top_performer_lost", {}).get("staff_id") if ctx.is_("staff_cases") else None
    rows = []
    for p in people.to_dict("records"):
        hired = np.datetime64(p["hired_on"], "D")
        left = np.datetime64(p["left_on"], "D") if pd.notna(p["left_on"]) else None
        dates = []
        if hired < mid and (left is None or left > mid):
            dates.append((mid, "网点负责人"))
        m3 = hired + 90 * D
        # a month-3 review that falls on the mid-year date is that review, not a second one
        if per.first_day <= m3 <= per.last_day and (left is None or left > m3) and m3 != mid:
            dates.append((m3, "人力资源部"))
        for day, assessor in dates:
            for comp, req in ROLE_PROFILES[p["role"]]:
                if p["staff_id"] == weak:
                    score = (
                        req - 2
                        if comp in _WEAK
                        else min(5, req + 1)
                        if comp in _STRONG
                        else req - 1
                    )
                elif p["staff_id"] == star:
                    score = min(5, req + int(rng.integers(0, 2)))
                else:
                    score = int(np.round(req + p["skill"] * 10 + rng.normal(0, 0.7)))
                rows.append(
                    {
                        "staff_id": p["staff_id"],
                        "date": day,
                        "competency": comp,
                        "score": int(np.clip(score, 1, 5)),
                        "assessor": assessor,
                    }
                )
    return pd.DataFrame(rows, columns=["staff_id", "date", "competency", "score", "assessor"])
