"""The shipped rankers over an index of the written set, built once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import DialogueSettings
from ml.dialogue.engine import DialogueEngine


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> DialogueEngine:
    cache: Path = tmp_path_factory.mktemp("dialogue-index")
    return DialogueEngine.load(DialogueSettings(sources=["companion"]), cache)
