"""Tokenisers: MiniLM's WordPiece for English, a WordPiece trained on the Korean data for Korean."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece
from tokenizers.trainers import WordPieceTrainer

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_CHARS = 2000  # texts are cut to this many characters before tokenising


def load_tokenizer(path: Path, max_len: int) -> Tokenizer:
    """A tokenizer from ``tokenizer.json`` that truncates to ``max_len`` and pads to the batch."""
    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(max_len)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def train_korean_tokenizer(texts: Iterable[str], vocab_size: int = 8000) -> Tokenizer:
    """A WordPiece vocabulary over Hangul syllables learned from ``texts`` (BERT-style framing).

    The trainer breaks frequency ties in hash order, so two runs may differ in a few rare
    tokens; training saves the tokenizer beside its checkpoint and a resumed run reuses it.
    """
    tok = Tokenizer(WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFKC(), normalizers.BertNormalizer(lowercase=True, strip_accents=False)]
    )
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = WordPieceTrainer(vocab_size=vocab_size, min_frequency=2, special_tokens=SPECIAL_TOKENS)
    tok.train_from_iterator(texts, trainer=trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))],
    )
    return tok
