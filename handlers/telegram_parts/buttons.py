"""Inline track buttons whose callback data carries a short track id and a signed owner check.

Callback data is ``<action>|<track id>|<check>``: action ``p`` (five similar tracks), ``a``
(play a clip), ``l`` (like) or ``d`` (dislike); the check is an HMAC of the action, track id
and the Telegram user the suggestions were made for, keyed by a secret derived from the bot
token. So a press needs no stored state, works after a restart and on any replica, and a press
by anyone else in a group is recognised. Titles never travel: the data stays under 64 bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.types import Tracks
from handlers.layout import ButtonAction, track_buttons
from handlers.text import clip

Action = Literal["p", "a", "l", "d"]
ACTIONS: tuple[Action, ...] = ("p", "a", "l", "d")
CODES: dict[ButtonAction, Action] = {"similar": "p", "play": "a", "like": "l", "dislike": "d"}
MAX_CALLBACK_BYTES = 64
CHECK_CHARS = 10
LIKE, DISLIKE, CHOSEN = "👍", "👎", "✅"


@dataclass(frozen=True, slots=True)
class Press:
    """A verified button press."""

    act: Action
    track_id: str


class ButtonSigner:
    """Makes and checks callback data; ``secret`` never appears in the data."""

    def __init__(self, secret: str) -> None:
        self._key = hmac.new(secret.encode(), b"happytalk/telegram/buttons", hashlib.sha256).digest()

    def __repr__(self) -> str:
        return "ButtonSigner()"

    def _check(self, act: str, track_id: str, owner_id: int) -> str:
        mac = hmac.new(self._key, f"{act}|{track_id}|{owner_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode()[:CHECK_CHARS]

    def data(self, act: Action, track_id: str, owner_id: int) -> str | None:
        """Callback data for ``act`` on ``track_id`` offered to ``owner_id``; ``None`` if too long."""
        if "|" in track_id:
            return None
        data = f"{act}|{track_id}|{self._check(act, track_id, owner_id)}"
        return data if len(data.encode()) <= MAX_CALLBACK_BYTES else None

    def verify(self, data: str | None, presser_id: int) -> Press | None:
        """The press if ``data`` was issued to ``presser_id``; ``None`` for anything else."""
        parsed = split(data)
        if parsed is None:
            return None
        act, track_id, check = parsed
        if not hmac.compare_digest(check, self._check(act, track_id, presser_id)):
            return None
        return Press(act, track_id)


def split(data: str | None) -> tuple[Action, str, str] | None:
    """``(action, track id, check)`` of well-formed callback data, unverified."""
    parts = (data or "").split("|")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        return None
    act = next((a for a in ACTIONS if a == parts[0]), None)
    return None if act is None else (act, parts[1], parts[2])


def track_keyboard(tracks: Tracks, owner_id: int, signer: ButtonSigner) -> InlineKeyboardMarkup | None:
    """One row per track: ``N. title`` (similar), ``▶ play`` when there is audio, 👍, 👎."""
    rows: dict[int, list[InlineKeyboardButton]] = {}
    unfit: set[int] = set()  # a track whose callback data would not fit loses its whole row
    for button in track_buttons(tracks):
        n, track = button.number, button.track
        data = signer.data(CODES[button.action], track.id, owner_id)
        if data is None:
            unfit.add(n)
            continue
        label = {
            "similar": clip(f"{n}. {track.title}", 32),
            "play": "▶ play",
            "like": LIKE,
            "dislike": DISLIKE,
        }[button.action]
        rows.setdefault(n, []).append(InlineKeyboardButton(label, callback_data=data))
    kept = [row for n, row in rows.items() if n not in unfit]
    return InlineKeyboardMarkup(kept) if kept else None


def mark_feedback(markup: InlineKeyboardMarkup, track_id: str, liked: bool) -> InlineKeyboardMarkup:
    """``markup`` with ✅ on the chosen 👍/👎 of ``track_id`` (and the other one plain)."""
    rows: list[list[InlineKeyboardButton]] = []
    for row in markup.inline_keyboard:
        new_row = []
        for button in row:
            parsed = split(button.callback_data if isinstance(button.callback_data, str) else None)
            if parsed is not None and parsed[1] == track_id and parsed[0] in ("l", "d"):
                base = LIKE if parsed[0] == "l" else DISLIKE
                chosen = (parsed[0] == "l") == liked
                button = InlineKeyboardButton(
                    CHOSEN + base if chosen else base, callback_data=button.callback_data
                )
            new_row.append(button)
        rows.append(new_row)
    return InlineKeyboardMarkup(rows)
