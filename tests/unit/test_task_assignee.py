"""A task's assignee is typed (issue 16): a team the case's policy routes to, a role, or a
person. Stored tasks record it as text, and every version's text types without rewriting."""

from __future__ import annotations

from aggregates.policies import DARTFORD_2026, DOVER_2025
from aggregates.tasks import Assignee, AssigneeKind
from aggregates.triage import DSO


def test_a_routed_team_a_role_and_a_staff_id_type_as_such() -> None:
    dover, dartford = DOVER_2025.routed_teams, DARTFORD_2026.routed_teams
    assert Assignee.of("Tenancy Support Team", dover) == Assignee(AssigneeKind.TEAM,
                                                                  "Tenancy Support Team")
    assert Assignee.of("Housing Scheme and Finance Team", dartford).kind is AssigneeKind.TEAM
    assert Assignee.of(DSO, dover) == Assignee(AssigneeKind.ROLE, "dso")
    assert Assignee.of("cw-17", dover) == Assignee(AssigneeKind.PERSON, "cw-17")


def test_another_councils_team_name_is_not_this_cases_team() -> None:
    """Team names are a council's own (aggregates/access.py): Dartford's team on a Dover case
    is no team of that case, so it is read as the name it is, never widened to a team."""
    assert Assignee.of("Tenancy Services Team", DOVER_2025.routed_teams).kind is (
        AssigneeKind.PERSON)
