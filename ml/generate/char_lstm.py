"""The seeds' second backend: a character-level LSTM with softmax-temperature sampling.

Its input uses the same conditioning as the transformer, with the special markers as single
symbols: ``<lang><emotion> message <sep> reply <eos>``.
"""

from __future__ import annotations

import collections
import json
import logging
import math
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ml.generate.pair import Pair
from ml.generate.prompt import (
    EMOTION_TOKENS,
    EOS,
    LANG_TOKENS,
    PAD,
    SEP,
    SPECIAL_TOKENS,
    UNK,
    context_turns,
    norm_emotion,
    norm_lang,
)
from ml.generate.request import ModelLoadError, ReplyRequest

log = logging.getLogger(__name__)
CHECKPOINT_NAME = "char_lstm.pt"


@dataclass(frozen=True)
class CharLSTMConfig:
    """Model size and training schedule."""

    embed: int = 64
    hidden: int = 256
    layers: int = 1
    context: int = 160
    epochs: float = 1.0
    batch_size: int = 32
    lr: float = 2e-3
    min_count: int = 2
    seed: int = 0


class CharVocab:
    """Special symbols first, then the characters seen at least ``min_count`` times."""

    def __init__(self, symbols: Sequence[str]) -> None:
        self.symbols = list(symbols)
        self.index = {s: i for i, s in enumerate(self.symbols)}
        self.unk = self.index[UNK]

    @classmethod
    def build(cls, texts: Sequence[str], min_count: int) -> CharVocab:
        """Vocabulary of ``texts``."""
        counts = collections.Counter(ch for text in texts for ch in text)
        chars = sorted(ch for ch, n in counts.items() if n >= min_count)
        return cls([*SPECIAL_TOKENS, *chars])

    def encode(self, text: str) -> list[int]:
        """Character ids (unknown characters map to ``<unk>``)."""
        return [self.index.get(ch, self.unk) for ch in text]

    def decode(self, ids: Sequence[int]) -> str:
        """Text of ``ids``, dropping special symbols."""
        n_special = len(SPECIAL_TOKENS)
        return "".join(self.symbols[i] for i in ids if i >= n_special)


def _prompt_ids(vocab: CharVocab, lang: str, emotion: str, turns: Sequence[str], budget: int) -> list[int]:
    head = [vocab.index[LANG_TOKENS[norm_lang(lang)]], vocab.index[EMOTION_TOKENS[norm_emotion(emotion)]]]
    body: list[int] = []
    for turn in turns:
        body += [*vocab.encode(" " + turn), vocab.index[SEP]]
    return head + body[-max(1, budget - len(head)) :]


def example_ids(vocab: CharVocab, pair: Pair, context: int) -> list[int]:
    """One training example: at most a third of ``context`` for the message, the rest for the reply."""
    prompt = _prompt_ids(vocab, pair.lang, pair.emotion, [pair.message], context // 3)
    reply = [*vocab.encode(" " + pair.reply), vocab.index[EOS]]
    return (prompt + reply)[:context]


def _build_model(n_vocab: int, cfg: CharLSTMConfig) -> Any:
    import torch

    class CharLSTM(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = torch.nn.Embedding(n_vocab, cfg.embed)
            self.lstm = torch.nn.LSTM(cfg.embed, cfg.hidden, cfg.layers, batch_first=True)
            self.out = torch.nn.Linear(cfg.hidden, n_vocab)

        def forward(self, ids: Any, state: Any = None) -> tuple[Any, Any]:
            hidden, state = self.lstm(self.embed(ids), state)
            return self.out(hidden), state

    return CharLSTM()


def train_char_lstm(
    pairs: Sequence[Pair],
    out_dir: Path,
    cfg: CharLSTMConfig,
    resume: bool = True,
    max_minutes: float | None = None,
    threads: int = 1,
    checkpoint_every: int = 200,
    progress: bool = True,
) -> Path:
    """Train (or resume) ``out_dir/char_lstm.pt``; returns the checkpoint path."""
    import torch
    from tqdm import tqdm

    torch.set_num_threads(threads)
    torch.manual_seed(cfg.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / CHECKPOINT_NAME
    state: dict[str, Any] | None = None
    if resume and path.exists():
        state = torch.load(path, map_location="cpu", weights_only=False)
        vocab = CharVocab(state["vocab"])
    else:
        vocab = CharVocab.build([p.message + p.reply for p in pairs], cfg.min_count)
    model = _build_model(len(vocab.symbols), cfg)
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    step = 0
    if state is not None:
        model.load_state_dict(state["model"])
        optim.load_state_dict(state["optim"])
        step = int(state["step"])
    examples = [example_ids(vocab, p, cfg.context) for p in pairs]
    steps_per_epoch = math.ceil(len(examples) / cfg.batch_size)
    total = max(1, int(steps_per_epoch * cfg.epochs))

    def save() -> None:
        tmp = path.with_suffix(".tmp")
        payload = {
            "config": asdict(cfg),
            "vocab": vocab.symbols,
            "model": model.state_dict(),
            "optim": optim.state_dict(),
            "step": step,
        }
        torch.save(payload, tmp)
        tmp.replace(path)

    started = time.monotonic()
    bar = tqdm(total=total, initial=step, disable=not progress, desc="train char_lstm")
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=vocab.index[PAD])
    order: list[int] = []
    ema = float("nan")
    model.train()
    while step < total:
        epoch, index = divmod(step, steps_per_epoch)
        if index == 0 or not order:
            order = list(range(len(examples)))
            random.Random(cfg.seed + epoch).shuffle(order)
        batch = [examples[i] for i in order[index * cfg.batch_size : (index + 1) * cfg.batch_size]]
        width = max(len(x) for x in batch)
        ids = torch.full((len(batch), width), vocab.index[PAD], dtype=torch.long)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = torch.tensor(seq)
        for group in optim.param_groups:
            group["lr"] = cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / total)))
        logits, _ = model(ids[:, :-1])
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
        optim.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        step += 1
        ema = float(loss.item()) if math.isnan(ema) else 0.98 * ema + 0.02 * float(loss.item())
        bar.update(1)
        bar.set_postfix(loss=f"{ema:.3f}")
        if step % checkpoint_every == 0:
            save()
        if max_minutes is not None and time.monotonic() - started > max_minutes * 60:
            log.info("time budget reached at step %d of %d", step, total)
            break
    bar.close()
    save()
    meta = {"config": asdict(cfg), "step": step, "total_steps": total, "examples": len(examples)}
    (out_dir / "char_lstm_training.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path


class CharLSTMGenerator:
    """Replies sampled character by character; the best of ``num_candidates`` is kept."""

    def __init__(
        self,
        path: Path,
        temperature: float = 0.8,
        max_new_chars: int = 160,
        num_candidates: int = 4,
    ) -> None:
        import torch

        file = path / CHECKPOINT_NAME if path.is_dir() else path
        try:
            state = torch.load(file, map_location="cpu", weights_only=False)
            self.cfg = CharLSTMConfig(**state["config"])
            self.vocab = CharVocab(state["vocab"])
            self.model = _build_model(len(self.vocab.symbols), self.cfg)
            self.model.load_state_dict(state["model"])
        except (OSError, RuntimeError, KeyError, TypeError, ValueError, EOFError) as exc:
            raise ModelLoadError(f"cannot load char-LSTM checkpoint {file}: {exc}") from exc
        except Exception as exc:  # unpickling garbage can raise almost anything
            raise ModelLoadError(f"cannot load char-LSTM checkpoint {file}: {exc}") from exc
        self.model.eval()
        self.temperature = temperature
        self.max_new_chars = max_new_chars
        self.num_candidates = num_candidates
        self._lock = threading.Lock()

    def sample(self, request: ReplyRequest, n: int) -> list[str]:
        """``n`` raw sampled replies for ``request``."""
        import torch

        turns = context_turns(request.history, request.text)
        prompt = _prompt_ids(self.vocab, request.lang, request.emotion, turns, self.cfg.context // 2)
        eos = self.vocab.index[EOS]
        banned = [self.vocab.index[t] for t in SPECIAL_TOKENS if t != EOS]
        with torch.inference_mode():
            logits, state = self.model(torch.tensor([prompt] * n))
            last = logits[:, -1, :]
            out: list[list[int]] = [[] for _ in range(n)]
            done = [False] * n
            for step in range(self.max_new_chars):
                last[:, banned] = -math.inf
                if step == 0:
                    last[:, eos] = -math.inf
                nxt = torch.multinomial(torch.softmax(last / self.temperature, dim=-1), 1)
                for row, symbol in enumerate(nxt[:, 0].tolist()):
                    if done[row]:
                        continue
                    if symbol == eos:
                        done[row] = True
                    else:
                        out[row].append(symbol)
                if all(done):
                    break
                logits, state = self.model(nxt, state)
                last = logits[:, -1, :]
        return [self.vocab.decode(ids).strip() for ids in out]

    def reply_nll(self, pairs: Sequence[Pair], batch_size: int = 32) -> tuple[float, int, int]:
        """Summed negative log-likelihood of each reply given its message: (nll, chars, chars).

        Every reply character and the closing ``<eos>`` count (so tokens == characters).
        """
        import torch

        total, count = 0.0, 0
        sep, pad = self.vocab.index[SEP], self.vocab.index[PAD]
        for start in range(0, len(pairs), batch_size):
            seqs = [example_ids(self.vocab, p, self.cfg.context) for p in pairs[start : start + batch_size]]
            width = max(len(x) for x in seqs)
            ids = torch.full((len(seqs), width), pad, dtype=torch.long)
            labels = torch.full((len(seqs), width), -100, dtype=torch.long)
            for row, seq in enumerate(seqs):
                ids[row, : len(seq)] = torch.tensor(seq)
                reply_start = len(seq) - seq[::-1].index(sep) if sep in seq else 2
                labels[row, reply_start : len(seq)] = torch.tensor(seq[reply_start:])
            with torch.inference_mode():
                logits, _ = self.model(ids[:, :-1])
            target = labels[:, 1:]
            nll = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100, reduction="sum"
            )
            total += float(nll)
            count += int((target != -100).sum())
        return total, count, count

    def generate(self, requests: Sequence[ReplyRequest]) -> list[str]:
        """One reply per request: the best-scoring of ``num_candidates`` samples."""
        from ml.generate.scoring import pick_best

        replies: list[str] = []
        for request in requests:
            with self._lock:
                best = pick_best(request, self.sample(request, self.num_candidates))
                if not best:  # every candidate was empty: one more, larger draw
                    best = pick_best(request, self.sample(request, 2 * self.num_candidates + 2))
            replies.append(best or "...")
        return replies
