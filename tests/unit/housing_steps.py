"""The homelessness and tenancy-options commands the case state machine draws from
(tests/unit/case_machine.py): fixed arguments, so most are refused until the steps before them
are recorded, and the machine checks a refusal writes nothing."""

from __future__ import annotations

from typing import Any

HOUSING_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("record_homelessness_application", {"status": "homeless", "eligible": True,
                                         "because_of_abuse": True,
                                         "moving_because_of_abuse": True}),
    ("record_homelessness_application", {"status": "threatened_with_homelessness",
                                         "eligible": False, "because_of_abuse": True,
                                         "moving_because_of_abuse": False}),
    ("record_local_connection", {"met": False}),
    ("record_loss_of_settled_home", {"abuse_was_reason": True, "duties": ["relief"]}),
    ("record_homelessness_outcome", {"outcome": "prevented_stayed_in_home"}),
    ("record_homelessness_outcome", {"outcome": "contact_lost"}),
    ("record_options_advice", {"options": ["legal_advice", "stay_with_extra_security"]}),
    ("record_tenancy", {"holding": "joint", "security": "secure", "victim_is_tenant": True,
                        "perpetrator_is_tenant": True}),
    ("record_tenancy", {"holding": "sole", "security": "flexible", "victim_is_tenant": True,
                        "perpetrator_is_tenant": False}),
    *[("start_tenancy_route", {"route": r}) for r in (
        "joint_notice_to_quit", "court_transfer_to_sole_name", "flexible_ended_by_both",
        "sole_tenant_leaves")],
    ("complete_tenancy_step", {}),
    ("grant_new_tenancy", {"security": "flexible", "left_because_of_abuse": True}),
    ("refer_to_complex_case_panel", {"issues": ["domestic_abuse", "mental_health"]}),
    ("record_victim_wishes", {"wishes": "Wants him to leave."}),
    ("record_specialist_consulted", {"specialist": "respect"}),
    ("consider_enforcement", {"ground": "ground_2a"}),
    ("consider_enforcement", {"ground": "unauthorised_occupant_possession"}),
]
