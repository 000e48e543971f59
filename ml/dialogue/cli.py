"""``happytalk train ranker``, ``happytalk eval dialogue``, ``happytalk reply`` and ``happytalk dialogue``."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from config.cli import group, settings_or_exit
from config.settings import EMOTIONS

if TYPE_CHECKING:
    from ml.dialogue.engine import DialogueEngine
    from ml.generate import ReplyGenerator


@click.command("ranker")
@click.option("--lang", type=click.Choice(["en", "ko"]), required=True)
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Exported ranker directory."
)
@click.option(
    "--work-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Checkpoints (default: OUT/checkpoints).",
)
@click.option(
    "--model",
    "kind",
    type=click.Choice(["bert", "ngram"]),
    default=None,
    help="Default: bert (MiniLM) for English, ngram (character n-grams) for Korean.",
)
@click.option("--steps", type=int, default=None, help="Default: 1500 (bert), 400 (ngram).")
@click.option("--batch-size", type=int, default=None, help="Default: 64 (bert), 256 (ngram).")
@click.option("--lr", type=float, default=None, help="Default: 4e-5 (bert), 2e-3 (ngram).")
@click.option("--warmup-steps", type=int, default=None, help="Default: 100 (bert), 20 (ngram).")
@click.option(
    "--companion-repeat",
    type=int,
    default=4,
    show_default=True,
    help="Copies of the project-written set per epoch.",
)
@click.option(
    "--init",
    "init_dir",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="Continue from an exported ranker instead of the base encoder.",
)
@click.option("--context-tokens", type=int, default=64, show_default=True)
@click.option("--reply-tokens", type=int, default=32, show_default=True)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--threads", type=int, default=2, show_default=True)
@click.option("--checkpoint-every", type=int, default=100, show_default=True)
@click.option(
    "--max-minutes", type=float, default=0.0, help="Stop (checkpointing first) after this wall time."
)
@click.option("--resume/--no-resume", default=True, show_default=True)
def train_ranker(
    lang: str,
    out_dir: Path,
    work_dir: Path | None,
    kind: str | None,
    steps: int | None,
    batch_size: int | None,
    lr: float | None,
    warmup_steps: int | None,
    companion_repeat: int,
    init_dir: Path | None,
    context_tokens: int,
    reply_tokens: int,
    seed: int,
    threads: int,
    checkpoint_every: int,
    max_minutes: float,
    resume: bool,
) -> None:
    """Train the response-selection ranker (a dual encoder, in-batch negatives); seeded, resumable."""
    from ml.dialogue.train_ranker import RankerConfig, train

    model = kind or ("ngram" if lang == "ko" else "bert")
    bert = model == "bert"
    cfg = RankerConfig(
        lang="ko" if lang == "ko" else "en",
        model="bert" if bert else "ngram",
        steps=steps or (1500 if bert else 400),
        batch_size=batch_size or (64 if bert else 256),
        lr=lr if lr is not None else (4e-5 if bert else 2e-3),
        warmup_steps=warmup_steps or (100 if bert else 20),
        companion_repeat=companion_repeat,
        init=str(init_dir or ""),
        context_tokens=context_tokens,
        reply_tokens=reply_tokens,
        seed=seed,
        threads=threads,
        checkpoint_every=checkpoint_every,
    )
    try:
        result = train(
            cfg, work_dir or out_dir / "checkpoints", out_dir, resume=resume, max_minutes=max_minutes
        )
    except (ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(result))


@click.command("dialogue")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per line (lang, source, system, n, ...)."
)
@click.option(
    "--per-source",
    type=int,
    default=1000,
    show_default=True,
    help="Held-out pairs sampled per source set (seeded); 0 = all.",
)
@click.option(
    "--ranker",
    "ranker_dir",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="Directory with en/ and ko/ rankers; default: the configured or shipped ones.",
)
@click.option("--seed", type=int, default=13, show_default=True)
def eval_dialogue(as_json: bool, per_source: int, ranker_dir: Path | None, seed: int) -> None:
    """hits@1 of 20 and MRR on held-out pairs: the ranker, a TF-IDF baseline and random."""
    import torch

    from ml.dialogue.report import selection_report

    torch.set_num_threads(2)
    root = ranker_dir or settings_or_exit().dialogue.ranker_path
    rows = selection_report(root, per_source, seed)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row.as_dict()))
        return
    click.echo(f"{'lang':<5}{'source':<24}{'system':<8}{'n':>6}{'hits@1/20':>11}{'MRR':>8}")
    for row in rows:
        click.echo(
            f"{row.lang:<5}{row.source:<24}{row.system:<8}{row.n:>6}{row.hits_at_1_of_20:>11.3f}{row.mrr:>8.3f}"
        )


def _emotion_labeller() -> Callable[[str], str]:
    from ml.emotion import EmotionClassifier

    try:
        classifier = EmotionClassifier.load(settings_or_exit().emotion.model_path)
    except Exception as exc:  # the classifier is optional here: any failure means "neutral"
        click.echo(f"emotion classifier unavailable ({type(exc).__name__}); using neutral", err=True)
        return lambda _text: "neutral"
    return lambda text: str(classifier.classify([text])[0].label)


class _Replier:
    """The engine, with the generator loaded on first need (as the core does it, in one process)."""

    def __init__(self) -> None:
        from ml.dialogue.engine import DialogueEngine

        settings = settings_or_exit()
        self.settings = settings
        self.engine: DialogueEngine = DialogueEngine.load(settings.dialogue, settings.data_dir / "dialogue")
        self._generator: ReplyGenerator | None = None

    def generator(self) -> ReplyGenerator:
        if self._generator is None:
            from ml.generate import load_generator

            self._generator = load_generator(self.settings.generator)
        return self._generator


@click.command("reply")
@click.argument("text", required=False)
@click.option(
    "--emotion",
    type=click.Choice(list(EMOTIONS)),
    default=None,
    help="Emotion of the message; default: the emotion classifier's label.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per line: reply, source, emotion, lang, ms."
)
@click.option(
    "--lang",
    type=click.Choice(["auto", "en", "ko"]),
    default="auto",
    show_default=True,
    help="Reply language (auto: the language of each message).",
)
def reply(text: str | None, emotion: str | None, as_json: bool, lang: str) -> None:
    """Answer TEXT, or each line of standard input (one conversation) when TEXT is not given."""
    import torch

    from ml.dialogue.encoder import RankerLoadError
    from ml.generate import ModelLoadError, ReplyRequest
    from ml.lang import detect_lang

    torch.set_num_threads(1)
    try:
        replier = _Replier()
    except (RankerLoadError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    label_of = _emotion_labeller() if emotion is None else (lambda _t: emotion)
    lines = [text] if text is not None else (line.rstrip("\n") for line in sys.stdin)
    history: list[str] = []
    for line in lines:
        started = time.perf_counter()
        emo = label_of(line)
        reply_lang = lang if lang in ("en", "ko") else detect_lang(line)
        request = ReplyRequest(
            line, emo, reply_lang, tuple(history[-replier.settings.limits.history_turns :])
        )
        choice = replier.engine.respond([request])[0]
        if choice.needs_generator:
            try:
                choice = replier.engine.prefer(request, choice, replier.generator().generate([request])[0])
            except ModelLoadError as exc:
                click.echo(f"generator unavailable ({exc}); keeping the retrieved reply", err=True)
        history += [line, choice.text]
        ms = round(1000 * (time.perf_counter() - started), 1)
        if as_json:
            payload = {
                "reply": choice.text,
                "source": choice.source,
                "emotion": emo,
                "lang": choice.lang,
                "ms": ms,
            }
            click.echo(json.dumps(payload, ensure_ascii=False))
        else:
            click.echo(choice.text)


def register(root: click.Group) -> None:
    """Add ``train ranker``, ``eval dialogue`` and ``reply``."""
    group(root, "train").add_command(train_ranker)
    group(root, "eval").add_command(eval_dialogue)
    root.add_command(reply)
