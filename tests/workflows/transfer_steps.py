"""Steps shared by the transfer workflow tests: a case of a social tenant with a recorded
decision to share with the receiving landlord for the transfer (D 12.5), the stand-in
landlord and a stand-in children's services partner (the other recipient a case like this
has) on loopback, and the signed gateway that reaches both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from activities.case_store import CaseStore
from gateways.default_partners import registry_document
from gateways.http_gateway import SignedHttpGateway
from gateways.landlord_standin import RunningLandlord
from gateways.partner_standin import RunningPartner
from gateways.registry import PartnerRegistry
from gateways.signing_keys import generate_private_key
from tests.workflows.steps import command
from workflows.client import CaseOrchestrator

LANDLORD = "landlord_folkestone_hythe_district_council"  # a council: grants secure
CHILDREN = "childrens_services"
AREA = "Hythe and the Romney Marsh"
NEW_ADDRESS = "Flat 9, 41 Seabrook Parade, Hythe"
COUNCIL_KEY = generate_private_key()
# Transfer workflows outlive their case's run (abandoned, not ended): each test ends its own.
STARTED_TRANSFERS: list[tuple[str, str]] = []


@dataclass
class Partners:
    landlord: RunningLandlord
    children: RunningPartner
    gateway: SignedHttpGateway


@contextmanager
def partners() -> Iterator[Partners]:
    """The landlord and children's services on loopback, and our gateway to them."""
    with (RunningLandlord(LANDLORD, [COUNCIL_KEY.public_key()]) as landlord,
          RunningPartner(CHILDREN, [COUNCIL_KEY.public_key()]) as children):
        landlord.set(new_address=NEW_ADDRESS)
        registry = PartnerRegistry.from_dict(registry_document(
            {LANDLORD: landlord.inbox_url, CHILDREN: children.inbox_url},
            {LANDLORD: [landlord.public_key], CHILDREN: [children.public_key]}))
        with SignedHttpGateway(registry, [COUNCIL_KEY], timeout_seconds=5) as gateway:
            yield Partners(landlord, children, gateway)


async def request_transfer(orch: CaseOrchestrator, case_id: str) -> str:
    """Record the decision to share with the landlord, then request the transfer; its id."""
    await orch.apply_command(case_id, command(
        "record_sharing_decision", partner=LANDLORD, purpose="reciprocal_transfer",
        shared=True, lawful_basis="consent",
        categories=["case_reference", "victim_identity", "victim_contact", "children",
                    "risk_assessment", "transfer_destination"],
        justification="The tenant asked to move under the Kent reciprocal agreement."))
    transfer_id = uuid.uuid4().hex
    await orch.apply_command(case_id, command(
        "request_reciprocal_transfer", transfer_id=transfer_id, receiving_landlord=LANDLORD,
        destination_area=AREA, reason="Unsafe to stay: the ex-partner knows the address."))
    STARTED_TRANSFERS.append((case_id, transfer_id))
    return transfer_id


def transfer_of(store: CaseStore, case_id: str, transfer_id: str) -> dict[str, Any]:
    case = store.get_case(uuid.UUID(case_id))
    return case.transfer.transfers[transfer_id].to_dict()  # type: ignore[no-any-return]


def step_ids(case_id: str, transfer_id: str) -> dict[str, str]:
    base = f"transfer:{case_id}:{transfer_id}"
    return {step: f"{base}:{step}" for step in (
        "transfer_request", "victim_decision", "move_date", "old_tenancy_ended")}
