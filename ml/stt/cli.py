"""``happytalk transcribe FILE [--json]`` and ``happytalk bench stt``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click


@click.command("transcribe")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["auto", "en", "ko"]), default="auto", show_default=True)
@click.option("--json", "json_mode", is_flag=True, help="Print text, lang, confidence and ms as JSON.")
def transcribe(file: Path, lang: str, json_mode: bool) -> None:
    """Transcribe FILE (a voice note or audio file: OGG, MP3, M4A, WAV, WebM) offline."""
    from config.cli import settings_or_exit
    from ml.stt import Transcriber, TranscriptionError

    if not file.is_file():
        raise click.ClickException(f"there is no file {file}")
    settings = settings_or_exit()
    transcriber = Transcriber(settings.speech, settings.data_dir / "stt")
    try:
        transcriber.load("multilingual" if lang == "ko" else "english")  # ms counts listening only
        start = time.perf_counter()
        heard = transcriber.transcribe(file, None if lang == "auto" else lang)
    except TranscriptionError as exc:
        raise click.ClickException(str(exc)) from None
    ms = round((time.perf_counter() - start) * 1000, 1)
    if json_mode:
        out = {"text": heard.text, "lang": heard.lang, "confidence": heard.confidence, "ms": ms}
        click.echo(json.dumps(out, ensure_ascii=False))
    else:
        click.echo(heard.text)
        click.echo(f"({heard.lang}, confidence {heard.confidence:.2f}, {heard.model}, {ms:.0f} ms)", err=True)


@click.command("stt")
@click.option("-n", "--runs", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--quick", is_flag=True, help="A third of the test set (a smoke run).")
@click.option("--json", "json_mode", is_flag=True, help="Print JSON rows instead of a table.")
def bench_stt(runs: int, quick: bool, json_mode: bool) -> None:
    """Word/character error rates on the spoken test set, speed, load time and memory."""
    from config.cli import settings_or_exit
    from ml.stt.bench import format_report, run

    settings = settings_or_exit()
    if not json_mode:
        click.echo("measuring… (rows appear as they are measured; the table follows)", err=True)
    show = None if json_mode else (lambda row: click.echo(f"{row['what']}: {row['figure']}", err=True))
    click.echo(format_report(run(settings, settings.data_dir, runs, quick, show), json_mode))


@click.command("stt-decoding")
@click.option("-n", "--runs", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--voices",
    default="",
    help="Also hear every sentence in every espeak-ng voice with these models (e.g. tiny.en,base).",
)
@click.option("--json", "json_mode", is_flag=True, help="Print JSON rows instead of a table.")
def bench_stt_decoding(runs: int, voices: str, json_mode: bool) -> None:
    """Decoding settings and tiny.en against base on English: chosen on the dev half of the
    sentences, reported on the test half, per espeak-ng voice."""
    from config.cli import settings_or_exit
    from ml.stt.bench import format_report
    from ml.stt.sweep import MODELS, run

    models = tuple(m.strip() for m in voices.split(",") if m.strip())
    if unknown := [m for m in models if m not in MODELS]:
        raise click.BadParameter(f"{', '.join(unknown)}: use tiny.en and/or base", param_hint="--voices")
    settings = settings_or_exit()
    show = None if json_mode else (lambda row: click.echo(f"{row['what']}: {row['figure']}", err=True))
    click.echo(format_report(run(settings, settings.data_dir, runs, models, show), json_mode))


def register(root: click.Group) -> None:
    """Add ``transcribe`` to the root command and ``stt`` and ``stt-decoding`` to ``bench``."""
    from config.cli import group

    root.add_command(transcribe)
    bench = group(root, "bench")
    bench.add_command(bench_stt)
    bench.add_command(bench_stt_decoding)
