"""What each monitoring report counts (issue 17 item 2): its rows, in the order shown, and the
returns or policy sections that ask for it. The counts come from the `MonitoringCounts`
projection (activities/monitoring_projection.py, facts in activities/monitoring_facts.py).

Every figure is counted in the London month of the business time of the event that records
it (`CaseEvent.at`), never of a date someone typed (a backdated report time, the day a measure
was installed): an event is recorded once and never changes, so a month's counts are final
once it has ended, which safe numbers rely on (monitoring/suppression.py).

Rows of one report are categories that add up (a household, a task, a referral is counted in
one row), except where `total_words` names what the total counts instead (answers given, or
pounds spent), when one household may be in several rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aggregates.equality import (
    CHOICES,
    NEED_WORDS,
    NOT_GIVEN,
    NOT_GIVEN_WORDS,
    OWN_WORDS,
    OWN_WORDS_WORDS,
    QUESTIONS,
    CommunicationNeed,
    ProtectedCharacteristic,
)
from aggregates.report import Tenure
from aggregates.sanctuary_rules import (
    DECLINE_WORDS,
    HOUSEHOLD_WORDS,
    MEASURE_WORDS,
    NOT_RECORDED,
    DeclineReason,
    HouseholdType,
    MeasureType,
)


class ChartKind(StrEnum):
    BAR = "bar"    # categories side by side
    LINE = "line"  # an ordered distribution, e.g. working days taken


@dataclass(frozen=True)
class ReportDefinition:
    """`rows` are (code, words) in the order shown; `sections` are the returns or policy
    sections that ask for the figure; `total_words` replaces "Total" where the rows do not
    split one thing (e.g. "Answers given"); `hidden_as` names the report of the same rows
    whose counts decide which amounts to hide, for a report of amounts (pounds) rather than
    of people, so an amount is shown only where the number of measures behind it is."""

    name: str
    title: str
    description: str
    rows: tuple[tuple[str, str], ...]
    sections: str
    chart: ChartKind = ChartKind.BAR
    total_words: str | None = None
    hidden_as: str | None = None  # amounts (not counts) hidden where this report's counts are


TENURE_WORDS = {
    Tenure.COUNCIL_GENERAL_NEEDS: "Council tenant (general needs)",
    Tenure.COUNCIL_HOUSING_SCHEME: "Council tenant (housing scheme)",
    Tenure.TEMPORARY_ACCOMMODATION: "Temporary accommodation",
    Tenure.HOUSING_ASSOCIATION: "Housing association tenant",
    Tenure.PRIVATE_RENTED: "Private tenant",
    Tenure.OWNER_OCCUPIER: "Owner occupier",
    Tenure.LEASEHOLDER: "Leaseholder",
    Tenure.HOMELESS_APPLICANT: "Homeless applicant",
}

# The rules that refuse a Sanctuary referral (aggregates/sanctuary_rules.py `decide`), in the
# order they are checked: "not accepted, by reason" (SCAR Q15) counts the rule that refused.
NOT_ACCEPTED_RULES = (
    ("sanctuary_perpetrator_does_not_live_at_property", "Not accepted: the perpetrator "
                                                        "lives at the property"),
    ("sanctuary_safe_for_victim_to_stay", "Not accepted: not safe for the victim to stay"),
    ("sanctuary_victim_chooses_to_stay", "Not accepted: staying is not the victim's choice"),
    ("sanctuary_no_perpetrator_associates_at_property",
     "Not accepted: the perpetrator's friends or relatives live there"),
    ("sanctuary_area_not_too_dangerous", "Not accepted: the area is too dangerous"),
    ("sanctuary_household_can_operate_measures",
     "Not accepted: the household cannot operate the measures"),
)

SANCTUARY = "SCAR Q15, DBC 14"
EQUALITY = "CAR, SCAR Q7, SCAR Q15"
# Each referral is counted (a fact per `SanctuaryReferred`): the counts hold no case id to
# tell a household seen before from a new one.
AGAIN = " A household referred again, after a referral ended, is counted again."
NO_NEED = "none"  # equality-communication: a household referred with no need recorded


def equality_report(characteristic: ProtectedCharacteristic) -> str:
    """The name of the equality report of one characteristic, e.g. "equality-race"."""
    return "equality-" + characteristic.value.replace("_", "-")


# CAR equality monitoring: one report per protected characteristic, counting each referral to
# the Sanctuary Scheme in the month once, by its answer (aggregates/equality.py),
# "given in own words" for an answer recorded before answers were coded, or "not given".
EQUALITY_REPORTS = tuple(ReportDefinition(
    equality_report(c), f"Equality monitoring: {QUESTIONS[c].lower()}",
    f"Households referred to the Sanctuary Scheme in the month, by their answer to "
    f"\"{QUESTIONS[c]}\". Answering is optional: a household that did not answer is "
    f"counted as not given; one recorded before answers were coded, as given in own words."
    f"{AGAIN}",
    (*CHOICES[c], (OWN_WORDS, OWN_WORDS_WORDS), (NOT_GIVEN, NOT_GIVEN_WORDS)), EQUALITY)
    for c in ProtectedCharacteristic)

REPORTS: dict[str, ReportDefinition] = {r.name: r for r in (
    ReportDefinition(
        "referrals-received", "Referrals received",
        "Domestic abuse reports received by the council, counted in the month the case was "
        "opened.",
        (("received", "Referrals received"),), "CAR Q3 (S3), DBC 14"),
    ReportDefinition(
        "victim-contact", "Victims contacted within 2 working days",
        "Victim contact tasks (contact within 2 working days, D 8.14) completed in the "
        "month: within 2 working days of the report, or later.",
        (("within", "Within 2 working days"), ("later", "Later than 2 working days")),
        "D 8.14"),
    ReportDefinition(
        "victim-contact-days", "Working days taken to contact the victim",
        "Victim contact tasks completed in the month, by working days from the report.",
        (("0", "Same day"), ("1", "1 working day"), ("2", "2 working days"),
         ("3", "3 working days"), ("4", "4 working days"), ("5+", "5 or more working days")),
        "D 8.14", ChartKind.LINE),
    ReportDefinition(
        "emergency-repairs", "Emergency repairs done within 24 hours",
        "Emergency security repairs the contractor confirmed in the month: within 24 hours "
        "of the report, or later.",
        (("within", "Within 24 hours"), ("later", "Later than 24 hours")), "D 8.36"),
    ReportDefinition(
        "marac-referrals", "MARAC referrals and repeat referrals",
        "Referrals to the MARAC made in the month: first referrals, and repeat referrals "
        "within 12 months of the last.",
        (("first", "First referral"), ("repeat", "Repeat referral")), "D 8.15, DBC 6.7"),
    ReportDefinition(
        "marac-actions", "MARAC actions done on time and overdue",
        "MARAC actions for housing: done by their due date (counted in the month done), or "
        "overdue (counted in the month their due date passed, or they were done late).",
        (("on_time", "Done by the due date"), ("overdue", "Overdue")), "D 8.15, DBC 6.7"),
    ReportDefinition(
        "partner-deliveries", "Partner deliveries acknowledged late or given up",
        "Referrals to partners: acknowledged within 1 working day of the referral, "
        "acknowledged later, or given up (counted in the month it happened).",
        (("acknowledged", "Acknowledged within 1 working day"),
         ("acknowledged_late", "Acknowledged later"), ("given_up", "Delivery given up")),
        "D 8.3, DBC 6"),
    ReportDefinition(
        "sanctuary-tenure", "Sanctuary Scheme households referred, by tenure",
        "Households referred to the Sanctuary Scheme in the month, by their tenure."
        + AGAIN,
        tuple((t.value, words) for t, words in TENURE_WORDS.items()), SANCTUARY),
    ReportDefinition(
        "sanctuary-referrers", "Sanctuary Scheme referrals, by who referred",
        "Households referred to the Sanctuary Scheme in the month, by who referred them."
        + AGAIN,
        (("victim", "The victim"), ("person", "Another person"), ("agency", "An agency")),
        SANCTUARY),
    ReportDefinition(
        "sanctuary-decisions", "Sanctuary Scheme referrals accepted and not accepted",
        "Sanctuary Scheme decisions made in the month: accepted, or not accepted by the rule "
        "that refused them.",
        (("accepted", "Accepted"), *NOT_ACCEPTED_RULES), SANCTUARY),
    ReportDefinition(
        "sanctuary-declined", "Sanctuary Scheme households that chose not to have measures",
        "Households that chose not to have measures, in the month they said so, by their "
        "reason; one that declined before reasons were coded has its reason not recorded.",
        (*((r.value, DECLINE_WORDS[r]) for r in DeclineReason),
         (NOT_RECORDED, DECLINE_WORDS[NOT_RECORDED])), SANCTUARY),
    ReportDefinition(
        "sanctuary-households", "Sanctuary Scheme households referred, by household type",
        "Households referred to the Sanctuary Scheme in the month, by household type."
        + AGAIN,
        tuple((h.value, HOUSEHOLD_WORDS[h]) for h in HouseholdType), SANCTUARY),
    ReportDefinition(
        "sanctuary-measures", "Sanctuary measures installed, by type",
        "Sanctuary measures recorded as installed in the month, by type.",
        tuple((m.value, MEASURE_WORDS[m]) for m in MeasureType), SANCTUARY),
    ReportDefinition(
        "sanctuary-cost", "Cost of Sanctuary measures installed, in pounds",
        "The cost of the Sanctuary measures recorded in the month, by type, in whole pounds "
        "(each month's sum of pence rounded down); a cost is not shown where the number of "
        "measures is not.",
        tuple((m.value, MEASURE_WORDS[m]) for m in MeasureType), SANCTUARY,
        total_words="Total cost (£)", hidden_as="sanctuary-measures"),
    ReportDefinition(
        "dartford-kpis", "Dartford's domestic abuse KPIs",
        "S3: domestic abuse incidents reported to the council in the month. HPI-15: "
        "households whose homelessness was prevented (they stayed in their home or moved), "
        "in the month the outcome was recorded. DBC 14.2: households owed both the "
        "prevention and the relief duty whose last settled home was lost because of "
        "domestic abuse, in the month that was first recorded. Each household is counted "
        "once; Dover cases are not counted (these are Dartford's measures).",
        (("s3", "S3: domestic abuse incidents reported"),
         ("hpi15", "HPI-15: households where homelessness was prevented"),
         ("dbc14_2", "DBC 14.2: domestic abuse the reason for losing the last settled home "
                     "(prevention and relief duties)")),
        # Separate measures: no total row, each row decided on its own and S3 published as
        # "referrals-received" is (monitoring/linked.py).
        "CAR Q3, DBC 14.2"),
    *EQUALITY_REPORTS,
    ReportDefinition(
        "equality-communication", "Equality monitoring: communication needs",
        "Households referred to the Sanctuary Scheme in the month, by each communication "
        "need recorded (a household with two needs is in two rows), or none recorded.",
        (*((n.value, NEED_WORDS[n]) for n in CommunicationNeed), (OWN_WORDS, OWN_WORDS_WORDS),
         (NO_NEED, "No communication need recorded")), EQUALITY,
        total_words="Needs, and households with none"),
    # Complaints and victim feedback (activities/complaints_report.py): counted in the month
    # recorded, which never changes, so a month's figures are final once it ends.
    ReportDefinition(
        "complaints-channel", "Complaints received, by channel",
        "Complaints recorded in the month, by how they were made.",
        (("letter", "Letter"), ("email", "Email"), ("online_form", "Online form"),
         ("leaflet", "Complaint leaflet"), ("telephone", "Telephone"),
         ("in_person_by_appointment", "In person, by appointment"), ("other", "Another way")),
        "D 10.2, DBC 11, SCAR Q15"),
    ReportDefinition(
        "complaints-outcome", "Complaints answered, by stage and outcome",
        "Stages of complaints answered in the month, by outcome; complaints withdrawn, and "
        "taken to an Ombudsman, in the month.",
        (("1:upheld", "Stage 1: upheld"), ("1:partly_upheld", "Stage 1: partly upheld"),
         ("1:not_upheld", "Stage 1: not upheld"), ("2:upheld", "Stage 2: upheld"),
         ("2:partly_upheld", "Stage 2: partly upheld"), ("2:not_upheld", "Stage 2: not upheld"),
         ("withdrawn", "Withdrawn"), ("ombudsman", "Taken to an Ombudsman")),
        # One complaint may be answered at both stages and then go to an Ombudsman.
        "D 10.4, DBC 11.2, SCAR Q15", total_words="Outcomes recorded"),
    ReportDefinition(
        "feedback-satisfaction", "Victim feedback, by satisfaction",
        "Feedback victims and survivors chose to give, recorded in the month, by how "
        "satisfied they said they were.",
        (("very_satisfied", "Very satisfied"), ("satisfied", "Satisfied"),
         ("neither", "Neither satisfied nor dissatisfied"), ("dissatisfied", "Dissatisfied"),
         ("very_dissatisfied", "Very dissatisfied"), ("not_said", "Did not say")), "D 8.62"),
)}
