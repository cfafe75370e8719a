"""How a stand-in partner reads the council's answers to its acknowledgements (Standard
Webhooks: retry on 409, 429 and 5xx, as long as `Retry-After` asks; never on 401 or 422)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateways.partner_acks import retry_after_seconds, retryable

NOW = datetime(2026, 11, 30, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("2", 2.0), (" 10 ", 10.0), ("0", 0.0),
    ("Mon, 30 Nov 2026 10:00:07 GMT", 7.0),   # an HTTP date: seven seconds from now
    ("Mon, 30 Nov 2026 09:59:00 GMT", 0.0),   # a date in the past: at once, never negative
    (None, None), ("", None), ("soon", None), ("-3", None), ("1.5", None),
])
def test_retry_after_is_delay_seconds_or_an_http_date(value: str | None,
                                                      seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


@pytest.mark.parametrize(("status", "again"), [
    (408, True), (409, True), (425, True), (429, True), (500, True), (502, True), (503, True),
    (504, True), (400, False), (401, False), (403, False), (404, False), (410, False),
    (413, False), (422, False),
])
def test_only_answers_that_can_change_are_retried(status: int, again: bool) -> None:
    assert retryable(status) is again
