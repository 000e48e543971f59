"""Outgoing Bot API calls: Telegram's flood limits, ``RetryAfter`` and network retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
Result = bool | JSONDict | list[JSONDict]
"""What a Bot API call returns (python-telegram-bot keeps its own alias private)."""


class RetryingRateLimiter(AIORateLimiter):
    """:class:`AIORateLimiter` (flood limits, waits out ``RetryAfter``) that also retries
    network errors and 5xx answers with exponential backoff. Rejections (400) are not retried.

    A request whose connection drops after Telegram processed it cannot be told apart from one
    that never arrived; it is retried, as the Bot API has no idempotency keys.

    Chat actions ("typing…") are cosmetic and best effort: they go out at once, outside the flood
    limiter, so they never delay or use up the budget of real answers.
    """

    UNLIMITED = frozenset({"sendChatAction"})

    def __init__(
        self, *, max_retries: int = 3, network_retries: int = 3, backoff_s: float = 0.5, **limits: float
    ) -> None:
        super().__init__(max_retries=max_retries, **limits)
        self.network_retries = network_retries
        self.backoff_s = backoff_s

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        if endpoint in self.UNLIMITED:
            return await callback(*args, **kwargs)

        async def with_retries(*a: Any, **kw: Any) -> Result:
            delay = self.backoff_s
            for attempt in range(self.network_retries + 1):
                try:
                    return await callback(*a, **kw)
                except BadRequest:
                    raise
                except NetworkError as exc:
                    if attempt == self.network_retries:
                        raise
                    log.warning(
                        "Telegram %s failed (%s); retry %d in %.1f s",
                        endpoint,
                        type(exc).__name__,
                        attempt + 1,
                        delay,
                    )
                    await asyncio.sleep(delay)
                    delay *= 2
            raise AssertionError("unreachable")

        return await super().process_request(with_retries, args, kwargs, endpoint, data, rate_limit_args)
