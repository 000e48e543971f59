"""End-to-end runs of the real dialogue core through the in-process test adapter."""

from __future__ import annotations

import io

import soundfile as sf

from bot.core import DialogueCore
from bot.types import EmotionEvent, MoodChart, Reply, Tracks, VoiceNote
from config import EMOTIONS
from handlers.testing import TestAdapter, tracks_of


def _replies(events: list[object], kind: str = "reply") -> list[Reply]:
    return [e for e in events if isinstance(e, Reply) and e.kind == kind]


async def test_message_gets_emotion_reply_and_five_tracks(core: DialogueCore) -> None:
    bot = TestAdapter(core)
    events = await bot.push("I miss my dad so much")
    emotion = next(e for e in events if isinstance(e, EmotionEvent))
    assert emotion.label in EMOTIONS
    assert abs(sum(emotion.scores.values()) - 1.0) < 1e-3
    assert _replies(events) and _replies(events)[0].text.strip()
    tracks = tracks_of(events)
    assert len(tracks.tracks) == 5
    assert len({t.id for t in tracks.tracks}) == 5
    assert all(t.title and t.artist and t.reason for t in tracks.tracks)
    assert bot.pop() == events


async def test_pick_answers_five_similar_without_the_pick(core: DialogueCore) -> None:
    bot = TestAdapter(core)
    offered = tracks_of(await bot.push("what a wonderful sunny day, I'm so happy"))
    similar = tracks_of(await bot.push("/pick 1"))
    assert similar.kind == "similar" and similar.source_id == offered.tracks[0].id
    assert len(similar.tracks) == 5
    assert offered.tracks[0].id not in {t.id for t in similar.tracks}
    # the similar tracks were offered too, so they can be picked in turn (buttons)
    again = tracks_of(await bot.press_pick(similar.tracks[2].id))
    assert similar.tracks[2].id not in {t.id for t in again.tracks}


async def test_pick_errors_are_clear(core: DialogueCore) -> None:
    bot = TestAdapter(core)
    (first,) = await bot.push("/pick 1")
    assert isinstance(first, Reply) and first.kind == "error" and "haven't suggested" in first.text
    await bot.push("I'm scared of the exam tomorrow")
    (nine,) = await bot.push("/pick 9")
    assert isinstance(nine, Reply) and nine.kind == "error" and "no suggestion 9" in nine.text
    (forged,) = await bot.press_pick("ZZZZZZZZ")
    assert isinstance(forged, Reply) and forged.kind == "error" and "isn't one I suggested" in forged.text


async def test_another_users_tracks_cannot_be_picked(core: DialogueCore) -> None:
    alice, mallory = TestAdapter(core, "alice"), TestAdapter(core, "mallory")
    offered = tracks_of(await alice.push("I am furious at my landlord"))
    (refused,) = await mallory.press_pick(offered.tracks[0].id)
    assert isinstance(refused, Reply) and refused.kind == "error"
    (refused_like,) = await mallory.press_feedback(offered.tracks[0].id, True)
    assert isinstance(refused_like, Reply) and refused_like.kind == "error"


async def test_bad_input_gets_clear_answers(core: DialogueCore) -> None:
    bot = TestAdapter(core)
    for text in ("", "   \n\t ", "x" * 4097):
        (answer,) = await bot.push(text)
        assert isinstance(answer, Reply) and answer.kind == "error" and answer.text
    (unknown,) = await bot.push("/frobnicate now")
    assert isinstance(unknown, Reply) and "/frobnicate" in unknown.text and "/help" in unknown.text
    ok = await bot.push("x" * 4096)
    assert any(isinstance(e, Tracks) for e in ok)
    odd = await bot.push("😀😀😀 \u202e\u200b مرحبا \x07")
    assert _replies(odd) and any(isinstance(e, Tracks) for e in odd)


async def test_voice_mode_sends_a_playable_opus_note(core: DialogueCore) -> None:
    bot = TestAdapter(core)
    (ack,) = await bot.push("/voice voice")
    assert isinstance(ack, Reply) and "voice" in ack.text
    events = await bot.push("I got the job, I'm thrilled!")
    notes = [e for e in events if isinstance(e, VoiceNote)]
    assert len(notes) == 1 and not _replies(events)
    note = notes[0]
    assert 0 < len(note.ogg) < 1_000_000 and 0 < len(note.waveform) <= 256
    info = sf.info(io.BytesIO(note.ogg))
    assert info.format == "OGG" and info.subtype == "OPUS" and info.samplerate == 48000
    assert abs(info.duration - note.duration_s) < 0.5
    await bot.push("/voice both")
    both = await bot.push("thanks, that helps")
    assert _replies(both) and any(isinstance(e, VoiceNote) for e in both)


async def test_settings_commands_validate(core: DialogueCore) -> None:
    bot = TestAdapter(core)
    (bad,) = await bot.push("/voice loud")
    assert bad.kind == "error" and "/voice text" in bad.text  # type: ignore[attr-defined]
    (bad_lang,) = await bot.push("/lang fr")
    assert bad_lang.kind == "error" and "/lang ko" in bad_lang.text  # type: ignore[attr-defined]
    await bot.push("/lang ko")
    events = await bot.push("I feel great today")
    reply = _replies(events)[0].text
    assert any("\uac00" <= ch <= "\ud7a3" for ch in reply), reply


async def test_mood_history_and_feedback(core: DialogueCore) -> None:
    bot = TestAdapter(core)
    (empty,) = await bot.push("/mood")
    assert "No moods yet" in empty.as_text()
    await bot.push("my dog died this morning and I can't stop crying")
    await bot.push("I'm so angry, they lied to me again")
    (mood,) = await bot.push("/mood")
    assert isinstance(mood, MoodChart) and sum(mood.counts.values()) == 2
    latest = core.store.last_offer(bot.user.key)
    (liked,) = await bot.push("/like 2")
    assert "👍" in liked.as_text()
    assert core.store.feedback(bot.user.key) == ([latest[1]], [])
    (disliked,) = await bot.press_feedback(latest[0], liked=False)
    assert "👎" in disliked.as_text()
    assert core.store.feedback(bot.user.key) == ([latest[1]], [latest[0]])


async def test_conversation_follows_topic_and_language(core: DialogueCore) -> None:
    """The issue's done-when conversation: caring replies, a follow-up, then Korean."""
    from ml.lang import detect_lang

    bot = TestAdapter(core)
    texts = []
    for message in ("I just got dumped", "We were together for three years", "나 너무 힘들어"):
        events = await bot.push(message)
        (reply,) = _replies(events)
        texts.append(reply.text)
        assert detect_lang(reply.text) == detect_lang(message)
    assert len(set(texts)) == 3


async def test_crisis_message_gets_care_first_and_no_track_pitch(core: DialogueCore) -> None:
    bot = TestAdapter(core)
    for message, line in (("I want to kill myself", "988"), ("요즘 죽고 싶다는 생각만 들어", "109")):
        events = await bot.push(message)
        assert isinstance(events[0], Reply) and events[0].kind == "reply" and line in events[0].text
        assert not [e for e in events if isinstance(e, Tracks)]


async def test_lang_setting_overrides_the_message_language(core: DialogueCore) -> None:
    from ml.lang import detect_lang

    bot = TestAdapter(core)
    await bot.push("/lang ko")
    (reply,) = _replies(await bot.push("I passed my driving test!"))
    assert detect_lang(reply.text) == "ko"


async def test_asking_for_music_leads_with_five_tracks_for_the_recent_mood(core: DialogueCore) -> None:
    bot = TestAdapter(core, "listener")
    felt = next(e for e in await bot.push("I miss my dad so much") if isinstance(e, EmotionEvent))
    assert felt.label == "sadness"
    events = await bot.push("Can you recommend some songs?")
    kinds = [type(e).__name__ for e in events if not isinstance(e, EmotionEvent)]
    assert kinds[0] == "Tracks" and "Reply" in kinds  # the tracks lead, a short line follows
    tracks = tracks_of(events)
    assert tracks.heading == "Five melancholy tracks:" and len(tracks.tracks) == 5
    assert all("sadness" in t.reason or "melancholy" in t.reason for t in tracks.tracks)
    assert "melancholy" in _replies(events)[0].text


async def test_a_named_mood_wins_and_korean_requests_get_korean(core: DialogueCore) -> None:
    bot = TestAdapter(core, "dancer")
    await bot.push("I miss my dad so much")
    events = await bot.push("신나는 노래 틀어줘")
    tracks = tracks_of(events)
    assert tracks.heading == "신나는 곡 다섯 개:" and len(tracks.tracks) == 5
    assert all("joy" in t.reason or "upbeat" in t.reason for t in tracks.tracks)
    assert "신나는" in _replies(events)[0].text
    # a later request with no mood and no history of feelings: calm music
    fresh = TestAdapter(core, "newcomer")
    assert tracks_of(await fresh.push("play something")).heading == "Five calm tracks:"
