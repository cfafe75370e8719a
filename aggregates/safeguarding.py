"""The safeguarding slice of a case: referrals to partners and their delivery; children
joining the household; the victim's consent to a support referral; contact with the parties.

State `case.safeguarding` (`Referral`, `AddedChild`); events `Referral*`, `ChildAdded`,
`SupportConsentRecorded`, `ContactRecorded`; rules in referrals.py, sharing.py, contact.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.contact import check_contact
from aggregates.errors import ConflictError, RuleViolation
from aggregates.policies import Rule
from aggregates.recent_commands import remember_command
from aggregates.referrals import PARTNER_FOR, Referral, ReferralKind, ReferralStatus
from aggregates.report import Actor, Child
from aggregates.sharing import BASIS_OF, OPTIONAL, PURPOSE_OF, REQUIRED, SECTION
from aggregates.tasks import TaskKind
from aggregates.triage import DSO, TaskSpec, close_after_working_days
from aggregates.working_days import local_date

if TYPE_CHECKING:
    from aggregates.case import Case


@dataclass(frozen=True)
class AddedChild:
    """A child who joined the household after intake (their name stays in the event)."""

    age: int

    def to_dict(self) -> dict[str, int]:
        return {"age": self.age}

    @classmethod
    def from_dict(cls, data: dict[str, int]) -> AddedChild:
        return cls(age=data["age"])


@dataclass(frozen=True)
class SafeguardingState:
    """Referrals by id, in the order opened (one record replaced per event, never the whole
    dict); children who joined the household; the victim's support decision (None: not yet)."""

    referrals: dict[str, Referral] = field(default_factory=dict)
    added_children: list[AddedChild] = field(default_factory=list)
    support_consent: bool | None = None


class ReferralOpened(CaseEvent):
    referral_id: str
    kind: str
    partner: str
    rule: str
    section: str
    opened_on: str  # London date the referral was decided (not when it was stored)

    def apply(self, case: Case) -> None:
        case.safeguarding.referrals[self.referral_id] = Referral(
            referral_id=self.referral_id, kind=ReferralKind(self.kind), partner=self.partner,
            rule=self.rule, section=self.section, status=ReferralStatus.QUEUED,
            opened_on=date.fromisoformat(self.opened_on), opened_at=self.at)
        # A referral may be all its command records (KCC SAFER): its retry must be known.
        remember_command(case.recent_commands, self.command_id)


class ReferralDelivered(CaseEvent):
    referral_id: str
    delivery_id: str
    digest: str
    via: str

    def apply(self, case: Case) -> None:
        referrals = case.safeguarding.referrals
        referrals[self.referral_id] = replace(
            referrals[self.referral_id], status=ReferralStatus.DELIVERED,
            delivery_id=self.delivery_id, digest=self.digest)


class ReferralAcknowledged(CaseEvent):
    """The partner's signed acknowledgement, kept as evidence that it received what we sent
    (its digest matches the digest of the delivered message)."""

    referral_id: str
    ack_message_id: str
    digest: str
    signed_body: str
    signature: str

    def apply(self, case: Case) -> None:
        referrals = case.safeguarding.referrals
        referrals[self.referral_id] = replace(
            referrals[self.referral_id], status=ReferralStatus.ACKNOWLEDGED,
            acknowledged_at=self.at)


class ReferralDeliveryFailed(CaseEvent):
    referral_id: str
    failure: str  # a rule name or reason code, never message contents

    def apply(self, case: Case) -> None:
        referrals = case.safeguarding.referrals
        referrals[self.referral_id] = replace(
            referrals[self.referral_id], status=ReferralStatus.FAILED, failure=self.failure)


class ChildAdded(CaseEvent):
    age: int
    name: str | None

    def apply(self, case: Case) -> None:
        case.safeguarding.added_children.append(AddedChild(age=self.age))
        remember_command(case.recent_commands, self.command_id)


class SupportConsentRecorded(CaseEvent):
    given: bool
    needs: list[str]

    def apply(self, case: Case) -> None:
        case.safeguarding = replace(case.safeguarding, support_consent=self.given)
        remember_command(case.recent_commands, self.command_id)


class ContactRecorded(CaseEvent):
    party: str
    purpose: str
    channel: str
    note: str

    def apply(self, case: Case) -> None:
        remember_command(case.recent_commands, self.command_id)


# ---- commands -----------------------------------------------------------------------------

class SafeguardingCommands(CaseParts):
    """Referral, household, consent and contact commands of `Case` (mixed into it)."""

    @property
    def referrals(self) -> dict[str, Referral]:
        return self.safeguarding.referrals

    @property
    def pending_referrals(self) -> list[Referral]:
        """Referrals whose delivery is under way."""
        return [r for r in self.safeguarding.referrals.values()
                if r.status is ReferralStatus.QUEUED]

    @property
    def added_children(self) -> list[AddedChild]:
        return self.safeguarding.added_children

    @property
    def support_consent(self) -> bool | None:
        return self.safeguarding.support_consent

    def triage_referrals(self, actor: Actor, at: datetime, command_id: str) -> None:
        """Referrals every new case makes at once, whatever else triage decides: dated on the
        day of the report (`opened_on`), recorded at triage (`at`)."""
        household = self.report.household
        on = local_date(self.report.reported_at)  # decided on the report, at once
        if household.has_children:
            self._open_referral(ReferralKind.CHILDREN, self.policy.children_referral, actor,
                                at, "Children in the household: referred in all cases.",
                                command_id=command_id, on=on)
        if household.has_adult_with_care_needs:
            self._open_referral(ReferralKind.ADULT_SAFEGUARDING,
                                self.policy.adult_safeguarding_referral, actor, at,
                                "An adult in the household has care and support needs.",
                                command_id=command_id, on=on)

    def _open_referral(self, kind: ReferralKind, rule: Rule, actor: Actor, at: datetime,
                       reason: str, *, command_id: str, on: date | None = None) -> str:
        """Open a referral at `at`, dated `on` (default: the London date of `at`), and record
        the decision to share that it rests on (DAHA: every decision to share is recorded,
        with its lawful basis and justification)."""
        referral_id = f"r{len(self.safeguarding.referrals) + 1}"
        partner = PARTNER_FOR[kind].value
        self.decide_sharing(
            partner=partner, purpose=PURPOSE_OF[kind].value,
            categories=[c.value for c in REQUIRED[kind] | OPTIONAL[kind]], shared=True,
            lawful_basis=BASIS_OF[kind].value,
            justification=f"{rule.name} ({rule.section}): {reason}", reasons="",
            under_isa=True, actor=actor, at=at, command_id=f"sharing-{referral_id}")
        self.trigger_event(ReferralOpened, referral_id=referral_id, kind=kind.value,
                           partner=partner, rule=rule.name, section=rule.section,
                           opened_on=(on or local_date(at)).isoformat(),
                           actor=actor, reason=reason, at=at, command_id=command_id)
        return referral_id

    def _referral(self, referral_id: str) -> Referral:
        if (referral := self.safeguarding.referrals.get(referral_id)) is None:
            raise RuleViolation("referral_exists", "the case has no such referral",
                                field="referral_id")
        return referral

    def record_referral_acknowledged(self, *, referral_id: str, ack_message_id: str,
                                     digest: str, signed_body: str, signature: str,
                                     at: datetime) -> None:
        """A partner's verified acknowledgement of exactly what we delivered; once."""
        referral = self._referral(referral_id)
        if referral.status is ReferralStatus.ACKNOWLEDGED:
            raise ConflictError("referral_acknowledged_once", "already acknowledged",
                                field="referral_id")
        if referral.status is ReferralStatus.QUEUED:
            # The partner's acknowledgement overtook our record of the delivery: a matter of
            # our timing, not a refusal (the web edge asks the partner to retry).
            raise ConflictError("delivery_recorded_first",
                                "the delivery of this referral is not recorded yet",
                                field="message_id")
        if referral.status is not ReferralStatus.DELIVERED or referral.digest != digest:
            raise RuleViolation("acknowledgement_matches_delivery",
                                "the acknowledgement is not of the message we delivered",
                                field="digest", section=SECTION)
        self.trigger_event(ReferralAcknowledged, referral_id=referral_id,
                           ack_message_id=ack_message_id, digest=digest,
                           signed_body=signed_body, signature=signature,
                           actor=Actor.system(), at=at, command_id=f"ack-{ack_message_id}",
                           reason=f"{referral.partner} acknowledged the referral.")

    def record_referral_failed(self, *, referral_id: str, failure: str, at: datetime) -> None:
        """Delivery given up (or refused by the sharing gate): a DSO gets a task."""
        referral = self.safeguarding.referrals.get(referral_id)
        if referral is None or referral.status is not ReferralStatus.QUEUED:
            raise ConflictError("fail_only_a_queued_referral", "the referral is not queued",
                                field="referral_id")
        command_id = f"failed-{referral_id}"
        self.trigger_event(ReferralDeliveryFailed, referral_id=referral_id, failure=failure,
                           actor=Actor.system(), at=at, command_id=command_id,
                           reason=f"Delivery to {referral.partner} was given up.")
        self._open_tasks([TaskSpec(
            TaskKind.RESOLVE_REFERRAL, DSO,
            close_after_working_days(self.policy, at, 1), self.policy.missed_deadline_escalation,
            f"The {referral.kind.value.replace('_', ' ')} referral could not be delivered "
            f"({failure}): send it by another channel or record why not.")],
            Actor.system(), at, command_id)

    def record_referral_delivered(self, *, referral_id: str, delivery_id: str, digest: str,
                                  via: str, at: datetime) -> None:
        """The partner (or the stand-in gateway) has the referral; once."""
        referral = self._referral(referral_id)
        if referral.status is not ReferralStatus.QUEUED:
            raise ConflictError("referral_delivered_once", "the referral was delivered already",
                                field="referral_id")
        self.trigger_event(ReferralDelivered, referral_id=referral_id, delivery_id=delivery_id,
                           digest=digest, via=via, actor=Actor.system(), at=at,
                           command_id=f"delivered-{referral_id}",
                           reason=f"Referral delivered to {referral.partner}.")

    def add_child(self, *, child: Child, actor: Actor, at: datetime, command_id: str) -> None:
        """A child joins the household: Children's Services are told, as in every case."""
        if not 0 <= child.age < 18:
            raise RuleViolation("child_is_under_18", "a child's age must be from 0 to 17",
                                field="age", section="D 7.4")
        self.trigger_event(ChildAdded, age=child.age, name=child.name, command_id=command_id,
                           actor=actor, at=at, reason="A child joined the household.")
        self._open_referral(ReferralKind.CHILDREN, self.policy.children_referral, actor, at,
                            "A child joined the household: referred as in all cases.",
                            command_id=command_id)

    def record_support_consent(self, *, given: bool, actor: Actor, reason: str, at: datetime,
                               command_id: str) -> None:
        """D 8.19: refer to support services only with the victim's consent; a refusal is
        recorded too."""
        needs = self.report.additional_needs
        rule = self.policy.support_referral_with_consent
        if not needs:
            raise RuleViolation("support_consent_needs_additional_needs",
                                "no additional needs are recorded on this case",
                                field="given", section=rule.section)
        if self.safeguarding.support_consent is not None:
            raise ConflictError("support_consent_recorded_once",
                                "the victim's decision is already recorded", field="given")
        if not reason.strip():
            raise RuleViolation("reason_is_recorded", "say how the decision was given",
                                field="reason", section="D 8.25")
        self.trigger_event(SupportConsentRecorded, given=given, needs=[n.value for n in needs],
                           command_id=command_id, actor=actor, reason=reason, at=at)
        self._close_task(TaskKind.SEEK_SUPPORT_CONSENT, "consent_given" if given
                         else "consent_refused", actor, at, command_id)
        if given:
            self._open_referral(ReferralKind.SUPPORT_SERVICES, rule, actor, at,
                                "The victim consented to a referral to support services.",
                                command_id=command_id)

    def record_contact(self, *, party: str, purpose: str, channel: str, note: str, actor: Actor,
                       at: datetime, command_id: str) -> None:
        """Record contact with a party. Contact with the perpetrator about the abuse, the
        reports or MARAC is refused (D 8.42)."""
        check_contact(party, purpose, channel, self.policy.never_contact_perpetrator)
        self.trigger_event(ContactRecorded, party=party, purpose=purpose, channel=channel,
                           note=note, command_id=command_id, actor=actor, at=at,
                           reason=f"Contact with the {party} ({purpose.replace('_', ' ')}).")
