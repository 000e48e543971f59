"""The web adapter: a JSON/WebSocket API and a messenger-style chat page over the core.

Imported lazily so ``happytalk --help`` does not load the core and its models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from handlers.web.adapter import WebAdapter as WebAdapter
    from handlers.web.adapter import WebStartError as WebStartError
    from handlers.web.app import create_app as create_app

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__, submod_attrs={"adapter": ["WebAdapter", "WebStartError"], "app": ["create_app"]}
)
