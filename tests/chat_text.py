"""Hypothesis strategies for the text people can send a chat platform (shared by the fuzz tests)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

UNICODE = st.characters(codec="utf-8")  # every code point but the surrogates
ODD = st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "So", "Sk"))
PIECES = (
    *("\u200f", "\u200e", "\u202e", "\u2067", "\u061c"),  # bidi marks and overrides
    *("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"),  # zero-width characters
    *("🎉", "👩\u200d👩\u200d👧", "🇰🇷", "e\u0301", "가", "ا", "\U0001d54f"),
    *("\x00", "\x1b[31m", "\r\n", "\u2028", "\x85", " ", "/help", "**", "`", ":"),
)


def chat_texts(platform_pieces: Sequence[str], longest: int) -> st.SearchStrategy[str]:
    """Any text, odd characters, pieces that confuse parsers (``PIECES`` + ``platform_pieces``)
    strung together, and long repeats of 3,000 to ``longest`` characters."""
    pieces = [*PIECES, *platform_pieces]
    return st.one_of(
        st.text(UNICODE, max_size=200),
        st.text(ODD, max_size=100),
        st.lists(st.sampled_from(pieces), max_size=40).map("".join),
        st.builds(
            lambda unit, n: (unit * n)[:n],
            st.text(UNICODE, min_size=1, max_size=5),
            st.integers(3000, longest),
        ),
    )
