"""The web adapter: a JSON/WebSocket API and a messenger-style chat page over the core.

Imported lazily so ``happytalk --help`` does not load the core and its models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from handlers.web.adapter import WebAdapter, WebStartError
    from handlers.web.app import create_app

__all__ = ["WebAdapter", "WebStartError", "create_app"]
_HOMES = {
    "WebAdapter": "handlers.web.adapter",
    "WebStartError": "handlers.web.adapter",
    "create_app": "handlers.web.app",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'handlers.web' has no attribute {name!r}")
