"""What a page says when a form is refused, in the GOV.UK pattern ("Enter the date of the
hearing", "The date of the hearing must be today or in the past"): one table from the rule
(a domain rule, or the type of a pydantic error) to a plain message, with a fallback built
from the field's label. A page never shows a rule code, pydantic's own text or brackets; the
rule and its section stay in the JSON error and in the recorded event.

Messages are templates: `{label}` is the field's label as written mid-sentence ("the date of
the hearing"), `{Label}` the same at the start of one, `{verb}` "Enter" or "Select" (a
choice), and any number pydantic gives (`{max_length}`, `{ge}`, `{le}`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Label:
    """A form field as a sentence names it; `choice`: the user selects rather than types."""

    text: str
    choice: bool = False
    # The message when what was typed is not of the field's kind or range (`SHAPE_RULES`),
    # for a field whose typed form differs from its body's (pounds typed, pence sent).
    typed: str = ""


# Pydantic's errors of a value's kind or range: a field's `typed` message replaces them.
SHAPE_RULES = frozenset({"int_type", "int_parsing", "greater_than_equal", "less_than_equal"})


# Form field id → its label, for every form (a form may name its own, see `page_message`).
LABELS: dict[str, Label] = {
    "form": Label("the form"),
    "reason": Label("the reason"),
    "outcome": Label("the outcome", choice=True),
    "note": Label("the note"),
    "referral_id": Label("the referral", choice=True),
    "heard_on": Label("the date of the hearing"),
    "description": Label("what housing must do"),
    "owner_id": Label("the owner's staff id"),
    "due_on": Label("the date the action is due"),
    "partner": Label("who it is shared with", choice=True),
    "purpose": Label("the purpose", choice=True),
    "shared": Label("whether to share", choice=True),
    "categories": Label("what information is shared", choice=True),
    "lawful_basis": Label("the lawful basis", choice=True),
    "justification": Label("why it is shared"),
    "reasons": Label("why it is not shared"),
    "under_isa": Label("whether it is under the Information Sharing Agreement", choice=True),
    "police_callouts_12_months": Label("the number of police call-outs"),
    "victim_present": Label("whether the victim was present", choice=True),
    "professional_judgement": Label("whether the case is high risk on your judgement",
                                    choice=True),
    "judgement_reason": Label("the reason for your professional judgement"),
    "council": Label("the council", choice=True),
    "channel": Label("how we heard of it", choice=True),
    "reporter_kind": Label("who told us", choice=True),
    "reporter_name": Label("the reporter's name"),
    "victim_name": Label("the victim's name"),
    "victim_address": Label("the victim's address"),
    "victim_phone": Label("the victim's phone number"),
    "immediate_risk": Label("whether anyone is at immediate risk of harm", choice=True),
    "children_ages": Label("each child's age"),
    "tenure": Label("the tenure", choice=True),
    "perpetrator_lives_at_address": Label("whether the perpetrator lives at the address",
                                          choice=True),
    "perpetrator_name": Label("the perpetrator's name"),
    "adjustments": Label("the reasonable adjustments", choice=True),
    "additional_needs": Label("the additional needs", choice=True),
    "summary": Label("what was reported"),
    "reported_at": Label("when the report was received"),
    "late_entry_reason": Label("why the report is entered late"),
    # The case as it stood at a moment (web/pages_as_at.py).
    "version": Label("the version"),
    "at": Label("the time"),
    **{f"q{n}": Label(f"an answer to question {n}", choice=True) for n in range(1, 25)},
}

# The hint on every field that records the rationale of a decision or the reason for a
# correction: auditors read it and it goes in evidence bundles, so it must name nobody.
WHY_HINT = ("Say why, without names, addresses or phone numbers: auditors and courts read "
            "this")

_NOT_FUTURE = "{Label} must be today or in the past"
_REAL_DATE = "{Label} must be a real date"
_ENTER = "{verb} {label}"
_SELECT = "Select {label}"

# Rule (a domain rule, or a pydantic error type) → message.
MESSAGES: dict[str, str] = {
    # The shape of what was typed (pydantic's error types).
    "missing": _ENTER, "string_too_short": _ENTER, "too_short": _ENTER,
    "string_type": _ENTER, "none_required": _ENTER,
    "enum": _SELECT, "literal_error": _SELECT, "bool_type": _SELECT, "bool_parsing": _SELECT,
    "string_too_long": "{Label} must be {max_length} characters or fewer",
    "too_long": "Choose at most {max_length} for {label}",
    "int_type": "{Label} must be a whole number, like 0 or 3",
    "int_parsing": "{Label} must be a whole number, like 0 or 3",
    "greater_than_equal": "{Label} must be {ge} or more",
    "less_than_equal": "{Label} must be {le} or less",
    "string_pattern_mismatch": "{Label} must only include letters, numbers, full stops, "
                               "hyphens and underscores",
    "date_type": _REAL_DATE, "date_parsing": _REAL_DATE, "date_from_datetime_parsing": _REAL_DATE,
    "date_from_datetime_inexact": _REAL_DATE, "date_is_iso": _REAL_DATE,
    "email_address_is_valid": "Enter {label} in the correct format, like name@example.com",
    "text_has_no_control_characters": "{Label} must not include hidden or control "
                                      "characters: type it rather than pasting it",
    "dash_question_exists": "Answer only the questions on the checklist",
    # Dates in their range (aggregates/input_rules.py).
    "hearing_not_in_future": _NOT_FUTURE, "incident_not_in_future": _NOT_FUTURE,
    "report_time_not_in_future": "The time the report was received must be now or in the "
                                 "past",
    "datetime_parsing": "Enter {label} as a real date and a time like 14:30",
    "datetime_from_date_parsing": "Enter {label} as a real date and a time like 14:30",
    "late_entry_has_reason": "Enter why the report is entered now and not when it was "
                             "received",
    "version_is_whole_number": "{Label} must be a whole number, like 3",
    "moment_is_iso_time": "Enter {label} as a date and a time with its time zone, like "
                          "2026-11-23T17:00:00Z",
    "moment_has_time_zone": "Enter {label} with its time zone, like 2026-11-23T17:00:00Z",
    "hearing_date_in_range": "{Label} must be 1 January 1900 or later",
    "incident_date_in_range": "{Label} must be 1 January 1900 or later",
    "reported_at_in_range": "{Label} must be 1 January 1900 or later",
    "due_date_in_range": "{Label} must be within the next 10 years",
    # The domain's rules that a page form can break.
    "request_has_id": "This form was sent without its request id. Open the form again and "
                      "send it from there",
    "reason_is_recorded": "Enter {label}",
    "break_glass_needs_reason": "Say why you need to open this case in at least 10 characters",
    "staff_council_matches_case": "You can report cases only for your own council",
    "named_staff_works_cases_of_council": "Enter the staff id of someone in the case's "
                                          "council who works on cases",
    "named_staff_may_see_cases_of_council": "Enter the staff ids of people in the case's "
                                            "council who may see cases",
    "marac_referral_exists": "Select a MARAC referral of this case",
    "marac_action_described": "Enter what housing must do",
    "marac_action_has_owner": "Enter the owner's staff id",
    "marac_action_has_due_date": "Enter the date the action is due",
    "sharing_has_lawful_basis": "Select the lawful basis for sharing",
    "sharing_is_justified": "Enter why it is shared",
    "not_sharing_has_reasons": "Enter why it is not shared",
    "sharing_names_categories": "Select what information is shared",
    "never_share_with_perpetrator": "Information about the victim is never shared with the "
                                    "perpetrator or anyone acting for them",
    "recipient_is_registered_partner": "Select a partner from the list",
    "outcome_fits_task": "Select an outcome for this task",
    "task_completed_once": "This task has already been completed",
    "role_may_complete_task": "Your role cannot complete this task",
    "professional_judgement_has_reason": "Enter the reason for your professional judgement",
    "dash_complete_answers_every_question": "Answer every question to complete the checklist, "
                                            "or save it and come back later",
    "dash_answer_is_yes_no_or_not_known": "Select yes, no or not known",
    "callouts_not_negative": "{Label} must be 0 or more",
    "third_party_channel_has_third_party_reporter": "Select who told us: a report made "
                                                    "through someone else is not from the "
                                                    "victim",
    "break_glass_does_not_change_access": "You opened this case by break-glass, so you cannot "
                                          "change who may see it",
    "conflict_of_interest_removes_access": "You declared a conflict of interest on this case",
    "role_may_use_action": "Your role does not allow you to do this",
    "role_may_give_command": "Your role does not allow you to do this",
    "triage_first": "The case is still being set up. Wait a few seconds and send the form "
                    "again",
    "service_available": "Sorry, the service is not working at the moment. Nothing was "
                         "recorded: send the form again later",
    # Safety at home (Sanctuary Scheme, emergency repairs).
    "sanctuary_installer_fits_tenure": "Select the Housing Maintenance Team for a council "
                                       "home, and the landlord or a contractor for any other",
    "sanctuary_installed_between_referral_and_today": "The date it was installed must be "
                                                      "from the referral to today",
    "sanctuary_risk_assessed_before_decision": "Record the risk assessments of the case and "
                                               "of the property first",
    "sanctuary_agency_named": "Enter the referring agency",
    "sanctuary_one_referral_at_a_time": "The case already has a Sanctuary referral under way",
    "sanctuary_referral_exists": "Refer the case to the Sanctuary Scheme first",
    "sanctuary_referrer_can_be_told": "Enter how to tell the referrer the outcome",
    "sanctuary_decline_reason_is_offered": "Select why they chose not to have measures",
    "sanctuary_cost_in_pence": "Enter the cost in pounds as an amount from 0 to 100,000, "
                               "like 125.50",
    "safer_one_referral_at_a_time": "The case already has a SAFER referral under way",
    "sanctuary_step_in_order": "The referral has moved on. Open the page again",
    "emergency_repair_for_council_home": "The council's contractor repairs council homes "
                                         "only. For other homes the landlord repairs, and "
                                         "SAFER can improve security",
    # Kent reciprocal transfers (the Safe move page).
    "transfer_destination_only_to_receiving_landlord": "Where the victim moves to can only be "
                                                       "shared with the receiving landlord",
    "transfer_needs_sharing_decision": "Record a decision to share with this landlord for a "
                                       "reciprocal transfer first, on the sharing page",
    "transfer_sharing_covers_what_it_needs": "The decision to share with this landlord must "
                                             "cover the case reference, the victim's identity "
                                             "and where they move to: record a new decision "
                                             "on the sharing page",
    "transfer_for_social_tenant_at_risk": "Only a social tenant at risk can move under the "
                                          "Kent reciprocal agreement: explore other housing "
                                          "options",
    "transfer_to_another_kent_provider": "Select another landlord: a move within our own "
                                         "homes is not a reciprocal transfer",
    "transfer_keeps_tenancy_rights": "Select a tenancy at least as secure as the one the "
                                     "tenant leaves, of a kind the landlord grants",
    "transfer_one_at_a_time": "The case already has a transfer under way",
    "transfer_step_in_order": "The transfer has moved on. Open the page again",
    "transfer_names_dso_of_council": "Enter the staff id of an active Designated "
                                     "Safeguarding Officer of the case's council",
    "destination_area_named": "Enter the safe area: a town or district, in 120 characters "
                              "or fewer",
    "inbound_transfer_answered_once": "The request has already been answered",
    # Homelessness and housing options (web/pages_housing.py).
    "no_local_connection_test_for_victim_moving_because_of_abuse":
        "No local connection test is applied to a victim moving because of the abuse",
    "homelessness_application_recorded_once": "The case already has a homelessness "
                                              "application",
    "homelessness_application_recorded_first": "Record the homelessness application first",
    "duty_owed_is_named": "Select the duties owed: prevention, relief or both",
    "homelessness_prevented_only_if_threatened": "Homelessness can be prevented only for a "
                                                 "household threatened with it: this "
                                                 "household is already homeless",
    "homelessness_outcome_recorded_once": "The application already has an outcome",
    "housing_options_advice_given": "Select the options advised",
    "tenancy_recorded_first": "Record the tenancy first",
    "tenancy_route_under_way": "A tenancy route is already under way",
    "tenancy_steps_in_order": "The route has moved on. Open the page again",
    "flexible_tenancy_needs_both_parties": "A flexible tenancy ends only when both joint "
                                           "tenants agree: choose the route for that",
    "joint_tenancy_of_victim_and_perpetrator": "A joint tenancy here is held by the victim "
                                               "and the perpetrator",
    "new_secure_tenancy_for_tenant_leaving_because_of_abuse": "A tenant who left a secure "
                                                              "tenancy because of the abuse "
                                                              "is granted a secure tenancy",
    "no_complex_case_panel_in_dover_policy": "This council has no Complex Case Panel",
    "complex_case_panel_more_than_one_issue": "Select more than one complex issue",
    "complex_case_panel_council_tenants_only": "The Complex Case Panel is for council tenants",
    "complex_case_panel_referred_once": "The case has already been put to the Complex Case "
                                        "Panel",
    "sole_tenancy_has_one_tenant": "A sole tenancy has one tenant: choose joint if the victim "
                                   "and the perpetrator are both tenants",
    "wishes_in_words": "Enter what the victim wants done, in their words",
    "enforcement_only_after_victims_wishes": "Record the victim's wishes before enforcement "
                                             "is considered",
    "enforcement_only_after_specialists_consulted": "Consult a specialist agency before "
                                                    "enforcement is considered",
    "enforcement_against_perpetrator_tenant": "Record a tenancy in which the perpetrator is a "
                                              "tenant first",
}

# A domain message is shown as it is only when it reads as a plain sentence (no codes, no
# brackets, no quoted values); otherwise the fallback below names the field.
PLAIN = re.compile(r"[A-Za-z0-9 ,.'’:;-]+")


def page_message(field: str, rule: str, message: str = "",
                 labels: Mapping[str, Label] = LABELS, numbers: Mapping[str, Any] | None = None
                 ) -> str:
    """The plain message for `rule` broken at the form field `field` (`message`: the domain's
    own, used when no entry fits and it reads as a plain sentence)."""
    label = labels.get(field) or LABELS.get(field) or Label(field.replace("_", " ") or "the form")
    if label.typed and rule in SHAPE_RULES:
        return label.typed
    template = MESSAGES.get(rule)
    if template is None:
        text = message.strip().rstrip(".")
        if text and PLAIN.fullmatch(text):
            return text[0].upper() + text[1:]
        template = "Check {label}"
    values = {"label": label.text, "Label": label.text[0].upper() + label.text[1:],
              "verb": "Select" if label.choice else "Enter",
              **{k: v for k, v in (numbers or {}).items() if isinstance(v, int | str)}}
    try:
        return template.format(**values)
    except (KeyError, IndexError):  # a number the error did not give
        return f"Check {label.text}"
