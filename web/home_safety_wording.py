"""Safety at home in plain language (aggregates/sanctuary.py, repairs.py, safer.py): the
wordings `web/event_wording.py` adds to `WORDING`, on the same terms (the event's data as the
reader may read it; no free text)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aggregates.sanctuary_rules import (
    DECLINE_WORDS,
    MEASURE_WORDS,
    NOT_RECORDED,
    RISK_SUBJECT_WORDS,
)
from web.wording_basics import rule_phrase, words


def sanctuary_referred(data: Mapping[str, Any]) -> str:
    return (f"Referred to the Sanctuary Scheme by {words(data.get('referrer_kind'))}"
            f" (tenure {words(data.get('tenure'))}).")


def sanctuary_risk_assessed(data: Mapping[str, Any]) -> str:
    subject = data.get("subject")
    said = RISK_SUBJECT_WORDS.get(subject) if isinstance(subject, str) else None
    return f"Sanctuary risk assessment recorded: {said.lower() if said else words(subject)}."


def sanctuary_decided(data: Mapping[str, Any]) -> str:
    verdict = "accepted" if data.get("accepted") is True else "not accepted"
    return f"Sanctuary Scheme referral {verdict}{rule_phrase(data)}."


def sanctuary_measures_declined(data: Mapping[str, Any]) -> str:
    code = data.get("reason_code")
    reason = DECLINE_WORDS.get(code) if isinstance(code, str) else None
    # A sentence of its own: the reasons carry their own brackets ("(for example, ...)").
    why = "" if not reason else f" {reason}." if code == NOT_RECORDED else \
        f" Their reason: {reason[0].lower()}{reason[1:]}."
    return f"The household chose not to have Sanctuary measures.{why}"


def sanctuary_measure_installed(data: Mapping[str, Any]) -> str:
    cost = data.get("cost_pence")
    price = f", cost £{cost / 100:,.2f}" if isinstance(cost, int) else ""
    measure = data.get("measure_type")
    said = MEASURE_WORDS.get(measure) if isinstance(measure, str) else None
    return (f"Sanctuary measure installed: {said or words(measure)}, by "
            f"{words(data.get('installer'))} on {data.get('installed_on', '?')}{price}.")


def sanctuary_referrer_told(data: Mapping[str, Any]) -> str:
    return (f"Referrer told the outcome ({words(data.get('outcome'))}) and how to complain, "
            f"by {words(data.get('channel'))}.")


def emergency_repair_reported(data: Mapping[str, Any]) -> str:
    return (f"Emergency repair {data.get('job_id', '?')} ({words(data.get('job_type'))}) sent "
            f"to the repairs contractor, due {data.get('due_at', '?')}.")


def emergency_repair_confirmed(data: Mapping[str, Any]) -> str:
    late = " after its deadline" if data.get("late") is True else ""
    return f"The contractor confirmed emergency repair {data.get('job_id', '?')} done{late}."


def safer_works_recorded(data: Mapping[str, Any]) -> str:
    return (f"Kent County Council's SAFER team said the works for referral "
            f"{data.get('referral_id', '?')} were done on {data.get('completed_on', '?')}.")


HOME_SAFETY_WORDING: Mapping[str, Callable[[Mapping[str, Any]], str]] = {
    "SanctuaryReferred": sanctuary_referred,
    "SanctuaryRiskAssessed": sanctuary_risk_assessed,
    "SanctuaryDecided": sanctuary_decided,
    "SanctuaryMeasuresDeclined": sanctuary_measures_declined,
    "SanctuaryMeasureInstalled": sanctuary_measure_installed,
    "SanctuaryReferrerTold": sanctuary_referrer_told,
    "EmergencyRepairReported": emergency_repair_reported,
    "EmergencyRepairConfirmed": emergency_repair_confirmed,
    "SaferWorksRecorded": safer_works_recorded,
}
