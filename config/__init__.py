"""Settings for happytalk."""

from config.settings import EMOTIONS, Emotion, Settings, SettingsError, load_settings

__all__ = ["EMOTIONS", "Emotion", "Settings", "SettingsError", "load_settings"]
