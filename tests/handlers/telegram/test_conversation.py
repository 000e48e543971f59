"""A private conversation from /start through a message, a track pick, feedback and voice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.commands import available
from bot.core import DialogueCore
from tests.handlers.telegram.conftest import USER, keyboard, message, press, with_keyboard
from tests.handlers.telegram.fake_bot_api import FakeBotAPI

Start = Callable[..., Awaitable[DialogueCore]]


async def test_full_conversation(fake: FakeBotAPI, start_bot: Start) -> None:
    await start_bot()
    menu = {c["command"] for c in fake.called("setMyCommands")[0].json("commands")}
    assert (
        {"start", "help", "voice", "lang", "mood", "compose"}
        <= menu
        == {s.name for s in available("telegram")}
    )

    await fake.push(message("private_start"))
    await fake.wait_for(lambda: len(fake.sent(USER)) == 1)
    assert "happytalk" in fake.sent(USER)[0].params["text"]

    # a message: an emotion-aware reply and five track buttons, with typing shown meanwhile
    await fake.push(message("private_text"))
    await fake.wait_for(lambda: len(with_keyboard(fake.sent(USER))) == 1)
    tracks = with_keyboard(fake.sent(USER))[0]
    assert tracks.params["text"].startswith("(") and "Five" in tracks.params["text"]
    rows = keyboard(tracks)
    assert len(rows) == 5
    for row in rows:
        assert [b["text"] for b in row[-2:]] == ["👍", "👎"]
        for button in row:
            assert len(button["callback_data"].encode()) <= 64
    titles = [row[0]["text"].split(". ", 1)[1].rstrip("…") for row in rows]
    assert all(t not in b["callback_data"] for t in titles for row in rows for b in row)
    replies = [c for c in fake.sent(USER) if c.method == "sendMessage" and "reply_markup" not in c.params]
    assert len(replies) == 2  # /start's answer and the generated reply
    assert {c.params["action"] for c in fake.called("sendChatAction")} == {"typing"}

    # pressing a track answers the press and sends five similar tracks with their own buttons
    await fake.push(press(tracks, rows[0][0]["callback_data"]))
    await fake.wait_for(lambda: len(with_keyboard(fake.sent(USER))) == 2)
    similar = with_keyboard(fake.sent(USER))[1]
    assert similar.params["text"].startswith("Five tracks like")
    assert len(keyboard(similar)) == 5
    assert len(fake.called("answerCallbackQuery")) == 1

    # 👍 answers with a toast and ticks the button; no new message
    sent_before = len(fake.sent(USER))
    await fake.push(press(similar, keyboard(similar)[1][-2]["callback_data"]))
    await fake.wait_for(lambda: bool(fake.called("editMessageReplyMarkup")))
    toast = fake.called("answerCallbackQuery")[-1].params["text"]
    assert toast.startswith("👍")
    edited = fake.called("editMessageReplyMarkup")[0].json("reply_markup")["inline_keyboard"]
    assert edited[1][-2]["text"] == "✅👍" and edited[1][-1]["text"] == "👎"
    assert len(fake.sent(USER)) == sent_before

    # voice mode: a voice bubble (OGG/Opus) with the record_voice action while it is made
    await fake.push(message("private_voice_command", "/voice voice"))
    await fake.wait_for(lambda: len(fake.sent(USER)) == sent_before + 1)
    await fake.push(message("private_text", "My dog is sick and I'm really worried about him."))
    await fake.wait_for(lambda: len(with_keyboard(fake.sent(USER))) == 3)
    voices = [c for c in fake.sent(USER) if c.method == "sendVoice"]
    assert len(voices) == 1
    _, _, ogg = voices[0].files["voice"]
    assert ogg.startswith(b"OggS") and b"OpusHead" in ogg[:200]
    assert int(voices[0].params["duration"]) >= 1
    assert "record_voice" in {c.params["action"] for c in fake.called("sendChatAction")}
    await fake.settle(0.5)
    assert len(fake.called("sendVoice")) == 1


async def test_play_button_sends_an_audio_clip(fake: FakeBotAPI, start_bot: Start) -> None:
    await start_bot()
    await fake.push(message("private_text", "/recommend joy"))
    await fake.wait_for(lambda: len(with_keyboard(fake.sent(USER))) == 1)
    tracks = with_keyboard(fake.sent(USER))[0]
    plays = [b for row in keyboard(tracks) for b in row if b["text"] == "▶ play"]
    assert plays, "the demo library has audio, so every track gets a play button"
    await fake.push(press(tracks, plays[0]["callback_data"]))
    await fake.wait_for(lambda: bool(fake.called("sendAudio")))
    audio = fake.called("sendAudio")[0]
    name, _, data = audio.files["audio"]
    assert name.endswith(".mp3") and len(data) > 1000
    assert audio.params["title"] and int(audio.params["duration"]) >= 1


async def test_commands_reach_the_core(fake: FakeBotAPI, start_bot: Start) -> None:
    await start_bot()
    for n, text in enumerate(["/help", "/lang ko", "/mood", "/voice shout"], 1):
        await fake.push(message("private_start", text))
        await fake.wait_for(lambda n=n: len(fake.sent(USER)) == n)  # type: ignore[misc]
    help_text, lang, mood, bad = (c.params["text"] for c in fake.sent(USER))
    assert "/compose" in help_text and "/reindex" not in help_text
    assert "한국어" in lang
    assert "아직 기록된 기분이 없어요" in mood  # /lang ko: the mood answer is Korean too
    assert "/voice text" in bad


async def test_mood_sends_a_chart_photo_with_a_caption(fake: FakeBotAPI, start_bot: Start) -> None:
    await start_bot()
    for n, text in enumerate(["I got the job today, I'm so happy!", "my cat is sick and I'm worried"], 1):
        await fake.push(message("private_text", text))
        await fake.wait_for(lambda n=n: len(with_keyboard(fake.sent(USER))) == n)  # type: ignore[misc]
    await fake.push(message("private_start", "/mood"))
    await fake.wait_for(lambda: bool(fake.called("sendPhoto")))
    (photo,) = fake.called("sendPhoto")
    name, _, png = photo.files["photo"]
    assert name == "mood-week.png" and png.startswith(b"\x89PNG") and len(png) <= 200_000
    assert "week" in photo.params["caption"] and "\n" not in photo.params["caption"]
    assert "upload_photo" in {c.params["action"] for c in fake.called("sendChatAction")}

    await fake.push(message("private_start", "/mood fortnight"))
    await fake.wait_for(lambda: "fortnight" in fake.sent(USER)[-1].params.get("text", ""))
    assert "/mood week" in fake.sent(USER)[-1].params["text"]
    assert len(fake.called("sendPhoto")) == 1


async def test_compose_sends_the_melody(fake: FakeBotAPI, start_bot: Start) -> None:
    await start_bot()
    await fake.push(message("private_start", "/compose joy"))
    await fake.wait_for(lambda: bool(fake.sent(USER)))
    await fake.settle(0.5)
    sent = fake.sent(USER)
    assert len(sent) == 1
    part = {"sendAudio": "audio", "sendDocument": "document"}.get(sent[0].method)
    if part is None:  # no composer on this server: the core says so
        assert "Composing" in sent[0].params["text"]
    else:
        assert len(sent[0].files[part][2]) > 100
