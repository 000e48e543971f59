"""``happytalk train emotion``, ``happytalk eval emotion`` and ``happytalk classify``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from config.cli import group, settings_or_exit

if TYPE_CHECKING:
    from ml.emotion.classifier import EmotionClassifier

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
_EVAL_SETS = ("goemotions-dev", "korean-heldout")  # mirrors ml.emotion.data.EVAL_SETS
_model_option = click.option(
    "--model",
    type=click.Path(path_type=Path),
    default=None,
    help="Model directory (default: settings emotion.model_path, else the shipped weights).",
)


def _load_classifier(model: Path | None) -> EmotionClassifier:
    from ml.emotion.classifier import EmotionClassifier, ModelLoadError

    path = model if model is not None else settings_or_exit().emotion.model_path
    try:
        return EmotionClassifier.load(path)
    except ModelLoadError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("emotion")
@click.option("--lang", type=click.Choice(["en", "ko"]), required=True, help="Model to train.")
@click.option("--epochs", type=float, default=None, help="Passes over the data (en 1, ko 2).")
@click.option("--layers", type=int, default=6, show_default=True, help="MiniLM layers kept.")
@click.option("--embedding-lr", type=float, default=2e-3, show_default=True, help="For new embeddings.")
@click.option("--batch-size", type=int, default=32, show_default=True)
@click.option("--lr", type=float, default=8e-5, show_default=True)
@click.option("--max-len", type=int, default=64, show_default=True)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--subsample", type=int, default=0, show_default=True, help="Train rows; 0 = all.")
@click.option("--threads", type=int, default=1, show_default=True)
@click.option("--checkpoint-every", type=int, default=200, show_default=True)
@click.option(
    "--max-minutes",
    type=float,
    default=0.0,
    show_default=True,
    help="Stop training after this many minutes (checkpoint, then export); 0 = no limit.",
)
@click.option(
    "--work-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Checkpoints (default /tmp/emotion/<lang>).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Export directory (default: the shipped weights/<lang>).",
)
@click.option("--resume", is_flag=True, help="Continue from the checkpoint in --work-dir.")
@click.option(
    "--init",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Start from an exported model directory instead of MiniLM.",
)
@click.option(
    "--export-checkpoint",
    is_flag=True,
    help="Calibrate and export the latest checkpoint in --work-dir without training further.",
)
@click.option(
    "--ngram",
    is_flag=True,
    help="Korean only: fit the char n-gram model and the ensemble mix for the encoder in --out "
    "(no encoder training).",
)
def train_emotion(
    lang: str,
    epochs: float | None,
    layers: int,
    embedding_lr: float,
    batch_size: int,
    lr: float,
    max_len: int,
    seed: int,
    subsample: int,
    threads: int,
    checkpoint_every: int,
    max_minutes: float,
    work_dir: Path | None,
    out: Path | None,
    resume: bool,
    init: Path | None,
    export_checkpoint: bool,
    ngram: bool,
) -> None:
    """Fine-tune the emotion classifier for one language and export it."""
    if ngram:
        if lang != "ko":
            raise click.UsageError("--ngram is for the Korean model (--lang ko)")
        from ml.emotion.ensemble import fit_ensemble

        target = out or WEIGHTS_DIR / lang
        if not (target / "config.json").exists():
            raise click.ClickException(f"no exported Korean encoder in {target}")
        click.echo(json.dumps(fit_ensemble(target, seed=seed)))
        return
    from ml.emotion.train import TrainConfig, train

    cfg = TrainConfig(
        lang=lang,
        epochs=epochs if epochs is not None else (1.0 if lang == "en" else 2.0),
        layers=layers,
        embedding_lr=embedding_lr,
        batch_size=batch_size,
        lr=lr,
        max_len=max_len,
        seed=seed,
        subsample=subsample,
        threads=threads,
        checkpoint_every=checkpoint_every,
        init=str(init) if init is not None else "",
    )
    work = work_dir or Path("/tmp/emotion") / lang
    try:
        summary = train(
            cfg,
            work,
            out or WEIGHTS_DIR / lang,
            resume=resume,
            export_only=export_checkpoint,
            max_minutes=max_minutes,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(summary))


@click.command("emotion")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option(
    "--dataset", type=click.Choice(_EVAL_SETS), default=None, help="A built-in set instead of FILE."
)
@click.option("--threshold", is_flag=True, help="Also search the neutral threshold that maximises macro-F1.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@_model_option
def eval_emotion(
    file: Path | None, dataset: str | None, threshold: bool, as_json: bool, model: Path | None
) -> None:
    """Evaluate on FILE (TSV ``text<TAB>label``): accuracy, macro-F1, per-class F1, confusion."""
    import numpy as np

    from ml.emotion.data import eval_set, read_labelled_tsv
    from ml.emotion.labels import LABEL_INDEX, NEUTRAL
    from ml.emotion.metrics import best_threshold, report

    if (file is None) == (dataset is None):
        raise click.UsageError("give exactly one of FILE or --dataset")
    if file is not None:
        texts, labels, bad = read_labelled_tsv(file)
        if bad:
            click.echo(f"skipped {len(bad)} malformed line(s): {bad[:10]}", err=True)
    else:
        assert dataset is not None
        texts, labels = eval_set(dataset)
    if not texts:
        raise click.ClickException("no labelled rows to evaluate")
    clf = _load_classifier(model)
    results = clf.classify(texts)
    probs = np.array([[r.scores[lab] for lab in LABEL_INDEX] for r in results])
    gold = np.asarray(labels)
    rep = report(probs, gold)
    out = rep.to_dict()
    if threshold:
        t, f1 = best_threshold(probs, gold, LABEL_INDEX[NEUTRAL])
        out["best_neutral_threshold"] = {"threshold": t, "macro_f1": round(f1, 4)}
    if as_json:
        click.echo(json.dumps(out))
        return
    click.echo(rep.to_text())
    if threshold:
        click.echo(f"best neutral threshold: {out['best_neutral_threshold']}")


@click.command("classify")
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@_model_option
def classify(text: str | None, as_json: bool, model: Path | None) -> None:
    """Classify TEXT, or each line of standard input when TEXT is not given."""
    clf = _load_classifier(model)
    lines = [text] if text is not None else [ln.rstrip("\r\n") for ln in sys.stdin]
    for start in range(0, len(lines), 256):
        chunk = lines[start : start + 256]
        for line, res in zip(chunk, clf.classify(chunk), strict=True):
            if as_json:
                obj = {"text": line, "emotion": res.label, "scores": res.scores}
                click.echo(json.dumps(obj, ensure_ascii=False))
            else:
                click.echo(f"{res.label}\t{res.confidence:.3f}\t{line}")


def register(root: click.Group) -> None:
    """Add the emotion commands to ``root``."""
    group(root, "train").add_command(train_emotion)
    group(root, "eval").add_command(eval_emotion)
    root.add_command(classify)
