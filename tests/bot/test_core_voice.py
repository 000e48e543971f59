"""Voice messages through the real core: heard, answered as chat, a voice note back under /voice auto."""

from __future__ import annotations

from collections.abc import Callable

from bot.core import DialogueCore
from bot.types import EmotionEvent, Heard, Reply, Tracks, VoiceNote
from handlers.testing import TestAdapter

Speak = Callable[..., bytes]


async def test_a_voice_message_is_heard_and_answered_with_a_voice_note(
    core: DialogueCore, speak: Speak
) -> None:
    bot = TestAdapter(core)
    assert (await core.preferences(bot.user)).reply_mode == "auto"  # the default for new users
    events = await bot.push_voice(speak("I feel so sad and lonely tonight"))
    heard = events[0]
    assert isinstance(heard, Heard) and heard.lang == "en"
    assert "sad" in heard.text.lower() and heard.as_text().startswith("🎙 I heard: ")
    assert any(isinstance(e, EmotionEvent) for e in events)
    (note,) = [e for e in events if isinstance(e, VoiceNote)]
    assert note.ogg[:4] == b"OggS"
    assert not [e for e in events if isinstance(e, Reply) and e.kind == "reply"]  # spoke: voice only
    assert any(isinstance(e, Tracks) for e in events)
    assert core.store.latest_user_text(bot.user.key) == heard.text

    # a typed message under /voice auto is answered in text
    typed = await bot.push("thanks, that helps a little")
    assert [e for e in typed if isinstance(e, Reply) and e.kind == "reply"]
    assert not [e for e in typed if isinstance(e, VoiceNote)]


async def test_voice_text_mode_answers_a_voice_message_in_text(core: DialogueCore, speak: Speak) -> None:
    bot = TestAdapter(core, "texter")
    (ok,) = await bot.push("/voice text")
    assert isinstance(ok, Reply) and ok.kind == "info"
    events = await bot.push_voice(speak("What a wonderful sunny day"))
    assert isinstance(events[0], Heard)
    assert [e for e in events if isinstance(e, Reply) and e.kind == "reply"]
    assert not [e for e in events if isinstance(e, VoiceNote)]
    (err,) = await bot.push("/voice loud")
    assert isinstance(err, Reply) and "/voice auto" in err.text


async def test_unusable_audio_gets_one_clear_answer_and_nothing_is_stored(core: DialogueCore) -> None:
    bot = TestAdapter(core, "broken")
    for audio in (b"", b"OggS" + bytes(3000)):
        (err,) = await bot.push_voice(audio)
        assert isinstance(err, Reply) and err.kind == "error"
        assert "couldn't play that recording" in err.text
    assert core.store.latest_user_text(bot.user.key) is None
