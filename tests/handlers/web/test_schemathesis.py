"""Schemathesis against the OpenAPI schema: no generated input, valid or not, gets a 5xx.

Every response must also match the schema (status code, content type, body), and invalid
input must be rejected with a 4xx (schemathesis' default checks).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from bot.core import DialogueCore
from config import Settings
from handlers.web import WebAdapter

# Chat runs the real models, so keep the per-operation budget small; the rest are cheap.
EXAMPLES = {"POST /api/messages": 12}
DEFAULT_EXAMPLES = 25


@pytest.fixture
async def server(core: DialogueCore, settings: Settings) -> AsyncIterator[WebAdapter]:
    web = settings.web.model_copy(update={"port": 0, "secret": SecretStr("schemathesis-secret-123")})
    adapter = WebAdapter(core, settings.model_copy(update={"web": web}))
    stop = asyncio.Event()
    task = asyncio.create_task(adapter.serve(stop))
    await asyncio.wait_for(adapter.listening.wait(), 10)
    yield adapter
    stop.set()
    await asyncio.wait_for(task, 10)


def fuzz(url: str) -> list[str]:
    """Run every operation's generated cases against ``url``; returns the operations covered."""
    schema = schemathesis.openapi.from_url(url + "/api/openapi.json")
    covered = []
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            pytest.fail(f"the OpenAPI schema is invalid: {result.err()}")
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        check_operation(operation, label, url)
        covered.append(label)
    return covered


def check_operation(operation: Any, label: str, url: str) -> None:
    """Positive and negative cases for one operation; every response is validated."""

    @hypothesis.settings(
        max_examples=EXAMPLES.get(label, DEFAULT_EXAMPLES),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(
        case=st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )
    )
    def check(case: Any) -> None:
        response = case.call(base_url=url, timeout=60)
        assert response.status_code < 500, f"{label}: {response.status_code} {response.text[:300]}"
        case.validate_response(response)

    check()


async def test_no_generated_input_gets_a_server_error(server: WebAdapter) -> None:
    covered = await asyncio.to_thread(fuzz, server.url)
    assert {"POST /api/messages", "PUT /api/settings", "GET /api/audio/{audio_id}"} <= set(covered)
    assert len(covered) == 11
