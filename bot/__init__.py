"""The dialogue core, neutral message types, storage, app assembly and the CLI."""
