"""Build the spoken test set offline: the project-written sentences in ``testset/`` spoken by
espeak-ng (several voices, speeds and pitches), with pink noise mixed in at 20 and 10 dB SNR.

Needs the ``espeak-ng`` program (``apt-get install espeak-ng``). Writes 16 kHz WAV files and a
``manifest.jsonl`` (``id``, ``lang``, ``text``, ``voice``, ``speed``, ``pitch``, ``snr_db``) into the
output folder; the same arguments always give the same files (seeded noise).
"""

from __future__ import annotations

import io
import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr  # type: ignore[import-untyped]

HERE = Path(__file__).parent / "testset"
RATE = 16_000
# "en" is espeak-ng's British English voice: "en-gb+m3" names the language and the variant is
# dropped (espeak-ng 1.51 speaks it byte for byte as "en-gb"), "en+m3" is the male 3 variant
EN_VOICES = ("en-us", "en-gb", "en-us+f3", "en+m3", "en-us+f4")
EN_SPEEDS = (135, 160, 185)  # words per minute (espeak-ng's default is 175)
EN_PITCHES = (35, 50, 65)  # 0-99, default 50
KO_VOICES = ("ko", "ko+f3")
KO_SPEEDS = (120, 145)
SNRS: tuple[float | None, ...] = (None, 20.0, 10.0)
VOICE_CHECK = (160, 50)  # speed and pitch of the every-sentence-in-every-voice set


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    text: str
    voice: str
    speed: int
    pitch: int
    snr_db: float | None

    @property
    def condition(self) -> str:
        return "clean" if self.snr_db is None else f"{self.snr_db:g} dB SNR"


def sentences(lang: str) -> list[str]:
    lines = (HERE / f"sentences_{lang}.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def speak(text: str, voice: str, speed: int, pitch: int) -> npt.NDArray[np.float32]:
    """espeak-ng's speech of ``text`` at 16 kHz mono."""
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
        check=True,
        capture_output=True,
    ).stdout
    samples, rate = sf.read(io.BytesIO(wav), dtype="float32")
    resampled: npt.NDArray[np.float32] = np.asarray(soxr.resample(samples, rate, RATE), dtype=np.float32)
    return resampled


def pink_noise(n: int, rng: np.random.Generator) -> npt.NDArray[np.float32]:
    """Noise with a 1/f power spectrum (closer to a room or street than white noise)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum /= np.sqrt(np.maximum(np.arange(spectrum.size), 1.0))
    noise = np.fft.irfft(spectrum, n)
    scaled: npt.NDArray[np.float32] = (noise / np.sqrt(np.mean(noise**2))).astype(np.float32)
    return scaled


def with_noise(
    speech: npt.NDArray[np.float32], snr_db: float, rng: np.random.Generator
) -> npt.NDArray[np.float32]:
    """``speech`` plus pink noise at ``snr_db`` (speech power measured where it speaks)."""
    active = speech[np.abs(speech) > 0.01 * np.abs(speech).max()]
    power = float(np.mean(active**2))
    noise = pink_noise(speech.size, rng) * np.sqrt(power / 10 ** (snr_db / 10))
    mixed: npt.NDArray[np.float32] = (speech + noise).astype(np.float32)
    return mixed / np.float32(max(1.0, float(np.abs(mixed).max())))


def half(text: str) -> str:
    """``dev`` (even lines of ``sentences_en.txt``: settings are chosen on these) or ``test`` (odd
    lines: the figures reported for the chosen settings)."""
    return "dev" if sentences("en").index(text) % 2 == 0 else "test"


def plan_voices() -> list[Item]:
    """Every English sentence, clean, in every voice at one speed and pitch: a voice that fails
    sentences the others get right is a synthesis problem, not the model's."""
    speed, pitch = VOICE_CHECK
    return [
        Item(f"voice-{n:03d}-{voice}", "en", text, voice, speed, pitch, None)
        for n, text in enumerate(sentences("en"))
        for voice in EN_VOICES
    ]


def plan(lang: str) -> list[Item]:
    """Every sentence once per noise condition (English) or once per speed (Korean, clean)."""
    items: list[Item] = []
    for n, text in enumerate(sentences(lang)):
        if lang == "en":
            voice, speed = EN_VOICES[n % len(EN_VOICES)], EN_SPEEDS[n % len(EN_SPEEDS)]
            pitch = EN_PITCHES[(n // len(EN_SPEEDS)) % len(EN_PITCHES)]
            for snr in SNRS:
                tag = "clean" if snr is None else f"snr{snr:g}"
                items.append(Item(f"en-{n:03d}-{tag}", lang, text, voice, speed, pitch, snr))
        else:
            for speed in KO_SPEEDS:
                voice = KO_VOICES[n % len(KO_VOICES)]
                items.append(Item(f"ko-{n:03d}-s{speed}", lang, text, voice, speed, 50, None))
    return items


def build(out_dir: Path, seed: int = 19, items: list[Item] | None = None) -> list[Item]:
    """Write the WAVs and ``manifest.jsonl`` of ``items`` (default: the English and Korean test
    set) into ``out_dir``; returns the items."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    items = plan("en") + plan("ko") if items is None else items
    cache: dict[tuple[str, str, int, int], npt.NDArray[np.float32]] = {}
    for item in items:
        key = (item.text, item.voice, item.speed, item.pitch)
        if key not in cache:
            cache[key] = speak(item.text, item.voice, item.speed, item.pitch)
        audio = cache[key] if item.snr_db is None else with_noise(cache[key], item.snr_db, rng)
        sf.write(out_dir / f"{item.id}.wav", audio, RATE, subtype="PCM_16")
    with (out_dir / "manifest.jsonl").open("w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
    return items


def load(out_dir: Path) -> list[Item]:
    lines = (out_dir / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [Item(**json.loads(line)) for line in lines if line]


def ready(out_dir: Path, items: list[Item]) -> list[Item]:
    """``items`` spoken into ``out_dir``: the files there when they are these items, else built anew
    (a changed sentence or voice list rebuilds the set)."""
    if (out_dir / "manifest.jsonl").is_file() and load(out_dir) == items:
        return items
    return build(out_dir, items=items)
