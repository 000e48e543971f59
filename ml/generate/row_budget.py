"""The generator's row budget: how many candidates each request gets in a batch, and what a batch
costs (the core's admission fits batch times against that cost)."""

from __future__ import annotations

from config.settings import GeneratorSettings


def candidates_per_request(settings: GeneratorSettings, n_requests: int) -> int:
    """``num_candidates``, fewer when that many requests would exceed ``max_batch_rows`` (at least 1)."""
    return max(1, min(settings.num_candidates, settings.max_batch_rows // max(1, n_requests)))


def batch_cost(settings: GeneratorSettings, n_requests: int) -> float:
    """The work of a batch in units its time is about linear in: the sampled rows, plus one per
    request for its prompt (measured: a batch of 16 costs about what 8 cost, not twice)."""
    return float(n_requests * (candidates_per_request(settings, n_requests) + 1))
