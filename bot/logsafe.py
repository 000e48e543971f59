"""Keep secrets out of logs: every log record is redacted as it is created.

Libraries log request URLs (Telegram's contain the bot token). Redacting in the record
factory covers every logger and every handler, including handlers added later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

MASK = "***"


class Redactor:
    """Replaces each secret's text in a record's message and exception text with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def redact(self, record: logging.LogRecord) -> logging.LogRecord:
        if not self.secrets:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return record
        cleaned = self.clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.clean(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return record


_installed: Redactor | None = None
_base_factory: Callable[..., logging.LogRecord] | None = None


def install(secrets: Iterable[str]) -> Redactor:
    """Redact ``secrets`` from every log record from now on (replaces an earlier install)."""
    global _installed, _base_factory
    redactor = Redactor(secrets)
    if _base_factory is None:
        _base_factory = logging.getLogRecordFactory()
    base = _base_factory

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redactor.redact(base(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = redactor
    return redactor
