"""``happytalk say``: write a spoken reply as a voice note."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("say")
@click.argument("text")
@click.option(
    "--lang",
    default="auto",
    show_default=True,
    help="auto (detect English/Korean), en, ko, or another language code.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("note.ogg"),
    show_default=True,
    help="Where to write the OGG/Opus voice note.",
)
@click.option(
    "--engine",
    type=click.Choice(["gtts", "espeak"]),
    default=None,
    help="Primary engine (default: the speech.engine setting); the other is the fallback.",
)
def say(text: str, lang: str, output: Path, engine: str | None) -> None:
    """Speak TEXT into a voice note and print its duration, size and engine."""
    from config.cli import settings_or_exit
    from ml.speech import Speaker, SpeechError

    settings = settings_or_exit()
    speech = settings.speech if engine is None else settings.speech.model_copy(update={"engine": engine})
    speaker = Speaker(speech, settings.data_dir / "tts_cache")
    try:
        note = speaker.synthesize(text, lang)
    except SpeechError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        output.write_bytes(note.ogg)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc}") from None
    click.echo(
        f"{output}: {note.duration_s:.2f} s, {len(note.ogg)} bytes, "
        f"engine {note.engine}, language {note.lang}"
    )
    if note.notice:
        click.echo(f"note: {note.notice}")


@click.command("speech")
@click.option("-n", "--runs", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "json_mode", is_flag=True, help="Print one JSON object instead of a table.")
def bench_speech(runs: int, json_mode: bool) -> None:
    """Offline synthesis + encoding, cached notes, and MP3 → Opus encoding (p50/p90 ms)."""
    from ml.speech.bench import report, run

    click.echo(report(run(runs), json_mode))


def register(root: click.Group) -> None:
    """Add ``say`` to the root command and ``speech`` to ``bench``."""
    from config.cli import group

    root.add_command(say)
    group(root, "bench").add_command(bench_speech)
