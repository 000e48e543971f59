"""The demo library: synthesised tracks with a catalog, indexed on first use."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from pathlib import Path

import numpy as np

from config import EMOTIONS
from config.settings import MusicSettings
from music_index import index_files

log = logging.getLogger(__name__)

TRACKS_PER_EMOTION = 20
SECONDS = 4.0

_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "joy": (
        ("Sunny", "Golden", "Bright", "Dancing", "Summer", "Lucky"),
        ("Morning", "Parade", "Balloons", "Boulevard", "Picnic", "Skies"),
        ("The Marigolds", "Lena Brightwater", "Cosmo Day", "Happy Accident Club", "Juno Park"),
    ),
    "sadness": (
        ("Rainy", "Grey", "Fading", "Quiet", "Empty", "Distant"),
        ("Window", "Letters", "Harbor", "Hallway", "Winter", "Photograph"),
        ("The Quiet Tides", "Mara Ellison", "Low Lanterns", "Ivo Grey", "Autumn Rooms"),
    ),
    "anger": (
        ("Burning", "Iron", "Broken", "Savage", "Red", "Wrecking"),
        ("Fist", "Engine", "Teeth", "Riot", "Furnace", "Thunder"),
        ("Steel Jaw", "Rage Kettle", "Dana Vortex", "Cinder Kings", "Black Fuse"),
    ),
    "fear": (
        ("Hollow", "Creeping", "Midnight", "Whispering", "Cold", "Shadow"),
        ("Corridor", "Cellar", "Woods", "Footsteps", "Attic", "Fog"),
        ("Night Lodge", "Vera Crane", "The Pale Choir", "Underhill", "Mothlight"),
    ),
    "disgust": (
        ("Rotten", "Sour", "Crooked", "Greasy", "Murky", "Stale"),
        ("Swamp", "Gutter", "Leftovers", "Sludge", "Alley", "Drain"),
        ("Bile Brothers", "Grub Static", "Odo Mire", "The Rancids", "Fen Mutt"),
    ),
    "surprise": (
        ("Sudden", "Jumping", "Twisting", "Popping", "Wonder", "Spinning"),
        ("Jack", "Fireworks", "Riddle", "Confetti", "Kaleidoscope", "Trapdoor"),
        ("Zig & Zag", "Poppy Flux", "The Loop-de-Loops", "Kiki Sparks", "Mister Whirl"),
    ),
    "neutral": (
        ("Still", "Open", "Even", "Soft", "Plain", "Level"),
        ("Field", "Afternoon", "Water", "Horizon", "Paper", "Breeze"),
        ("Calm Harbour", "Noa Lind", "Flat Earth Trio", "Mild Weather", "Pale Blue Room"),
    ),
}


def demo_dir(data_dir: Path) -> Path:
    """``<data_dir>/demo_library``."""
    return data_dir / "demo_library"


def write_demo_library(data_dir: Path) -> Path:
    """Write the demo tracks (skipping ones already there) and their catalog; return the catalog."""
    import soundfile as sf

    from music_index.demo_synth import SAMPLE_RATE, render

    root = demo_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["path", "title", "artist", "emotion"])
    for emotion in EMOTIONS:
        adjectives, nouns, artists = _WORDS[emotion]
        seed = int.from_bytes(hashlib.sha256(emotion.encode()).digest()[:4], "big")
        for n in range(TRACKS_PER_EMOTION):
            rel = f"{emotion}/{emotion}_{n:02d}.ogg"
            target = root / rel
            if not target.exists():
                audio = render(emotion, SECONDS, np.random.default_rng([seed, n]))
                target.parent.mkdir(exist_ok=True)
                tmp = target.with_suffix(".tmp.ogg")
                sf.write(str(tmp), audio, SAMPLE_RATE, format="OGG", subtype="VORBIS")
                tmp.replace(target)
            title = f"{adjectives[n % 6]} {nouns[(n * 5 + n // 6) % 6]}"
            if n >= 6:
                title += f" No. {n // 6 + 1}"
            writer.writerow([rel, title, artists[n % len(artists)], emotion])
    catalog = root / "catalog.csv"
    if not catalog.exists() or catalog.read_text(encoding="utf-8") != buf.getvalue():
        catalog.write_text(buf.getvalue(), encoding="utf-8")
    return catalog


def ensure_demo_library(data_dir: Path, settings: MusicSettings) -> None:
    """Build the demo library and its index when ``data_dir`` has no index yet.

    Does nothing when an index exists or when ``settings.catalog`` names the user's own
    library (that one is built with ``happytalk index build``). Idempotent.
    """
    from music_index.build import build_index

    if index_files.current_generation(data_dir) is not None:
        return
    if settings.catalog is not None:
        log.warning("no music index yet: run `happytalk index build %s`", settings.catalog)
        return
    catalog = write_demo_library(data_dir)
    report = build_index(catalog, data_dir, settings, progress=False)
    log.info("demo music library indexed: %d tracks in %.1f s", report.indexed, report.total_s)
