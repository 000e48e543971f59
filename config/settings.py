"""happytalk settings: environment (``HAPPYTALK_*``), ``.env`` and an optional TOML file.

Nested sections map to environment variables with one underscore after the section name,
e.g. ``[generator] top_k`` is ``HAPPYTALK_GENERATOR_TOP_K`` and ``[telegram] token`` is
``HAPPYTALK_TELEGRAM_TOKEN``. Precedence: init arguments > environment > ``.env`` > TOML.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

Emotion = Literal["anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"]
EMOTIONS: tuple[Emotion, ...] = get_args(Emotion)
"""The seven emotions, in the order of the classifier's outputs (``ml.emotion.labels.LABELS``)."""


def zone_or_none(name: str) -> ZoneInfo | None:
    """The IANA time zone ``name`` (e.g. ``Asia/Seoul``), or ``None`` when there is no such zone."""
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # unknown, malformed, or a folder of zones
        return None


def _blank_is_unset(value: object) -> object:
    """An empty or whitespace-only value (``VAR=`` in compose or ``.env``) means "not set"."""
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, SecretStr) and not value.get_secret_value().strip():
        return None
    return value


Secret = Annotated[SecretStr | None, BeforeValidator(_blank_is_unset)]
"""A secret setting; empty or whitespace is "not set"."""

TELEGRAM_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/happytalk`` (``~/.local/share/happytalk``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "happytalk"


class EmotionSettings(BaseModel):
    """Emotion classifier."""

    model_path: Path | None = Field(
        None, description="Directory of a trained classifier; default: shipped weights."
    )
    neutral_threshold: float = Field(
        0.4,
        ge=0.0,
        le=1.0,
        description="Below this top-label probability music treats the message as neutral.",
    )


class GeneratorSettings(BaseModel):
    """Reply generator and its sampling."""

    backend: Literal["transformer", "char_lstm"] = "transformer"
    model_path: Path | None = Field(
        None, description="Local Hugging Face causal LM directory, or a char-LSTM checkpoint."
    )
    temperature: float = Field(0.8, gt=0.0, le=5.0)
    top_k: int = Field(50, ge=0)
    top_p: float = Field(0.92, gt=0.0, le=1.0)
    repetition_penalty: float = Field(1.3, ge=1.0, le=5.0)
    no_repeat_ngram_size: int = Field(3, ge=0)
    max_new_tokens: int = Field(40, ge=1, le=256)
    num_candidates: int = Field(4, ge=1, le=16)
    max_batch_rows: int = Field(
        16,
        ge=1,
        le=1024,
        description="Rows (requests x candidates) per sampling pass; large batches get fewer candidates.",
    )
    max_prompt_tokens: int = Field(
        48,
        ge=8,
        le=1024,
        description="Prompt length cap in tokens (the oldest context goes first); long prompts are slow.",
    )
    quantize: bool = Field(
        True,
        description="int8 dynamic quantisation of a GPT-2 generator's matrix products (2-3x faster on CPU).",
    )


class DialogueSettings(BaseModel):
    """Reply selection: retrieval over dialogue data, a trained ranker, the generator as a fallback."""

    ranker_path: Path | None = Field(
        None, description="Directory with en/ and ko/ ranker models; default: shipped weights."
    )
    sources: list[str] | None = Field(
        None,
        description="Dialogue sources in the reply index; default: the written set and every corpus found.",
    )
    generator_below: float = Field(
        0.45,
        ge=-1.0,
        le=2.0,
        description="Ask the generator too when the best retrieved reply scores below this.",
    )
    recent_replies: int = Field(10, ge=0, le=25, description="Never repeat one of the bot's last N replies.")


class SpeechSettings(BaseModel):
    """Spoken replies."""

    engine: Literal["gtts", "espeak"] = Field(
        "gtts", description="Primary engine; the other is the fallback."
    )
    gtts_timeout_s: float = Field(5.0, gt=0)
    gtts_min_interval_s: float = Field(0.5, ge=0, description="Minimum gap between gTTS requests (throttle).")
    gtts_tld: str = "com"
    gtts_cooldown_s: float = Field(
        30.0, ge=0, description="After a gTTS failure, use the fallback for this long (or Retry-After)."
    )
    cache_mb: int = Field(64, ge=0, description="Disk cache cap for synthesised notes; 0 disables it.")
    max_chars: int = Field(
        600, ge=1, description="Longer replies are cut at a sentence boundary before speaking."
    )
    stt_model_path: Path | None = Field(
        None,
        description="A local CTranslate2 Whisper directory to transcribe voice messages with; default: "
        "the packaged tiny.en (English) and base (Korean and other languages) models.",
    )
    stt_max_seconds: float = Field(120.0, gt=0, le=600, description="Longest voice message transcribed.")
    stt_max_mb: float = Field(20.0, gt=0, le=100, description="Largest voice message downloaded.")
    stt_threads: int = Field(2, ge=1, le=16, description="CPU threads of one transcription.")


class MusicSettings(BaseModel):
    """Music library and index."""

    catalog: Path | None = Field(None, description="Catalog CSV/JSONL; default: the demo library.")
    clip_seconds: float = Field(30.0, gt=0, le=600)
    n_trees: int = Field(20, ge=1)
    search_k: int = Field(
        0,
        ge=-1,
        description="Nodes inspected per query; 0 scales with the library size "
        "(music_index/BENCHMARKS.md), -1 means Annoy's default (n_trees * k).",
    )
    workers: int = Field(2, ge=1)


class TelegramSettings(BaseModel):
    """Telegram adapter."""

    token: Secret = None
    base_url: str | None = Field(None, description="Bot API base URL, e.g. a self-hosted server.")
    base_file_url: str | None = Field(
        None, description="Bot API file download base URL (Telegram's by default); the token is appended."
    )
    webhook_url: str | None = Field(
        None, description="Public HTTPS URL; set to use webhook mode instead of polling."
    )
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: Secret = None
    concurrent_updates: int = Field(16, ge=1)

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TELEGRAM_TOKEN.fullmatch(value.get_secret_value().strip()):
            raise ValueError(
                "not a Telegram bot token (digits, a colon, then letters, digits, _ or -); "
                "copy it again from @BotFather"
            )
        return None if value is None else SecretStr(value.get_secret_value().strip())


class DiscordSettings(BaseModel):
    """Discord adapter."""

    token: Secret = None
    dev_guild_id: int | None = Field(None, description="Sync commands to this guild on start (development).")
    sharded: bool = False
    message_content: bool = Field(
        False,
        description="Hear voice messages in server channels (needs the privileged Message Content intent "
        "enabled in the developer portal); DMs and /listen work without it.",
    )
    allowed_guild_ids: list[int] = Field(default_factory=list)
    buttons_ttl_hours: float = Field(
        24.0, gt=0, description="Track buttons older than this answer 'expired' and are removed."
    )


class WebSettings(BaseModel):
    """Web chat adapter; setting a port (without ``enabled``) turns it on."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535, description="0 picks a free port.")
    secret: Secret = Field(
        None, description="Signs session cookies; unset, sessions end when the server restarts."
    )

    @model_validator(mode="before")
    @classmethod
    def _port_enables(cls, data: object) -> object:
        if isinstance(data, dict) and "port" in data and "enabled" not in data:
            return {**data, "enabled": True}
        return data


class OpsSettings(BaseModel):
    """The operations listener: ``/healthz``, ``/readyz`` and ``/metrics`` (off unless a port is set)."""

    host: str = Field("127.0.0.1", description="Address to listen on; 0.0.0.0 inside a container.")
    port: Annotated[int | None, BeforeValidator(_blank_is_unset)] = Field(
        None, ge=0, le=65535, description="Port of the listener; unset: off. 0 picks a free port."
    )


class AccessSettings(BaseModel):
    """Who may talk to the bot and who may run admin commands (``platform:id`` or bare ids)."""

    allowed_ids: list[str] = Field(default_factory=list, description="Empty means everyone.")
    admin_ids: list[str] = Field(default_factory=list)


class LimitSettings(BaseModel):
    """Input and load limits."""

    max_message_chars: int = Field(4096, ge=1)
    user_messages_per_minute: int = Field(20, ge=1)
    model_workers: int = Field(
        2, ge=1, le=32, description="Threads running model work other than the generator's."
    )
    generator_processes: int = Field(
        0,
        ge=0,
        le=16,
        description="Generator worker processes (one batch, one torch thread each); 0: in the bot's process.",
    )
    max_pending: int = Field(256, ge=1, description="Queued model jobs before the bot answers 'busy'.")
    max_wait_ms: int = Field(
        600,
        ge=1,
        description="Answer 'busy' at once when a message's model work would wait longer than this.",
    )
    history_turns: int = Field(
        20, ge=0, le=50, description="Earlier turns read per message (context, and replies not to repeat)."
    )


class Settings(BaseSettings):
    """All happytalk settings."""

    model_config = SettingsConfigDict(
        env_prefix="HAPPYTALK_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        toml_file=os.environ.get("HAPPYTALK_CONFIG_FILE", "happytalk.toml"),
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: Annotated[str | None, BeforeValidator(_blank_is_unset)] = Field(
        None, description="SQLAlchemy URL; default: SQLite in the data directory."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    timezone: str = Field(
        "UTC",
        description="IANA time zone of the days in /mood charts (chat platforms don't say where users "
        "are); the web page sends the browser's.",
    )

    emotion: EmotionSettings = EmotionSettings()
    generator: GeneratorSettings = GeneratorSettings()
    dialogue: DialogueSettings = DialogueSettings()
    speech: SpeechSettings = SpeechSettings()
    music: MusicSettings = MusicSettings()
    telegram: TelegramSettings = TelegramSettings()
    discord: DiscordSettings = DiscordSettings()
    web: WebSettings = WebSettings()
    access: AccessSettings = AccessSettings()
    limits: LimitSettings = LimitSettings()
    ops: OpsSettings = OpsSettings()

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if zone_or_none(value) is None:
            raise ValueError("not a time zone name; use an IANA name such as UTC or Asia/Seoul")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls),
        )

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to ``sqlite:///<data_dir>/happytalk.sqlite3``."""
        return self.database_url or f"sqlite:///{self.data_dir / 'happytalk.sqlite3'}"


class SettingsError(Exception):
    """Invalid configuration, with a message meant for a person."""


def _env_name(loc: tuple[str | int, ...]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    return "HAPPYTALK_" + "_".join(parts).upper()


def load_settings(**overrides: object) -> Settings:
    """Load settings, turning validation errors into one readable :class:`SettingsError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            dotted = ".".join(str(p) for p in loc)
            # never echo the offending value: it may be a secret
            lines.append(f"  {dotted} (env {_env_name(loc)}): {err['msg']}")
        raise SettingsError(
            "happytalk cannot start: invalid configuration.\n"
            + "\n".join(lines)
            + "\nFix these in the environment, .env or happytalk.toml (see .env.example)."
        ) from None
    except (OSError, ValueError) as exc:
        raise SettingsError(f"happytalk cannot start: could not read configuration: {exc}") from None
