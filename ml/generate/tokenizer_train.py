"""Train the project's byte-level BPE tokenizer on both corpora."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ml.generate.prompt import EOS, PAD, SEP, SPECIAL_TOKENS, UNK


def train_tokenizer(texts: Iterable[str], vocab_size: int) -> Any:
    """A ``PreTrainedTokenizerFast`` with our special tokens, trained on ``texts``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        min_frequency=2,
    )
    core.train_from_iterator(texts, trainer=trainer)
    extra = [t for t in SPECIAL_TOKENS if t not in {PAD, EOS, UNK}]
    fast: Any = PreTrainedTokenizerFast
    return fast(
        tokenizer_object=core,
        pad_token=PAD,
        eos_token=EOS,
        bos_token=EOS,
        unk_token=UNK,
        sep_token=SEP,
        additional_special_tokens=extra,
        padding_side="left",
        clean_up_tokenization_spaces=False,
    )
