"""Run by the system Python that has LibreOffice's `uno` module: convert documents on request.

    python3 uno_convert.py PIPE_NAME CONNECT_SECONDS

Connects to a LibreOffice listening on `--accept=pipe,name=PIPE_NAME;urp;`, then reads
one JSON request a line on stdin (``{"in": docx path, "out": pdf path}``), converts with
the filter `soffice --convert-to pdf:writer_pdf_Export` uses (document loaded hidden and
read-only, as that command loads it), closes the document, and answers one JSON line
(``{"ok": true}`` or ``{"error": "..."}``). Imports nothing of branch_consult: the
library's own interpreter usually cannot import `uno`.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def _prop(uno: Any, name: str, value: Any) -> Any:
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _answer(**reply: Any) -> None:
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


def main(pipe: str, connect_seconds: float) -> int:
    import uno  # type: ignore[import-not-found]

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + connect_seconds
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception as exc:  # not listening yet
            if time.monotonic() > deadline:
                _answer(error=f"LibreOffice did not answer on its pipe: {exc}")
                return 1
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    _answer(ready=True)
    load = (_prop(uno, "Hidden", True), _prop(uno, "ReadOnly", True))
    store = (_prop(uno, "FilterName", "writer_pdf_Export"),)
    for line in sys.stdin:
        try:
            request = json.loads(line)
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(request["in"]), "_blank", 0, load
            )
            if doc is None:
                raise RuntimeError("LibreOffice could not load the document")
            try:
                doc.storeToURL(uno.systemPathToFileUrl(request["out"]), store)
            finally:
                doc.close(True)
            _answer(ok=True)
        except Exception as exc:  # the caller converts cold instead
            _answer(error=f"{type(exc).__name__}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
