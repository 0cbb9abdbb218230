"""LaTeX formulas for deliverables: MathML for HTML (browsers draw it offline), Office Math for Word.

latex2mathml turns TeX into MathML; mathml2omml turns MathML into Office Math (OMML),
which Word and LibreOffice edit as real equations. Markdown math (``$…$`` inline,
``$$…$$`` display) is cut out before markdown parsing so TeX's ``_`` and ``*`` are never
read as emphasis.
"""

from __future__ import annotations

import re
from typing import Any

M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
#: ``$$…$$`` (may span lines), or ``$…$`` on one line, not opened by a space nor closed before a digit
#: or a word, so "$5 or $6" stays text (pandoc's rule).
_MATH = re.compile(
    r"\$\$(.+?)\$\$|(?<![\\$\w])\$(?![\s$])((?:\\\$|[^$\n])+?)(?<![\s\\])\$(?![\w$])", re.S
)
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)
#: Private-use characters that stand for a formula while markdown is parsed.
OPEN, CLOSE = "\ue000", "\ue001"
PLACEHOLDER = re.compile(f"{OPEN}(\\d+){CLOSE}")


def latex_to_mathml(latex: str, display: bool = False) -> str:
    """A <math> element for the formula (raises ValueError when the TeX cannot be read)."""
    from latex2mathml.converter import convert

    try:
        return convert(latex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds for bad TeX
        raise ValueError(f"cannot read the formula {latex[:60]!r}: {exc}") from None


def latex_to_omml(latex: str, display: bool = False) -> Any:
    """An ``m:oMath`` (inline) or ``m:oMathPara`` (display) element for a Word paragraph."""
    import mathml2omml
    from lxml import etree

    omml = mathml2omml.convert(latex_to_mathml(latex, display))
    xml = f'<m:wrap xmlns:m="{M_NS}">{omml}</m:wrap>'
    try:
        element = etree.fromstring(xml.encode("utf-8"))[0]
    except (etree.XMLSyntaxError, IndexError) as exc:
        raise ValueError(f"cannot convert the formula {latex[:60]!r} for Word: {exc}") from None
    _fix_radicals(element)
    if display:
        para = etree.Element(f"{{{M_NS}}}oMathPara")
        para.append(element)
        return para
    return element


def cut_math(source: str) -> tuple[str, list[tuple[str, bool]]]:
    """Markdown with each formula replaced by a placeholder, and the formulas (TeX, display?) in order.

    Code spans and fences are left alone: a dollar in code is not math.
    """
    formulas: list[tuple[str, bool]] = []

    def keep(match: re.Match[str]) -> str:
        display = match.group(1) is not None
        formulas.append(((match.group(1) if display else match.group(2)).strip(), display))
        return f"{OPEN}{len(formulas) - 1}{CLOSE}"

    parts = _CODE.split(source)
    return "".join(p if i % 2 else _MATH.sub(keep, p) for i, p in enumerate(parts)), formulas


def markdown_with_mathml(source: str, prefix: str = "bcmath") -> tuple[str, dict[str, str]]:
    """Markdown whose formulas are MathML (for the HTML exporter); unreadable TeX stays as code.

    Display formulas become HTML blocks. Inline formulas become plain tokens (returned
    with their MathML) that the caller swaps in after markdown rendering: markdown
    renderers take inline MathML apart tag by tag.
    """
    text, formulas = cut_math(source)
    inline: dict[str, str] = {}

    def put(match: re.Match[str]) -> str:
        latex, display = formulas[int(match.group(1))]
        try:
            mathml = latex_to_mathml(latex, display)
        except ValueError:
            return f"`{latex}`"
        if display:
            return f'\n\n<div class="bc-math">{mathml}</div>\n\n'
        token = f"{prefix}{len(inline)}x"
        inline[token] = mathml
        return token

    return PLACEHOLDER.sub(put, text), inline


def _fix_radicals(element: Any) -> None:
    """Square roots need an empty, hidden degree for Word and LibreOffice to draw them."""
    from lxml import etree

    m = f"{{{M_NS}}}"
    for rad in element.iter(f"{m}rad"):
        if rad.find(f"{m}deg") is None:
            pr = rad.find(f"{m}radPr")
            if pr is None:
                pr = etree.Element(f"{m}radPr")
                rad.insert(0, pr)
            hide = etree.SubElement(pr, f"{m}degHide")
            hide.set(f"{m}val", "1")
            pr.addnext(etree.Element(f"{m}deg"))


__all__ = ["cut_math", "latex_to_mathml", "latex_to_omml", "markdown_with_mathml"]
