"""Typed ``/commands``: dispatched through the registry (``bot.commands``) to the core's operations;
the settings, ``/mood``, ``/help`` and ``/reindex`` operations themselves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, tzinfo

from bot import mood_summary, texts
from bot.access import AccessPolicy
from bot.commands import TYPED_COMMANDS, Command, CommandSpec, Operation, help_text
from bot.core_services import CoreServices
from bot.music_operations import MusicOperations, error, info
from bot.types import LANG_SETTINGS, REPLY_MODES, Event, MoodChart, UserMessage, UserRef
from config.settings import zone_or_none

OperationHandler = Callable[[UserMessage, CommandSpec, str], Awaitable[list[Event]]]


class CommandHandling:
    """Runs a parsed command: looks its spec up, checks its role and calls its operation."""

    def __init__(self, services: CoreServices, music: MusicOperations, access: AccessPolicy) -> None:
        self.services = services
        self.music = music
        self.access = access
        self.operations: dict[Operation, OperationHandler] = {
            "start": self._start,
            "help": self._help,
            "similar": self._similar,
            "play": self._play,
            "like": self._feedback,
            "dislike": self._feedback,
            "recommend": self._recommend,
            "reply_mode": self._reply_mode,
            "lang": self._lang,
            "mood": self._mood,
            "compose": self._compose,
            "reindex": self._reindex,
        }
        missing = {spec.operation for spec in TYPED_COMMANDS.values()} - set(self.operations)
        if missing:
            raise RuntimeError(f"typed commands without an operation: {sorted(missing)}")

    async def run(self, msg: UserMessage, cmd: Command) -> list[Event]:
        spec = TYPED_COMMANDS.get(cmd.name)
        if spec is None:
            return error(texts.UNKNOWN_COMMAND.format(name=cmd.name[:40]))
        if spec.role == "admin" and not self.access.is_admin(msg.user):
            return error(texts.ADMINS_ONLY.format(name=spec.name))
        return await self.operations[spec.operation](msg, spec, cmd.args[0] if cmd.args else "")

    # ---------------------------------------------------------------- operations by name
    async def _start(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        return info(texts.START + help_text(msg.user.platform))

    async def _help(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        return await self.help(msg.user)

    async def help(self, user: UserRef) -> list[Event]:
        """The commands on the user's platform, in Korean when they chose ``/lang ko``."""
        lang = (await self.services.user_settings(user)).lang
        return info(help_text(user.platform, self.access.is_admin(user), lang=lang))

    async def _track_of(self, msg: UserMessage, spec: CommandSpec, arg: str) -> tuple[str, list[Event]]:
        chosen = await self.music.choose(msg.user, arg, spec.name)
        return chosen.track_id, error(chosen.error) if chosen.error else []

    async def _similar(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        track_id, refused = await self._track_of(msg, spec, arg)
        return refused or await self.music.similar(msg.user, track_id)

    async def _play(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        track_id, refused = await self._track_of(msg, spec, arg)
        return refused or await self.music.play(msg.user, track_id)

    async def _feedback(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        track_id, refused = await self._track_of(msg, spec, arg)
        return refused or await self.music.feedback(msg.user, track_id, spec.operation == "like")

    async def _recommend(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        return await self.music.recommend(msg.user, arg or None)

    async def _compose(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        return await self.music.compose(msg.user, arg or None)

    async def _reply_mode(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        return await self.set_reply_mode(msg.user, arg)

    async def _lang(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        return await self.set_lang(msg.user, arg)

    async def _mood(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        return await self.mood(msg.user, arg, lang_hint=msg.lang_hint)

    async def _reindex(self, msg: UserMessage, spec: CommandSpec, arg: str) -> list[Event]:
        s = self.services
        changed = await s.model_pool.run(s.components.rebuild_library)
        return info(texts.REINDEXED if changed else texts.INDEX_CURRENT)

    # ---------------------------------------------------------------- settings and moods
    async def set_reply_mode(self, user: UserRef, value: str) -> list[Event]:
        s, value = self.services, value.lower()
        if value not in REPLY_MODES:
            return error(texts.USE_REPLY_MODE.format(current=(await s.user_settings(user)).reply_mode))
        await s.io_pool.run(s.store.update_settings, user.key, reply_mode=value)
        return info(texts.REPLY_MODE_SET[value])

    async def set_lang(self, user: UserRef, value: str) -> list[Event]:
        s, value = self.services, value.lower()
        if value not in LANG_SETTINGS:
            return error(texts.USE_LANG.format(current=(await s.user_settings(user)).lang))
        await s.io_pool.run(s.store.update_settings, user.key, lang=value)
        return info(texts.LANG_SET[value])

    async def mood(
        self, user: UserRef, arg: str, *, lang_hint: str | None = None, timezone: str | None = None
    ) -> list[Event]:
        s = self.services
        lang = await s.user_lang(user, lang_hint) or "en"
        period = mood_summary.parse_period(arg)
        if period is None:
            return error(mood_summary.unknown_period(arg, lang))
        zone = zone_or_none(timezone or "") or s.zone
        days = await s.io_pool.run(self._mood_days, user.key, period, datetime.now(UTC), zone)
        if not days.total:
            return info(mood_summary.no_moods(period, lang))
        png = await s.components.charts.draw(days)  # in its own process: matplotlib would hold our GIL
        return [MoodChart(png, mood_summary.caption(days, lang), period, days.totals)]

    def _mood_days(
        self, user_key: str, period: mood_summary.Period, now: datetime, zone: tzinfo
    ) -> mood_summary.MoodDays:
        """The user's moods per day of ``period`` (read and counted in a worker thread)."""
        entries = self.services.store.moods_since(user_key, mood_summary.window_start(period, now, zone))
        return mood_summary.mood_days(entries, period, now, zone)
