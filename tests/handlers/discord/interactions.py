"""Interaction payloads built from the recorded ones in ``payloads/``, and finding the bot's answers."""

from __future__ import annotations

import copy
import itertools
from typing import Any

from tests.handlers.discord.fake_api import FakeDiscord, Recorded, payload

MINA = "1500000000000000001"
OWNER = "1100000000000000099"
GUILD = "1200000000000000001"
GUILD_CHANNEL = "1200000000000000010"
DM_CHANNEL = "1600000000000000001"
_ids = itertools.count(1400000000000000100)


def _fresh(data: dict[str, Any], user_id: str) -> dict[str, Any]:
    n = next(_ids)
    data["id"] = str(n)
    data["token"] = _token(str(n))
    for holder in (data.get("member"), data):
        if holder is not None and "user" in holder:
            holder["user"]["id"] = user_id
            holder["user"]["username"] = f"user{user_id[-4:]}"
    return data


def command(name: str, *, dm: bool = False, user_id: str = MINA, **options: Any) -> dict[str, Any]:
    """A slash command interaction (``INTERACTION_CREATE`` type 2) in a guild channel or a DM."""
    data = copy.deepcopy(payload("interaction_command_dm" if dm else "interaction_command_guild"))
    types = {str: 3, int: 4, bool: 5}
    data["data"]["name"] = name
    data["data"]["options"] = [
        {"name": key, "type": types[type(value)], "value": value} for key, value in options.items()
    ]
    return _fresh(data, user_id)


def press(message: dict[str, Any], custom_id: str, *, user_id: str = MINA) -> dict[str, Any]:
    """A button press (type 3) on ``message`` as the fake API returned it to the bot."""
    data = copy.deepcopy(payload("interaction_button_dm"))
    data["data"]["custom_id"] = custom_id
    data["message"] = copy.deepcopy(message)
    data["message"]["channel_id"] = DM_CHANNEL
    return _fresh(data, user_id)


def custom_ids(message_or_body: dict[str, Any]) -> list[str]:
    """Every button custom id in a message's (or request body's) components, in order."""
    return [
        button["custom_id"]
        for row in message_or_body.get("components") or []
        for button in row["components"]
        if "custom_id" in button
    ]


EPHEMERAL = 64
DEFERRED = 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: the "thinking…" answer
MESSAGE = 4  # CHANNEL_MESSAGE_WITH_SOURCE


def callbacks(reqs: list[Recorded], interaction_id: str) -> list[Recorded]:
    return [r for r in reqs if r.path == f"/interactions/{interaction_id}/{_token(interaction_id)}/callback"]


def _token(interaction_id: str) -> str:
    return f"interaction-token-{interaction_id}"


def followups(reqs: list[Recorded], interaction_id: str) -> list[Recorded]:
    return [r for r in reqs if r.method == "POST" and r.path.endswith(f"/{_token(interaction_id)}")]


async def answered(fake: FakeDiscord, interaction_id: str, n_followups: int = 1) -> list[Recorded]:
    """Wait until the bot answered the interaction and sent ``n_followups`` follow-ups."""
    return await fake.wait_for(
        lambda rs: bool(callbacks(rs, interaction_id)) and len(followups(rs, interaction_id)) >= n_followups
    )
