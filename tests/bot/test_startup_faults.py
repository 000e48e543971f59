"""A missing or corrupt model at start-up stops the bot with a message naming it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import StartupError, build_core
from tests.conftest import make_settings

pytestmark = pytest.mark.resilience

EMOTION_EN = Path(__file__).parents[2] / "ml" / "emotion" / "weights"


def _corrupt_copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    for weights in dst.rglob("*.safetensors"):
        weights.write_bytes(b"\x00garbage" * 64)
    return dst


@pytest.mark.parametrize("broken", ["missing", "corrupt"])
def test_broken_emotion_model_is_a_clear_startup_error(
    broken: str, tmp_path: Path, shared_data_dir: Path
) -> None:
    path = tmp_path / "nothing-here" if broken == "missing" else _corrupt_copy(EMOTION_EN, tmp_path / "em")
    settings = make_settings(shared_data_dir, tmp_path, emotion={"model_path": path})
    with pytest.raises(StartupError) as err:
        build_core(settings, progress=lambda _m: None)
    assert "cannot start" in str(err.value) and str(path) in str(err.value)


def test_broken_generator_checkpoint_is_a_clear_startup_error(tmp_path: Path, shared_data_dir: Path) -> None:
    path = tmp_path / "gen"
    path.mkdir()
    (path / "config.json").write_text("{not json")
    settings = make_settings(shared_data_dir, tmp_path, generator={"model_path": path})
    with pytest.raises(StartupError, match="cannot start"):
        build_core(settings, progress=lambda _m: None)


RANKERS = Path(__file__).parents[2] / "ml" / "dialogue" / "weights"


@pytest.mark.parametrize("broken", ["missing", "corrupt"])
def test_broken_reply_ranker_is_a_clear_startup_error(
    broken: str, tmp_path: Path, shared_data_dir: Path
) -> None:
    path = tmp_path / "nothing-here" if broken == "missing" else _corrupt_copy(RANKERS, tmp_path / "rk")
    settings = make_settings(
        shared_data_dir, tmp_path, dialogue={"ranker_path": path, "sources": ["companion"]}
    )
    with pytest.raises(StartupError) as err:
        build_core(settings, progress=lambda _m: None)
    assert "cannot start" in str(err.value) and str(path) in str(err.value)


def test_unknown_dialogue_source_is_a_clear_startup_error(tmp_path: Path, shared_data_dir: Path) -> None:
    settings = make_settings(shared_data_dir, tmp_path, dialogue={"sources": ["companion", "reddit"]})
    with pytest.raises(StartupError, match=r"dialogue\.sources .*unknown dialogue source.*reddit"):
        build_core(settings, progress=lambda _m: None)
