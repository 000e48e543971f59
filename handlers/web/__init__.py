"""The web adapter: a JSON/WebSocket API and a messenger-style chat page over the core."""

from handlers.web.adapter import WebAdapter, WebStartError
from handlers.web.app import create_app

__all__ = ["WebAdapter", "WebStartError", "create_app"]
