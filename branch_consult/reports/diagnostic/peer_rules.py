"""How a playbook names the way peers are chosen, and how the report words it."""

from __future__ import annotations

from branch_consult.analysis import peers
from branch_consult.reports import labels
from branch_consult.reports.diagnostic.common import DiagnosticReport

#: playbook parameter `peer_rule` → how peers are chosen
PEER_RULES: dict[str, peers.PeerRule] = {
    "area_type+size": peers.PeerRule(same_area_type=True, size_kpi="deposits"),
    "area_type": peers.PeerRule(same_area_type=True, size_kpi=None),
    "region": peers.PeerRule(same_area_type=False, same_region=True, size_kpi=None),
    "all": peers.PeerRule(same_area_type=False, same_region=False, size_kpi=None),
}
_RULE_WORDS = {
    "area_type+size": "rule_area_size",
    "area_type": "rule_area",
    "region": "rule_region",
    "all": "rule_all",
}


def peer_rule(name: str) -> peers.PeerRule:
    """The peer rule a playbook parameter names (`area_type+size`, `area_type`, `region`, `all`)."""
    try:
        return PEER_RULES[name]
    except KeyError:
        raise ValueError(
            f"unknown peer rule {name!r}; choose one of {', '.join(PEER_RULES)}"
        ) from None


def rule_words(d: DiagnosticReport, lang: str, *, configured: bool = False) -> str:
    """How the diagnostic's peers were chosen, in words (a fallback or custom rule says so).

    `configured`: the rule the consultant chose, even when too few branches matched it.
    """
    if d.peer_group.fallback and not configured:
        return labels.text("rule_fallback", lang)
    rule = d.settings.peer_rule
    for name, known in PEER_RULES.items():
        if rule == known:
            return labels.text(_RULE_WORDS[name], lang)
    return labels.text("rule_custom", lang)
