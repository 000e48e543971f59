"""``happytalk train emotion``, ``happytalk eval emotion`` and ``happytalk classify``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from config.cli import group, settings_or_exit

if TYPE_CHECKING:
    import numpy as np

    from ml.emotion.classifier import EmotionClassifier

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
_EVAL_SETS = ("goemotions-dev", "korean-heldout", "chat-en", "chat-ko")  # mirrors ml.emotion.data.EVAL_SETS
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
@click.option(
    "--chat-repeat",
    type=int,
    default=0,
    show_default=True,
    help="Add the project's chat training messages (ml/emotion/chat), each this many times.",
)
@click.option("--kote", is_flag=True, help="Korean only: add KOTE's comments (44 labels mapped to 7).")
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
    help="Fit the n-gram model and the ensemble mix for the encoder in --out (no encoder training); "
    "--subsample, --chat-repeat and --kote choose the rows as for the encoder.",
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
    chat_repeat: int,
    kote: bool,
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
        from ml.emotion.train_ensemble import fit_ensemble

        target = out or WEIGHTS_DIR / lang
        if not (target / "config.json").exists():
            raise click.ClickException(f"no exported {lang} encoder in {target}")
        summary = fit_ensemble(
            target, lang, seed=seed, chat_repeat=chat_repeat, kote=kote, subsample=subsample
        )
        click.echo(json.dumps(summary))
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
        chat_repeat=chat_repeat,
        kote=kote,
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
    if dataset in ("chat-en", "chat-ko"):
        out.update(_chat_figures(dataset, probs))
    if threshold:
        t, f1 = best_threshold(probs, gold, LABEL_INDEX[NEUTRAL])
        out["best_neutral_threshold"] = {"threshold": t, "macro_f1": round(f1, 4)}
    if as_json:
        click.echo(json.dumps(out))
        return
    click.echo(rep.to_text())
    for key in ("questions_neutral", "feeling_questions", "below_music_threshold", "music_requests"):
        if key in out:
            click.echo(f"{key}: {out[key]}")
    if threshold:
        click.echo(f"best neutral threshold: {out['best_neutral_threshold']}")


def _chat_figures(dataset: str, probs: np.ndarray) -> dict[str, object]:
    """Questions and requests on the chat held-out set, and how often the music threshold fires.

    ``questions_neutral``: share of plain (neutral-labelled) questions and requests predicted
    neutral; ``feeling_questions``: share of questions/requests that carry a feeling predicted with
    that feeling; ``below_music_threshold``: share of messages whose top score is below
    ``emotion.neutral_threshold`` (they get music for neutral); ``music_requests``: precision and
    recall of :func:`ml.music_request.music_request` against the rows marked as music requests, and
    how often the mood it reads equals the one marked (``any``: no mood named).
    """
    import numpy as np

    from ml.emotion import chat
    from ml.emotion.labels import LABEL_INDEX, NEUTRAL

    rows = chat.load("heldout", "en" if dataset == "chat-en" else "ko")
    pred = probs.argmax(axis=1)
    asked = [i for i, m in enumerate(rows) if m.kind != "statement"]
    plain = [i for i in asked if rows[i].label == NEUTRAL]
    felt = [i for i in asked if rows[i].label != NEUTRAL]
    threshold = settings_or_exit().emotion.neutral_threshold

    def share(idx: list[int], ok: Callable[[int], bool]) -> dict[str, object]:
        return {"n": len(idx), "rate": round(sum(map(ok, idx)) / max(1, len(idx)), 4)}

    from ml.music_request import music_request

    found = [music_request(m.text) for m in rows]
    hits = [i for i, f in enumerate(found) if f is not None and rows[i].music]
    n_found, n_marked = sum(f is not None for f in found), sum(bool(m.music) for m in rows)
    mood_ok = sum((found[i].mood or "any") == rows[i].music for i in hits)  # type: ignore[union-attr]
    return {
        "music_requests": {
            "marked": n_marked,
            "precision": round(len(hits) / max(1, n_found), 4),
            "recall": round(len(hits) / max(1, n_marked), 4),
            "mood_accuracy": round(mood_ok / max(1, len(hits)), 4),
        },
        "questions_neutral": share(plain, lambda i: bool(pred[i] == LABEL_INDEX[NEUTRAL])),
        "feeling_questions": share(felt, lambda i: bool(pred[i] == LABEL_INDEX[rows[i].label])),
        "below_music_threshold": {
            "threshold": threshold,
            "rate": round(float(np.mean(probs.max(axis=1) < threshold)), 4),
        },
    }


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
