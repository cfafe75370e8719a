"""Builds the parts from settings: the case store, the Temporal client, intake."""

from __future__ import annotations

from temporalio.client import Client

from activities.case_store import CaseStore, store_env
from casework.keys import load_key
from casework.settings import Settings
from workflows.client import CaseOrchestrator
from workflows.data_converter import encrypted_data_converter
from workflows.intake import Intake


def build_store(settings: Settings) -> CaseStore:
    """The event store named by the settings, with its cipher key read from its file."""
    if settings.event_store_url.startswith("sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = load_key(settings.event_store_key_file, create=settings.creates_missing_keys)
    return CaseStore(store_env(settings.event_store_url, key))


async def connect_temporal(settings: Settings) -> Client:
    """A Temporal client whose payloads and failures are all encrypted."""
    key = load_key(settings.temporal_payload_key_file, create=settings.creates_missing_keys)
    return await Client.connect(
        settings.temporal_address, namespace=settings.temporal_namespace,
        data_converter=encrypted_data_converter([key]),
    )


def build_intake(settings: Settings, store: CaseStore, client: Client) -> Intake:
    return Intake(store, CaseOrchestrator(client, settings.temporal_task_queue))
