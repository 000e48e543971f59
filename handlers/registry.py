"""Which adapters ``happytalk run`` starts, from the settings."""

from __future__ import annotations

from bot.core import DialogueCore
from config import Settings
from handlers.base import Adapter


def configured_adapters(settings: Settings, core: DialogueCore) -> list[Adapter]:
    """Every adapter whose token (or switch) is set; they share one core."""
    adapters: list[Adapter] = []
    if settings.telegram.token is not None:
        from handlers.telegram_adapter import TelegramAdapter

        adapters.append(TelegramAdapter(core, settings))
    if settings.discord.token is not None:
        from handlers.discord_adapter import DiscordAdapter

        adapters.append(DiscordAdapter(core, settings))
    if settings.web.enabled:
        from handlers.web import WebAdapter

        adapters.append(WebAdapter(core, settings))
    return adapters


def not_configured(settings: Settings) -> list[tuple[str, str]]:
    """The adapters ``happytalk run`` leaves out, each with the setting that would start it."""
    missing = []
    if settings.telegram.token is None:
        missing.append(("telegram", "HAPPYTALK_TELEGRAM_TOKEN is not set"))
    if settings.discord.token is None:
        missing.append(("discord", "HAPPYTALK_DISCORD_TOKEN is not set"))
    if not settings.web.enabled:
        missing.append(("web", "HAPPYTALK_WEB_ENABLED is not set"))
    return missing
