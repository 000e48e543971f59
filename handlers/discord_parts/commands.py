"""The slash commands, generated from the command registry (``bot.commands``): names, descriptions,
options, choices and who may run them come from there; each operation is bound here to the core
call that answers it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice

from bot.commands import CommandSpec, Operation, available
from bot.texts import SORRY
from handlers.discord_parts.buttons import NOT_HERE
from handlers.discord_parts.client import DISCORD, client_of, guild_allowed, message_of
from handlers.discord_parts.delivery import answer, tell
from handlers.discord_parts.listening import listen_callback
from handlers.discord_parts.sync import sync_commands

log = logging.getLogger(__name__)

Inter = discord.Interaction[Any]
Callback = Callable[..., Coroutine[Any, Any, None]]


def _chat(spec: CommandSpec) -> Callback:
    async def chat(interaction: Inter, text: str) -> None:
        core = client_of(interaction).core
        msg = message_of(interaction, text)
        await answer(interaction, lambda: core.handle(msg), ephemeral=spec.private)

    return chat


def _numbered(spec: CommandSpec) -> Callback:
    """``/similar N``, ``/play N``: the typed command, so the core resolves N against the last list."""

    async def numbered(interaction: Inter, number: app_commands.Range[int, 1, 5]) -> None:
        core = client_of(interaction).core
        msg = message_of(interaction, f"/{spec.name} {number}")
        await answer(interaction, lambda: core.handle(msg), ephemeral=spec.private)

    return numbered


def _recommend(spec: CommandSpec) -> Callback:
    async def recommend(interaction: Inter, emotion: str | None = None) -> None:
        core, user = client_of(interaction).core, DISCORD.user(interaction.user.id)
        await answer(interaction, lambda: core.recommend(user, emotion), ephemeral=spec.private)

    return recommend


def _compose(spec: CommandSpec) -> Callback:
    async def compose(interaction: Inter, emotion: str | None = None) -> None:
        core, user = client_of(interaction).core, DISCORD.user(interaction.user.id)
        await answer(interaction, lambda: core.compose(user, emotion), ephemeral=spec.private)

    return compose


def _reply_mode(spec: CommandSpec) -> Callback:
    async def voice(interaction: Inter, mode: str) -> None:
        core, user = client_of(interaction).core, DISCORD.user(interaction.user.id)
        await answer(interaction, lambda: core.set_reply_mode(user, mode), ephemeral=spec.private)

    return voice


def _lang(spec: CommandSpec) -> Callback:
    async def lang(interaction: Inter, language: str) -> None:
        core, user = client_of(interaction).core, DISCORD.user(interaction.user.id)
        await answer(interaction, lambda: core.set_lang(user, language), ephemeral=spec.private)

    return lang


def _mood(spec: CommandSpec) -> Callback:
    async def mood(interaction: Inter, period: str = "week") -> None:
        core, user = client_of(interaction).core, DISCORD.user(interaction.user.id)
        await answer(interaction, lambda: core.mood(user, period), ephemeral=spec.private)

    return mood


def _help(spec: CommandSpec) -> Callback:
    async def help_(interaction: Inter) -> None:
        core, user = client_of(interaction).core, DISCORD.user(interaction.user.id)
        await answer(interaction, lambda: core.help(user), ephemeral=spec.private)

    return help_


def _sync(spec: CommandSpec) -> Callback:
    async def sync(interaction: Inter) -> None:
        tree = client_of(interaction).tree
        await interaction.response.defer(thinking=True, ephemeral=spec.private)
        names = await sync_commands(tree, None)
        log.info("synced %d commands globally", len(names))
        await interaction.followup.send(
            f"Synced {len(names)} commands globally: {', '.join('/' + n for n in names)}. "
            "Discord may take a few minutes to show changes.",
            ephemeral=spec.private,
        )

    return sync


BINDINGS: dict[Operation, Callable[[CommandSpec], Callback]] = {
    "chat": _chat,
    "listen": listen_callback,
    "similar": _numbered,
    "play": _numbered,
    "recommend": _recommend,
    "compose": _compose,
    "reply_mode": _reply_mode,
    "lang": _lang,
    "mood": _mood,
    "help": _help,
    "sync": _sync,
}


async def _owner_or_admin(interaction: Inter) -> bool:
    client = client_of(interaction)
    if client.core.access.is_admin(DISCORD.user(interaction.user.id)):
        return True
    app = client.application
    owners = set() if app is None else {app.owner.id} | {m.id for m in (app.team.members if app.team else [])}
    if interaction.user.id in owners:
        return True
    name = interaction.command.name if interaction.command else "this command"
    raise app_commands.CheckFailure(f"/{name} is for the bot's owner and admins only.")


def app_command(spec: CommandSpec) -> app_commands.Command[Any, ..., None]:
    """The slash command for ``spec``: its binding, with the registry's descriptions and choices."""
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=spec.name, description=spec.help_en, callback=BINDINGS[spec.operation](spec)
    )
    app_commands.describe(**{arg.name: arg.help for arg in spec.args})(command)
    choices = {a.name: [Choice(name=c, value=c) for c in a.choices] for a in spec.args if a.choices}
    if choices:
        app_commands.choices(**choices)(command)
    if spec.role == "admin":
        command.default_permissions = discord.Permissions(administrator=True)
        command.add_check(_owner_or_admin)
    return command


class HappyTree(app_commands.CommandTree[discord.Client]):
    """The command tree: guild allow-list check and one polite, logged error answer."""

    async def interaction_check(self, interaction: Inter, /) -> bool:
        if guild_allowed(client_of(interaction).settings, interaction.guild_id):
            return True
        await interaction.response.send_message(NOT_HERE, ephemeral=True)
        return False

    async def on_error(self, interaction: Inter, error: app_commands.AppCommandError, /) -> None:
        name = interaction.command.name if interaction.command else "?"
        if isinstance(error, app_commands.CheckFailure):
            text = str(error) or "You can't use this command here."
            log.info("/%s refused for a user: %s", name, text)
        else:
            original = getattr(error, "original", error)
            log.error("/%s failed: %s", name, type(original).__name__, exc_info=original)
            text = SORRY
        await tell(interaction, text)


def build_tree(client: discord.Client) -> HappyTree:
    """Every command the registry makes available on Discord, usable in servers, in DMs with the
    bot and in group DMs (guild or user install)."""
    tree = HappyTree(
        client,
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
        allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
    )
    for spec in available(DISCORD.platform, admin=True):
        tree.add_command(app_command(spec))
    return tree
