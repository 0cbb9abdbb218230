"""Fixed words of the display objects in zh and en, and the notebook's display language."""

from __future__ import annotations

from branch_consult.formats import clean_text

_LANG = {"value": "zh"}

_SEVERITY_LABEL = {
    "zh": {"high": "高", "medium": "中", "low": "低", "info": "提示"},
    "en": {"high": "High", "medium": "Medium", "low": "Low", "info": "Info"},
}
_FINDING_WORDS = {
    "zh": {"evidence": "依据", "action": "建议行动", "severity": "严重程度", "source": "来源"},
    "en": {
        "evidence": "Evidence",
        "action": "Recommended action",
        "severity": "Severity",
        "source": "Source",
    },
}


def set_display_lang(lang: str) -> None:
    """Language used for number formats and labels in notebook HTML ("zh" or "en")."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    _LANG["value"] = lang


def get_display_lang() -> str:
    return _LANG["value"]


def severity_label(severity: str, lang: str = "zh") -> str:
    """Human word for a finding severity in ``lang``."""
    return _SEVERITY_LABEL.get(lang, _SEVERITY_LABEL["en"]).get(severity, severity)


def finding_word(key: str, lang: str = "zh") -> str:
    """Fixed words of a finding box ("evidence", "action", ...) in ``lang``."""
    return _FINDING_WORDS.get(lang, _FINDING_WORDS["en"])[key]


def label_colon(lang: str = "zh") -> str:
    """The colon after a label: full-width in Chinese text, ": " in English."""
    return "：" if lang == "zh" else ": "


def source_line(source: str, lang: str = "zh") -> str:
    """ "来源：核心系统" / "Source: core banking": the one wording every renderer uses."""
    return finding_word("source", lang) + label_colon(lang) + clean_text(source)


def shortened_note(lang: str, limit: int) -> str:
    """The note under a table whose long text cells were cut to `limit` characters."""
    if lang == "zh":
        return f"超过{limit}字的文字已截断（以“…”结尾）。"
    return f"Text longer than {limit} characters is shortened (ending in “…”)."
