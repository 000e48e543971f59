"""The Telegram adapter (python-telegram-bot v22): polling by default, webhook by setting.

Text, commands and voice messages (voice notes, audio files, video notes: downloaded, transcribed)
go to the core; answers come back as messages, inline track keyboards,
voice bubbles and audio. See ``handlers.telegram_parts`` for the pieces.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, Forbidden, InvalidToken
from telegram.ext import Application

from bot.commands import available
from bot.core import DialogueCore
from config import Settings
from handlers.base import AdapterConfigError
from handlers.telegram_parts.buttons import ButtonSigner
from handlers.telegram_parts.network import RetryingRateLimiter
from handlers.telegram_parts.updates import UpdateHandlers

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
TelegramApp = Application[Any, Any, Any, Any, Any, Any]


class TelegramConfigError(ValueError):
    """The Telegram settings cannot work (e.g. no token)."""


def _token(settings: Settings) -> str:
    if settings.telegram.token is None:
        raise TelegramConfigError("set HAPPYTALK_TELEGRAM_TOKEN to the token BotFather gave you")
    return settings.telegram.token.get_secret_value()


def build_application(
    core: DialogueCore, settings: Settings, rate_limiter: RetryingRateLimiter | None = None
) -> TelegramApp:
    """An :class:`Application` wired to ``core``: rate limiter, concurrency bound, handlers."""
    token, section = _token(settings), settings.telegram
    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(rate_limiter or RetryingRateLimiter())
        .concurrent_updates(section.concurrent_updates)
    )
    if section.base_url:
        builder = builder.base_url(section.base_url)
    if section.base_file_url:
        builder = builder.base_file_url(section.base_file_url)
    app: TelegramApp = builder.build()
    UpdateHandlers(core, ButtonSigner(token)).install(app)
    return app


def menu(*, admin: bool = False, lang: str = "en") -> list[BotCommand]:
    """The command menu from the registry: the commands available on Telegram (admins': theirs too),
    described in ``lang``."""
    return [BotCommand(spec.name, spec.help(lang)[:256]) for spec in available("telegram", admin=admin)]


def admin_chat_ids(ids: list[str]) -> list[int]:
    """Telegram ids among the admin ids (``telegram:123`` or a bare number)."""
    found = []
    for entry in ids:
        platform, _, value = entry.strip().rpartition(":")
        if platform in ("", "telegram") and value.lstrip("-").isdigit():
            found.append(int(value))
    return found


async def register_commands(bot: Bot, settings: Settings) -> None:
    """The command menu (in Korean for users whose Telegram is in Korean); admins' private chats also
    list the admin commands."""
    await bot.set_my_commands(menu())
    await bot.set_my_commands(menu(lang="ko"), language_code="ko")
    with_admin = menu(admin=True)
    for chat_id in admin_chat_ids(settings.access.admin_ids):
        with contextlib.suppress(BadRequest, Forbidden):  # an admin who never opened the bot
            await bot.set_my_commands(with_admin, scope=BotCommandScopeChat(chat_id))


class TelegramAdapter:
    """Serves one bot token until ``stop`` is set; shares the core with other adapters."""

    name = "telegram"

    def __init__(self, core: DialogueCore, settings: Settings) -> None:
        _token(settings)
        self.core = core
        self.settings = settings
        self._up = False

    def __repr__(self) -> str:
        return "TelegramAdapter()"

    def is_up(self) -> bool:
        return self._up

    async def serve(self, stop: asyncio.Event) -> None:
        try:
            await self._serve(stop)
        except InvalidToken:
            raise AdapterConfigError(
                "Telegram refused the token (HAPPYTALK_TELEGRAM_TOKEN): copy it again from @BotFather"
            ) from None

    async def _serve(self, stop: asyncio.Event) -> None:
        app = build_application(self.core, self.settings)
        async with app:
            await register_commands(app.bot, self.settings)
            await app.start()
            try:
                await self._receive(app)
                self._up = True
                await stop.wait()
            finally:
                self._up = False
                if app.updater is not None and app.updater.running:
                    await app.updater.stop()
                await app.stop()

    async def _receive(self, app: TelegramApp) -> None:
        """Long polling, or a webhook server when ``webhook_url`` is set."""
        section, updater = self.settings.telegram, app.updater
        assert updater is not None
        if section.webhook_url is None:
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=5)
            return
        secret = section.webhook_secret.get_secret_value() if section.webhook_secret else None
        await updater.start_webhook(
            listen=section.webhook_listen,
            port=section.webhook_port,
            url_path=urlsplit(section.webhook_url).path.strip("/"),
            webhook_url=section.webhook_url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=5,
        )
