"""Fixed wording of the staff-fit case review in Chinese and English.

Rule wording (recommendations, root causes, flight-risk signals) lives with the rules
in the analysis YAML files; everything else a reader sees that is not data is here.
"""

from __future__ import annotations

from collections.abc import Mapping

HEADINGS: dict[str, dict[str, str]] = {
    "zh": {"summary": "## 案例摘要", "timeline": "## 业绩与事件时间线", "evidence": "## 证据",
           "competency": "## 胜任力与岗位匹配", "flight_risk": "## 流失风险", "fairness": "## 团队公平性",
           "root_causes": "## 根本原因", "recommendations": "## 建议与检查节点"},
    "en": {"summary": "## Case summary", "timeline": "## Timeline: performance and events", "evidence": "## Evidence",
           "competency": "## Competency and role fit", "flight_risk": "## Flight risk", "fairness": "## Team fairness",
           "root_causes": "## Root causes", "recommendations": "## Recommendations and checkpoints"},
}

EVENT_LABELS: dict[str, dict[str, str]] = {
    "zh": {"hire": "入职", "probation_end": "转正", "review": "绩效评估", "criticism": "批评", "praise": "表扬",
           "reward": "奖励", "training": "培训", "complaint": "客户投诉", "transfer": "调岗", "resignation": "辞职"},
    "en": {"hire": "Hired", "probation_end": "Probation end", "review": "Review", "criticism": "Criticism",
           "praise": "Praise", "reward": "Reward", "training": "Training", "complaint": "Complaint",
           "transfer": "Transfer", "resignation": "Resignation"},
}

STATUS_LABELS: dict[str, dict[str, str]] = {
    "zh": {"on_time": "按时", "late": "逾期执行", "missing": "未执行", "left": "已离职", "not_due": "未到期",
           "done": "已完成", "before_records": "早于数据期", "review": "评估", "next_step": "下一步（调岗或决定）",
           "recognition": "认可"},
    "en": {"on_time": "On time", "late": "Late", "missing": "Not done", "left": "Left", "not_due": "Not yet due",
           "done": "Done", "before_records": "Before the records", "review": "Review",
           "next_step": "Next step (role change or decision)", "recognition": "Recognition"},
}

RISK_LABELS: dict[str, dict[str, str]] = {
    "zh": {"high": "高", "medium": "中", "low": "低"},
    "en": {"high": "High", "medium": "Medium", "low": "Low"},
}

CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "zh": {"person_role_fit": "人岗匹配", "management": "管理", "process": "流程"},
    "en": {"person_role_fit": "Person–role fit", "management": "Management", "process": "Process"},
}

MISSING_LABELS: dict[str, dict[str, str]] = {
    "zh": {"targets": "目标与完成数据", "assessment": "胜任力测评", "events": "员工事件记录", "role_profile": "岗位能力模型"},
    "en": {"targets": "targets and results", "assessment": "a competency assessment", "events": "staff events",
           "role_profile": "a role profile"},
}

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "intro": "本复盘回答三个问题：此人是否放错了岗位？是否即将离职？我们的管理流程是否公平？每个结论都可追溯到目标、事件和测评记录；"
                 "员工默认以化名显示，金额单位为万元。复盘日期为 {date}（数据截至 {month}）。",
        "who": "{person}，{role}，{branch}，入职 {hired}{left}",
        "left_part": "，{left} 离职",
        "answer_under": "连续 {streak} 个月未完成{metric}目标；按制度应于 {due} 启动评估，至今未执行（逾期 {delay} 天）。",
        "answer_under_late": "曾连续未完成{metric}目标，评估逾期执行。",
        "answer_fit_gap": "{gap} 项胜任力低于{role}岗位要求（匹配度 {fit}）。",
        "answer_better": "更匹配的岗位：{better}（匹配度 {better_fit}，依据 {assessed}/{total} 项测评）。",
        "answer_risk_high_left": "流失风险自 {first_high} 起为高，早于 {resigned} 的辞职；主要来源：{top}。",
        "answer_risk_high": "当前流失风险为高（{score} 分）；主要来源：{top}。",
        "answer_risk": "流失风险{level}（{score} 分）。",
        "answer_steady": "主要指标近 12 个月完成率 {completion}，未触发评估制度，流失风险{level}：无需专项处理。",
        "answer_next": "首要建议：{rec}",
        "answer_no_dismissal": "尚不具备解除劳动合同的法定条件（缺少：{missing}）；下一步合法步骤见建议。",
        "missing": "缺少以下资料，相关部分从略：{items}。",
        "missing_person": "{person}：没有{items}，本部分从略。",
        "team_none": "团队成员没有目标数据，无法比较表扬与批评的分布。",
        "missing_all": "没有此人的目标、测评和事件记录，无法形成结论；请补充资料后重新复盘。",
        "tiles": "{person}：关键指标",
        "t_streak": "当前连续未达标（月）", "t_completion": "近 12 个月完成率", "t_fit": "现岗位匹配度",
        "t_risk": "流失风险（分）", "t_delay": "评估逾期（天）",
        "compare_caption": "两人对比",
        "row_role": "岗位", "row_metric": "主要指标", "row_completion": "近 12 个月完成率", "row_branch_rank": "网点内排名",
        "row_role_rank": "全行同岗位排名", "row_streak": "当前连续未达标（月）", "row_longest_over": "最长连续超额（月）",
        "row_fit": "现岗位匹配度", "row_risk": "流失风险（最近一月）", "row_reviews": "未执行的评估",
        "row_recognition": "未获认可的超额周期", "row_public": "上级公开批评（次）",
        "rank_of": "{rank}/{n}",
        "timeline_caption": "{person}：{metric}月度完成率与事件",
        "series_completion": "完成率", "target_line": "目标（100%）", "axis_completion": "完成率",
        "overdue": "评估逾期", "tl_note": "标记为事件日期；悬停查看事件。",
        "hist_caption": "{person}：各指标月度完成情况",
        "checks_caption": "{person}：制度检查节点",
        "events_caption": "{person}：事件记录",
        "no_checks": "{person}：没有触发评估或认可制度的连续月份。",
        "col_month": "月份", "col_metric": "指标", "col_target": "目标", "col_actual": "完成", "col_completion": "完成率",
        "col_step": "节点", "col_trigger": "触发月份", "col_due": "应执行月份", "col_action": "实际行动",
        "col_action_date": "行动日期", "col_status": "状态", "col_delay": "逾期（天）",
        "col_date": "日期", "col_kind": "事件", "col_by": "发起人", "col_public": "公开", "col_note": "备注",
        "radar_caption": "{person}：胜任力得分与{role}岗位要求",
        "series_required": "岗位要求", "series_score": "测评得分",
        "gap_caption": "{person}：与现岗位的差距（测评日期 {date}）",
        "fit_caption": "{person}：与各岗位的匹配度（最匹配在前）",
        "fit_note": "匹配度 = Σ min(得分, 要求) ÷ Σ 要求，只计已测评的能力项；覆盖度 = 已测评项 ÷ 岗位能力项。"
                    "覆盖度低的岗位只是线索，调岗前需按该岗位画像补测。",
        "col_competency": "能力项", "col_required": "要求", "col_score": "得分", "col_gap": "差距", "col_met": "达标",
        "col_role": "岗位", "col_fit": "匹配度", "col_coverage": "覆盖度", "col_assessed": "已测评项",
        "col_count": "能力项数", "col_met_count": "达标项", "col_shortfall": "平均差距", "col_own": "现岗位",
        "no_assessment": "{person}：没有胜任力测评记录，无法判断岗位匹配。",
        "risk_caption": "{person}：流失风险按月构成（分）",
        "risk_axis": "风险分", "risk_high_line": "高风险线", "risk_medium_line": "中风险线",
        "risk_table_caption": "{person}：各月风险分与来源",
        "risk_model_caption": "流失风险模型：信号、权重与含义",
        "col_total": "总分", "col_level": "等级", "col_signal": "信号", "col_weight": "每次分值", "col_cap": "最多计次",
        "col_explain": "含义",
        "risk_none": "{person}：复盘期内没有可评估的月份。",
        "resigned_marker": "辞职",
        "team_caption": "{person} 所在团队：业绩四分位与表扬/批评",
        "quartile_caption": "按业绩四分位的表扬与批评",
        "col_person": "员工", "col_quartile": "四分位（1 = 前 25%）", "col_recognitions": "表扬/奖励",
        "col_criticisms": "批评", "col_public_criticisms": "公开批评", "col_people": "人数",
        "col_rec_pp": "人均表扬/奖励", "col_crit_pp": "人均批评",
        "flag_top": "{manager} 的批评落在业绩最好的人身上：{share} 的公开批评对象在前 25%。",
        "flag_bottom": "{manager} 的表扬多给了业绩最弱的人：{share} 的表扬/奖励对象在后 25%。",
        "flag_none": "表扬与批评的分布与业绩基本一致，未发现明显的不公平信号。",
        "cost_caption": "案例成本",
        "cost_replace": "重置成本（{multiple} 倍年度用工成本，{cls}）", "cost_shortfall": "制度拖延期间少完成的{metric}目标",
        "cost_months": "拖延期间未达标月数", "cost_note": "年度用工成本为假设值（{annual}），请以客户薪酬数据替换；"
                                                    "重置成本倍数见 docs/staff-review.md 的出处。",
        "col_item": "项目", "col_value": "金额/数值",
        "class_frontline": "一线岗位", "class_specialist": "专业岗位", "class_manager": "管理岗位",
        "rc_caption": "根本原因",
        "rc_none": "没有发现需要处理的根本原因。",
        "col_category": "类别", "col_cause": "原因",
        "rec_caption": "建议、责任人与检查节点（自复盘日期 {date} 起算）",
        "col_no": "序号", "col_rec": "建议", "col_owner": "责任人", "col_checkpoints": "检查节点",
        "rec_none": "没有需要专项推进的行动：保持现有做法，按月复核。",
        "lawful_note": "解除劳动合同的前提（《劳动合同法》第四十条第二项）：经过培训或调整岗位，并有其后仍不能胜任的书面记录。"
                       "{person} 缺少：{missing}。因此建议的是下一步合法步骤，而不是解除。",
        "lawful_training_or_transfer": "培训或调岗记录", "lawful_documented_failure": "其后的书面评估（仍不能胜任）",
        "pseudo_note": "员工以化名显示。",
        "notes_withheld": "员工以化名显示；事件的文字备注可能含有姓名，化名版不予显示。",
        "src_targets": "目标与完成（targets）", "src_events": "员工事件（staff_events）",
        "src_assess": "能力评估（assessments）与岗位能力模型（role_profiles）", "src_model": "流失风险模型（flight_risk.yaml）",
        "src_rules": "建议规则（recommendations.yaml）",
        "yes": "是", "no": "否",
    },
    "en": {
        "intro": "This review answers three questions: is the person in the wrong role, are they about to leave, and was "
                 "our process fair? Every conclusion traces back to targets, events and assessments; staff appear under "
                 "pseudonyms by default and amounts are in wan (10,000 CNY). Review date {date} (data to {month}).",
        "who": "{person}, {role}, {branch}, hired {hired}{left}",
        "left_part": ", left {left}",
        "answer_under": "Missed the {metric} target {streak} months in a row; under the policy a review was due in {due} "
                        "and has not happened ({delay} days overdue).",
        "answer_under_late": "Missed the {metric} target month after month; the review came late.",
        "answer_fit_gap": "Below the {role} role's required level on {gap} of its competencies (fit {fit}).",
        "answer_better": "Fits better: {better} (fit {better_fit}, on {assessed} of {total} competencies assessed).",
        "answer_risk_high_left": "Flight risk was high from {first_high}, before the resignation on {resigned}; "
                                 "mainly: {top}.",
        "answer_risk_high": "Flight risk is high now ({score} points); mainly: {top}.",
        "answer_risk": "Flight risk {level} ({score} points).",
        "answer_steady": "Main-metric completion over 12 months {completion}; no review trigger; flight risk {level}: "
                         "nothing to act on.",
        "answer_next": "First recommendation: {rec}",
        "answer_no_dismissal": "The legal conditions for dismissal are not met (missing: {missing}); the next lawful "
                               "step is in the recommendations.",
        "missing": "Not on record, so the related parts are left out: {items}.",
        "missing_person": "{person}: no {items} on record, so this part is left out.",
        "team_none": "No targets for the team, so praise and criticism cannot be set against performance.",
        "missing_all": "No targets, assessments or events on record for this person: no conclusion can be drawn; "
                       "add the data and run the review again.",
        "tiles": "{person}: key figures",
        "t_streak": "Months missed in a row", "t_completion": "12-month completion", "t_fit": "Fit to own role",
        "t_risk": "Flight risk (points)", "t_delay": "Review overdue (days)",
        "compare_caption": "Side by side",
        "row_role": "Role", "row_metric": "Main metric", "row_completion": "12-month completion",
        "row_branch_rank": "Rank in branch", "row_role_rank": "Rank in role, bank-wide",
        "row_streak": "Months missed in a row now", "row_longest_over": "Longest over-target run (months)",
        "row_fit": "Fit to own role", "row_risk": "Flight risk (latest month)", "row_reviews": "Reviews not done",
        "row_recognition": "Over-target periods not recognised", "row_public": "Public criticisms by a senior manager",
        "rank_of": "{rank} of {n}",
        "timeline_caption": "{person}: monthly {metric} completion and events",
        "series_completion": "Completion", "target_line": "Target (100%)", "axis_completion": "Completion",
        "overdue": "Review overdue", "tl_note": "Markers sit on the event dates; hover for the event.",
        "hist_caption": "{person}: monthly completion on every metric",
        "checks_caption": "{person}: policy checkpoints",
        "events_caption": "{person}: events on record",
        "no_checks": "{person}: no run of months triggered the review or recognition policy.",
        "col_month": "Month", "col_metric": "Metric", "col_target": "Target", "col_actual": "Actual",
        "col_completion": "Completion", "col_step": "Checkpoint", "col_trigger": "Triggered", "col_due": "Due",
        "col_action": "Action on record", "col_action_date": "Action date", "col_status": "Status",
        "col_delay": "Days late", "col_date": "Date", "col_kind": "Event", "col_by": "By", "col_public": "Public",
        "col_note": "Note",
        "radar_caption": "{person}: competency scores against the {role} profile",
        "series_required": "Required", "series_score": "Assessed",
        "gap_caption": "{person}: gap to the current role (assessed {date})",
        "fit_caption": "{person}: fit against every role profile (best first)",
        "fit_note": "Fit = Σ min(score, required) ÷ Σ required over the competencies assessed; coverage = competencies "
                    "assessed ÷ competencies in the profile. A role with low coverage is a lead: assess against its "
                    "profile before any move.",
        "col_competency": "Competency", "col_required": "Required", "col_score": "Score", "col_gap": "Gap",
        "col_met": "Met", "col_role": "Role", "col_fit": "Fit", "col_coverage": "Coverage", "col_assessed": "Assessed",
        "col_count": "Competencies", "col_met_count": "Met", "col_shortfall": "Mean shortfall", "col_own": "Own role",
        "no_assessment": "{person}: no competency assessment on record, so role fit cannot be judged.",
        "risk_caption": "{person}: flight risk by month and where it comes from (points)",
        "risk_axis": "Risk points", "risk_high_line": "High", "risk_medium_line": "Medium",
        "risk_table_caption": "{person}: risk points by month and signal",
        "risk_model_caption": "The flight-risk model: signals, weights and meaning",
        "col_total": "Total", "col_level": "Level", "col_signal": "Signal", "col_weight": "Points each",
        "col_cap": "Counted up to", "col_explain": "Meaning",
        "risk_none": "{person}: no month in the review window to evaluate.",
        "resigned_marker": "Resigned",
        "team_caption": "{person}'s team: performance quartile, praise and criticism",
        "quartile_caption": "Praise and criticism by performance quartile",
        "col_person": "Staff", "col_quartile": "Quartile (1 = top 25%)", "col_recognitions": "Praise/rewards",
        "col_criticisms": "Criticisms", "col_public_criticisms": "Public criticisms", "col_people": "People",
        "col_rec_pp": "Praise/rewards per person", "col_crit_pp": "Criticisms per person",
        "flag_top": "{manager}'s criticism lands on the best performers: {share} of the public criticisms went to the "
                    "top 25%.",
        "flag_bottom": "{manager}'s praise goes to the weakest: {share} of praise and rewards went to the bottom 25%.",
        "flag_none": "Praise and criticism follow performance; no sign of unfair treatment.",
        "cost_caption": "What the case costs",
        "cost_replace": "Replacement cost ({multiple}× annual employment cost, {cls})",
        "cost_shortfall": "{metric} target missed while the policy waited", "cost_months": "Months missed while waiting",
        "cost_note": "Annual employment cost is an assumption ({annual}); replace it with the client's payroll figure. "
                     "Sources of the multiples: docs/staff-review.md.",
        "col_item": "Item", "col_value": "Amount / value",
        "class_frontline": "frontline role", "class_specialist": "specialist role", "class_manager": "manager",
        "rc_caption": "Root causes",
        "rc_none": "No root cause needs action.",
        "col_category": "Category", "col_cause": "Cause",
        "rec_caption": "Recommendations, owners and checkpoints (counted from the review date, {date})",
        "col_no": "No.", "col_rec": "Recommendation", "col_owner": "Owner", "col_checkpoints": "Checkpoints",
        "rec_none": "Nothing needs a dedicated push: keep current practice and check monthly.",
        "lawful_note": "Dismissal for inability to do the job (Labour Contract Law art. 40(2)) needs training or a "
                       "change of role AND a later documented failure on record. {person} lacks: {missing}. So the "
                       "next lawful step is recommended, not dismissal.",
        "lawful_training_or_transfer": "a training or reassignment record",
        "lawful_documented_failure": "a later documented review showing continued failure",
        "pseudo_note": "Staff are shown under pseudonyms.",
        "notes_withheld": "Staff are shown under pseudonyms; free-text event notes may name people and are withheld from this edition.",
        "src_targets": "Targets and results (targets)", "src_events": "Staff events (staff_events)",
        "src_assess": "Assessments (assessments) and role profiles (role_profiles)",
        "src_model": "Flight-risk model (flight_risk.yaml)", "src_rules": "Recommendation rules (recommendations.yaml)",
        "yes": "Yes", "no": "No",
    },
}


def _pick(table: Mapping[str, Mapping[str, str]], lang: str) -> Mapping[str, str]:
    return table.get(lang) or table["en"]


def text(key: str, lang: str, **values: object) -> str:
    """One piece of wording in `lang`, filled with already formatted values."""
    template = _pick(TEXT, lang)[key]
    return template.format(**values) if values else template


def label(table: Mapping[str, Mapping[str, str]], key: object, lang: str) -> str:
    """A code's label in `lang`; unknown codes as they are."""
    return _pick(table, lang).get(str(key), str(key))


def heading(key: str, lang: str) -> str:
    return _pick(HEADINGS, lang)[key]
