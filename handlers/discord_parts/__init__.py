"""Pieces of the Discord adapter: client, commands, track buttons, rendering, voice messages, sync."""
