"""Homelessness, tenancy options and enforcement in plain language (aggregates/homelessness.py,
tenancy_options.py, enforcement.py): the wordings `web/event_wording.py` adds to `WORDING`, on
the same terms (the event's data as the reader may read it; no free text)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aggregates.data_categories import WITHHELD
from aggregates.housing_terms import OUTCOME_WORDS
from web.wording_basics import rule_phrase, words, yes_no


def _listed(values: Any) -> str:
    if values == WITHHELD:
        return "(withheld)"
    if not isinstance(values, list) or not values:
        return "none"
    return ", ".join(words(v) for v in values)


def homelessness_application_recorded(data: Mapping[str, Any]) -> str:
    need = data.get("priority_need")
    verdict = ("(withheld)" if need == WITHHELD else "yes" if need is True
               else "no" if need is False else "assessed in the usual way")
    return (f"Homelessness application recorded ({words(data.get('status'))}); eligible "
            f"{yes_no(data.get('eligible'))}, because of the abuse "
            f"{yes_no(data.get('because_of_abuse'))}; priority need: {verdict}"
            f"{rule_phrase(data)}. Sent to the {data.get('team', '?')}.")


def local_connection_recorded(data: Mapping[str, Any]) -> str:
    return f"Local connection test recorded: met {yes_no(data.get('met'))}."


def loss_of_settled_home_recorded(data: Mapping[str, Any]) -> str:
    return (f"Domestic abuse the reason for the loss of the last settled home: "
            f"{yes_no(data.get('abuse_was_reason'))}; duties owed: "
            f"{_listed(data.get('duties'))}{rule_phrase(data)}.")


def homelessness_outcome_recorded(data: Mapping[str, Any]) -> str:
    outcome = data.get("outcome")
    said = OUTCOME_WORDS.get(outcome) if isinstance(outcome, str) else None
    # The outcome its own sentence: its words may hold a bracket and a colon already.
    return (f"Outcome of the homelessness duty recorded{rule_phrase(data)}. "
            f"{said or words(outcome).capitalize()}.")


def housing_options_advised(data: Mapping[str, Any]) -> str:
    return f"Housing options advice given: {_listed(data.get('options'))}{rule_phrase(data)}."


def tenancy_recorded(data: Mapping[str, Any]) -> str:
    return (f"Tenancy recorded: {words(data.get('holding'))}, {words(data.get('security'))}; "
            f"the perpetrator a tenant {yes_no(data.get('perpetrator_is_tenant'))}.")


def tenancy_route_started(data: Mapping[str, Any]) -> str:
    return f"Tenancy route started: {words(data.get('route'))}{rule_phrase(data)}."


def tenancy_route_step_completed(data: Mapping[str, Any]) -> str:
    outcome = data.get("outcome")
    return (f"Tenancy route step done: {words(data.get('step'))}"
            + (f"; the route is complete: {words(outcome)}." if outcome else "."))


def new_tenancy_granted(data: Mapping[str, Any]) -> str:
    return (f"New {words(data.get('security'))} tenancy granted; left because of the abuse "
            f"{yes_no(data.get('left_because_of_abuse'))}{rule_phrase(data)}.")


def complex_case_panel_referred(data: Mapping[str, Any]) -> str:
    return (f"Put to the Complex Case Panel: {_listed(data.get('issues'))}"
            f"{rule_phrase(data)}.")


def victim_wishes_recorded(data: Mapping[str, Any]) -> str:
    return "The victim's wishes about action against the perpetrator were recorded."


def specialist_consulted(data: Mapping[str, Any]) -> str:
    return f"Specialist consulted before any action: {words(data.get('specialist'))}."


def enforcement_considered(data: Mapping[str, Any]) -> str:
    return (f"Enforcement against the perpetrator considered: {words(data.get('ground'))}"
            f"{rule_phrase(data)}.")


HOUSING_WORDING: Mapping[str, Callable[[Mapping[str, Any]], str]] = {
    "HomelessnessApplicationRecorded": homelessness_application_recorded,
    "LocalConnectionRecorded": local_connection_recorded,
    "LossOfSettledHomeRecorded": loss_of_settled_home_recorded,
    "HomelessnessOutcomeRecorded": homelessness_outcome_recorded,
    "HousingOptionsAdvised": housing_options_advised,
    "TenancyRecorded": tenancy_recorded,
    "TenancyRouteStarted": tenancy_route_started,
    "TenancyRouteStepCompleted": tenancy_route_step_completed,
    "NewTenancyGranted": new_tenancy_granted,
    "ComplexCasePanelReferred": complex_case_panel_referred,
    "VictimWishesRecorded": victim_wishes_recorded,
    "SpecialistConsulted": specialist_consulted,
    "EnforcementConsidered": enforcement_considered,
}
