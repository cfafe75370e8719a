"""Builds the parts from settings: the stores, the Temporal client, intake, sign-in."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import sqlalchemy.exc
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import PersistenceError
from temporalio.client import Client
from temporalio.converter import DataConverter

from activities.auth_store import AuthStore
from activities.case_store import CaseStore, store_env
from activities.inbound_log import InboundLog
from activities.request_keys import RequestKeys
from activities.staff_directory import StaffDirectory
from application.intake import Intake
from application.transparency import TransparencyLog
from casework.keys import MissingKeyError, load_key, load_log_key
from casework.settings import DEVELOPMENT_LOG_ORIGIN, AuthMode, PartnerDelivery, Settings
from gateways.base import PartnerGateway
from gateways.http_gateway import SignedHttpGateway
from gateways.registry import PartnerRegistry
from gateways.signing_keys import generate_private_key, load_private_key, write_private_key
from gateways.stand_in import RecordingGateway
from transparency.note import Signer
from web.auth import AuthServices
from web.oidc import OidcClient, OidcConfig
from workflows.client import CaseOrchestrator
from workflows.data_converter import encrypted_data_converter


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
    return _creating_tables(lambda: AuthStore(
        settings.event_store_url, token_lifetime=timedelta(days=settings.api_token_days)))


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


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """Our Ed25519 signing key (created in development on first use)."""
    path = settings.signing_key_file
    if not path.exists() and settings.creates_missing_keys:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            write_private_key(path, generate_private_key())
    return load_private_key(path)


def log_key(settings: Settings) -> Signer:
    """The transparency log's checkpoint key (created in development on first use). Production
    refuses the development origin: every development log has it."""
    if not settings.creates_missing_keys and settings.log_origin == DEVELOPMENT_LOG_ORIGIN:
        raise MissingKeyError("DA_LOG_ORIGIN must name this deployment's log in production, "
                              "e.g. dover.gov.uk/da-casework-log")
    return load_log_key(settings.log_key_file, create=settings.creates_missing_keys,
                        origin=settings.log_origin)


def build_registry(settings: Settings) -> PartnerRegistry | None:
    """The partner registry, if its file exists."""
    if not settings.partners_file.exists():
        return None
    return PartnerRegistry.from_file(settings.partners_file)


def build_gateway(settings: Settings) -> PartnerGateway:
    """How referrals leave: signed HTTP to the registered partners, or the recorded
    stand-in when the settings say so (never in production: `Settings` refuses it)."""
    if settings.partner_delivery is PartnerDelivery.RECORDED_STAND_IN:
        return RecordingGateway()
    registry = build_registry(settings)
    if registry is None:
        raise SystemExit(f"partner registry {settings.partners_file} is missing")
    return SignedHttpGateway(registry, [signing_key(settings)])


def prepare_storage(settings: Settings) -> StaffDirectory:
    """Both cipher keys and every table, made before processes start side by side (so none
    races another to create them); returns the staff directory."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    for key_file in (settings.event_store_key_file, settings.temporal_payload_key_file):
        load_key(key_file, create=settings.creates_missing_keys)
    log_key(settings)
    # The witnesses' cosignatures table too (application/witnessing.py), before any reader.
    TransparencyLog(build_store(settings).recorder).cosignatures()  # type: ignore[arg-type]
    build_sessions(settings)
    build_inbound_log(settings).close()
    build_request_keys(settings).close()
    return build_directory(settings)


def build_inbound_log(settings: Settings) -> InboundLog:
    return _creating_tables(lambda: InboundLog(settings.event_store_url))


def build_request_keys(settings: Settings) -> RequestKeys:
    """Which request each member of staff first used each idempotency key for."""
    return _creating_tables(lambda: RequestKeys(settings.event_store_url))


def temporal_data_converter(settings: Settings) -> DataConverter:
    """Encrypts every payload and failure; refuses payloads we did not seal (plaintext only
    while `temporal_accept_plaintext_payloads` is set)."""
    key = load_key(settings.temporal_payload_key_file, create=settings.creates_missing_keys)
    return encrypted_data_converter(
        [key], allow_plaintext=settings.temporal_accept_plaintext_payloads)


async def connect_temporal(settings: Settings) -> Client:
    """A Temporal client whose payloads and failures are all encrypted."""
    return await Client.connect(
        settings.temporal_address, namespace=settings.temporal_namespace,
        data_converter=temporal_data_converter(settings),
    )


def build_intake(settings: Settings, store: CaseStore, client: Client) -> Intake:
    return Intake(store, CaseOrchestrator(client, settings.temporal_task_queue))
