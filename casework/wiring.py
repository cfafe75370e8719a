"""Builds the parts from settings: the stores, the Temporal client, intake, sign-in."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import sqlalchemy.exc
from eventsourcing.persistence import PersistenceError
from temporalio.client import Client

from activities.auth_store import AuthStore
from activities.case_store import CaseStore, store_env
from activities.staff_directory import StaffDirectory
from casework.keys import load_key
from casework.settings import AuthMode, Settings
from web.auth import AuthServices
from web.oidc import OidcClient, OidcConfig
from workflows.client import CaseOrchestrator
from workflows.data_converter import encrypted_data_converter
from workflows.intake import Intake


def _store_env(settings: Settings) -> dict[str, str]:
    if settings.event_store_url.startswith("sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = load_key(settings.event_store_key_file, create=settings.creates_missing_keys)
    return store_env(settings.event_store_url, key)


T = TypeVar("T")
CREATE_ATTEMPTS = 5


def _creating_tables(make: Callable[[], T]) -> T:
    """Build a store, whose first use creates its tables. Processes starting together (a
    worker and a web app, or replicas) race to create them; the loser tries again and finds
    them there."""
    for attempt in range(CREATE_ATTEMPTS):
        try:
            return make()
        except (PersistenceError, sqlalchemy.exc.SQLAlchemyError):
            if attempt == CREATE_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def build_store(settings: Settings) -> CaseStore:
    """The event store named by the settings, with its cipher key read from its file."""
    env = _store_env(settings)
    return _creating_tables(lambda: CaseStore(env))


def build_directory(settings: Settings) -> StaffDirectory:
    """The staff directory: accounts and password hashes, encrypted like the cases."""
    env = _store_env(settings)
    return _creating_tables(lambda: StaffDirectory(env))


def build_sessions(settings: Settings) -> AuthStore:
    """Sessions, bearer tokens and failed sign-ins (not part of the record)."""
    return _creating_tables(lambda: AuthStore(settings.event_store_url))


def build_auth(settings: Settings) -> AuthServices:
    return AuthServices(
        directory=build_directory(settings), sessions=build_sessions(settings),
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )


def build_oidc(settings: Settings) -> OidcClient | None:
    """The council's OpenID Connect provider, when the settings choose it."""
    if settings.auth_mode is not AuthMode.OIDC:
        return None
    secret = settings.oidc_client_secret_file.read_text().strip()
    return OidcClient(OidcConfig(
        issuer=settings.oidc_issuer, client_id=settings.oidc_client_id, client_secret=secret,
        redirect_uri=settings.oidc_redirect_url, staff_id_claim=settings.oidc_staff_id_claim,
    ))


async def connect_temporal(settings: Settings) -> Client:
    """A Temporal client whose payloads and failures are all encrypted."""
    key = load_key(settings.temporal_payload_key_file, create=settings.creates_missing_keys)
    return await Client.connect(
        settings.temporal_address, namespace=settings.temporal_namespace,
        data_converter=encrypted_data_converter([key]),
    )


def build_intake(settings: Settings, store: CaseStore, client: Client) -> Intake:
    return Intake(store, CaseOrchestrator(client, settings.temporal_task_queue))
