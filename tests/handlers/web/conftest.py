"""Fixtures for the web adapter: the real app over the real core, and HTTP clients for it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from handlers.web import WebAdapter, create_app

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


@pytest.fixture
async def server(core: DialogueCore, settings: Settings) -> AsyncIterator[WebAdapter]:
    """The web adapter serving on a free loopback port (for browser and schemathesis runs)."""
    web = settings.web.model_copy(update={"port": 0, "secret": SecretStr("web-test-secret-123")})
    adapter = WebAdapter(core, settings.model_copy(update={"web": web}))
    stop = asyncio.Event()
    task = asyncio.create_task(adapter.serve(stop))
    await asyncio.wait_for(adapter.listening.wait(), 10)
    yield adapter
    stop.set()
    await asyncio.wait_for(task, 10)
