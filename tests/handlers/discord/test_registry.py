"""The slash-command tree Discord gets carries every command the registry makes available there."""

from __future__ import annotations

import discord

from bot.commands import available
from handlers.discord_parts.client import HappyClient


async def test_the_tree_has_every_discord_command_of_the_registry(bot: HappyClient) -> None:
    specs = list(available("discord", admin=True))
    payloads = {c.name: c.to_dict(bot.tree) for c in bot.tree.get_commands()}
    assert sorted(payloads) == sorted(s.name for s in specs)
    assert {"play", "similar", "chat", "listen"} <= set(payloads)
    for spec in specs:
        payload = payloads[spec.name]
        assert payload["description"] == spec.help_en
        options = payload.get("options") or []
        assert [o["name"] for o in options] == [a.name for a in spec.args], spec.name
        for option, arg in zip(options, spec.args, strict=True):
            assert option["description"] == arg.help
            assert option["required"] == arg.required, f"/{spec.name} {arg.name}"
            assert [c["value"] for c in option.get("choices") or []] == list(arg.choices)
        admin_only = discord.Permissions(administrator=True).value
        assert (payload.get("default_member_permissions") == admin_only) == (spec.role == "admin")
