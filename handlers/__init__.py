"""Thin platform adapters over the dialogue core."""
