"""Process-wide model runtime settings."""

from __future__ import annotations


def single_torch_thread() -> None:
    """Use one intra-op torch thread in the calling thread.

    Model calls run in several worker threads at once; letting each use every core
    oversubscribes the CPU (measured: a 0.1 s reply became 10 s under load). Call this in
    each model worker thread (torch's OpenMP thread count is per calling thread).
    """
    import torch

    torch.set_num_threads(1)
