"""The generator in worker processes: the shipped model answers there; a broken one is a clear error."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from config.settings import GeneratorSettings
from ml.generate import ModelLoadError, ReplyRequest
from ml.generate.processes import GeneratorProcesses


def _children() -> set[int]:
    return {p.pid for p in multiprocessing.active_children() if p.pid is not None}


def test_worker_process_answers_batches_and_stops() -> None:
    before = _children()  # other tests' cores may have theirs
    generator = GeneratorProcesses(GeneratorSettings(), processes=1)
    try:
        replies = generator.generate(
            [ReplyRequest("I got the job!", "joy", "en"), ReplyRequest("요즘 너무 외로워", "sadness", "ko")]
        )
        assert len(replies) == 2 and all(r.strip() for r in replies)
        assert generator.generate([]) == []
        assert len(_children() - before) == 1
    finally:
        generator.close()
    assert _children() <= before


def test_missing_model_in_the_worker_is_a_load_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-model"
    before = _children()
    with pytest.raises(ModelLoadError, match=str(missing)):
        GeneratorProcesses(GeneratorSettings(model_path=missing), processes=1)
    assert _children() <= before


@pytest.mark.resilience
def test_a_killed_worker_is_replaced_and_the_batch_answered() -> None:
    generator = GeneratorProcesses(GeneratorSettings(), processes=1)
    try:
        first = _children()
        request = [ReplyRequest("I got the job!", "joy", "en")]
        assert generator.generate(request)[0].strip()
        for pid in {p.pid for p in generator._pool._processes.values()}:  # the pool's own workers
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)  # the pool notices the death and marks itself broken
        (reply,) = generator.generate(request)
        assert reply.strip()
        assert _children() - first, "a new worker process answered"
    finally:
        generator.close()
