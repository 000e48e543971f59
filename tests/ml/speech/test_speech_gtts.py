"""gTTS's real code path against the loopback fake of its endpoint, and the offline fallback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import soundfile as sf

from config.settings import SpeechSettings
from ml.speech import Speaker, SpokenNote
from tests.ml.speech.fake_gtts import SECONDS_PER_CHAR, FakeGtts

pytestmark = pytest.mark.resilience


def assert_voice_note(note: SpokenNote) -> None:
    info = sf.info(io.BytesIO(note.ogg))
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("OGG", "OPUS", 48000, 1)
    assert abs(info.duration - note.duration_s) < 0.05
    assert len(note.ogg) < 1_000_000
    assert 1 <= len(note.waveform) <= 256
    assert all(0 <= v <= 255 for v in note.waveform)
    samples, rate = sf.read(io.BytesIO(note.ogg))
    assert rate == 48000 and len(samples) > 0


def test_gtts_reply_becomes_an_opus_voice_note(
    fake_gtts: FakeGtts, speech_settings: SpeechSettings, tmp_path: Path
) -> None:
    text = "You did great today."
    note = Speaker(speech_settings, tmp_path).synthesize(text)
    assert (note.engine, note.lang, note.notice) == ("gtts", "en", None)
    assert [(t, lang) for t, lang, _ in fake_gtts.requests] == [(text, "en")]
    assert_voice_note(note)
    assert abs(note.duration_s - len(text) * SECONDS_PER_CHAR) < 0.15
    assert max(note.waveform) == 255


def test_korean_is_detected_and_sent_as_ko(
    fake_gtts: FakeGtts, speech_settings: SpeechSettings, tmp_path: Path
) -> None:
    note = Speaker(speech_settings, tmp_path).synthesize("오늘 하루도 수고했어요")
    assert (note.engine, note.lang) == ("gtts", "ko")
    assert fake_gtts.requests[0][1] == "ko"


def test_long_reply_is_split_at_sentences_and_joined(
    fake_gtts: FakeGtts, speech_settings: SpeechSettings, tmp_path: Path
) -> None:
    sentences = [f"This is sentence number {i} of a long and thoughtful reply." for i in range(6)]
    note = Speaker(speech_settings, tmp_path).synthesize(" ".join(sentences))
    sent = [t for t, _, _ in fake_gtts.requests]
    assert len(sent) > 1
    assert all(len(t) <= 100 and t.endswith(".") for t in sent)
    assert " ".join(sent) == " ".join(sentences)
    expected = sum(len(t) for t in sent) * SECONDS_PER_CHAR
    assert abs(note.duration_s - expected) < 0.1 * len(sent)


def test_requests_are_throttled(fake_gtts: FakeGtts, tmp_path: Path) -> None:
    throttled = SpeechSettings(gtts_min_interval_s=0.25, gtts_timeout_s=2.0)
    text = " ".join(f"Sentence {i} is here to make the reply longer than one request." for i in range(5))
    Speaker(throttled, tmp_path).synthesize(text)
    times = [t for _, _, t in fake_gtts.requests]
    assert len(times) >= 3
    # spacing adds up across requests; arrival jitter on a loaded machine only moves the ends, so
    # the span is checked, not the smallest gap (which a late first arrival can shrink)
    assert times[-1] - times[0] >= 0.25 * (len(times) - 1) - 0.05


@pytest.mark.parametrize("mode", ["429", "500", "slow", "no_audio", "garbage", "bad_mp3"])
def test_gtts_failure_falls_back_to_offline_voice(
    fake_gtts: FakeGtts, speech_settings: SpeechSettings, tmp_path: Path, mode: str
) -> None:
    fake_gtts.mode = mode
    note = Speaker(speech_settings, tmp_path).synthesize("Thanks for telling me about your day.")
    assert len(fake_gtts.requests) == 1
    assert (note.engine, note.lang) == ("espeak", "en")
    assert note.notice == "Google TTS unreachable; used the offline voice"
    assert_voice_note(note)


def test_gtts_is_skipped_while_cooling_down(
    fake_gtts: FakeGtts, speech_settings: SpeechSettings, tmp_path: Path
) -> None:
    fake_gtts.mode = "429"
    speaker = Speaker(speech_settings.model_copy(update={"gtts_cooldown_s": 60.0}), tmp_path)
    speaker.synthesize("First reply.")
    fake_gtts.mode = "ok"
    note = speaker.synthesize("Second reply.")
    assert note.engine == "espeak"
    assert len(fake_gtts.requests) == 1


def test_gtts_is_retried_after_the_cooldown(
    fake_gtts: FakeGtts, speech_settings: SpeechSettings, tmp_path: Path
) -> None:
    fake_gtts.mode = "500"
    speaker = Speaker(speech_settings.model_copy(update={"gtts_cooldown_s": 0.0}), tmp_path)
    assert speaker.synthesize("First reply.").engine == "espeak"
    fake_gtts.mode = "ok"
    assert speaker.synthesize("Second reply.").engine == "gtts"


def test_espeak_primary_never_calls_gtts(fake_gtts: FakeGtts, tmp_path: Path) -> None:
    note = Speaker(SpeechSettings(engine="espeak"), tmp_path).synthesize("오늘 하루도 수고했어요")
    assert (note.engine, note.lang, note.notice) == ("espeak", "ko", None)
    assert fake_gtts.requests == []
    assert_voice_note(note)


def test_language_only_the_offline_engine_speaks_uses_it(
    fake_gtts: FakeGtts, speech_settings: SpeechSettings, tmp_path: Path
) -> None:
    note = Speaker(speech_settings, tmp_path).synthesize("Bonvenon al la kafejo", lang="eo")
    assert (note.engine, note.lang) == ("espeak", "eo")
    assert note.notice == "Google TTS has no voice for eo; used the offline voice"
    assert fake_gtts.requests == []


def test_language_no_engine_speaks_falls_back_to_english_on_gtts(
    fake_gtts: FakeGtts, speech_settings: SpeechSettings, tmp_path: Path
) -> None:
    note = Speaker(speech_settings, tmp_path).synthesize("Hello there", lang="tlh")
    assert (note.engine, note.lang) == ("gtts", "en")
    assert note.notice == "no voice for tlh; used English"
    assert fake_gtts.requests[0][1] == "en"


def test_language_only_a_failing_engine_speaks_falls_back_to_english(
    fake_gtts: FakeGtts, speech_settings: SpeechSettings, tmp_path: Path
) -> None:
    fake_gtts.mode = "500"
    note = Speaker(speech_settings, tmp_path).synthesize("Nǐ hǎo", lang="zh-TW")
    assert (note.engine, note.lang) == ("espeak", "en")
    assert note.notice == ("no voice for zh-TW; used English; Google TTS unreachable; used the offline voice")
    assert fake_gtts.requests[0][1] == "zh-TW"
