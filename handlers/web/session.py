"""Signed cookie sessions: a random user id per browser, no accounts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from bot.types import UserRef
from handlers.base import PlatformUsers

COOKIE = "happytalk_session"
MAX_AGE_S = 365 * 24 * 3600
WEB = PlatformUsers("web")


class Sessions:
    """Issues and verifies ``<user id>.<HMAC-SHA256>`` cookie values."""

    def __init__(self, secret: bytes) -> None:
        self._key = secret

    def __repr__(self) -> str:
        return "Sessions(<secret>)"

    def _sign(self, user_id: str) -> str:
        mac = hmac.new(self._key, user_id.encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")

    def new(self) -> tuple[UserRef, str]:
        """A fresh user and the cookie value that proves it."""
        user_id = secrets.token_urlsafe(18)
        return WEB.user(user_id), f"{user_id}.{self._sign(user_id)}"

    def verify(self, cookie: str | None) -> UserRef | None:
        """The user a cookie value was issued for, or ``None`` if it is missing or forged."""
        if not cookie or len(cookie) > 200 or not cookie.isascii():
            return None
        user_id, _, signature = cookie.partition(".")
        if not user_id or not hmac.compare_digest(signature, self._sign(user_id)):
            return None
        return WEB.user(user_id)
