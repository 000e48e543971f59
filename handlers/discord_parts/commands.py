"""The slash commands: each turns its options into one core call and answers with the events."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice

from bot.types import LANG_SETTINGS, REPLY_MODES, UserMessage
from config import EMOTIONS
from handlers.discord_parts.buttons import NOT_HERE
from handlers.discord_parts.client import PLATFORM, client_of, guild_allowed, user_ref
from handlers.discord_parts.delivery import SORRY, answer, tell
from handlers.discord_parts.listening import listen
from handlers.discord_parts.sync import sync_commands

log = logging.getLogger(__name__)

EMOTION_CHOICES = [Choice(name=e, value=e) for e in EMOTIONS]
Inter = discord.Interaction[Any]


@app_commands.command(description="Talk to me: I'll answer, read your mood and suggest five tracks.")
@app_commands.describe(text="What's on your mind?")
async def chat(interaction: Inter, text: str) -> None:
    core = client_of(interaction).core
    msg = UserMessage(
        PLATFORM,
        str(interaction.user.id),
        str(interaction.channel_id or interaction.user.id),
        text,
        message_id=str(interaction.id),
    )
    await answer(interaction, lambda: core.handle(msg), ephemeral=False)


@app_commands.command(description="Five tracks for a mood (default: your latest mood).")
@app_commands.describe(emotion="The mood to match")
@app_commands.choices(emotion=EMOTION_CHOICES)
async def recommend(interaction: Inter, emotion: str | None = None) -> None:
    core, user = client_of(interaction).core, user_ref(interaction.user)
    await answer(interaction, lambda: core.recommend(user, emotion), ephemeral=False)


@app_commands.command(description="Five tracks similar to one of my last suggestions.")
@app_commands.describe(number="Which suggestion (1-5) from my last list")
async def similar(interaction: Inter, number: app_commands.Range[int, 1, 5]) -> None:
    core = client_of(interaction).core
    msg = UserMessage(
        PLATFORM,
        str(interaction.user.id),
        str(interaction.channel_id or interaction.user.id),
        f"/similar {number}",
        message_id=str(interaction.id),
    )
    await answer(interaction, lambda: core.handle(msg), ephemeral=False)


@app_commands.command(description="How I answer you: auto, text, voice messages, or both.")
@app_commands.describe(mode="auto (a voice message when you sent one), text, voice or both")
@app_commands.choices(mode=[Choice(name=m, value=m) for m in REPLY_MODES])
async def voice(interaction: Inter, mode: str) -> None:
    core, user = client_of(interaction).core, user_ref(interaction.user)
    await answer(interaction, lambda: core.set_reply_mode(user, mode), ephemeral=True)


@app_commands.command(description="Which language I answer in.")
@app_commands.describe(language="auto follows the language you write in")
@app_commands.choices(language=[Choice(name=code, value=code) for code in LANG_SETTINGS])
async def lang(interaction: Inter, language: str) -> None:
    core, user = client_of(interaction).core, user_ref(interaction.user)
    await answer(interaction, lambda: core.set_lang(user, language), ephemeral=True)


@app_commands.command(description="A chart of your moods over the last week or month.")
@app_commands.describe(period="week (the default) or month")
@app_commands.choices(period=[Choice(name=p, value=p) for p in ("week", "month")])
async def mood(interaction: Inter, period: str = "week") -> None:
    core, user = client_of(interaction).core, user_ref(interaction.user)
    await answer(interaction, lambda: core.mood(user, period), ephemeral=True)


@app_commands.command(description="A short melody in a mood (default: your latest mood).")
@app_commands.describe(emotion="The mood of the melody")
@app_commands.choices(emotion=EMOTION_CHOICES)
async def compose(interaction: Inter, emotion: str | None = None) -> None:
    core, user = client_of(interaction).core, user_ref(interaction.user)
    await answer(interaction, lambda: core.compose(user, emotion), ephemeral=False)


@app_commands.command(name="help", description="What I can do.")
async def help_(interaction: Inter) -> None:
    core, user = client_of(interaction).core, user_ref(interaction.user)
    await answer(interaction, lambda: core.help(user), ephemeral=True)


async def _owner_or_admin(interaction: Inter) -> bool:
    client = client_of(interaction)
    if client.core.access.is_admin(user_ref(interaction.user)):
        return True
    app = client.application
    owners = set() if app is None else {app.owner.id} | {m.id for m in (app.team.members if app.team else [])}
    if interaction.user.id in owners:
        return True
    raise app_commands.CheckFailure("/sync is for the bot's owner and admins only.")


@app_commands.command(description="Publish the slash commands globally (owner only).")
@app_commands.default_permissions(administrator=True)
@app_commands.check(_owner_or_admin)
async def sync(interaction: Inter) -> None:
    tree = client_of(interaction).tree
    await interaction.response.defer(thinking=True, ephemeral=True)
    names = await sync_commands(tree, None)
    log.info("synced %d commands globally", len(names))
    await interaction.followup.send(
        f"Synced {len(names)} commands globally: {', '.join('/' + n for n in names)}. "
        "Discord may take a few minutes to show changes.",
        ephemeral=True,
    )


COMMANDS: tuple[app_commands.Command[Any, ..., None], ...] = (
    chat,
    listen,
    recommend,
    similar,
    voice,
    lang,
    mood,
    compose,
    help_,
    sync,
)


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
    """All commands, usable in servers, in DMs with the bot and in group DMs (guild or user install)."""
    tree = HappyTree(
        client,
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
        allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
    )
    for command in COMMANDS:
        tree.add_command(command)
    return tree
