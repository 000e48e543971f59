"""The music library: catalog, librosa features, Annoy index, recommendations, demo library."""

from music_index.demo import ensure_demo_library
from music_index.library import MusicLibrary
from music_index.track import LibraryNotReady, Suggestion, Track

__all__ = ["LibraryNotReady", "MusicLibrary", "Suggestion", "Track", "ensure_demo_library"]
