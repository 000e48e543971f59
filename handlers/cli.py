"""``happytalk discord …``: publish the slash commands without starting the bot."""

from __future__ import annotations

import asyncio
import sys

import click

from bot.cli import setup_logging
from config.cli import settings_or_exit


async def _sync(token: str, guild_id: int | None, clear: bool) -> list[str]:
    import discord

    from handlers.discord_parts.client import intents
    from handlers.discord_parts.commands import build_tree
    from handlers.discord_parts.sync import sync_commands

    client = discord.Client(intents=intents())
    tree = build_tree(client)
    async with client:
        await client.login(token)
        return await sync_commands(tree, guild_id, clear=clear)


@click.group("discord")
def discord_group() -> None:
    """Discord adapter tools."""


@discord_group.command("sync")
@click.option("--guild", "guild_id", type=int, default=None, help="Sync to this guild only (instant).")
@click.option("--clear", is_flag=True, help="With --guild: remove that guild's commands instead.")
def sync_cmd(guild_id: int | None, clear: bool) -> None:
    """Publish the slash commands globally (or to one guild). Run after changing commands.

    Global commands can take a while to appear and command creation is rate-limited, so the
    bot never does this on start.
    """
    import discord

    settings = settings_or_exit()
    setup_logging(settings, "WARNING")
    if settings.discord.token is None:
        click.echo("Set HAPPYTALK_DISCORD_TOKEN first.", err=True)
        sys.exit(2)
    if clear and guild_id is None:
        click.echo("--clear needs --guild (global commands are replaced by a global sync).", err=True)
        sys.exit(2)
    try:
        names = asyncio.run(_sync(settings.discord.token.get_secret_value(), guild_id, clear))
    except discord.LoginFailure:
        click.echo("Discord refused the token (HAPPYTALK_DISCORD_TOKEN).", err=True)
        sys.exit(1)
    except discord.HTTPException as exc:
        click.echo(f"Discord refused the sync: HTTP {exc.status} {exc.text[:200]}", err=True)
        sys.exit(1)
    scope = "globally" if guild_id is None else f"to guild {guild_id}"
    click.echo(f"synced {len(names)} commands {scope}: {' '.join('/' + n for n in names)}")


def register(root: click.Group) -> None:
    root.add_command(discord_group)
