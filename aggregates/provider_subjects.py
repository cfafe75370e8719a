"""Which member of staff a subject of a council's identity provider signs in as: at most one.

One small aggregate per (issuer, subject), its id derived from the pair, so the event store's
uniqueness on (originator id, version) refuses a second binding of the same subject even from
two sign-ins at once. The subject is kept only in the encrypted event state; the id in clear is
a name-based UUID of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from aggregates.report import Actor

# Fixed forever: changing it would forget every binding.
PROVIDER_SUBJECT_NAMESPACE = UUID("1d0c5a52-8f0e-5d6b-a3a4-7c2e0b9d4f61")


def provider_subject_id(issuer: str, subject: str) -> UUID:
    """The aggregate id of the binding of `subject` at `issuer` (NUL cannot occur in either)."""
    return uuid5(PROVIDER_SUBJECT_NAMESPACE, f"{issuer}\x00{subject}")


class ProviderSubject(Aggregate):
    """A provider subject, claimed by one staff id."""

    class Claimed(Aggregate.Created):
        issuer: str
        subject: str
        staff_id: str
        actor: dict[str, str]
        reason: str

        def apply(self, claim: ProviderSubject) -> None:
            claim.issuer, claim.subject, claim.staff_id = self.issuer, self.subject, self.staff_id

    if TYPE_CHECKING:
        issuer: str
        subject: str
        staff_id: str

    @classmethod
    def claim(cls, *, issuer: str, subject: str, staff_id: str, actor: Actor,
              reason: str) -> ProviderSubject:
        return cls._create(cls.Claimed, id=provider_subject_id(issuer, subject), issuer=issuer,
                           subject=subject, staff_id=staff_id, actor=actor.to_dict(),
                           reason=reason)
