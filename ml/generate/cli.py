"""``happytalk train generator`` and ``happytalk eval generator``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from config.cli import group, settings_or_exit
from ml.generate.corpus import DEFAULT_DATA_DIR


@click.command("generator")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="Folder holding topical_chat/ and korean_chatbot_data/.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Output model directory (checkpoints go to OUT/checkpoints).",
)
@click.option(
    "--backend", type=click.Choice(["transformer", "char_lstm"]), default="transformer", show_default=True
)
@click.option("--layers", type=int, default=4, show_default=True)
@click.option("--dim", type=int, default=256, show_default=True, help="Embedding / hidden size.")
@click.option(
    "--context", type=int, default=128, show_default=True, help="Tokens (or characters) per example."
)
@click.option("--vocab-size", type=int, default=8000, show_default=True)
@click.option("--epochs", type=float, default=1.0, show_default=True)
@click.option("--batch-size", type=int, default=32, show_default=True)
@click.option("--lr", type=float, default=1e-3, show_default=True)
@click.option("--limit", type=int, default=None, help="Use only this many training pairs (smoke runs).")
@click.option(
    "--max-minutes",
    type=float,
    default=None,
    help="Stop (and save) after this wall time; the learning rate reaches its floor by then.",
)
@click.option("--threads", type=int, default=2, show_default=True)
@click.option("--resume/--no-resume", default=True, show_default=True)
@click.option(
    "--init",
    "init_dir",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="Continue training from this transformer model directory (its tokenizer and size).",
)
@click.option("--korean-repeat", type=int, default=2, show_default=True, help="Korean copies per epoch.")
@click.option(
    "--emotion-repeat",
    type=int,
    default=1,
    show_default=True,
    help="Copies per epoch of English pairs whose message has a non-neutral emotion.",
)
@click.option("--warmup-steps", type=int, default=100, show_default=True)
@click.option(
    "--dialogue-sources",
    default="",
    help="Train on these sources of the dialogue corpus instead (comma-separated, e.g. "
    "companion,personality_chat,korean_chatbot); default: Topical-Chat and the Korean chatbot data.",
)
@click.option("--companion-repeat", type=int, default=1, show_default=True, help="Copies of the written set.")
@click.option(
    "--goemotions-pairs",
    type=int,
    default=0,
    show_default=True,
    help="Add this many English pseudo-pairs built from GoEmotions train.tsv (0 = off; see MODEL_CARD.md).",
)
def train_generator(
    data_dir: Path,
    out_dir: Path,
    backend: str,
    layers: int,
    dim: int,
    context: int,
    vocab_size: int,
    epochs: float,
    batch_size: int,
    lr: float,
    limit: int | None,
    max_minutes: float | None,
    threads: int,
    resume: bool,
    init_dir: Path | None,
    korean_repeat: int,
    emotion_repeat: int,
    warmup_steps: int,
    goemotions_pairs: int,
    dialogue_sources: str,
    companion_repeat: int,
) -> None:
    """Train the reply generator on the shared dialogue corpora (resumable)."""
    import torch

    from ml.generate.corpus import load_pairs

    if goemotions_pairs < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--goemotions-pairs")
    if min(korean_repeat, emotion_repeat) < 1:
        raise click.BadParameter("repeats must be at least 1", param_hint="--korean-repeat/--emotion-repeat")
    if init_dir is not None and backend != "transformer":
        raise click.BadParameter("--init works with the transformer backend", param_hint="--init")
    torch.set_num_threads(threads)  # also for embedding the GoEmotions comments
    if dialogue_sources:
        from ml.dialogue.corpus import generator_pairs

        try:
            pairs = generator_pairs(
                [s.strip() for s in dialogue_sources.split(",") if s.strip()], companion_repeat
            )
        except (ValueError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from None
    else:
        pairs = load_pairs(data_dir, limit=limit, goemotions=goemotions_pairs)
    if not pairs:
        raise click.ClickException(f"no dialogue pairs found under {data_dir}")
    if backend == "transformer":
        from ml.generate.train_transformer import TransformerConfig, train_transformer

        cfg = TransformerConfig(
            vocab_size=vocab_size,
            n_layer=layers,
            n_embd=dim,
            n_head=max(1, dim // 64),
            context=context,
            epochs=epochs,
            batch_size=batch_size,
            lr=lr,
            warmup_steps=warmup_steps,
            korean_repeat=korean_repeat,
            emotion_repeat=emotion_repeat,
        )
        train_transformer(
            pairs, out_dir, cfg, resume=resume, max_minutes=max_minutes, threads=threads, init_dir=init_dir
        )
    else:
        from ml.generate.char_lstm import CharLSTMConfig, train_char_lstm

        ccfg = CharLSTMConfig(
            layers=layers,
            hidden=dim,
            context=context,
            epochs=epochs,
            batch_size=batch_size,
            lr=lr,
        )
        train_char_lstm(pairs, out_dir, ccfg, resume=resume, max_minutes=max_minutes, threads=threads)
    click.echo(f"saved {backend} generator to {out_dir}")


def _load(backend: str | None, model: Path | None) -> tuple[Any, Any]:
    """Settings (with CLI overrides) and the loaded generator, or a clean CLI error."""
    from ml.generate import ModelLoadError, load_generator

    settings = settings_or_exit().generator
    update: dict[str, Any] = {}
    if backend is not None:
        update["backend"] = backend
    if model is not None:
        update["model_path"] = model
    settings = settings.model_copy(update=update)
    try:
        return settings, load_generator(settings)
    except ModelLoadError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("generator")
@click.option("--data-dir", type=click.Path(path_type=Path), default=DEFAULT_DATA_DIR, show_default=True)
@click.option(
    "--backend",
    type=click.Choice(["transformer", "char_lstm"]),
    default=None,
    help="Default: generator.backend from settings.",
)
@click.option("--model", type=click.Path(path_type=Path), default=None, help="Default: generator.model_path.")
@click.option("--replies", type=int, default=100, show_default=True, help="Held-out messages to answer.")
@click.option("--ppl-pairs", type=int, default=1000, show_default=True, help="Held-out pairs for perplexity.")
@click.option(
    "--goemotions-ppl-pairs",
    type=int,
    default=500,
    show_default=True,
    help="Held-out GoEmotions pseudo-pairs for perplexity_token_goemotions (0 = skip).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def eval_generator(
    data_dir: Path,
    backend: str | None,
    model: Path | None,
    replies: int,
    ppl_pairs: int,
    goemotions_ppl_pairs: int,
    seed: int,
    as_json: bool,
) -> None:
    """Held-out perplexity, distinct-1/2, repetition and language-match rates, reply latency."""
    import torch

    from ml.generate.corpus import load_pairs
    from ml.generate.evaluate import balanced_sample, perplexity, reply_metrics
    from ml.generate.goemotions_pairs import goemotions_pairs

    torch.manual_seed(seed)
    torch.set_num_threads(1)  # see MODEL_CARD.md: more intra-op threads are far slower on a busy CPU
    settings, generator = _load(backend, model)
    heldout = load_pairs(data_dir, heldout=True)
    if not heldout:
        raise click.ClickException(f"no held-out pairs found under {data_dir}")
    result: dict[str, Any] = {"backend": settings.backend}
    try:
        result.update(perplexity(generator, balanced_sample(heldout, ppl_pairs)))
    except ValueError as exc:
        click.echo(f"perplexity skipped: {exc}", err=True)
    pseudo = goemotions_pairs(data_dir, goemotions_ppl_pairs, heldout=True)
    if pseudo:
        try:
            result["perplexity_token_goemotions"] = perplexity(generator, pseudo)["perplexity_token"]
            result["goemotions_pairs"] = len(pseudo)
        except ValueError as exc:
            click.echo(f"GoEmotions perplexity skipped: {exc}", err=True)
    result.update(reply_metrics(generator, balanced_sample(heldout, replies)))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        if key != "samples":
            click.echo(f"{key:28s} {value:.4f}" if isinstance(value, float) else f"{key:28s} {value}")
    for sample in result["samples"]:
        click.echo(f"[{sample['lang']}/{sample['emotion']}] {sample['message']}\n    -> {sample['reply']}")


def register(root: click.Group) -> None:
    """Add ``train generator`` and ``eval generator`` (``happytalk reply`` lives in ml.dialogue.cli)."""
    group(root, "train").add_command(train_generator)
    group(root, "eval").add_command(eval_generator)
