"""Fixtures for the web adapter: the real app over the real core, and HTTP clients for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx
import pytest
from fastapi import FastAPI

from handlers.web import create_app

if TYPE_CHECKING:
    from bot.core import DialogueCore
    from config import Settings

BASE = "http://testserver"


@pytest.fixture
def app(core: DialogueCore, settings: Settings) -> FastAPI:
    return create_app(core, settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """One browser: keeps its session cookie across requests."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        yield c


@pytest.fixture
async def other_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser (another user) on the same server."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        yield c
