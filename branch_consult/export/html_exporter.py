"""Executed playbook -> self-contained HTML deliverable (nbconvert exporter `consult_html`).

Extends nbconvert's `lab` template with a cover, a table of contents, print CSS and a
provenance footer, hides code, honours the Jupyter cell tags, and renders plotly
figures itself: nbconvert silently drops plotly >= 6 MIME bundles, and a deliverable
must work offline, so plotly.js is embedded once per file (or, for a batch, shared as
`plotly.min.js` beside the reports).
"""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown import markdown2html_mistune
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Enum, List, Unicode, default

from branch_consult.export.document import complete_meta
from branch_consult.export.math import markdown_with_mathml
from branch_consult.export.outline import number_outline, plan_outline
from branch_consult.export.preprocessors import consult_preprocessors
from branch_consult.resources import templates_dir

BC_MIME = "application/vnd.branch-consult+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLYJS_FILENAME = "plotly.min.js"
_PLOTLYJS_MARKER = "<!--bc:plotlyjs-->"
TEMPLATE_BASEDIR = templates_dir() / "html"

_HEADING = re.compile(r"<h([1-3])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]+>")

_LABELS = {
    "zh": {
        "contents": "目录",
        "client": "客户",
        "branch": "网点",
        "period": "报告期",
        "date": "编制日期",
        "generated": "生成时间",
        "version": "版本",
        "data": "数据指纹",
        "playbook": "模板",
        "confidential": "内部资料，请勿外传",
        "consultant": "顾问",
        "sample": "数据：内置合成示例数据（非客户数据）",
    },
    "en": {
        "contents": "Contents",
        "client": "Client",
        "branch": "Branch",
        "period": "Period",
        "date": "Prepared",
        "generated": "Generated",
        "version": "Version",
        "data": "Data fingerprint",
        "playbook": "Playbook",
        "confidential": "Confidential",
        "consultant": "Consultant",
        "sample": "Data: the embedded synthetic sample bank, not client data",
    },
}


def labels(lang: str) -> dict[str, str]:
    """Fixed words of the report chrome in the report's language."""
    return _LABELS.get(lang, _LABELS["en"])


def bc_text(value: Any) -> str:
    """Template filter: untrusted text -> HTML text (control characters dropped, escaped)."""
    from branch_consult.formats import clean_text

    return html.escape(clean_text(value), quote=True)


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no `</script>`, `<!--` or line separators."""
    text = json.dumps(
        value, ensure_ascii=False, allow_nan=False, default=str, separators=(",", ":")
    )
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def plotly_div(
    figure: dict[str, Any], div_id: str, *, width: int | None = None, height: int | None = None
) -> str:
    """A div plus the `Plotly.newPlot` call that draws `figure` into it (plotly.js loaded elsewhere)."""
    from branch_consult.charts import compact_layout

    figure = compact_layout(figure)
    fig = {"data": figure.get("data", []), "layout": dict(figure.get("layout", {}) or {})}
    # The report column decides the width (responsive); a fixed pixel width would overflow A4.
    fig["layout"].pop("width", None)
    fig["layout"]["autosize"] = True
    if height and "height" not in fig["layout"]:
        fig["layout"]["height"] = height
    config = {"responsive": True, "displayModeBar": False, "staticPlot": False}
    config.update(figure.get("config", {}) or {})
    h = int(fig["layout"].get("height") or 420)
    style = f"height:{h}px;width:100%;" + (f"max-width:{int(width)}px;" if width else "")

    safe_id = html.escape(div_id, quote=True)
    return (
        f'<div class="bc-plotly" id="{safe_id}" style="{style}"></div>'
        f'<script type="text/javascript">(function(){{var el=document.getElementById({script_json(div_id)});'
        f"if(window.Plotly){{Plotly.newPlot(el,{script_json(fig['data'])},{script_json(fig['layout'])},"
        f"{script_json(config)});}}}})();</script>"
    )


def figure_block(payload: dict[str, Any], div_id: str, lang: str = "en") -> str:
    """A library Figure payload as a captioned figure with its source line ("Source: …")."""
    from branch_consult.display import source_line

    caption = payload.get("caption") or ""
    source = payload.get("source")
    parts = ['<figure class="bc-figure">']
    if caption:
        parts.append(f'<figcaption class="bc-caption">{bc_text(caption)}</figcaption>')
    parts.append(
        plotly_div(
            payload.get("figure") or {},
            div_id,
            width=payload.get("width"),
            height=payload.get("height"),
        )
    )
    if source:
        parts.append(f'<div class="bc-source">{bc_text(source_line(source, lang))}</div>')
    parts.append("</figure>")
    return "".join(parts)


class ConsultOutputsPreprocessor(Preprocessor):
    """Reduce each output to what the deliverable shows and collect the table of contents.

    - library figures and bare plotly bundles become an offline plotly div;
    - other library objects keep their escaped `text/html`;
    - stderr streams and errors are dropped unless `keep_stderr`;
    - code cells left with nothing to show are removed, so no empty boxes remain.
    """

    keep_stderr = Bool(False, help="Keep stderr streams (warnings) in the deliverable.").tag(
        config=True
    )
    drop_empty_code_cells = Bool(
        True, help="Remove code cells without outputs (code is hidden)."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        lang = (resources.get("consult") or {}).get("lang") or "en"
        counter = itertools.count(1)
        needs_plotly = False
        toc: list[dict[str, Any]] = []
        math: dict[str, str] = {}
        first_heading_cell = None
        kept = []
        for cell in nb.cells:
            if cell.cell_type == "code":
                outputs = []
                for output in cell.get("outputs", []):
                    if (
                        output.get("output_type") == "stream"
                        and output.get("name") == "stderr"
                        and not self.keep_stderr
                    ):
                        continue
                    if output.get("output_type") == "error" and not self.keep_stderr:
                        continue
                    data = output.get("data")
                    if data is not None:
                        payload = data.get(BC_MIME)
                        table = None if isinstance(payload, dict) else _foreign_table(data)
                        if (
                            table is not None
                        ):  # a DataFrame: the same typed Table the Word exporter draws
                            data = {"text/html": table.to_html(lang)}
                        elif "text/latex" in data and not any(k.startswith("image/") for k in data):
                            data = {"text/html": _latex_html(data["text/latex"])}
                        elif isinstance(payload, dict) and payload.get("kind") == "figure":
                            data = {
                                "text/html": figure_block(payload, f"bc-fig-{next(counter)}", lang)
                            }
                            needs_plotly = True
                        elif isinstance(payload, dict) and "text/html" in data:
                            data = {"text/html": _library_html(payload, lang) or data["text/html"]}
                        elif PLOTLY_MIME in data:
                            data = {
                                "text/html": '<figure class="bc-figure">'
                                + plotly_div(data[PLOTLY_MIME], f"bc-fig-{next(counter)}")
                                + "</figure>"
                            }
                            needs_plotly = True
                        elif "image/gif" in data and not {"image/png", "image/jpeg"} & set(data):
                            gif = (
                                "".join(data["image/gif"])
                                if isinstance(data["image/gif"], list)
                                else data["image/gif"]
                            )
                            data = {
                                "text/html": f'<img src="data:image/gif;base64,{gif.strip()}" alt="">'
                            }  # nbconvert drops GIF
                        else:
                            data = {k: v for k, v in data.items() if k != BC_MIME}
                        output["data"] = data
                        if "text/markdown" in data and "text/html" not in data:
                            toc.extend(_headings(data["text/markdown"]))
                    outputs.append(output)
                cell["outputs"] = outputs
                if not outputs and self.drop_empty_code_cells:
                    continue
            elif cell.cell_type == "markdown":
                if not toc:
                    first_heading_cell = cell
                toc.extend(_headings(cell.source))
                if "$" in cell.source:  # MathML: drawn offline by the browser
                    cell.source, inline = markdown_with_mathml(cell.source, f"bcmath{len(math)}n")
                    math.update(inline)
            kept.append(cell)
        nb.cells = kept
        consult = resources.setdefault("consult", {})
        consult["math"] = math
        consult["needs_plotly"] = needs_plotly
        title = (consult.get("meta") or {}).get("title")
        consult["toc"], consult["outline_base"] = _numbered_toc(toc, title)
        if (
            first_heading_cell is not None
            and plan_outline([(h["level"], h["text"]) for h in toc], title).title_index == 0
        ):
            # the notebook's own title heading: the cover shows it already (as in Word)
            first_heading_cell.source = re.sub(
                r"(?m)^[ ]{0,3}#[ \t]+.*$\n?", "", first_heading_cell.source, count=1
            )
        return nb, resources


def _foreign_table(data: dict[str, Any]) -> Any:
    """A DataFrame output (data-resource or HTML table) as a display Table, else None."""
    from branch_consult.export.items import DATA_RESOURCE_MIME, data_resource_table, html_table

    if DATA_RESOURCE_MIME in data:
        return data_resource_table(data[DATA_RESOURCE_MIME])
    html_text = data.get("text/html")
    if html_text is not None and not any(k.startswith("image/") for k in data):
        return html_table("".join(html_text) if isinstance(html_text, list) else str(html_text))
    return None


def _latex_html(value: Any) -> str:
    """A text/latex output as MathML (TeX that cannot be read stays visible as code)."""
    from branch_consult.export.math import latex_to_mathml

    latex = ("".join(value) if isinstance(value, list) else str(value)).strip().strip("$").strip()
    try:
        return f'<div class="bc-math">{latex_to_mathml(latex, display=True)}</div>'
    except ValueError:
        return f"<pre>{html.escape(latex)}</pre>"


def _library_html(payload: dict[str, Any], lang: str) -> str | None:
    """A display payload rendered again in the report's language (None if it does not validate).

    The notebook's own ``text/html`` was rendered in the kernel's display language and
    by the library version that ran it; rendering from the payload keeps the deliverable
    consistent with the Word document (same formats, same "Source:" lines).
    """
    from pydantic import ValidationError

    from branch_consult.display import from_payload

    try:
        return from_payload(payload).to_html(lang)
    except (ValueError, ValidationError, TypeError):
        return None


def _numbered_toc(toc: list[dict[str, Any]], title: str | None) -> tuple[list[dict[str, Any]], int]:
    """Contents entries with outline levels and numbers, by the rule the Word exporter uses."""
    outline = plan_outline([(h["level"], h["text"]) for h in toc], title)
    entries = [
        dict(h, outline=outline.level(h["level"]))
        for i, h in enumerate(toc)
        if i != outline.title_index
    ]
    for entry, number in zip(entries, number_outline([e["outline"] for e in entries]), strict=True):
        entry["number"] = number
    return entries, outline.base


def _headings(markdown: str) -> list[dict[str, Any]]:
    """Level, id and text of h1-h3 headings, with the ids nbconvert itself gives them."""
    if "#" not in markdown and "---" not in markdown and "===" not in markdown:
        return []
    rendered = markdown2html_mistune(markdown)
    found = []
    for level, anchor, inner in _HEADING.findall(rendered):
        text = html.unescape(
            _TAG.sub("", re.sub(r"<a class=\"anchor-link\".*?</a>", "", inner, flags=re.S))
        )
        found.append({"level": int(level), "id": html.unescape(anchor), "text": text.strip()})
    return found


class ConsultHTMLExporter(HTMLExporter):
    """HTML deliverable: cover, contents, hidden code, offline plotly, provenance footer."""

    export_from_notebook = "Consulting report (HTML)"

    plotlyjs = Enum(
        ["inline", "shared"],
        default_value="inline",
        help="'inline' embeds plotly.js once per file (~4.7 MB, fully offline); 'shared' links "
        "plotly.min.js beside the report (write it with write_shared_plotlyjs).",
    ).tag(config=True)
    toc_levels = List(
        [1, 2],
        help="Outline levels listed in the table of contents (1 = sections; the "
        "shallowest markdown heading level in the report, as in Word).",
    ).tag(config=True)
    lang = Unicode(
        "", help="Report language (zh|en); default: notebook metadata branch_consult.lang."
    ).tag(config=True)

    @default("template_name")
    def _template_name_default(self) -> str:
        return "consult"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATE_BASEDIR)]

    @default("embed_images")
    def _embed_images_default(self) -> bool:
        return True  # markdown images next to the notebook go inside the one-file report

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    def default_filters(self):
        yield from super().default_filters()
        yield ("bc_text", bc_text)

    def _create_environment(self):
        environment = super()._create_environment()
        # a new exporter per document: its templates compiled once per process, not per export
        environment.bytecode_cache = _COMPILED_TEMPLATES.setdefault(
            bool(self.enable_async), _CompiledTemplates()
        )
        return environment

    def _init_preprocessors(self) -> None:
        super()._init_preprocessors()
        for pre in consult_preprocessors(parent=self):  # the chain the Word exporter runs too
            self.register_preprocessor(pre, enabled=True)
        self.register_preprocessor(
            ConsultOutputsPreprocessor(drop_empty_code_cells=self.exclude_input, parent=self),
            enabled=True,
        )

    def from_notebook_node(self, nb, resources=None, **kw):
        meta = complete_meta(nb)
        lang = self.lang or meta.get("lang") or "en"
        resources = dict(resources or {})
        resources["consult"] = {
            "meta": meta,
            "logo": _logo_data_uri(meta.get("logo")),
            "brand_colour": meta.get("brand_colour")
            if re.fullmatch(r"#[0-9A-Fa-f]{6}", str(meta.get("brand_colour") or ""))
            else "",
            "lang": lang,
            "labels": labels(lang),
            "provenance": meta.get("provenance") or {},
            "plotlyjs": self.plotlyjs,
            "toc_levels": list(self.toc_levels),
        }
        self.language_code = "zh" if lang == "zh" else "en"
        if meta.get(
            "title"
        ):  # the browser tab and bookmarks say the report's title, not "Notebook"
            from branch_consult.formats import clean_text

            resources["metadata"] = {
                **dict(resources.get("metadata") or {}),
                "name": clean_text(str(meta["title"])),
            }
        output, resources = super().from_notebook_node(nb, resources, **kw)
        if resources["consult"].get("needs_plotly"):
            if self.plotlyjs == "shared":
                tag = f'<script type="text/javascript" src="{PLOTLYJS_FILENAME}"></script>'
            else:
                tag = f'<script type="text/javascript">{_plotlyjs()}</script>'
            output = output.replace(_PLOTLYJS_MARKER, tag, 1)
        for token, mathml in (resources["consult"].get("math") or {}).items():
            output = output.replace(token, mathml)
        return output.replace(_PLOTLYJS_MARKER, "", 1), resources


class _CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates kept in memory for the process.

    Jinja keys them by template name and file and checks the source's checksum on load,
    so an edited template (or a workspace's own) is compiled again; the code run is the
    same as a fresh compile's, so the report is too.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


#: per `enable_async` (compiled differently)
_COMPILED_TEMPLATES: dict[bool, _CompiledTemplates] = {}

_PLOTLYJS_CACHE: list[str] = []


def _plotlyjs() -> str:
    """The installed plotly package's plotly.js bundle (read once per process)."""
    if not _PLOTLYJS_CACHE:
        from plotly.offline import get_plotlyjs

        _PLOTLYJS_CACHE.append(get_plotlyjs())
    return _PLOTLYJS_CACHE[0]


def write_shared_plotlyjs(folder: str | Path) -> Path:
    """Write `plotly.min.js` into `folder` (for reports exported with plotlyjs='shared')."""
    folder = Path(folder)
    target = folder / PLOTLYJS_FILENAME
    if not target.exists():
        tmp = folder / f".{PLOTLYJS_FILENAME}.tmp"
        tmp.write_text(_plotlyjs(), encoding="utf-8")
        shutil.move(str(tmp), str(target))
    return target


def _logo_data_uri(path: Any) -> str:
    """The client's logo inlined as a data URI (the deliverable is one offline file); "" if unusable."""
    import base64

    if not path:
        return ""
    kinds = {
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".gif": "image/gif",
        ".svg": "image/svg+xml",
    }
    kind = kinds.get(Path(str(path)).suffix.lower())
    try:
        data = Path(str(path)).read_bytes()
    except OSError:
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}" if kind else ""


def notebook_to_html(nb, *, plotlyjs: str = "inline", lang: str | None = None) -> str:
    """Export an executed notebook to the HTML deliverable (string).

    A workspace's own template folder (metadata ``html_templates``) is searched first.
    """
    meta = (nb.get("metadata") or {}).get("branch_consult") or {}
    own = meta.get("html_templates")
    extra = (
        {"extra_template_basedirs": [str(own), str(TEMPLATE_BASEDIR)]}
        if own and Path(str(own), "consult", "index.html.j2").is_file()
        else {}
    )
    exporter = ConsultHTMLExporter(plotlyjs=plotlyjs, lang=lang or "", **extra)
    body, _ = exporter.from_notebook_node(nb)
    return body
