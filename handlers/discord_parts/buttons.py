"""Track buttons: persistent components whose custom id carries everything a press needs.

A custom id is ``ht:<action>:<owner id>:<issued, base 36 seconds>:<track id>`` with action
``p`` (five similar tracks), ``a`` (a clip, on tracks with audio), ``l`` (like) or ``d``
(dislike). Because the id holds the owner and the track, presses work after a restart with no
stored view; because it holds the time it was issued, old buttons expire cleanly (the press
removes them and says so).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, Literal

import discord
from discord.ui import Button, DynamicItem, LayoutView, View

from bot.types import Tracks
from handlers.discord_parts.client import client_of, guild_allowed
from handlers.layout import ButtonAction, TrackList, track_buttons
from handlers.text import clip

Action = Literal["p", "a", "l", "d"]
ACTIONS: tuple[Action, ...] = ("p", "a", "l", "d")  # one row of buttons each, in this order
CODES: dict[ButtonAction, Action] = {"similar": "p", "play": "a", "like": "l", "dislike": "d"}
TEMPLATE = r"ht:(?P<act>[pald]):(?P<owner>[0-9]{1,20}):(?P<at>[0-9a-z]{1,12}):(?P<track>.{1,64})"
MAX_CUSTOM_ID = 100
NOT_YOURS = "These suggestions were for someone else — use /chat or /recommend to get your own. 🙂"
EXPIRED = "Those suggestions have expired — use /chat or /recommend for fresh ones."
NOT_HERE = "happytalk isn't enabled in this server."
STALE = "Those buttons don't work any more — use /chat or /recommend for fresh suggestions."


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


@dataclass(frozen=True, slots=True)
class ButtonKey:
    """What a track button's custom id says."""

    act: Action
    owner_id: int
    issued_at: int
    track_id: str

    @property
    def custom_id(self) -> str:
        return f"ht:{self.act}:{self.owner_id}:{_base36(self.issued_at)}:{self.track_id}"

    @classmethod
    def parse(cls, custom_id: str) -> ButtonKey | None:
        m = re.fullmatch(TEMPLATE, custom_id)
        return None if m is None else cls._from_match(m)

    @classmethod
    def _from_match(cls, m: re.Match[str]) -> ButtonKey:
        act = next(a for a in ACTIONS if a == m["act"])
        return cls(act, int(m["owner"]), int(m["at"], 36), m["track"])


class TrackButton(DynamicItem[Button[View]], template=TEMPLATE):
    """One button under a suggestion list; see the module docstring for its custom id."""

    def __init__(self, key: ButtonKey, label: str | None = None, emoji: str | None = None) -> None:
        style = {
            "p": discord.ButtonStyle.primary,
            "a": discord.ButtonStyle.secondary,
            "l": discord.ButtonStyle.success,
            "d": discord.ButtonStyle.secondary,
        }[key.act]
        button = Button[View](label=label, emoji=emoji, style=style, custom_id=key.custom_id)
        super().__init__(button, row=ACTIONS.index(key.act))
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TrackButton:
        label = item.label if isinstance(item, Button) else None
        emoji = str(item.emoji) if isinstance(item, Button) and item.emoji else None
        return cls(ButtonKey._from_match(match), label=label, emoji=emoji)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        client = client_of(interaction)
        if not guild_allowed(client.settings, interaction.guild_id):
            await interaction.response.send_message(NOT_HERE, ephemeral=True)
            return False
        if interaction.user.id != self.key.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return False
        ttl_s = client.settings.discord.buttons_ttl_hours * 3600
        if time.time() - self.key.issued_at > ttl_s:
            await interaction.response.edit_message(view=None)
            await interaction.followup.send(EXPIRED, ephemeral=True)
            return False
        return True

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await client_of(interaction).answer_press(interaction, self.key)


def track_view(tracks: Tracks | TrackList, owner_id: int, now: float | None = None) -> View | None:
    """A row of numbered track buttons, a row of ▶ for the tracks with audio, a row of 👍 and a row
    of 👎 (``None`` if no ids fit)."""
    issued = int(time.time() if now is None else now)
    buttons = tracks.buttons if isinstance(tracks, TrackList) else track_buttons(tracks)
    view = View(timeout=None)
    for button in sorted(buttons, key=lambda b: ACTIONS.index(CODES[b.action])):
        n, act = button.number, CODES[button.action]
        key = ButtonKey(act, owner_id, issued, button.track.id)
        if len(key.custom_id) > MAX_CUSTOM_ID or ButtonKey.parse(key.custom_id) != key:
            continue
        if act == "p":
            view.add_item(TrackButton(key, label=clip(f"{n}. {button.track.title}", 80)))
        elif act == "a":
            view.add_item(TrackButton(key, label=f"▶ {n}"))
        else:
            view.add_item(TrackButton(key, label=str(n), emoji="👍" if act == "l" else "👎"))
    return view if view.children else None


async def refuse_unknown_press(interaction: discord.Interaction[Any]) -> None:
    """Answer a press that no :class:`TrackButton` takes, which discord.py drops unanswered (and
    Discord then shows "This interaction failed"): a custom id of another format, e.g. from an older
    version, or one that is not on the pressed message."""
    if interaction.type is not discord.InteractionType.component:
        return
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id, kind = str(data.get("custom_id", "")), data.get("component_type")
    if ButtonKey.parse(custom_id) is not None and _on_message(interaction.message, kind, custom_id):
        return  # a TrackButton answers it
    allowed = guild_allowed(client_of(interaction).settings, interaction.guild_id)
    await interaction.response.send_message(STALE if allowed else NOT_HERE, ephemeral=True)


def _on_message(message: discord.Message | None, kind: object, custom_id: str) -> bool:
    """Whether ``message`` has the pressed component: discord.py dispatches dynamic items only then."""
    if message is None:
        return False
    view_cls = LayoutView if message.flags.components_v2 else View
    view = view_cls.from_message(message, timeout=None)
    items = view.walk_children()
    return any(i.type.value == kind and getattr(i, "custom_id", None) == custom_id for i in items)
