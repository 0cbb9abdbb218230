"""Fixed wording of the branch diagnostic report in Chinese and English.

Everything a reader sees that is not data lives here: section headings, table and
chart captions, column labels, the practice's role names and the sentences the
narrative is built from.  Keeping it in one place lets a consultant check the
Chinese wording without reading report code, and keeps the two languages in step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from branch_consult.formats import NULL_TEXT

#: the practice's own terms for who owns an action
ROLE_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "branch_head": "网点负责人",
        "lobby_manager": "大堂经理",
        "teller": "柜员",
        "wealth_manager": "理财经理",
        "personal_am": "个人客户经理",
        "corporate_am": "对公客户经理",
        "back_office": "后台人员",
        "unknown": "未知岗位",
    },
    "en": {
        "branch_head": "Branch head",
        "lobby_manager": "Lobby manager",
        "teller": "Teller",
        "wealth_manager": "Wealth manager",
        "personal_am": "Personal account manager",
        "corporate_am": "Corporate account manager",
        "back_office": "Back office",
        "unknown": "Unknown role",
    },
}

AREA_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "business": "商区",
        "community": "社区",
        "market": "专区",
        "park": "园区",
        "rural": "农区",
        "startup": "创区",
    },
    "en": {
        "business": "business district",
        "community": "residential community",
        "market": "specialised market",
        "park": "industrial park",
        "rural": "rural area",
        "startup": "start-up zone",
    },
}

TIER_LABELS: dict[str, dict[str, str]] = {
    "zh": {"top": "顶级", "core": "核心", "potential": "潜力", "ordinary": "普通", "all": "合计"},
    "en": {
        "top": "Top",
        "core": "Core",
        "potential": "Potential",
        "ordinary": "Ordinary",
        "all": "All",
    },
}

PRODUCT_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "deposit_demand": "活期存款",
        "deposit_time": "定期存款",
        "wealth": "理财",
        "fund": "基金",
        "insurance": "保险",
        "metal": "贵金属",
        "credit_card": "信用卡",
    },
    "en": {
        "deposit_demand": "Demand deposits",
        "deposit_time": "Time deposits",
        "wealth": "Wealth mgmt",
        "fund": "Funds",
        "insurance": "Insurance",
        "metal": "Precious metals",
        "credit_card": "Credit card",
    },
}

CHANNEL_LABELS: dict[str, dict[str, str]] = {
    "zh": {"counter": "柜面", "atm": "自助设备", "mobile": "手机银行", "online": "网上银行"},
    "en": {
        "counter": "Counter",
        "atm": "ATM",
        "mobile": "Mobile banking",
        "online": "Online banking",
    },
}

REASON_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "unclaimed": "未认领",
        "owner_left": "管户经理已离职",
        "never_contacted": "从未联系",
        "overdue": "联系超期",
    },
    "en": {
        "unclaimed": "Unclaimed",
        "owner_left": "Owner has left",
        "never_contacted": "Never contacted",
        "overdue": "Contact overdue",
    },
}

STAGE_LABELS: dict[str, dict[str, str]] = {
    "zh": {"referred": "转介", "contacted": "联系", "proposed": "方案", "sold": "成交"},
    "en": {
        "referred": "Referred",
        "contacted": "Contacted",
        "proposed": "Proposed",
        "sold": "Sold",
    },
}

MIGRATION_LABELS: dict[str, dict[str, str]] = {
    "zh": {"up": "升级", "same": "不变", "down": "降级"},
    "en": {"up": "Moved up", "same": "Unchanged", "down": "Moved down"},
}

STATUS_LABELS: dict[str, dict[str, str]] = {
    "zh": {"green": "良好", "amber": "关注", "red": "落后", "n/a": "无数据"},
    "en": {"green": "Good", "amber": "Watch", "red": "Behind", "n/a": "No data"},
}

SUBJECT_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "deposits": "存款与资金",
        "tiers": "客户分层",
        "cross_sell": "交叉销售",
        "channel": "渠道迁移",
        "lobby": "厅堂服务",
        "referrals": "联动营销",
        "targets": "目标与人员",
    },
    "en": {
        "deposits": "Deposits",
        "tiers": "Customer tiers",
        "cross_sell": "Cross-sell",
        "channel": "Channels",
        "lobby": "Lobby service",
        "referrals": "Referrals",
        "targets": "Targets and staff",
    },
}

TARGET_METRIC_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "deposits": "存款",
        "aum": "管理资产",
        "wealth_sales": "理财销售",
        "fund_sales": "基金销售",
        "insurance_sales": "保险销售",
        "new_customers": "新增客户",
        "mobile_activations": "手机银行开通",
        "credit_cards": "信用卡",
    },
    "en": {
        "deposits": "Deposits",
        "aum": "AUM",
        "wealth_sales": "Wealth sales",
        "fund_sales": "Fund sales",
        "insurance_sales": "Insurance sales",
        "new_customers": "New customers",
        "mobile_activations": "Mobile activations",
        "credit_cards": "Credit cards",
    },
}

#: section headings (fixed Markdown; never data)
HEADINGS: dict[str, dict[str, str]] = {
    "zh": {
        "summary": "## 摘要",
        "findings": "### 主要发现",
        "scorecard": "## 同业对标",
        "deposits": "## 存款与资金",
        "tiers": "## 客户分层与认领维护",
        "cross_sell": "## 交叉销售（1+N）",
        "channel": "## 渠道迁移",
        "lobby": "## 厅堂服务与等候",
        "referrals": "## 联动营销",
        "targets": "## 目标进度与人员",
        "actions": "## 行动计划",
    },
    "en": {
        "summary": "## Executive summary",
        "findings": "### Key findings",
        "scorecard": "## Peer comparison",
        "deposits": "## Deposits and funds",
        "tiers": "## Customer tiers, claims and contact",
        "cross_sell": "## Cross-sell (1+N)",
        "channel": "## Channel migration",
        "lobby": "## Lobby service and waits",
        "referrals": "## Referral chain",
        "targets": "## Targets and staff",
        "actions": "## Action plan",
    },
}

#: data sources named under tables and charts
SOURCES: dict[str, dict[str, str]] = {
    "zh": {
        "core": "核心系统（客户、产品持有月末余额）",
        "daily": "核心系统（网点每日存款余额）",
        "txn": "核心系统（客户持有余额、交易流水）",
        "crm": "核心系统、客户关系管理系统（OCRM：认领与联系记录）",
        "queue": "排队叫号系统",
        "referrals": "联动营销转介登记",
        "targets": "绩效考核系统（目标与完成）、人力资源记录",
        "peers": "核心系统、排队叫号系统、联动营销登记、绩效考核系统；同类网点按对标规则选取",
        "rules": "诊断规则库（阈值可由咨询顾问调整）",
    },
    "en": {
        "core": "Core banking (customers, month-end product balances)",
        "daily": "Core banking (branch daily deposit balances)",
        "txn": "Core banking (customer balances, transactions)",
        "crm": "Core banking, CRM (OCRM claims and contact records)",
        "queue": "Queue ticketing system",
        "referrals": "Referral register",
        "targets": "Performance system (targets and actuals), HR records",
        "peers": "Core banking, queue ticketing, referral register, performance system; peers chosen by the peer rule",
        "rules": "Diagnostic rule set (thresholds adjustable by the consultant)",
    },
}

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "intro": "本报告对网点的存款与资金、客户分层与维护、交叉销售、渠道迁移、厅堂服务、联动营销和目标进度逐项诊断，"
        "并与同类网点对标。每一项发现都给出依据、建议行动、责任岗位和完成期限；文末的行动计划汇总全部行动。"
        "金额单位为万元；客户与员工默认以化名显示。",
        "intro_dates": "报告期：{month}（对比{base}）；交付日期：{delivered}。行动计划的完成期限自交付日起算。",
        # executive summary
        "profile_title": "诊断对象",
        "profile": "{name}（{branch_id}），{region}，{area}网点；报告期{month}，对比期{base}。"
        "对标对象为{n_peers}家同类网点（{rule}）。",
        "profile_fallback": "{name}（{branch_id}），{region}，{area}网点；报告期{month}，对比期{base}。"
        "符合对标规则（{rule}）的网点不足{min_peers}家，改为与全行其他{n_peers}家网点比较。",
        "profile_no_peers": "{name}（{branch_id}），{region}，{area}网点；报告期{month}，对比期{base}。"
        "数据中只有{n_others}家其他网点，少于同业对标所需的{min_peers}家，本报告不做同业对标，只列本网点数值。",
        "overview_no_peers": "本次诊断共发现{n}项问题（{counts}）。",
        "sc_no_peers": "同类网点不足{min_peers}家，本节从略；各专题只列本网点数值。",
        "base_shift": "数据未覆盖{wanted}（12个月前），对比期改为{base}（{n}个月前）；文中的增长与变动均相对{base}。",
        "tg_no_events": "没有员工考核处理记录，无法判断连续未达标人员是否已按制度评估，本项从略。",
        "rule_fallback": "同类网点不足，改为与全行其他网点比较",
        "rule_area_size": "同一区域类型且存款规模相近",
        "rule_area": "同一区域类型",
        "rule_region": "同一行政区域",
        "rule_all": "全行其他网点",
        "rule_custom": "自定义规则",
        "overview_title": "总体判断",
        "overview": "本次诊断共发现{n}项问题（{counts}）。"
        "对标{n_kpi}项指标中，{green}项达到或优于同类中位，{red}项差于同类较差的四分位。",
        "sev_count": "{label}优先级{n}项",
        "no_findings": "各项指标均未触发诊断规则，网点整体经营健康；建议保持现有做法并按月跟踪对标指标。",
        "more_findings": "另有{n}项较低优先级的发现，见各专题章节与行动计划。",
        "tiles_caption": "关键指标（颜色表示相对同类网点的位置）",
        "tiles_caption_no_peers": "关键指标",
        "tile_note": "同类中位{median}",
        # scorecard
        "sc_caption": "同业对标记分卡（{month}）",
        "sc_note": "*百分位：本网点优于多少比例的同类网点（0–100，越高越好；等候时间等越低越好的指标已换算）。状态：良好＝达到或优于同类中位；关注＝介于中位与较差四分位之间；落后＝差于较差四分位。",
        "sc_narr": "{green}项指标达到或优于同类中位；落后于同类的指标：{red_list}。",
        "sc_narr_none_red": "{green}项指标达到或优于同类中位，没有指标落后于同类较差四分位。",
        "sc_pct_caption": "各指标在同类网点中的位置（百分位，越高越好）",
        "sc_pct_axis": "百分位",
        "col_kpi": "指标",
        "col_value": "本网点",
        "col_median": "同类中位",
        "col_iqr": "同类四分位区间",
        "col_pct": "百分位*",
        "col_status": "状态",
        # deposits
        "dep_narr": "期末存款{deposits}，较{base}变动{growth}[[（同类网点中位{peer_growth}）]]。"
        "变动来源中，新增客户贡献{new}，存量客户净增{net_existing}，流失客户减少{lost}。",
        "dep_trend_caption": "每日存款余额（阴影为旺季）",
        "dep_axis": "存款余额",
        "peak": "旺季",
        "dep_monthly_caption": "月度存款余额与增长",
        "col_period": "月份",
        "col_closing": "月末余额",
        "col_daily_avg": "日均余额",
        "col_change": "较上月变动",
        "col_growth": "环比增长",
        "dep_waterfall_caption": "存款变动分解：{base} → {month}",
        "dep_watch_caption": "大客户资金流出监测名单",
        "dep_watch_none": "期内没有大客户资产下降30%以上，暂无需要重点回访的客户。",
        "col_customer": "客户",
        "col_owner": "管户经理",
        "col_start": "期初资产",
        "col_current": "当前资产",
        "col_drop": "下降金额",
        "col_drop_share": "下降比例",
        "col_first_out": "首次流出日期",
        "col_channel": "主要流出渠道",
        "col_out_txns": "流出笔数",
        # tiers
        "tier_narr": "顶级客户{top}位，占客户数{top_share}、资产{top_aum_share}；"
        "其中{unattended}位无人认领或超过维护周期未联系[[（同类中位{peer_unattended}）]]。"
        "与{base}相比，{up}位客户升级、{down}位降级。",
        "tier_dist_caption": "客户分层：客户数与资产占比",
        "tier_dist_chart": "各层级客户数占比与资产占比",
        "col_tier": "层级",
        "col_customers": "客户数",
        "col_share": "客户占比",
        "col_aum": "资产（AUM）",
        "col_aum_share": "资产占比",
        "series_customers": "客户数占比",
        "series_aum": "资产占比",
        "share_axis": "占比",
        "mig_caption": "客户层级迁移：{base} → {month}（客户数）",
        "mig_from": "期初层级",
        "mig_to": "期末层级",
        "mig_summary_caption": "层级变动汇总",
        "col_direction": "变动",
        "claim_caption": "分层认领与维护达标情况",
        "claim_chart": "各层级认领率与维护达标率",
        "col_claimed": "已认领",
        "col_coverage": "认领率",
        "col_required": "维护周期（天）",
        "col_in_time": "按时联系",
        "col_compliance": "维护达标率",
        "series_coverage": "认领率",
        "series_compliance": "维护达标率",
        "unatt_caption": "待认领或待联系的顶级客户（价值优先）",
        "unatt_none": "所有顶级客户均已认领并在维护周期内联系。",
        "col_days": "距上次联系（天）",
        "col_reason": "原因",
        "list_note": "共{n}位，按资产从高到低列出前{k}位。",
        "pseudo_note": "客户与员工以化名显示。",
        # cross-sell
        "xs_narr": "户均持有产品{ppc}个[[（同类网点{peer_ppc}）]]；{single}的客户只持有一个产品。"
        "{leads}位存款20万元以上的客户没有任何其他产品，合计存款{lead_dep}。",
        "xs_counts_caption": "客户持有产品数分布",
        "xs_counts_axis": "客户数",
        "xs_counts_x": "持有产品数",
        "xs_pen_caption": "各层级产品渗透率",
        "xs_pen_x": "产品",
        "xs_pen_y": "客户层级",
        "xs_leads_caption": "交叉销售重点名单：只有存款的大额客户",
        "xs_leads_none": "没有存款20万元以上而未持有其他产品的客户。",
        "col_deposits": "存款",
        # channel
        "ch_narr": "手机银行开通率{rate}[[（同类网点中位{peer}）]]。开通率最低的是{low_band}岁客户（{low_rate}），"
        "共{low_gap}位未开通。",
        "ch_age_caption": "各年龄段手机银行开通率",
        "ch_tier_caption": "各层级手机银行开通情况",
        "ch_age_axis": "开通率",
        "ch_age_x": "年龄段",
        "col_age": "年龄段",
        "col_mobile": "已开通",
        "col_rate": "开通率",
        # lobby
        "lb_narr": "等候时间中位数{median}，P90 {p90}；{over}的客户等候超过{threshold:g}分钟"
        "[[（同类网点中位{peer_over}）]]。午间（11:30–13:30）中位等候{lunch}。{walk}",
        "lb_walk": "{walk}的取号客户未被叫号即离开[[（同类网点中位{peer_walk}）]]。",
        "lb_tiles": "厅堂等候关键指标",
        "lb_t_median": "等候中位数",
        "lb_t_p90": "等候P90",
        "lb_t_over": "等候超{threshold:g}分钟占比",
        "lb_t_walk": "未叫号离开率",
        "lb_t_lunch": "午间等候中位数",
        "lb_dist_caption": "等候时间分布",
        "lb_dist_axis": "客户占比",
        "lb_dist_x": "等候时间（分钟）",
        "lb_heat_caption": "各时段等候时间中位数（星期 × 小时）",
        "lb_heat_x": "取号时间（时）",
        "lb_heat_y": "星期",
        "lb_heat_value": "分钟",
        "lb_counter_caption": "各时段所需柜台数与实际开放柜台数",
        "lb_counter_needed": "所需柜台数（10分钟内服务80%客户）",
        "lb_counter_open": "实际开放柜台数",
        "lb_counter_axis": "柜台数",
        "lb_counter_x": "时段（时）",
        "lb_none": "没有排队叫号数据，本节从略。",
        # referrals
        "rf_narr": "期内转介{referred}笔，成交{sold}笔，成交率{conversion}[[（同类网点中位{peer}）]]；"
        "流失最多的环节是{weakest}（仅{weakest_rate}进入下一步）。",
        "rf_funnel_caption": "联动营销转介漏斗",
        "rf_role_caption": "按转介人岗位的转介与成交",
        "rf_person_caption": "按员工的转介与成交",
        "col_role": "岗位",
        "col_staff": "员工",
        "col_referred": "转介",
        "col_contacted": "联系",
        "col_proposed": "方案",
        "col_sold": "成交",
        "col_conversion": "成交率",
        "col_sold_amount": "成交金额",
        "col_weakest": "最弱环节",
        "rf_none": "没有联动营销转介数据，本节从略。",
        # targets
        "tg_narr": "全年存款目标完成{completion}，时间进度{elapsed}。",
        "tg_progress_caption": "目标完成率与时间进度",
        "tg_elapsed": "时间进度",
        "tg_completion": "目标完成率",
        "tg_staff_caption": "员工目标完成情况（{month}）",
        "tg_board_caption": "龙虎榜（{month}）",
        "tg_behind_note": "突出显示的员工完成率落后于时间进度。",
        "tg_breach_caption": "连续未达标人员",
        "tg_exit_caption": "受批评后离职的优秀员工",
        "col_metric": "指标",
        "col_target": "目标",
        "col_actual": "完成",
        "col_completion": "完成率",
        "col_elapsed": "时间进度",
        "col_rank": "名次",
        "col_streak": "连续未达标（月）",
        "col_policy_month": "应启动评估月份",
        "col_reviewed": "已评估",
        "col_criticisms": "公开批评次数",
        "col_left": "离职日期",
        "col_score": "得分",
        "tg_none": "没有目标与完成数据，本节从略。",
        # actions
        "act_caption": "行动计划（截止日期自交付日{start_on}起算）",
        "act_none": "本期没有需要专项推进的行动；请按月复核同业对标指标。",
        "col_no": "序号",
        "col_priority": "优先级",
        "col_action": "行动",
        "col_owner_role": "责任岗位",
        "col_due": "完成期限",
        "col_kpi_watch": "跟踪指标",
        "col_subject": "专题",
    },
    "en": {
        "intro": "This report reviews the branch's deposits and funds, customer tiers and contact, cross-sell, channel "
        "migration, lobby service, referral chain and target progress, each compared with peer branches. "
        "Every finding comes with its evidence, the recommended action, the owning role and a due date; the "
        "action plan at the end collects them all. Amounts are in wan (10,000 CNY); customers and staff are "
        "shown under pseudonyms by default.",
        "intro_dates": "Period: {month} (compared with {base}); delivered: {delivered}. Due dates in the action plan "
        "count from the delivery date.",
        "profile_title": "Branch under review",
        "profile": "{name} ({branch_id}), {region}, {area} branch; period {month}, compared with {base}. "
        "Compared against {n_peers} peer branches ({rule}).",
        "profile_fallback": "{name} ({branch_id}), {region}, {area} branch; period {month}, compared with {base}. "
        "Fewer than {min_peers} branches match the peer rule ({rule}), so the comparison is "
        "with all {n_peers} other branches.",
        "profile_no_peers": "{name} ({branch_id}), {region}, {area} branch; period {month}, compared with {base}. "
        "The data holds {n_others} other branch{es}, fewer than the {min_peers} a peer comparison "
        "needs, so the report shows the branch's own figures without peer medians.",
        "overview_no_peers": "The diagnostic raises {n} finding{plural} ({counts}).",
        "sc_no_peers": "Fewer than {min_peers} peer branches: no peer comparison, so this section is left out; "
        "the other sections show the branch's own figures.",
        "base_shift": "The data does not reach back to {wanted} (12 months earlier), so the comparison is with {base}, "
        "{n} month{plural} earlier; growth and changes in this report are against {base}.",
        "tg_no_events": "No staff-events data: whether staff past the review policy were reviewed cannot be judged, "
        "so this part is left out.",
        "rule_fallback": "too few similar branches, so all other branches",
        "rule_area_size": "same area type and similar deposits",
        "rule_area": "same area type",
        "rule_region": "same region",
        "rule_all": "all other branches",
        "rule_custom": "custom rule",
        "overview_title": "Overall",
        "overview": "The diagnostic raises {n} finding{plural} ({counts}). "
        "Of {n_kpi} KPIs compared with peers, {green} are at or above the peer median and "
        "{red} fall below the weaker peer quartile.",
        "sev_count": "{n} {label}",
        "no_findings": "No diagnostic rule fires: the branch is in good health. Keep current practice and "
        "track the peer KPIs monthly.",
        "more_findings": "{n} further lower-priority finding{plural} {verb} covered in the sections and the action plan.",
        "tiles_caption": "Key KPIs (colour shows position against peer branches)",
        "tiles_caption_no_peers": "Key KPIs",
        "tile_note": "peer median {median}",
        "sc_caption": "Peer scorecard ({month})",
        "sc_note": "*Rank: the share of peer branches this branch does better than (0-100, higher is better; "
        "KPIs where lower is better, such as waits, are turned round). Status: Good = at or better than "
        "the peer median; Watch = between the median and the weaker quartile; Behind = beyond it.",
        "sc_narr": "{green} KPIs are at or better than the peer median; behind peers: {red_list}.",
        "sc_narr_none_red": "{green} KPIs are at or better than the peer median; none is behind the weaker peer quartile.",
        "sc_pct_caption": "Where the branch stands among its peers on each KPI (percentile, higher is better)",
        "sc_pct_axis": "Percentile",
        "col_kpi": "KPI",
        "col_value": "Branch",
        "col_median": "Peer median",
        "col_iqr": "Peer quartiles",
        "col_pct": "Rank*",
        "col_status": "Status",
        "dep_narr": "Deposits closed at {deposits}, a change of {growth} since {base}[[ (peer median {peer_growth})]]. "
        "New customers brought {new}, existing customers a net {net_existing}, and lost "
        "customers took {lost}.",
        "dep_trend_caption": "Daily deposit balance (peak season shaded)",
        "dep_axis": "Deposits",
        "peak": "Peak season",
        "dep_monthly_caption": "Monthly deposits and growth",
        "col_period": "Month",
        "col_closing": "Month-end balance",
        "col_daily_avg": "Daily average",
        "col_change": "Change on month",
        "col_growth": "Growth on month",
        "dep_waterfall_caption": "Where the change in deposits came from: {base} → {month}",
        "dep_watch_caption": "Large-customer outflow watch list",
        "dep_watch_none": "No large customer's assets fell by 30% or more: no outflow call list this period.",
        "col_customer": "Customer",
        "col_owner": "Owner",
        "col_start": "Assets at start",
        "col_current": "Assets now",
        "col_drop": "Drop",
        "col_drop_share": "Drop share",
        "col_first_out": "First outflow",
        "col_channel": "Main outflow channel",
        "col_out_txns": "Outflows",
        "tier_narr": "{top} top-tier customers make up {top_share} of customers and {top_aum_share} of assets; "
        "{unattended} of them are unclaimed or overdue for contact[[ (peer median {peer_unattended})]]. "
        "Since {base}, customers moving up a tier: {up}; moving down: {down}.",
        "tier_dist_caption": "Customer tiers: customers and assets",
        "tier_dist_chart": "Share of customers and of assets by tier",
        "col_tier": "Tier",
        "col_customers": "Customers",
        "col_share": "Share of customers",
        "col_aum": "AUM",
        "col_aum_share": "Share of AUM",
        "series_customers": "Share of customers",
        "series_aum": "Share of AUM",
        "share_axis": "Share",
        "mig_caption": "Tier migration: {base} → {month} (customers)",
        "mig_from": "Tier at start",
        "mig_to": "Tier at end",
        "mig_summary_caption": "Tier moves",
        "col_direction": "Move",
        "claim_caption": "Claims and contact by tier",
        "claim_chart": "Claim coverage and contact compliance by tier",
        "col_claimed": "Claimed",
        "col_coverage": "Claim coverage",
        "col_required": "Contact every (days)",
        "col_in_time": "Contacted in time",
        "col_compliance": "Contact compliance",
        "series_coverage": "Claim coverage",
        "series_compliance": "Contact compliance",
        "unatt_caption": "Top-tier customers to claim or contact (highest value first)",
        "unatt_none": "Every top-tier customer is claimed and was contacted within the required period.",
        "col_days": "Days since contact",
        "col_reason": "Reason",
        "list_note": "{n} in all; the {k} with the largest assets are listed.",
        "pseudo_note": "Customers and staff are shown under pseudonyms.",
        "xs_narr": "Customers hold {ppc} products on average[[ (peers {peer_ppc})]]; {single} hold a single product. "
        "{leads} customers with deposits over 200,000 CNY hold nothing else, {lead_dep} in all.",
        "xs_counts_caption": "Products held per customer",
        "xs_counts_axis": "Customers",
        "xs_counts_x": "Products held",
        "xs_pen_caption": "Product penetration by tier",
        "xs_pen_x": "Product",
        "xs_pen_y": "Tier",
        "xs_leads_caption": "Cross-sell leads: large depositors with no other product",
        "xs_leads_none": "No customer with deposits over 200,000 CNY is without another product.",
        "col_deposits": "Deposits",
        "ch_narr": "Mobile-banking adoption is {rate}[[ (peer median {peer})]]. Adoption is lowest among customers "
        "aged {low_band} ({low_rate}), where {low_gap} customers have not signed up.",
        "ch_age_caption": "Mobile-banking adoption by age band",
        "ch_tier_caption": "Mobile-banking adoption by tier",
        "ch_age_axis": "Adoption",
        "ch_age_x": "Age band",
        "col_age": "Age band",
        "col_mobile": "Signed up",
        "col_rate": "Adoption",
        "lb_narr": "The median wait is {median} and the P90 {p90}; {over} of customers wait longer than "
        "{threshold:g} minutes[[ (peer median {peer_over})]]. At lunchtime (11:30–13:30) the median wait is {lunch}.{walk}",
        "lb_walk": " {walk} of queue tickets were never called[[ (peer median {peer_walk})]].",
        "lb_tiles": "Lobby waits",
        "lb_t_median": "Median wait",
        "lb_t_p90": "P90 wait",
        "lb_t_over": "Waits over {threshold:g} min",
        "lb_t_walk": "Walk-away rate",
        "lb_t_lunch": "Median lunchtime wait",
        "lb_dist_caption": "Distribution of waits",
        "lb_dist_axis": "Share of customers",
        "lb_dist_x": "Wait (minutes)",
        "lb_heat_caption": "Median wait by weekday and hour",
        "lb_heat_x": "Hour ticket issued",
        "lb_heat_y": "Weekday",
        "lb_heat_value": "min",
        "lb_counter_caption": "Counters needed and counters open by hour",
        "lb_counter_needed": "Counters needed (80% served within 10 min)",
        "lb_counter_open": "Counters open",
        "lb_counter_axis": "Counters",
        "lb_counter_x": "Hour",
        "lb_none": "No queue-ticket data: this section is left out.",
        "rf_narr": "{referred} referrals were made and {sold} closed, a conversion of {conversion}"
        "[[ (peer median {peer})]]; most are lost at {weakest} (only {weakest_rate} get through).",
        "rf_funnel_caption": "Referral funnel",
        "rf_role_caption": "Referrals and sales by referring role",
        "rf_person_caption": "Referrals and sales by staff member",
        "col_role": "Role",
        "col_staff": "Staff",
        "col_referred": "Referred",
        "col_contacted": "Contacted",
        "col_proposed": "Proposed",
        "col_sold": "Sold",
        "col_conversion": "Conversion",
        "col_sold_amount": "Amount sold",
        "col_weakest": "Weakest hand-off",
        "rf_none": "No referral data: this section is left out.",
        "tg_narr": "{completion} of the annual deposit target is done with {elapsed} of the year gone.",
        "tg_progress_caption": "Target completion against time elapsed",
        "tg_elapsed": "Time elapsed",
        "tg_completion": "Completion",
        "tg_staff_caption": "Staff target completion ({month})",
        "tg_board_caption": "Leaderboard ({month})",
        "tg_behind_note": "Highlighted: completion behind the time elapsed.",
        "tg_breach_caption": "Staff missing target month after month",
        "tg_exit_caption": "Top performers who left after criticism",
        "col_metric": "Metric",
        "col_target": "Target",
        "col_actual": "Actual",
        "col_completion": "Completion",
        "col_elapsed": "Time elapsed",
        "col_rank": "Rank",
        "col_streak": "Months missed in a row",
        "col_policy_month": "Review due",
        "col_reviewed": "Reviewed",
        "col_criticisms": "Public criticisms",
        "col_left": "Left on",
        "col_score": "Score",
        "tg_none": "No target data: this section is left out.",
        "act_caption": "Action plan (due dates counted from the delivery date, {start_on})",
        "act_none": "No action needs a dedicated push this period; review the peer KPIs monthly.",
        "col_no": "No.",
        "col_priority": "Priority",
        "col_action": "Action",
        "col_owner_role": "Owner",
        "col_due": "Due",
        "col_kpi_watch": "KPI to watch",
        "col_subject": "Subject",
    },
}


def _pick(table: Mapping[str, Mapping[str, str]], lang: str) -> Mapping[str, str]:
    return table.get(lang) or table["en"]


#: an optional part of a template: ``[[（同类网点中位 {peer}）]]`` is left out when a value in it is missing
_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.S)
_FIELD = re.compile(r"\{(\w+)[^}]*\}")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", NULL_TEXT))


def fill(template: str, values: Mapping[str, object]) -> str:
    """A template filled with `values`; an optional ``[[...]]`` part whose values are missing is dropped.

    So a figure without a peer median reads "Deposits closed at 4,858.8 wan." rather than
    "... (peer median –)": what the data cannot support is left out, not shown as a dash.
    """

    def part(m: re.Match[str]) -> str:
        names = _FIELD.findall(m.group(1))
        return "" if any(_missing(values.get(n)) for n in names) else m.group(1)

    return _OPTIONAL.sub(part, template).format(**values)


def text(key: str, lang: str, **values: object) -> str:
    """One piece of report wording in `lang`, filled with `values` (already formatted)."""
    template = _pick(TEXT, lang)[key]
    return fill(template, values) if values else _OPTIONAL.sub(r"\1", template)


def with_article(noun: str) -> str:
    """An English noun phrase with "a" or "an" ("an industrial park", "a business district")."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def label(table: Mapping[str, Mapping[str, str]], key: object, lang: str) -> str:
    """A code's label (role, tier, product ...) in `lang`; unknown codes are shown as they are."""
    return _pick(table, lang).get(str(key), str(key))


def heading(key: str, lang: str) -> str:
    return _pick(HEADINGS, lang)[key]


def source(key: str, lang: str) -> str:
    return _pick(SOURCES, lang)[key]
