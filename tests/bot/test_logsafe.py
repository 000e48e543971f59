"""Secrets never reach a log line, whichever logger or handler writes it."""

from __future__ import annotations

import logging

import pytest

from bot import logsafe

pytestmark = pytest.mark.resilience

SECRET = "123456:AAE-very-secret-token"


def test_every_record_is_redacted_even_for_handlers_added_later(caplog: pytest.LogCaptureFixture) -> None:
    logsafe.install([SECRET, "short"])
    try:
        with caplog.at_level(logging.DEBUG):
            log = logging.getLogger("httpx")
            log.info("HTTP Request: POST https://api.example/bot%s/getMe", SECRET)
            try:
                raise RuntimeError(f"failed calling /bot{SECRET}/sendMessage")
            except RuntimeError:
                logging.getLogger("handlers.x").exception("send failed")
            logging.getLogger("plain").warning("nothing secret, only short words")
    finally:
        logsafe.install([])
    text = caplog.text
    assert SECRET not in text
    assert f"/bot{logsafe.MASK}/getMe" in text and f"/bot{logsafe.MASK}/sendMessage" in text
    assert "only short words" in text  # secrets under 6 characters are not masked (too noisy)
