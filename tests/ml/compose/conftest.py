"""The shipped composer, loaded once for the composer tests."""

from __future__ import annotations

import pytest

from ml.compose.composer import Composer, load_composer


@pytest.fixture(scope="session")
def composer() -> Composer:
    return load_composer()
