"""Publishing the slash commands: to one guild for development, globally on request only.

Discord rate-limits command creation, so nothing syncs globally on start; a guild sync (fast,
and it shows at once) runs on start only when ``dev_guild_id`` is set.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands


async def sync_commands(
    tree: app_commands.CommandTree[Any], guild_id: int | None, *, clear: bool = False
) -> list[str]:
    """Sync globally (``guild_id`` ``None``) or copy the global commands to one guild and sync there.

    With ``clear``, remove that guild's own commands instead (e.g. after going global). Returns
    the names Discord now has for that scope.
    """
    if guild_id is None:
        return [c.name for c in await tree.sync()]
    guild = discord.Object(id=guild_id)
    if clear:
        tree.clear_commands(guild=guild)
    else:
        tree.copy_global_to(guild=guild)
    return [c.name for c in await tree.sync(guild=guild)]
