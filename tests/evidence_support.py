"""A case with a decision to share with the police, and who exports it: for the evidence
bundle's tests (application/evidence_bundle.py) at every layer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from activities.case_store import CaseStore
from aggregates.access import StaffFacts
from aggregates.report import Actor, Council, Role
from application.evidence_bundle import BundleKeys
from tests.support import make_report
from transparency.note import Signer

ORIGIN = "test.invalid/da-casework-log"
DSO = Actor(staff_id="dso-1", role=Role.DSO)
JUSTIFICATION = "The police asked for the record for a prosecution"


@dataclass(frozen=True)
class Exporter:
    """A member of staff as `application.case_reading.Reader` wants one."""

    facts: StaffFacts

    def access_reason(self, reason: str) -> str:
        return reason


def auditor(council: Council = Council.DOVER) -> Exporter:
    return Exporter(StaffFacts(staff_id="aud-1", role=Role.AUDITOR, teams=frozenset(),
                               council=council))


def bundle_keys() -> BundleKeys:
    return BundleKeys(log_key=Signer.generate(ORIGIN), council_key=Ed25519PrivateKey.generate())


def command(store: CaseStore, case_id: uuid.UUID, name: str, **args: Any) -> None:
    store.apply_command(case_id=case_id, name=name, args=args, actor=DSO,
                        command_id=str(uuid.uuid4()), at=datetime.now(UTC))


def case_for_the_police(store: CaseStore, *,
                        categories: tuple[str, ...] = ("case_reference", "victim_identity",
                                                       "risk_assessment")) -> tuple[uuid.UUID,
                                                                                    str]:
    """An opened, triaged case with a recorded decision to share with the police, then a
    correction of its first entry: (case id, decision id)."""
    case_id = uuid.uuid4()
    store.open_case(case_id=case_id, report=make_report(), actor=Actor.system(),
                    reason="Report received by telephone.", request_fingerprint=str(case_id))
    store.triage(case_id)
    command(store, case_id, "record_sharing_decision", partner="police",
            purpose="evidence", shared=True, categories=list(categories),
            lawful_basis="public_task", justification=JUSTIFICATION)
    command(store, case_id, "correct_entry", corrects_version=1,
            what_was_wrong="The channel was wrong", correction="It was by email",
            reason="Misread the form")
    decision = store.get_case(case_id).sharing_decisions[-1].decision_id
    return case_id, decision
