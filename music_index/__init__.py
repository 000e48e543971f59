"""The music library: catalog, librosa features, Annoy index, recommendations, demo library."""
