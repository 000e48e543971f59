"""Schemathesis against the OpenAPI schema: no generated input, valid or not, gets a 5xx.

Every response must also match the schema (status code, content type, body), and invalid
input must be rejected with a 4xx (schemathesis' default checks).
"""

from __future__ import annotations

import asyncio
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from handlers.web import WebAdapter

pytestmark = pytest.mark.resilience

# Chat runs the real models, so keep the per-operation budget small; the rest are cheap.
EXAMPLES = {"POST /api/messages": 12}
DEFAULT_EXAMPLES = 25


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
    assert {"POST /api/messages", "PUT /api/settings", "GET /api/mood", "GET /api/charts/{chart_id}"} <= set(
        covered
    )
    assert len(covered) == 13
