"""Builders shared by the integration, workflow and end-to-end tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from aggregates.report import (
    Adult,
    Channel,
    Child,
    Council,
    Household,
    Report,
    Reporter,
    ReporterKind,
    Tenure,
    Victim,
)

# Personal data planted in every test report, so tests can look for it where it must not be.
VICTIM_NAME = "Rosalind Quennell-Ashdown"
VICTIM_ADDRESS = "17 Wyvern Close, Dover CT17 9QQ"
SUMMARY = "Ex-partner Desmond Fairweather-Lyle broke the back door and threatened her"
NOTE = "Spoke to Rosalind on her mobile 07700 900461"
PERSONAL_STRINGS = [VICTIM_NAME, VICTIM_ADDRESS, SUMMARY, NOTE, "Quennell", "Fairweather",
                    "Wyvern", "07700 900461"]


def make_report(**overrides: Any) -> Report:
    fields: dict[str, Any] = dict(
        council=Council.DOVER, channel=Channel.TELEPHONE, reported_at=datetime.now(UTC),
        reporter=Reporter(kind=ReporterKind.VICTIM),
        victim=Victim(name=VICTIM_NAME, address=VICTIM_ADDRESS, phone="07700 900461"),
        immediate_risk=False,
        household=Household(adults=(Adult(name=VICTIM_NAME),), children=(Child(age=6),)),
        tenure=Tenure.COUNCIL_GENERAL_NEEDS, perpetrator_lives_at_address=False,
        summary=SUMMARY,
    )
    fields.update(overrides)
    return Report(**fields)


def report_body(**overrides: Any) -> dict[str, Any]:
    """The JSON a caseworker's client posts to /cases."""
    body: dict[str, Any] = {
        "council": "dover", "channel": "telephone",
        "reported_at": datetime.now(UTC).isoformat(),
        "reporter": {"kind": "victim"},
        "victim": {"name": VICTIM_NAME, "address": VICTIM_ADDRESS, "phone": "07700 900461"},
        "immediate_risk": False,
        "household": {"adults": [{"name": VICTIM_NAME}], "children": [{"age": 6}]},
        "tenure": "council_general_needs", "perpetrator_lives_at_address": False,
        "summary": SUMMARY,
    }
    body.update(overrides)
    return body


T = TypeVar("T")


async def eventually(probe: Callable[[], Awaitable[T | None]], *, timeout: float = 20.0,
                     interval: float = 0.1) -> T:
    """Poll `probe` until it returns something truthy; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await probe()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        await asyncio.sleep(interval)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
