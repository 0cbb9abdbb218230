"""Rich display objects for playbooks: tables, figures, findings, scorecards, callouts.

Split by concern: `models` (the pydantic objects and their payload contract), `html`
(their notebook HTML), `words` (fixed words in zh/en, the display language), `css`
(the inline stylesheet).  Import the public names from here: `branch_consult.display`.
"""

from branch_consult.display.models import (
    PAYLOAD_MIME,
    PLOTLY_MIME,
    Callout,
    CalloutStyle,
    Cell,
    Column,
    Figure,
    Finding,
    Scorecard,
    Severity,
    Status,
    Table,
    Tile,
    from_payload,
    to_cell,
)
from branch_consult.display.words import (
    finding_word,
    get_display_lang,
    label_colon,
    set_display_lang,
    severity_label,
    source_line,
)

__all__ = [
    "PAYLOAD_MIME",
    "PLOTLY_MIME",
    "Callout",
    "Column",
    "Figure",
    "Finding",
    "Scorecard",
    "Table",
    "Tile",
    "finding_word",
    "from_payload",
    "get_display_lang",
    "label_colon",
    "set_display_lang",
    "severity_label",
    "source_line",
    "to_cell",
    "CalloutStyle",
    "Cell",
    "Severity",
    "Status",
]
