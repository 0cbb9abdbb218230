"""The bank-overview report: the `Overview` (analysis/overview.py) worded and shown in zh or en.

Observations (sentences computed from the figures), the narrative blocks, the per-branch
table and the charts; analysis stays pure, this module is the report side.
"""

from __future__ import annotations

from branch_consult import charts
from branch_consult.analysis.overview import Overview
from branch_consult.display import Figure, Table
from branch_consult.formats import clean_text, format_value

_TEXT = {
    "zh": {
        "totals": "截至{month}，全行{n}个网点存款合计{deposits}，客户资产（AUM）{aum}，持有产品的客户{customers}户。",
        "growth_total": "与{base}相比，全行存款{direction}{growth}。",
        "up": "增长",
        "down": "下降",
        "leaders": "存款增长最快的是{top}（{top_g}），最慢的是{bottom}（{bottom_g}）。",
        "decliners": "{k}个网点存款较{base}下降：{names}。",
        "concentration": "存款集中度较高：前三个网点占全行存款的{share}，其余网点的增长潜力值得单独评估。",
        "concentration_low": "存款分布较均衡：前三个网点占全行存款的{share}。",
        "per_fte": "人均存款差异明显：{top}人均{top_v}，{bottom}人均{bottom_v}，相差{ratio}倍，建议对照岗位配置与客户结构查找原因。",
        "per_fte_even": "各网点人均存款较接近（最高{top_v}，最低{bottom_v}）。",
        "no_base": "数据只有一个月份，无法计算增长。",
    },
    "en": {
        "totals": "At {month}, the bank's {n} branches hold deposits of {deposits} and customer assets (AUM) of {aum}, with {customers} customers holding products.",
        "growth_total": "Since {base}, total deposits are {direction} {growth}.",
        "up": "up",
        "down": "down",
        "leaders": "Deposits grew fastest at {top} ({top_g}) and slowest at {bottom} ({bottom_g}).",
        "decliners": "{k} {branches} lost deposits since {base}: {names}.",
        "concentration": "Deposits are concentrated: the top three branches hold {share} of the total, so the growth potential of the rest deserves a separate look.",
        "concentration_low": "Deposits are spread fairly evenly: the top three branches hold {share} of the total.",
        "per_fte": "Deposits per FTE vary widely: {top} at {top_v} against {bottom} at {bottom_v}, a {ratio}x gap; compare staffing and customer mix to find the cause.",
        "per_fte_even": "Deposits per FTE are similar across branches (highest {top_v}, lowest {bottom_v}).",
        "no_base": "The data hold a single month, so growth cannot be computed.",
    },
}
CONCENTRATION_THRESHOLD = 0.5  # top-3 share above which the network counts as concentrated
PER_FTE_GAP = 1.5  # max/min deposits per FTE above which the spread is worth a sentence


def observations(ov: Overview, lang: str = "zh") -> list[str]:
    """Worded observations on the overview, in `lang` (zh/en)."""
    t = _TEXT.get(lang, _TEXT["en"])
    f = ov.branches
    tot = ov.totals
    out = [
        t["totals"].format(
            month=ov.month,
            n=tot["branches"],
            deposits=format_value(tot["deposits"], "wan", lang),
            aum=format_value(tot["aum"], "wan", lang),
            customers=format_value(tot["customers"], "int", lang),
        )
    ]
    if (
        ov.period is not None and ov.period.skipped
    ):  # say why the latest month is not the one reported
        out.append(ov.period.note(lang))
    grown = f.dropna(subset=["growth"])
    if ov.base_month is None or grown.empty:
        out.append(t["no_base"])
    else:
        g = tot["growth"]
        if g is not None:
            out.append(
                t["growth_total"].format(
                    base=ov.base_month,
                    direction=t["up"] if g >= 0 else t["down"],
                    growth=format_value(abs(g), "pct1", lang),
                )
            )
        ranked = grown.sort_values("growth", ascending=False)
        if len(ranked) >= 2:
            top, bottom = ranked.iloc[0], ranked.iloc[-1]
            out.append(
                t["leaders"].format(
                    top=top["name"],
                    top_g=format_value(top["growth"], "pct1", lang),
                    bottom=bottom["name"],
                    bottom_g=format_value(bottom["growth"], "pct1", lang),
                )
            )
        # a fall that rounds to 0.0% in the table reads as flat, not as a decline
        falling = ranked[ranked["growth"] <= -0.0005]
        if len(falling):
            sep = "、" if lang == "zh" else ", "
            out.append(
                t["decliners"].format(
                    k=len(falling),
                    base=ov.base_month,
                    branches="branch" if len(falling) == 1 else "branches",
                    names=sep.join(falling["name"].astype(str)),
                )
            )
    if tot["top3_share"] is not None and tot["branches"] > 3:
        key = (
            "concentration" if tot["top3_share"] >= CONCENTRATION_THRESHOLD else "concentration_low"
        )
        out.append(t[key].format(share=format_value(tot["top3_share"], "pct1", lang)))
    per = f.dropna(subset=["deposits_per_fte"]).sort_values("deposits_per_fte", ascending=False)
    if len(per) >= 2:
        top, bottom = per.iloc[0], per.iloc[-1]
        lo = float(bottom["deposits_per_fte"])
        ratio = float(top["deposits_per_fte"]) / lo if lo > 0 else float("inf")
        key = "per_fte" if ratio >= PER_FTE_GAP else "per_fte_even"
        out.append(
            t[key].format(
                top=top["name"],
                top_v=format_value(top["deposits_per_fte"], "wan", lang),
                bottom=bottom["name"],
                bottom_v=format_value(lo, "wan", lang),
                ratio=f"{ratio:.1f}" if ratio != float("inf") else "∞",
            )
        )
    return out


# ------------------------------------------------------------------ presentation

_LABELS = {
    "zh": {
        "name": "网点",
        "region": "区域",
        "deposits": "存款",
        "growth": "存款增长",
        "aum": "AUM",
        "customers": "客户数",
        "fte": "员工(FTE)",
        "deposits_per_fte": "人均存款",
        "share": "存款占比",
        "table": "各网点经营概览（{month}）",
        "source": "来源：{source}；增长为{month}相对{base}。",
        "fig_deposits": "各网点存款余额（{month}）",
        "fig_growth": "各网点存款增长（{month}对比{base}）",
        "fig_fte": "各网点人均存款（{month}）",
        "axis_deposits": "存款",
        "axis_growth": "增长",
        "axis_per_fte": "人均存款",
        "axis_customers": "客户数",
    },
    "en": {
        "name": "Branch",
        "region": "Region",
        "deposits": "Deposits",
        "growth": "Deposit growth",
        "aum": "AUM",
        "customers": "Customers",
        "fte": "FTE",
        "deposits_per_fte": "Deposits per FTE",
        "share": "Share of deposits",
        "table": "Branch overview ({month})",
        "source": "Source: {source}; growth is {month} against {base}.",
        "fig_deposits": "Deposits by branch ({month})",
        "fig_growth": "Deposit growth by branch ({month} vs {base})",
        "fig_fte": "Deposits per FTE by branch ({month})",
        "axis_deposits": "Deposits",
        "axis_growth": "Growth",
        "axis_per_fte": "Deposits per FTE",
        "axis_customers": "Customers",
    },
}

SECTIONS = {
    "zh": {
        "intro": "本报告对全行各网点进行横向比较：存款与客户资产的规模和增长、客户数量，以及人员产能（人均存款）。"
        "数据来自银行提供的数据提取，金额单位为万元。",
        "summary": "## 主要发现",
        "table": "## 网点经营概览",
        "charts": "## 规模与增长",
        "productivity": "## 人员产能",
        "next": "## 建议的下一步\n\n- 对增长最慢和存款下降的网点逐一进行网点诊断，分解存款变动来源。\n"
        "- 对人均存款偏低的网点，核对岗位配置（大堂经理、理财经理、客户经理）与客户分层认领情况。\n"
        "- 以本概览为基准，按月跟踪各网点排名变化。",
    },
    "en": {
        "intro": "This report compares all branches of the bank: size and growth of deposits and customer "
        "assets, customer numbers, and staff productivity (deposits per FTE). Figures come from the "
        "bank's data extract; amounts are shown in wan (10,000 CNY).",
        "summary": "## Key findings",
        "table": "## Branch overview",
        "charts": "## Size and growth",
        "productivity": "## Staff productivity",
        "next": "## Suggested next steps\n\n- Run a branch diagnostic for the slowest-growing and shrinking "
        "branches and decompose the change in deposits.\n- Where deposits per FTE are low, check the "
        "staffing mix (lobby, wealth and account managers) and tier claim coverage.\n"
        "- Use this overview as the baseline and track branch rankings monthly.",
    },
}


def section(key: str, lang: str = "zh") -> str:
    """A narrative block (markdown) of the overview report in `lang`."""
    return SECTIONS.get(lang, SECTIONS["en"])[key]


def overview_table(ov: Overview, lang: str = "zh", source: str = "") -> Table:
    """The per-branch table as a display.Table (amounts in 万)."""
    lab = _LABELS.get(lang, _LABELS["en"])
    cols = [
        "name",
        "region",
        "deposits",
        "growth",
        "aum",
        "customers",
        "fte",
        "deposits_per_fte",
        "share",
    ]
    formats = {
        "name": "text",
        "region": "text",
        "deposits": "wan",
        "growth": "pct1",
        "aum": "wan",
        "customers": "int",
        "fte": "float1",
        "deposits_per_fte": "wan",
        "share": "pct1",
    }
    frame = ov.branches[cols].copy()
    frame["customers"] = frame["customers"].astype("int64")
    note = lab["source"].format(source=source or "-", month=ov.month, base=ov.base_month or "-")
    return Table.from_frame(
        frame,
        caption=lab["table"].format(month=ov.month),
        formats=formats,
        labels={c: lab[c] for c in cols},
        note=note,
    )


def overview_figures(ov: Overview, lang: str = "zh") -> list[Figure]:
    """Deposits by branch, growth by branch, and deposits per FTE (display.Figure objects)."""
    lab = _LABELS.get(lang, _LABELS["en"])
    f = ov.branches.assign(name=ov.branches["name"].map(clean_text))  # data text into chart JSON
    figs = [
        Figure(
            caption=lab["fig_deposits"].format(month=ov.month),
            figure=charts.bar_chart(
                f["name"].astype(str).tolist(),
                f["deposits"].tolist(),
                value_title=lab["axis_deposits"],
                value_format="wan",
                lang=lang,
            ),
        )
    ]
    # Highest first: horizontal bars read top-down, the house style keeps the given order.
    grown = f.dropna(subset=["growth"]).sort_values("growth", ascending=False)
    if len(grown):
        figs.append(
            Figure(
                caption=lab["fig_growth"].format(month=ov.month, base=ov.base_month),
                figure=charts.bar_chart(
                    grown["name"].astype(str).tolist(),
                    grown["growth"].tolist(),
                    value_title=lab["axis_growth"],
                    value_format="pct1",
                    horizontal=True,
                    lang=lang,
                ),
            )
        )
    per = f.dropna(subset=["deposits_per_fte"]).sort_values("deposits_per_fte", ascending=False)
    if len(per):
        figs.append(
            Figure(
                caption=lab["fig_fte"].format(month=ov.month),
                figure=charts.bar_chart(
                    per["name"].astype(str).tolist(),
                    per["deposits_per_fte"].tolist(),
                    value_title=lab["axis_per_fte"],
                    value_format="wan",
                    horizontal=True,
                    lang=lang,
                ),
            )
        )
    return figs
