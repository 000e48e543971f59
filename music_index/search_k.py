"""How many index nodes a query inspects: Annoy's ``search_k``, scaled with the library size."""

from __future__ import annotations

#: Measured in ``music_index/BENCHMARKS.md`` (20 trees): 1000 nodes reach recall@10 0.99 at
#: 10k tracks, ~5000 are needed for 0.97 at 1M; this power law passes through both.
BASE_SEARCH_K = 1000
BASE_SIZE = 10_000
EXPONENT = 0.35


def effective_search_k(setting: int, n_items: int) -> int:
    """``setting`` when positive or -1 (Annoy's default); for 0, the size-scaled value."""
    if setting != 0:
        return setting
    scaled = BASE_SEARCH_K * (max(n_items, 1) / BASE_SIZE) ** EXPONENT
    return max(100, int(scaled / 100 + 0.5) * 100)
