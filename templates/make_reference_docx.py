"""Rebuild templates/reference.docx (the Word styles, page set-up, header and footer).

Usage: python templates/make_reference_docx.py [OUTPUT]
A firm may replace the generated file with its own reference document, keeping the
style names and the header/footer placeholders described in
branch_consult/export/docx_reference.py.
"""

import sys
from pathlib import Path

from branch_consult.export.docx_reference import build_reference

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("reference.docx")
    print(build_reference(target))
