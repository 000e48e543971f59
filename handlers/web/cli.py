"""``happytalk web``: the web chat and HTTP API alone."""

from __future__ import annotations

import sys

import click

from bot.cli import setup_logging
from config.cli import settings_or_exit


@click.command("web")
@click.option("--host", default=None, help="Address to listen on (default: HAPPYTALK_WEB_HOST, 127.0.0.1).")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=None, help="Port (default: HAPPYTALK_WEB_PORT)."
)
def web_cmd(host: str | None, port: int | None) -> None:
    """Serve the web chat page and its HTTP API (OpenAPI at /api/openapi.json)."""
    from bot.cli import _core_or_exit, _run_adapters
    from handlers.web.adapter import WebAdapter, WebStartError

    base = settings_or_exit()
    web = base.web.model_copy(
        update={k: v for k, v in (("host", host), ("port", port)) if v is not None} | {"enabled": True}
    )
    settings = base.model_copy(update={"web": web})
    setup_logging(settings)
    core = _core_or_exit(settings)
    adapter = WebAdapter(core, settings)
    try:
        _run_adapters([adapter], core)
    except WebStartError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


def register(root: click.Group) -> None:
    root.add_command(web_cmd)
