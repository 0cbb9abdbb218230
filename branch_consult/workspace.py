"""A consultant's client workspace: one folder per client, set up by `branch-consult init`.

A workspace keeps everything of one engagement outside the installed package and out
of this repository: its configuration (``branch-consult.toml``: client, consultant,
language, data, logo, brand colour, pseudonym secret, output folder), its own playbooks
(found before the built-in ones), its templates, the client's data and the deliverables.

Commands find the workspace the way git finds a repository: the folder given with
``--workspace`` (kept in ``BRANCH_CONSULT_WORKSPACE`` so a kernel started for a run
sees the same one), else the nearest folder upwards from the current directory that
holds ``branch-consult.toml``. Without one, the built-in defaults apply.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from branch_consult.errors import WorkspaceError

#: The configuration file that marks a folder as a workspace.
CONFIG_NAME = "branch-consult.toml"
#: Environment variable naming the active workspace (set by `--workspace` and by runs).
WORKSPACE_ENV = "BRANCH_CONSULT_WORKSPACE"
#: The house colour: navy, as in the built-in templates.
DEFAULT_COLOUR = "#1F3B5C"
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")

#: key -> (type, help); the order and the comments of a new configuration file.
FIELDS: dict[str, tuple[type, str]] = {
    "client": (str, "Client name on every cover, header and HTML page"),
    "consultant": (str, "Consultant or firm named on the cover"),
    "lang": (str, "Default report language: zh or en"),
    "data": (
        str,
        "Default data source: a folder, workbook or database URL (relative to this folder)",
    ),
    "out": (str, "Default output folder for deliverables (relative to this folder)"),
    "logo": (str, "Logo image (PNG or JPEG) for covers and headers (relative to this folder)"),
    "brand_colour": (str, "Brand colour #RRGGBB for title rules, table headers and HTML accents"),
    "pseudonym_secret": (
        str,
        "Secret for stable pseudonyms of customers and staff; never share it",
    ),
}


@dataclass(frozen=True)
class Workspace:
    """A client workspace on disk and its validated configuration."""

    root: Path
    client: str = ""
    consultant: str = ""
    lang: str = "zh"
    data: str = "data"
    out: str = "out"
    logo: str = ""
    brand_colour: str = DEFAULT_COLOUR
    pseudonym_secret: str = ""

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def playbooks_dir(self) -> Path:
        return self.root / "playbooks"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def path(self, value: str) -> Path:
        """A path from the configuration, relative to the workspace folder."""
        return (self.root / Path(value).expanduser()).resolve()

    def data_location(self) -> str | None:
        """The default data source: a URL as given, a local path made absolute; None if unset or empty.

        An empty ``data/`` folder (a new workspace before the extract arrives) is not a
        data source, so runs fall back to the embedded sample and say so.
        """
        if not self.data:
            return None
        if "://" in self.data:
            return self.data
        path = self.path(self.data)
        if path.is_dir() and not any(p for p in path.iterdir() if not p.name.startswith(".")):
            return None
        return str(path)

    def out_dir(self) -> Path:
        return self.path(self.out or "out")

    def logo_path(self) -> Path | None:
        if not self.logo:
            return None
        path = self.path(self.logo)
        return path if path.is_file() else None

    def reference_docx(self) -> Path | None:
        """The workspace's Word reference document, if it keeps one."""
        path = self.templates_dir / "reference.docx"
        return path if path.is_file() else None

    def html_templates(self) -> Path | None:
        """The workspace's HTML template folder (with ``consult/`` inside), if it keeps one."""
        path = self.templates_dir / "html"
        return path if (path / "consult" / "index.html.j2").is_file() else None

    def document_meta(self) -> dict[str, Any]:
        """Cover, header and branding fields the exporters read from notebook metadata."""
        meta: dict[str, Any] = {"brand_colour": self.brand_colour}
        if self.consultant:
            meta["consultant"] = self.consultant
        logo = self.logo_path()
        if logo is not None:
            meta["logo"] = str(logo)
        reference = self.reference_docx()
        if reference is not None:
            meta["reference_docx"] = str(reference)
        html_dir = self.html_templates()
        if html_dir is not None:
            meta["html_templates"] = str(html_dir)
        return meta


def load(root: str | os.PathLike[str]) -> Workspace:
    """Read and check a workspace's configuration (every problem in one message)."""
    root = Path(root).expanduser().resolve()
    config = root / CONFIG_NAME
    if not config.is_file():
        raise WorkspaceError(
            f"{root} is not a workspace: no {CONFIG_NAME} (create one with `branch-consult init {root}`)"
        )
    try:
        raw = tomllib.loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"{config}: not valid TOML ({exc})") from None
    problems = []
    for key, value in raw.items():
        if key not in FIELDS:
            problems.append(f"unknown key {key!r} (keys: {', '.join(FIELDS)})")
        elif not isinstance(value, FIELDS[key][0]):
            problems.append(
                f"{key!r} must be a {FIELDS[key][0].__name__}, not {type(value).__name__}"
            )
    if raw.get("lang", "zh") not in ("zh", "en"):
        problems.append(f"'lang' must be zh or en, not {raw['lang']!r}")
    colour = raw.get("brand_colour", DEFAULT_COLOUR)
    if isinstance(colour, str) and not _COLOUR.match(colour):
        problems.append(f"'brand_colour' must look like #1F3B5C, not {colour!r}")
    if problems:
        raise WorkspaceError(f"{config}: " + "; ".join(problems))
    return Workspace(root=root, **{k: v for k, v in raw.items() if k in FIELDS})


def find(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest folder at or above `start` (default: the current folder) holding the config."""
    here = Path(start or Path.cwd()).expanduser().resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def current() -> Workspace | None:
    """The active workspace: ``$BRANCH_CONSULT_WORKSPACE`` if set, else found from the current folder.

    This is what the pseudonymiser asks for the client's secret
    (``workspace.current().pseudonym_secret``); a kernel started by a run inherits
    the variable, so it sees the same workspace as the command that started it.
    """
    named = os.environ.get(WORKSPACE_ENV)
    if named:
        return load(named)
    found = find()
    return load(found) if found is not None else None


def activate(root: str | os.PathLike[str] | None) -> Workspace | None:
    """Make a workspace the active one for this process and the kernels it starts."""
    if root is None:
        return current()
    ws = load(root)
    os.environ[WORKSPACE_ENV] = str(ws.root)
    return ws


def pseudonym_secret() -> str | None:
    """The active workspace's pseudonym secret, or None outside a workspace."""
    ws = current()
    return ws.pseudonym_secret or None if ws is not None else None


# ------------------------------------------------------------------ creating one


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML escapes)."""
    return json.dumps(value, ensure_ascii=False)


def config_text(values: dict[str, str]) -> str:
    """The text of a configuration file: every key with its help as a comment."""
    lines = ["# branch-consult workspace configuration (see README.md in this folder)", ""]
    for key, (_, help_text) in FIELDS.items():
        lines.append(f"# {help_text}")
        lines.append(f"{key} = {_toml_string(values.get(key, ''))}")
        lines.append("")
    return "\n".join(lines)


_README = """# branch-consult workspace: {client}

This folder holds one client engagement. Run `branch-consult` commands from inside it
(or pass `--workspace {root}`); they read `branch-consult.toml` and put the client's
name, logo and colour on every deliverable.

| part | what it is for |
| --- | --- |
| `branch-consult.toml` | client, consultant, default language, data, output folder, logo, brand colour and the pseudonym secret. Private (mode 0600): the secret keeps pseudonyms stable across runs; never send it to anyone. |
| `playbooks/` | notebooks you edit or write (`branch-consult new-playbook NAME`). A playbook here wins over the built-in one of the same name; the built-in ones stay available. |
| `templates/` | `reference.docx` (Word styles, header, footer), `html/consult/` (HTML template and CSS) and the logo. Edit them to restyle every deliverable. |
| `data/` | the client's extracts: CSV, Excel or Parquet files named by table, or a workbook (see `branch-consult contract`). Check them with `branch-consult validate data`. |
| `out/` | deliverables and executed notebooks. |

Everyday use:

```bash
branch-consult validate data
branch-consult run branch_diagnostic -p branch_id B003 --lang en
branch-consult lab            # JupyterLab on this folder, data/ as the default data
```

Until `data/` holds an extract, runs use the embedded synthetic sample bank and say so
on the terminal and on the cover.
"""


def _logo_png(colour: str, size: int = 96) -> bytes:
    """A placeholder logo: a square in the brand colour (replace templates/logo.png with the real one)."""
    import struct
    import zlib

    rgb = bytes(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    row = b"\x00" + rgb * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def init(
    root: str | os.PathLike[str],
    *,
    client: str = "",
    consultant: str = "",
    lang: str = "zh",
    brand_colour: str = DEFAULT_COLOUR,
    logo: str | os.PathLike[str] | None = None,
) -> Workspace:
    """Create a workspace folder; refuses to overwrite an existing configuration.

    Copies the built-in Word reference document and HTML template into ``templates/``
    so the consultant can restyle them, and generates the pseudonym secret into a
    configuration file only its owner can read (mode 0600).
    """
    from branch_consult.resources import templates_dir

    root = Path(root).expanduser().resolve()
    config = root / CONFIG_NAME
    if config.exists():
        raise WorkspaceError(f"{config} already exists: {root} is a workspace already")
    if lang not in ("zh", "en"):
        raise WorkspaceError(f"--lang must be zh or en, not {lang!r}")
    if not _COLOUR.match(brand_colour):
        raise WorkspaceError(f"--colour must look like #1F3B5C, not {brand_colour!r}")
    if logo is not None and not Path(logo).is_file():
        raise WorkspaceError(f"--logo: no such file {logo}")
    for part in ("playbooks", "templates", "data", "out"):
        (root / part).mkdir(parents=True, exist_ok=True)
    builtin = templates_dir()
    shutil.copy2(builtin / "reference.docx", root / "templates" / "reference.docx")
    shutil.copytree(builtin / "html", root / "templates" / "html", dirs_exist_ok=True)
    if logo is not None:
        logo_name = f"logo{Path(logo).suffix.lower()}"
        shutil.copy2(logo, root / "templates" / logo_name)
    else:
        logo_name = "logo.png"
        (root / "templates" / logo_name).write_bytes(_logo_png(brand_colour))
    values = {
        "client": client,
        "consultant": consultant,
        "lang": lang,
        "data": "data",
        "out": "out",
        "logo": f"templates/{logo_name}",
        "brand_colour": brand_colour.upper(),
        "pseudonym_secret": secrets.token_hex(32),
    }
    fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(config_text(values))
    os.chmod(config, 0o600)  # whatever the umask
    readme = root / "README.md"
    if not readme.exists():
        readme.write_text(_README.format(client=client or "(client)", root=root), encoding="utf-8")
    return load(root)


# ------------------------------------------------------------------ what a run takes from it


@dataclass(frozen=True)
class RunSettings:
    """A run's inputs after the workspace's defaults, and what its deliverables show."""

    data: str | None
    params: dict[str, Any]
    lang: str | None
    meta: dict[str, Any]
    sample: bool


def run_settings(
    schema: Any,
    data: str | os.PathLike[str] | None,
    params: dict[str, Any] | None,
    lang: str | None,
) -> RunSettings:
    """Fill a run's data, language and client from the active workspace, under what the caller gave.

    Also decides what the cover says: the client's name, logo and colour; and, when
    the run reads the embedded sample bank, says so on stderr and marks the cover. The
    sample's name is used only for the sample: any other data gets the workspace's
    client, the `client` parameter, or no client at all.
    """
    import sys

    from branch_consult.resources import SAMPLE_CLIENT, is_sample_bank

    values = dict(params or {})
    ws = current()
    if ws is not None:
        os.environ[WORKSPACE_ENV] = str(
            ws.root
        )  # the kernel this run starts sees the same workspace
        if lang is None and "lang" not in values and "lang" in schema:
            lang = ws.lang
        if data is None and not values.get("data") and "data" in schema:
            located = ws.data_location()
            data = located if located is not None else None
    meta = ws.document_meta() if ws is not None else {}
    sample = "data" in schema and is_sample_bank(data if data is not None else values.get("data"))
    run_lang = str(lang or values.get("lang") or (ws.lang if ws else "zh"))
    if sample:
        meta["sample_data"] = True
        print(
            "branch-consult: no client data given: this run uses the embedded synthetic sample bank "
            "(pass --data, or put the extract in the workspace's data/ folder)",
            file=sys.stderr,
        )
    client = ws.client if ws is not None and ws.client else ""
    client = client or (SAMPLE_CLIENT.get(run_lang, SAMPLE_CLIENT["en"]) if sample else "")
    if "client" in schema:
        if not values.get("client"):
            values["client"] = client
    elif client:
        meta["client"] = (
            client  # playbooks without a client parameter still carry the cover's client
        )
    return RunSettings(
        data=None if data is None else str(data), params=values, lang=lang, meta=meta, sample=sample
    )


def default_out() -> Path:
    """Where deliverables go when `--out` is not given: the workspace's output folder, else ./out."""
    ws = current()
    return ws.out_dir() if ws is not None else Path("out")


def lab_environment(data: str | None = None) -> tuple[Path, dict[str, str]]:
    """JupyterLab's root folder and environment: the active workspace, with its data as the default.

    JupyterLab writes where it is opened (checkpoints, autosaves, figures of executed
    cells), so it is opened only on a workspace: never on the installed package or a
    checkout of this repository.
    """
    from branch_consult.resources import sample_bank_dir

    ws = current()
    if ws is None:
        raise WorkspaceError(
            "lab opens a workspace, and there is none here: create one with `branch-consult init DIR`, "
            "then run `branch-consult lab` inside it (or pass --workspace DIR)"
        )
    env = dict(os.environ)
    env[WORKSPACE_ENV] = str(ws.root)
    if data:
        located = data if "://" in data else str(Path(data).expanduser().resolve())
    else:
        located = ws.data_location() or str(sample_bank_dir())
    env["BRANCH_CONSULT_DATA"] = located
    return ws.root, env


__all__ = [
    "CONFIG_NAME",
    "DEFAULT_COLOUR",
    "FIELDS",
    "WORKSPACE_ENV",
    "Workspace",
    "WorkspaceError",
    "RunSettings",
    "activate",
    "config_text",
    "current",
    "default_out",
    "find",
    "init",
    "lab_environment",
    "load",
    "pseudonym_secret",
    "run_settings",
]
