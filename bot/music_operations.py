"""Music operations: suggestions for a mood, similar tracks, feedback, clips and composed melodies."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.clips import ClipError, make_clip
from bot.core_services import CoreServices
from bot.store import StoreError
from bot.types import AudioClip, Event, Reply, Tracks, TrackSuggestion, UserRef
from config import EMOTIONS
from music_index import Suggestion


def error(text: str) -> list[Event]:
    return [Reply(text, kind="error")]


def info(text: str) -> list[Event]:
    return [Reply(text, kind="info")]


@dataclass(frozen=True, slots=True)
class Chosen:
    """A track resolved from ``N`` or an id, or why it could not be."""

    track_id: str
    error: str | None = None


class MusicOperations:
    """What users do with tracks; every track id is checked against what that user was offered."""

    def __init__(self, services: CoreServices) -> None:
        self.services = services

    async def recommend_for(self, emotion: str, liked: list[str], disliked: list[str]) -> list[Suggestion]:
        s = self.services
        return await s.io_pool.run(
            s.components.library.recommend,
            emotion,
            5,
            liked=liked,
            disliked=disliked,
            seed=s.rng.randrange(1 << 30),
        )

    @staticmethod
    def suggestions(items: list[Suggestion]) -> tuple[TrackSuggestion, ...]:
        return tuple(
            TrackSuggestion(
                id=s.track.id,
                title=s.track.title,
                artist=s.track.artist,
                emotion=s.track.emotion,
                reason=s.reason,
                has_audio=s.track.path is not None,
                url=s.track.url,
            )
            for s in items
        )

    async def choose(self, user: UserRef, arg: str, verb: str) -> Chosen:
        """Resolve ``N`` (1-based position in the last suggestions) or a track id."""
        s = self.services
        last = await s.io_pool.run(s.store.last_offer, user.key)
        if not arg:
            return Chosen("", texts.WHICH_ONE.format(verb=verb, offered=max(len(last), 1)))
        if arg.isdigit():
            if not last:
                return Chosen("", texts.NO_SUGGESTIONS_YET)
            n = int(arg)
            if not 1 <= n <= len(last):
                return Chosen("", texts.NO_SUCH_SUGGESTION.format(arg=arg[:6], offered=len(last)))
            return Chosen(last[n - 1])
        return Chosen(arg[:32])

    async def _feedback_ids(self, user: UserRef) -> tuple[list[str], list[str]]:
        s = self.services
        try:
            return await s.io_pool.run(s.store.feedback, user.key)
        except StoreError:
            return [], []

    async def _offered(self, user: UserRef, track_id: str) -> bool:
        s = self.services
        return await s.io_pool.run(s.store.was_offered, user.key, track_id)

    async def similar(self, user: UserRef, track_id: str) -> list[Event]:
        s = self.services
        if not await self._offered(user, track_id):
            return error(texts.NOT_OFFERED)
        library = s.components.library
        track = library.get(track_id)
        if track is None:
            return error(texts.TRACK_GONE_PICK)
        liked, disliked = await self._feedback_ids(user)
        similar = await s.io_pool.run(library.similar, track_id, 5, liked=liked, disliked=disliked)
        await s.io_pool.run(s.store.record_pick, user.key, track_id, [t.track.id for t in similar])
        heading = texts.TRACKS_LIKE.format(title=track.title, artist=track.artist)
        return [Tracks(heading, self.suggestions(similar), kind="similar", source_id=track_id)]

    async def feedback(self, user: UserRef, track_id: str, liked: bool) -> list[Event]:
        s = self.services
        if not await self._offered(user, track_id):
            return error(texts.NOT_OFFERED)
        track = s.components.library.get(track_id)
        if track is None:
            return error(texts.TRACK_GONE)
        await s.io_pool.run(s.store.set_feedback, user.key, track_id, 1 if liked else -1)
        return info((texts.LIKED if liked else texts.DISLIKED).format(title=track.title))

    async def play(self, user: UserRef, track_id: str) -> list[Event]:
        s = self.services
        if not await self._offered(user, track_id):
            return error(texts.NOT_OFFERED)
        track = s.components.library.get(track_id)
        if track is None or track.path is None:
            return error(texts.NO_AUDIO)
        try:
            clip = await s.io_pool.run(make_clip, track.path, s.settings.music.clip_seconds)
        except ClipError as exc:
            return error(texts.CANNOT_PLAY.format(title=track.title, reason=exc))
        return [
            AudioClip(
                clip.data,
                f"{track_id}.mp3",
                "audio/mpeg",
                track.title,
                clip.duration_s,
                performer=track.artist,
            )
        ]

    async def _mood_or_latest(self, user: UserRef, emotion: str | None, default: str) -> str | None:
        """``emotion`` lower-cased if known, the user's latest mood if ``None``; ``None`` if unknown."""
        s = self.services
        if emotion is None:
            history = await s.io_pool.run(s.store.mood_history, user.key, 1)
            return history[0].emotion if history else default
        return emotion.lower() if emotion.lower() in EMOTIONS else None

    async def recommend(self, user: UserRef, emotion: str | None) -> list[Event]:
        s = self.services
        chosen = await self._mood_or_latest(user, emotion, "neutral")
        if chosen is None:
            return error(texts.unknown_mood(emotion))
        suggestions = await self.recommend_for(chosen, *await self._feedback_ids(user))
        await s.io_pool.run(s.store.record_offer, user.key, [t.track.id for t in suggestions])
        return [Tracks(texts.TRACKS_FOR.format(emotion=chosen), self.suggestions(suggestions), kind="mood")]

    async def compose(self, user: UserRef, emotion: str | None) -> list[Event]:
        s = self.services
        composer = s.components.composer
        if composer is None:
            return error(texts.NO_COMPOSER)
        chosen = await self._mood_or_latest(user, emotion, "joy")
        if chosen is None:
            return error(texts.unknown_mood(emotion))
        piece = await s.model_pool.run(composer.compose, chosen.lower())
        return [
            AudioClip(
                piece.ogg,
                f"melody-{piece.emotion}.ogg",
                "audio/ogg",
                piece.title,
                piece.duration_s,
                performer="happytalk",
                caption=piece.notes_text,
            ),
        ]
