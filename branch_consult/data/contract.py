"""The data contract: every input table a client hands over, declared once.

Loaders parse raw extracts into these columns, pandera schemas built from these
declarations check them, the validator checks keys and cross-table references,
and the docs page `docs/data-contract.md` is generated from the same objects
(`branch-consult contract --markdown`).  Change a table here and all of them follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["id", "text", "int", "float", "money", "date", "datetime", "month", "bool"]

AREA_TYPES = ("business", "community", "market", "park", "rural", "startup")
ROLES = (
    "branch_head",
    "lobby_manager",
    "teller",
    "wealth_manager",
    "personal_am",
    "corporate_am",
    "back_office",
)
PRIORITY_GROUPS = (
    "payroll",
    "corporate_exec",
    "business_owner",
    "custody",
    "relocation",
    "premium_estate",
)
PRODUCTS = (
    "deposit_demand",
    "deposit_time",
    "wealth",
    "fund",
    "insurance",
    "metal",
    "credit_card",
)
DEPOSIT_PRODUCTS = ("deposit_demand", "deposit_time")
CHANNELS = ("counter", "atm", "mobile", "online")
TXN_KINDS = ("deposit", "withdrawal", "transfer_in", "transfer_out", "purchase", "redemption")
SERVICES = ("cash", "non_cash", "wealth", "vip")
REFERRAL_STAGES = ("referred", "contacted", "proposed", "sold", "lost")
TARGET_LEVELS = ("staff", "branch")
TARGET_METRICS = (
    "deposits",
    "aum",
    "wealth_sales",
    "fund_sales",
    "insurance_sales",
    "new_customers",
    "mobile_activations",
    "credit_cards",
)
EVENT_KINDS = (
    "hire",
    "probation_end",
    "review",
    "criticism",
    "praise",
    "reward",
    "training",
    "complaint",
    "transfer",
    "resignation",
)
CAMPAIGN_GROUPS = ("treatment", "control")
GENDERS = ("F", "M")


@dataclass(frozen=True)
class Column:
    """One column: its kind, whether it may be empty, allowed values and references."""

    name: str
    kind: Kind
    doc: str
    zh: tuple[str, ...] = ()
    nullable: bool = False
    required: bool = True
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    references: str | None = None  # "table.column"
    future_ok: bool = False  # a date that may lie after today (a planned leaving date)


@dataclass(frozen=True)
class Table:
    """One input table: its grain, key and columns, and how to find its branch."""

    name: str
    zh: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    branch_column: str | None = "branch_id"
    #: for tables without a branch column: (column, table it references)
    branch_via: tuple[str, str] | None = None
    aliases: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _id(name: str, doc: str, zh: tuple[str, ...] = (), **kw: Any) -> Column:
    return Column(name, "id", doc, zh, **kw)


BRANCH_REF = "branches.branch_id"
STAFF_REF = "staff.staff_id"
CUSTOMER_REF = "customers.customer_id"

TABLES: dict[str, Table] = {}


def _table(t: Table) -> Table:
    TABLES[t.name] = t
    return t


_table(
    Table(
        "branches",
        "网点",
        "branch",
        ("branch_id",),
        (
            _id("branch_id", "Branch identifier.", ("网点号", "网点编号", "机构号")),
            Column("name", "text", "Branch name as the bank writes it.", ("网点名称", "机构名称")),
            Column(
                "region",
                "text",
                "Region or sub-branch the branch reports to.",
                ("区域", "所属支行"),
            ),
            Column(
                "area_type",
                "text",
                "Kind of catchment area.",
                ("区域类型", "网点类型"),
                allowed=AREA_TYPES,
            ),
            Column("opened_on", "date", "Opening date.", ("开业日期",)),
            Column("counters", "int", "Service counters installed.", ("柜台数", "窗口数"), min=0),
            Column("fte", "float", "Full-time-equivalent staff.", ("员工数", "人数"), min=0),
        ),
    )
)
_table(
    Table(
        "staff",
        "员工",
        "person",
        ("staff_id",),
        (
            _id("staff_id", "Staff identifier.", ("员工号", "工号")),
            _id(
                "branch_id",
                "Branch the person works at.",
                ("网点号", "网点编号"),
                references=BRANCH_REF,
            ),
            Column("name", "text", "Full name (personal data).", ("姓名", "员工姓名")),
            Column("role", "text", "Role (岗位).", ("岗位",), allowed=ROLES),
            Column("hired_on", "date", "Hire date.", ("入职日期",)),
            Column(
                "left_on",
                "date",
                "Leaving date; empty while employed.",
                ("离职日期",),
                nullable=True,
                future_ok=True,
            ),
            _id(
                "manager_id",
                "Line manager's staff_id.",
                ("上级工号",),
                nullable=True,
                references=STAFF_REF,
            ),
        ),
    )
)
_table(
    Table(
        "customers",
        "客户",
        "customer",
        ("customer_id",),
        (
            _id("customer_id", "Customer identifier.", ("客户号", "客户编号")),
            _id("branch_id", "Home branch.", ("网点号", "开户网点"), references=BRANCH_REF),
            Column("birth_year", "int", "Year of birth.", ("出生年份",), min=1900, max=2030),
            Column("gender", "text", "F or M.", ("性别",), allowed=GENDERS),
            Column("onboarded_on", "date", "Date the relationship started.", ("开户日期",)),
            _id(
                "owner_staff_id",
                "Account manager who claimed the customer (认领); empty if unclaimed.",
                ("管户经理", "认领人"),
                nullable=True,
                references=STAFF_REF,
            ),
            Column(
                "priority_group",
                "text",
                "One of the six priority groups (六优); empty if none.",
                ("客群",),
                nullable=True,
                allowed=PRIORITY_GROUPS,
            ),
            Column("mobile_banking", "bool", "Has activated mobile banking.", ("手机银行",)),
            Column(
                "last_contact_on",
                "date",
                "Last recorded contact by the owner; empty if never.",
                ("最近联系日期",),
                nullable=True,
            ),
        ),
    )
)
_table(
    Table(
        "holdings",
        "持仓",
        "customer, month and product",
        ("customer_id", "month", "product"),
        (
            _id("customer_id", "Customer.", ("客户号",), references=CUSTOMER_REF),
            Column("month", "month", "Month-end, YYYY-MM.", ("月份",)),
            Column("product", "text", "Product held.", ("产品",), allowed=PRODUCTS),
            Column("balance", "money", "Month-end balance in yuan.", ("余额",), min=0),
        ),
        branch_column=None,
        branch_via=("customer_id", "customers"),
    )
)
_table(
    Table(
        "branch_daily",
        "网点日存款",
        "branch and day",
        ("branch_id", "date"),
        (
            _id("branch_id", "Branch.", ("网点号",), references=BRANCH_REF),
            Column("date", "date", "Business day.", ("日期",)),
            Column(
                "deposits", "money", "End-of-day deposit balance in yuan.", ("存款余额",), min=0
            ),
        ),
    )
)
_table(
    Table(
        "transactions",
        "交易流水",
        "transaction",
        ("txn_id",),
        (
            _id("txn_id", "Transaction identifier.", ("流水号",)),
            _id("customer_id", "Customer.", ("客户号",), references=CUSTOMER_REF),
            _id("branch_id", "Branch that booked it.", ("网点号",), references=BRANCH_REF),
            Column("ts", "datetime", "Timestamp.", ("交易时间",)),
            Column("channel", "text", "Channel.", ("渠道",), allowed=CHANNELS),
            Column("kind", "text", "Kind of movement.", ("交易类型",), allowed=TXN_KINDS),
            Column(
                "amount",
                "money",
                "Amount in yuan, always positive; the kind gives the direction.",
                ("金额",),
                min=0,
            ),
            _id(
                "staff_id",
                "Teller or manager; empty off-counter.",
                ("柜员号",),
                nullable=True,
                references=STAFF_REF,
            ),
        ),
    )
)
_table(
    Table(
        "queue_tickets",
        "排队叫号",
        "lobby ticket",
        ("ticket_id",),
        (
            _id("ticket_id", "Ticket identifier.", ("票号",)),
            _id("branch_id", "Branch.", ("网点号",), references=BRANCH_REF),
            Column("issued_at", "datetime", "Ticket drawn.", ("取号时间",)),
            Column(
                "called_at",
                "datetime",
                "Called to a counter; empty if the customer left.",
                ("叫号时间",),
                nullable=True,
            ),
            Column("finished_at", "datetime", "Service finished.", ("完成时间",), nullable=True),
            Column("service", "text", "Queue.", ("业务类型",), allowed=SERVICES),
            _id("staff_id", "Who served.", ("柜员号",), nullable=True, references=STAFF_REF),
        ),
    )
)
_table(
    Table(
        "referrals",
        "转介",
        "referral",
        ("referral_id",),
        (
            _id("referral_id", "Referral identifier.", ("转介编号",)),
            _id("branch_id", "Branch.", ("网点号",), references=BRANCH_REF),
            Column("date", "date", "Date referred.", ("日期",)),
            _id("customer_id", "Customer referred.", ("客户号",), references=CUSTOMER_REF),
            _id("from_staff_id", "Who referred.", ("转介人",), references=STAFF_REF),
            _id("to_staff_id", "Who received.", ("接收人",), nullable=True, references=STAFF_REF),
            Column("product", "text", "Product proposed.", ("产品",), allowed=PRODUCTS),
            Column("stage", "text", "Furthest stage reached.", ("阶段",), allowed=REFERRAL_STAGES),
            Column(
                "amount",
                "money",
                "Amount sold in yuan (0 unless sold).",
                ("金额",),
                min=0,
                nullable=True,
            ),
        ),
    )
)
_table(
    Table(
        "targets",
        "目标",
        "staff or branch, month and metric",
        ("level", "id", "month", "metric"),
        (
            Column("level", "text", "staff or branch.", ("层级",), allowed=TARGET_LEVELS),
            _id("id", "staff_id or branch_id, by level.", ("编号",)),
            Column("month", "month", "Month, YYYY-MM.", ("月份",)),
            Column("metric", "text", "What is counted.", ("指标",), allowed=TARGET_METRICS),
            Column("target", "float", "Target for the month.", ("目标",), min=0),
            Column("actual", "float", "Achieved in the month.", ("实际", "完成")),
        ),
        branch_column=None,
    )
)
_table(
    Table(
        "staff_events",
        "员工事件",
        "event",
        ("staff_id", "date", "kind", "by_staff_id"),
        (
            _id("staff_id", "Who the event is about.", ("员工号",), references=STAFF_REF),
            Column("date", "date", "When.", ("日期",)),
            Column("kind", "text", "What happened.", ("事件",), allowed=EVENT_KINDS),
            _id(
                "by_staff_id",
                "Who did it (manager, HR); empty if nobody.",
                ("发起人",),
                nullable=True,
                references=STAFF_REF,
            ),
            Column("public", "bool", "Happened in front of others.", ("公开",)),
            Column("note", "text", "Free text.", ("备注",), nullable=True),
        ),
        branch_column=None,
        branch_via=("staff_id", "staff"),
    )
)
_table(
    Table(
        "role_profiles",
        "岗位能力模型",
        "role and competency",
        ("role", "competency"),
        (
            Column("role", "text", "Role.", ("岗位",), allowed=ROLES),
            Column("competency", "text", "Competency name.", ("能力项",)),
            Column("required", "int", "Level the role needs, 1-5.", ("要求",), min=1, max=5),
        ),
        branch_column=None,
    )
)
_table(
    Table(
        "assessments",
        "能力评估",
        "person, date and competency",
        ("staff_id", "date", "competency"),
        (
            _id("staff_id", "Who was assessed.", ("员工号",), references=STAFF_REF),
            Column("date", "date", "Assessment date.", ("日期",)),
            Column("competency", "text", "Competency name.", ("能力项",)),
            Column("score", "int", "Score 1-5.", ("得分",), min=1, max=5),
            Column("assessor", "text", "Who assessed.", ("评估人",), nullable=True),
        ),
        branch_column=None,
        branch_via=("staff_id", "staff"),
    )
)
_table(
    Table(
        "campaign_results",
        "活动结果",
        "customer in a campaign",
        ("campaign_id", "customer_id"),
        (
            _id("campaign_id", "Campaign.", ("活动编号",)),
            _id("customer_id", "Customer.", ("客户号",), references=CUSTOMER_REF),
            Column("group", "text", "treatment or control.", ("分组",), allowed=CAMPAIGN_GROUPS),
            Column("contacted", "bool", "Was contacted.", ("已联系",)),
            Column("responded", "bool", "Responded.", ("已响应",)),
            Column("converted", "bool", "Bought.", ("已转化",)),
            Column("amount", "money", "Amount bought in yuan.", ("金额",), min=0),
        ),
        branch_column=None,
        branch_via=("customer_id", "customers"),
    )
)
_table(
    Table(
        "quiz_responses",
        "测验答卷",
        "participant and question",
        ("participant_id", "question_id"),
        (
            _id("participant_id", "Participant.", ("学员编号",)),
            Column("name", "text", "Participant name.", ("姓名",)),
            _id("branch_id", "Participant's branch.", ("网点号",), nullable=True),
            _id("question_id", "Question in the quiz bank.", ("题号",)),
            Column(
                "answer", "text", "Answer as given (A, AC, T, F ...).", ("答案",), nullable=True
            ),
        ),
        branch_column=None,
    )
)


def table(name: str) -> Table:
    """The declaration of one table, with a message listing the known ones."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; the contract has: {', '.join(TABLES)}") from None
