"""The `cache` command: what the on-disk caches hold (parsed tables, computed results), and clearing them."""

from __future__ import annotations

from typing import Annotated

import typer

from branch_consult.cli.app import app


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


@app.command()
def cache(
    clear: Annotated[
        bool,
        typer.Option(
            "--clear",
            help="Remove the parsed tables and the cached results (they are rebuilt on use).",
        ),
    ] = False,
) -> None:
    """Show the size of the parsed-table cache (capped by $BRANCH_CONSULT_PARSED_CACHE_MB) and
    of the result cache; --clear empties both."""
    from branch_consult.data import parsed_cache
    from branch_consult.results.cache import default_cache_dir

    results = default_cache_dir()
    pickles = sorted(results.glob("*.pickle")) if results.is_dir() else []
    result_bytes = sum(p.stat().st_size for p in pickles if p.is_file())
    if clear:
        before = parsed_cache.clear()
        for p in pickles:
            p.unlink(missing_ok=True)
        typer.echo(
            f"removed {before.entries} parsed table(s), {_mb(before.bytes)}, from {before.folder}"
        )
        typer.echo(f"removed {len(pickles)} cached result(s), {_mb(result_bytes)}, from {results}")
        return
    now = parsed_cache.usage()
    typer.echo(
        f"parsed tables: {now.entries} in {now.folder}, {_mb(now.bytes)} of {_mb(now.cap)} "
        f"(cap: ${parsed_cache.ENV_CAP}; least recently used go first)"
    )
    typer.echo(f"results: {len(pickles)} in {results}, {_mb(result_bytes)}")
