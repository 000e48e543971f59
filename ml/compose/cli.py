"""``happytalk compose`` and ``happytalk train|eval|bench composer``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ml.compose.moods import EMOTIONS


@click.command("compose")
@click.option("--emotion", "-e", default="joy", show_default=True, help=f"One of: {', '.join(EMOTIONS)}.")
@click.option("--bars", "-b", default=8, show_default=True, type=int, help="Length in 4/4 bars (1-16).")
@click.option("--seed", "-s", default=None, type=int, help="Same seed, same melody.")
@click.option(
    "--temperature", "-t", default=1.0, show_default=True, type=float, help="Sampling temperature, in (0, 3]."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("melody.ogg"),
    show_default=True,
    help="Where to write the melody: .ogg (Opus voice note) or .wav.",
)
@click.option(
    "--weights",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A composer checkpoint; default: the shipped one.",
)
def compose(
    emotion: str, bars: int, seed: int | None, temperature: float, output: Path, weights: Path | None
) -> None:
    """Compose a short melody in the mood of EMOTION and write it as audio."""
    from ml.compose import ModelLoadError, load_composer
    from ml.compose.composer import check_args

    suffix = output.suffix.lower()
    if suffix not in (".ogg", ".wav"):
        raise click.BadParameter("the file name must end in .ogg or .wav", param_hint="-o")
    try:
        check_args(emotion, bars, temperature)
        piece = load_composer(weights).compose(emotion, bars, seed, temperature)
    except (ValueError, ModelLoadError) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        output.write_bytes(piece.ogg if suffix == ".ogg" else piece.wav)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc}") from None
    click.echo(piece.title)
    click.echo(piece.notes_text)
    click.echo(f"{output}: {piece.duration_s:.1f} s")


@click.command("composer")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Checkpoint path; default: the shipped weights file.",
)
@click.option("--epochs", default=None, type=click.IntRange(1, 1000), help="Default: 40.")
@click.option(
    "--window", default=None, type=click.IntRange(4, 256), help="Notes per training window (default 24)."
)
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64))
def train_composer(
    output: Path | None, epochs: int | None, window: int | None, seed: int, threads: int
) -> None:
    """Train the melody LSTM on the corpus (held-out tunes excluded) and save it."""
    from dataclasses import replace

    from ml.compose.composer import WEIGHTS
    from ml.compose.train import TrainConfig, train

    config = TrainConfig(seed=seed, threads=threads)
    if epochs is not None:
        config = replace(config, epochs=epochs)
    if window is not None:
        config = replace(config, window=window)
    target = output or WEIGHTS
    figures = train(target, config, progress=click.echo)
    click.echo(f"saved {target}")
    click.echo(json.dumps(figures))


@click.command("composer")
@click.option(
    "--weights",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Default: the shipped weights.",
)
@click.option(
    "--samples",
    default=100,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Melodies sampled per mode.",
)
@click.option("--bars", default=8, show_default=True, type=click.IntRange(1, 16))
@click.option("--temperature", default=1.0, show_default=True, type=click.FloatRange(0.0, 3.0, min_open=True))
@click.option("--seed", default=0, show_default=True, type=int)
def eval_composer(weights: Path | None, samples: int, bars: int, temperature: float, seed: int) -> None:
    """Held-out next-note accuracy, share of notes in key, and copying of 4+ training bars (JSON)."""
    import torch

    from ml.compose.composer import WEIGHTS
    from ml.compose.corpus import load_corpus, split
    from ml.compose.evaluate import generation_report, majority_baseline, next_note_accuracy
    from ml.compose.model import ModelLoadError, load

    torch.set_num_threads(1)
    try:
        model, _ = load(weights or WEIGHTS)
    except ModelLoadError as exc:
        raise click.ClickException(str(exc)) from None
    train_set, held = split(load_corpus())
    report: dict[str, float] = {f"held_out_{k}": v for k, v in next_note_accuracy(model, held).items()}
    report["held_out_majority_baseline"] = majority_baseline(train_set, held)
    report.update(generation_report(model, train_set, samples, bars, temperature, seed))
    click.echo(json.dumps(report, indent=2))


@click.command("composer")
@click.option("-n", "--runs", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option("--bars", default=8, show_default=True, type=click.IntRange(1, 16))
@click.option("--threads", default=None, type=click.IntRange(1, 64), help="torch threads; default: torch's.")
def bench_composer(runs: int, bars: int, threads: int | None) -> None:
    """Load time and median time of one joy piece (sampling, synthesis, WAV and OGG)."""
    import statistics
    import time

    import torch

    from ml.compose import load_composer

    if threads is not None:
        torch.set_num_threads(threads)
    started = time.perf_counter()
    composer = load_composer()
    load_s = time.perf_counter() - started
    times = []
    for seed in range(runs):
        started = time.perf_counter()
        piece = composer.compose("joy", bars, seed)
        times.append(time.perf_counter() - started)
    click.echo(
        f"threads {torch.get_num_threads()}: load {load_s:.3f} s, compose {bars} bars median "
        f"{statistics.median(times):.3f} s over {runs} (last piece {piece.duration_s:.1f} s, "
        f"{len(piece.ogg)} bytes OGG)"
    )


def register(root: click.Group) -> None:
    """Add the composer's commands to ``root``."""
    from config.cli import group

    root.add_command(compose)
    group(root, "train").add_command(train_composer)
    group(root, "eval").add_command(eval_composer)
    group(root, "bench").add_command(bench_composer)
