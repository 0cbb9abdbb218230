"""Wording of the campaign report in zh and en: headings, labels and sentence templates.

Templates take already formatted values; data values never enter Markdown (headings
are fixed wording only).
"""

from __future__ import annotations

HEADINGS = {
    "zh": {
        "summary": "## 活动概要", "groups": "## 目标客群", "targets": "## 目标分解：网点与员工",
        "milestones": "### 每周里程碑", "media": "## 媒体投放计划与敏感性", "options": "## 方案比较",
        "design": "## 测试设计", "schedule": "## 活动排期", "leaderboard": "## 龙虎榜（空白，供张榜）",
        "review_summary": "## 活动复盘概要", "progress": "## 进度：实际与计划", "review_board": "## 龙虎榜",
        "uplift": "## 增量效果：实验组与对照组", "next_time": "## 下次怎么做",
    },
    "en": {
        "summary": "## Campaign summary", "groups": "## Target groups", "targets": "## Targets by branch and staff",
        "milestones": "### Weekly milestones", "media": "## Media plan and sensitivity", "options": "## Option appraisal",
        "design": "## Test design", "schedule": "## Schedule", "leaderboard": "## Leaderboard (blank, to print)",
        "review_summary": "## Campaign review summary", "progress": "## Progress against plan",
        "review_board": "## Leaderboard", "uplift": "## Uplift: treatment against control",
        "next_time": "## What to do next time",
    },
}

LABELS = {
    "zh": {
        "group": "客群", "branch": "网点", "name": "网点名称", "customers": "客户数", "aum": "资产（AUM）",
        "products_per_customer": "户均产品数", "owner_coverage": "认领覆盖率", "contacted_recently": "90天内联系",
        "potential": "潜力占比", "history": "历史占比", "share": "占比", "target": "目标", "staff": "员工",
        "role": "岗位", "week": "周", "week_end": "周末日期", "phase": "阶段", "cumulative": "累计里程碑",
        "channel": "渠道", "billing": "计费", "budget": "预算", "ctr": "点击率", "impressions": "曝光",
        "clicks": "点击", "leads": "线索", "conversions": "转化", "cpm": "CPM", "cpc": "CPC",
        "cpa": "CPA", "form": "倍数表述", "stated": "表述值", "factor": "折算倍数", "base_ctr": "平均点击率",
        "effective_ctr": "实际点击率", "assumption": "假设", "low": "下限", "high": "上限",
        "conversions_low": "转化（下调）", "conversions_high": "转化（上调）", "cpa_low": "转化成本（下调）",
        "cpa_high": "转化成本（上调）", "option": "方案", "item": "项目", "quantity": "数量",
        "value_before": "调整前单价", "value_after": "调整后单价", "increment": "增量价值", "cost": "成本",
        "net": "净增量价值", "rank": "名次", "actual": "实际", "completion": "完成率", "start": "开始",
        "end": "结束", "days": "天数", "look": "第几次查看", "information": "信息比例", "z": "z 临界值",
        "p_nominal": "名义 p 值", "treated": "实验组客户", "converted": "转化客户", "rate": "转化率",
        "measure": "指标", "n_treatment": "实验组户数", "n_control": "对照组户数", "treatment": "实验组",
        "control": "对照组", "difference": "增量", "incremental": "增量合计", "verdict": "结论",
        "parameter": "参数", "value": "取值", "signature": "签名确认",
    },
    "en": {
        "group": "Group", "branch": "Branch", "name": "Branch name", "customers": "Customers", "aum": "AUM",
        "products_per_customer": "Products per customer", "owner_coverage": "Owner coverage",
        "contacted_recently": "Contacted in 90 days", "potential": "Potential share", "history": "History share",
        "share": "Share", "target": "Target", "staff": "Staff", "role": "Role", "week": "Week",
        "week_end": "Week ending", "phase": "Phase", "cumulative": "Cumulative milestone", "channel": "Channel",
        "billing": "Billing", "budget": "Budget", "ctr": "CTR", "impressions": "Impressions",
        "clicks": "Clicks", "leads": "Leads", "conversions": "Conversions", "cpm": "CPM", "cpc": "CPC",
        "cpa": "CPA", "form": "Stated as", "stated": "Stated value", "factor": "Multiplier",
        "base_ctr": "Average CTR", "effective_ctr": "Effective CTR", "assumption": "Assumption", "low": "Low",
        "high": "High", "conversions_low": "Conversions (low)", "conversions_high": "Conversions (high)",
        "cpa_low": "CPA (low)", "cpa_high": "CPA (high)", "option": "Option", "item": "Item",
        "quantity": "Quantity", "value_before": "Value before", "value_after": "Value after",
        "increment": "Incremental value", "cost": "Cost", "net": "Net value", "rank": "Rank", "actual": "Actual",
        "completion": "Completion", "start": "Start", "end": "End", "days": "Days", "look": "Look",
        "information": "Information", "z": "z boundary", "p_nominal": "Nominal p", "treated": "Treated",
        "converted": "Converted", "rate": "Conversion rate", "measure": "Measure", "n_treatment": "n (T)",
        "n_control": "n (C)", "treatment": "Treatment", "control": "Control", "difference": "Uplift",
        "incremental": "Caused", "verdict": "Verdict", "parameter": "Parameter", "value": "Value",
        "signature": "Signed off",
    },
}

CODES = {
    "zh": {
        "warm_up": "预热", "launch": "启动", "push": "攻坚", "review": "复盘", "deposits": "存款",
        "wealth_sales": "理财销售", "new_customers": "新客户", "mobile_activations": "手机银行激活",
        "credit_cards": "信用卡", "aum": "资产", "times": "倍数（×）", "plus_percent": "增幅（+%）",
        "price": "单价", "ctr": "点击率", "ctr_multiplier": "点击率倍数", "conversion": "转化率", "budget": "预算",
        "responded": "响应率", "converted": "转化率", "amount": "户均金额（元）", "uplift": "有增量",
        "no_evidence": "无证据", "negative": "为负", "_any": "任一客群（去重）", "_total": "合计",
        "personal_am": "对私客户经理", "wealth_manager": "理财经理", "corporate_am": "对公客户经理",
        "lobby_manager": "大堂经理", "teller": "柜员", "branch_head": "网点负责人", "back_office": "后台",
        "pooled_z": "合并方差 z 检验（同 R 的 power.prop.test）", "cohen_h": "Cohen's h 效应量（同 R 的 pwr 包）",
    },
    "en": {
        "warm_up": "Warm-up", "launch": "Launch", "push": "Push", "review": "Review", "deposits": "Deposits",
        "wealth_sales": "Wealth sales", "new_customers": "New customers", "mobile_activations": "Mobile activations",
        "credit_cards": "Credit cards", "aum": "AUM", "times": "times (×)", "plus_percent": "plus (+%)",
        "price": "price", "ctr": "CTR", "ctr_multiplier": "CTR multiplier", "conversion": "conversion rate",
        "budget": "budget", "responded": "Response rate", "converted": "Conversion rate",
        "amount": "Amount per customer", "uplift": "Uplift", "no_evidence": "No evidence",
        "negative": "Negative", "_any": "Any group (counted once)", "_total": "Total",
        "personal_am": "Personal AM", "wealth_manager": "Wealth manager", "corporate_am": "Corporate AM",
        "lobby_manager": "Lobby manager", "teller": "Teller", "branch_head": "Branch head", "back_office": "Back office",
        "pooled_z": "pooled-variance z test (as R's power.prop.test)", "cohen_h": "Cohen's h effect size (as R's pwr)",
    },
}

TEXT = {
    "zh": {
        "source_bank": "银行数据", "source_plan": "活动方案", "source_plan_bank": "活动方案、银行数据",
        "source_results": "活动结果表（campaign_results）",
        "summary": "{name}：{start} 至 {end}，覆盖 {branches} 个网点。目标客群 {customers} 户（多个客群重叠的客户只计一次），"
                   "资产合计 {aum}。{goals}。",
        "summary_media": "媒体预算 {budget}，按方案投放预计带来 {conv} 个转化，单次转化成本 {cpa}；按最优分配可达 {best} 个。",
        "tile_customers": "目标客户", "tile_aum": "目标客群资产", "tile_budget": "媒体预算", "tile_conv": "预计转化",
        "tile_n": "每组所需样本（实验/对照）", "tile_mde": "现有客群可测最小增量",
        "groups_note": "客群按方案规则从客户表和 {as_of} 月末持仓计算；同时属于多个客群的客户在“任一客群”中只计一次（共 {overlap} 个重复归属）。",
        "groups_table": "各客群规模（全行）", "groups_branch": "各网点目标客户（任一客群，去重）",
        "groups_chart": "各客群客户数",
        "targets_note": "网络目标按潜力（目标客群{by}）占 {wp}、历史完成占 {wh} 的权重分解到网点，再按同样方法分到员工；"
                        "以最大余数法取整到 {unit} 的整数倍，各部分相加正好等于总目标。",
        "by_aum": "资产", "by_customers": "客户数",
        "targets_branch": "{metric}目标：按网点分解（合计 {total}）", "targets_staff": "{metric}目标：按员工分解",
        "milestones": "每周累计里程碑", "media_note": "漏斗关系：千次曝光成本（CPM）÷（1000 × 点击率）= 单次点击成本（CPC）；CPC ÷ 转化率 = 单次转化成本（CPA）。"
                      "点击率倍数按方案写法折算：“2倍”即 2×，“+220%”即 3.2×（在平均点击率上增加 220%）。",
        "media_mult": "各渠道点击率倍数与单位成本", "media_planned": "按方案预算的投放漏斗", "media_best": "预算 {budget} 的最优分配（在各渠道上下限与边际递减下使预计转化最多）",
        "media_best_note": "按方案分配预计 {plan} 个转化，最优分配 {best} 个（多 {gain} 个）。",
        "tornado": "敏感性：各假设上下浮动 {swing} 时的预计转化", "tornado_table": "敏感性：转化数与单次转化成本的变化范围",
        "options_rows": "{caption}：明细", "options_sum": "{caption}：方案汇总（增量价值 = 数量 ×（调整后单价 − 调整前单价），再扣除成本）",
        "options_pick": "推荐方案：{best}，净增量价值 {net}，比次优方案“{second}”多 {margin}。",
        "design_table": "样本量与可测增量", "design_method": "方法：{method}{cc}。实验组与对照组之比 {ratio}：1，显著性水平 {alpha}，检验效能 {power}。",
        "design_cc": "，含 Fleiss 连续性校正", "p_control": "对照组预期{metric}", "p_treatment": "实验组预期{metric}",
        "n_treatment": "实验组所需客户", "n_control": "对照组所需客户", "audience": "可用客户",
        "mde": "可测最小增量（绝对值）", "power_at": "现有客户下的检验效能",
        "obf_note": "活动期间计划查看 {looks} 次。每天看数、一见“显著”就下结论会抬高误报：按名义 {alpha} 查看 {looks} 次，"
                    "误报率约 {naive}。因此采用 O'Brien–Fleming 边界：第 k 次查看的 z 值须超过下表临界值，总误报率保持 {alpha}。",
        "obf_table": "O'Brien–Fleming 序贯边界",
        "descriptive_note": "活动期间的中途查看只作描述，不据此判断成败；成败只在活动结束后看一次。"
                            "（若按名义 {alpha} 查看 {looks} 次并随时下结论，误报率约 {naive}。）",
        "gantt": "活动排期（甘特图，◆ 为每周里程碑）", "phases": "阶段与目标占比",
        "board_note": "打印张榜用：实际、完成率、名次由各网点每周填写。", "board": "{metric}龙虎榜（{start} 起）",
        "review_summary": "{cid} 实验组 {nt} 户、对照组 {nc} 户。实验组转化率 {pt}，对照组 {pc}，增量 {diff}"
                          "（95% 置信区间 {low} 至 {high}）：{verdict}。活动带来的增量约 {inc} 个转化、金额 {inc_amt}。",
        "tile_uplift": "转化率增量", "tile_inc": "活动带来的转化", "tile_inc_amt": "活动带来的金额",
        "tile_completion": "目标完成率",
        "contaminated": "对照组有 {n} 户（共 {total} 户）在活动期间被联系过，对照组已被污染，增量被低估；这些结果需谨慎解读。",
        "clean_control": "对照组无人被联系（0/{total}），对照组干净。",
        "progress_branch": "各网点进度（实际为实验组客户的{metric}；转化率附 Wilson 95% 区间）",
        "progress_staff": "各员工进度（按客户认领人归属）", "progress_obf": "最终一次查看：转化率差异 z = {z}，O'Brien–Fleming 临界值 {b}：{passed}。",
        "passed": "超过边界", "not_passed": "未超过边界",
        "progress_desc": "中途查看仅作描述；成败以活动结束后的增量区间为准。",
        "board_chart": "网点完成率排名", "board_chart_ends": "网点完成率排名（前 {n} 名与后 {n} 名）", "board_staff": "员工排名（前 {n} 名）",
        "uplift_table": "增量：实验组减对照组（比率用 Newcombe/Wilson 区间，金额用自助法 {draws} 次、固定种子）",
        "uplift_chart": "转化率增量及 95% 置信区间", "uplift_groups": "各客群的增量",
        "no_score": "结果表中没有模型评分，因此不做按评分十分位的增量（Qini）分析。",
        "lesson_contaminated": "对照组有 {contacted} 户被联系：下次在名单下发时锁定对照组，禁止任何触达。",
        "lesson_verdict_uplift": "活动有效：转化率增量 {difference}（区间 {low} 至 {high}）。下次保留同样的触达方式，并把资源优先给增量高的客群。",
        "lesson_verdict_no_evidence": "没有证据表明活动提高了转化（增量 {difference}，区间 {low} 至 {high}，包含 0）。不要把实验组的转化当成活动成果；下次先改方案再扩大投入。",
        "lesson_verdict_negative": "活动降低了转化（增量 {difference}，区间 {low} 至 {high}）：暂停此方式并查明原因。",
        "lesson_underpowered": "样本不足：实验组 {n_treatment}、对照组 {n_control}，而设计要求 {need_treatment} 和 {need_control}。下次扩大名单或延长周期。",
        "lesson_contact_coverage": "实验组只有 {rate} 被实际联系：下次按日跟踪触达率，未联系客户当天派单。",
        "lesson_best_group": "增量点估计最高的客群是“{group}”（{difference}，区间 {low} 至 {high}）；区间较宽时先扩大该客群样本再下结论。",
        "lesson_branches_behind": "完成率低于 80% 的网点 {count} 个（{ids}）：复盘这些网点的触达与跟进。",
        "lesson_keep_control": "每次活动都保留随机对照组：只有对照组才能回答“活动带来了多少”，而不只是“发生了多少”。",
        "verdict_word_uplift": "活动确实带来了增量", "verdict_word_no_evidence": "没有证据表明活动带来增量",
        "verdict_word_negative": "活动反而降低了转化",
    },
    "en": {
        "source_bank": "bank data", "source_plan": "campaign plan", "source_plan_bank": "campaign plan, bank data",
        "source_results": "campaign results (campaign_results)",
        "summary": "{name}: {start} to {end}, {branches} branches. The target groups hold {customers} customers "
                   "(each counted once however many groups they are in) with {aum} of assets. {goals}.",
        "summary_media": "Media budget {budget}: as planned it should bring {conv} conversions at {cpa} each; "
                         "the best allocation brings {best}.",
        "tile_customers": "Target customers", "tile_aum": "Their AUM", "tile_budget": "Media budget",
        "tile_conv": "Expected conversions", "tile_n": "Needed per arm (treatment / control)",
        "tile_mde": "Detectable lift with this audience",
        "groups_note": "Groups follow the plan's rules over the customer table and month-end holdings of {as_of}. "
                       "A customer in several groups counts once in 'any group' ({overlap} extra memberships).",
        "groups_table": "Target groups across the network", "groups_branch": "Target customers per branch (any group, counted once)",
        "groups_chart": "Customers per target group",
        "targets_note": "The network goal is split to branches by potential (target-group {by}, weight {wp}) and "
                        "history (past actuals, weight {wh}), then to staff the same way; rounded to whole multiples "
                        "of {unit} by the largest-remainder method, so the parts add up exactly to the goal.",
        "by_aum": "AUM", "by_customers": "customers",
        "targets_branch": "{metric}: target by branch (total {total})", "targets_staff": "{metric}: target by staff",
        "milestones": "Weekly cumulative milestones",
        "media_note": "Funnel identities: CPM ÷ (1000 × CTR) = CPC; CPC ÷ conversion rate = CPA. CTR multipliers are "
                      "read as the plan states them: '2×' is 2×, '+220%' is 3.2× (the average plus 220% of it).",
        "media_mult": "CTR multipliers and unit costs by channel", "media_planned": "Funnel at the planned budgets",
        "media_best": "Best allocation of {budget} (most expected conversions within each channel's limits and diminishing returns)",
        "media_best_note": "As planned: {plan} conversions; best allocation: {best} ({gain} more).",
        "tornado": "Sensitivity: expected conversions when each assumption moves ±{swing}",
        "tornado_table": "Sensitivity: range of conversions and CPA",
        "options_rows": "{caption}: rows", "options_sum": "{caption}: options (incremental value = quantity × (value after − value before), less cost)",
        "options_pick": "Preferred: {best}, net incremental value {net}, {margin} more than the runner-up '{second}'.",
        "design_table": "Sample size and detectable lift",
        "design_method": "Method: {method}{cc}. Treatment : control = {ratio} : 1, significance level {alpha}, power {power}.",
        "design_cc": ", with Fleiss' continuity correction", "p_control": "Expected control {metric}",
        "p_treatment": "Expected treatment {metric}", "n_treatment": "Treatment customers needed",
        "n_control": "Control customers needed", "audience": "Customers available",
        "mde": "Minimum detectable lift (absolute)", "power_at": "Power with the customers available",
        "obf_note": "The plan looks at the data {looks} times. Checking daily and stopping at the first 'significant' "
                    "result inflates false positives: {looks} looks at a nominal {alpha} give about {naive}. So each "
                    "look must pass the O'Brien–Fleming boundary below, which keeps the overall level at {alpha}.",
        "obf_table": "O'Brien–Fleming sequential boundary",
        "descriptive_note": "Interim looks during the campaign are descriptive only; success is judged once, after "
                            "the campaign. ({looks} looks at a nominal {alpha}, acting on any, would give about {naive} false positives.)",
        "gantt": "Campaign schedule (Gantt; ◆ weekly milestones)", "phases": "Phases and goal shares",
        "board_note": "For the notice board: branches fill in actual, completion and rank each week.",
        "board": "{metric} leaderboard (from {start})",
        "review_summary": "{cid}: {nt} customers in treatment, {nc} in control. Conversion {pt} against {pc}, an "
                          "uplift of {diff} (95% CI {low} to {high}): {verdict}. The campaign caused about {inc} "
                          "conversions and {inc_amt}.",
        "tile_uplift": "Conversion uplift", "tile_inc": "Conversions caused", "tile_inc_amt": "Amount caused",
        "tile_completion": "Goal completion",
        "contaminated": "{n} of {total} control customers were contacted during the campaign: the control group is "
                        "contaminated and the uplift understated. Read these results with care.",
        "clean_control": "No control customer was contacted (0 of {total}): the control group is clean.",
        "progress_branch": "Progress by branch (actual: {metric} of the treatment group; conversion rate with Wilson 95% interval)",
        "progress_staff": "Progress by staff (by the customer's owner)",
        "progress_obf": "Final look: z for the conversion difference = {z}; O'Brien–Fleming boundary {b}: {passed}.",
        "passed": "boundary crossed", "not_passed": "boundary not crossed",
        "progress_desc": "Interim looks were descriptive; success is judged by the uplift interval after the campaign.",
        "board_chart": "Branches ranked by completion",
        "board_chart_ends": "Branches ranked by completion (top {n} and bottom {n})", "board_staff": "Staff ranking (top {n})",
        "uplift_table": "Uplift: treatment minus control (rates: Newcombe/Wilson interval; amount: bootstrap, {draws} draws, fixed seed)",
        "uplift_chart": "Conversion uplift with 95% intervals", "uplift_groups": "Uplift by target group",
        "no_score": "The results carry no model score, so there is no uplift-by-decile (Qini) chart.",
        "lesson_contaminated": "{contacted} control customers were contacted: lock the control list when the campaign list goes out and block every contact.",
        "lesson_verdict_uplift": "The campaign worked: conversion uplift {difference} (CI {low} to {high}). Keep the approach and give the groups with the largest uplift priority.",
        "lesson_verdict_no_evidence": "No evidence that the campaign raised conversion (uplift {difference}, CI {low} to {high}, which includes 0). Do not report the treatment group's conversions as the campaign's result; change the approach before spending more.",
        "lesson_verdict_negative": "The campaign lowered conversion (uplift {difference}, CI {low} to {high}): stop it and find out why.",
        "lesson_underpowered": "Too few customers: {n_treatment} treatment and {n_control} control against the {need_treatment} and {need_control} the design needs. Use a larger list or a longer period.",
        "lesson_contact_coverage": "Only {rate} of the treatment group was actually contacted: track contact daily and reassign uncontacted customers the same day.",
        "lesson_best_group": "The largest point estimate is in '{group}' ({difference}, CI {low} to {high}); with a wide interval, test it on a larger sample before betting on it.",
        "lesson_branches_behind": "Branches below 80% of target: {count} ({ids}). Review their contact and follow-up.",
        "lesson_keep_control": "Keep a random control group in every campaign: only a control answers 'how much did the campaign cause', not just 'what happened'.",
        "verdict_word_uplift": "the campaign caused an uplift", "verdict_word_no_evidence": "no evidence the campaign caused an uplift",
        "verdict_word_negative": "the campaign lowered conversion",
    },
}


def heading(key: str, lang: str) -> str:
    return HEADINGS[lang][key]


def label(key: str, lang: str) -> str:
    return LABELS[lang].get(key, key)


def code(key: str, lang: str) -> str:
    return CODES[lang].get(str(key), str(key))


def text(key: str, lang: str, **values: object) -> str:
    template = TEXT[lang][key]
    return template.format(**values) if values else template
