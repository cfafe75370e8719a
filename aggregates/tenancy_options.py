"""The tenancy-options slice of a case (D 8.31-8.34, D 8.39-8.41, D 3.1; DBC 4.1.2, 7.4.1,
7.4.4, 7.5): housing options advice given, the victim's tenancy, the route that ends or
transfers it (a task per step, in order), a new tenancy granted, the Complex Case Panel
(Dartford), and enforcement against the perpetrator, considered only once the victim's wishes
are recorded and specialists consulted.

State: `TenancyState` (`case.tenancy`; `TenancyRoute` is its record of the route under way or
last finished). Events: the classes below. Rules: aggregates/housing_rules.py; the councils'
choices: aggregates/housing_policies.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aggregates.case_events import CaseEvent
from aggregates.case_parts import CaseParts
from aggregates.errors import ConflictError, RuleViolation
from aggregates.housing_policies import housing_policy
from aggregates.housing_rules import (
    check_advice,
    check_complex_case_panel,
    check_new_tenancy,
    check_route_fits_tenancy,
)
from aggregates.housing_terms import (
    AdviceOption,
    ComplexIssue,
    TenancyHolding,
    TenancyRouteKind,
    TenancySecurity,
)
from aggregates.recent_commands import remember_command
from aggregates.report import Actor
from aggregates.tasks import TaskKind
from aggregates.tenancy_records import TenancyRoute
from aggregates.triage import TaskSpec, close_after_working_days

if TYPE_CHECKING:
    from aggregates.case import Case

# Working days for each step of a tenancy route (configured default: no policy sets one).
ROUTE_STEP_WORKING_DAYS = 10


def _set(case: Case, **changes: Any) -> None:
    case.tenancy = replace(case.tenancy, **changes)


# ---- events -------------------------------------------------------------------------------

class HousingOptionsAdvised(CaseEvent):
    options: list[str]
    rule: str
    section: str

    def apply(self, case: Case) -> None:
        for option in self.options:
            if option not in case.tenancy.advised:
                case.tenancy.advised.append(option)
        remember_command(case.recent_commands, self.command_id)


class TenancyRecorded(CaseEvent):
    holding: str
    security: str
    victim_is_tenant: bool
    perpetrator_is_tenant: bool

    def apply(self, case: Case) -> None:
        _set(case, holding=self.holding, security=self.security,
             victim_is_tenant=self.victim_is_tenant,
             perpetrator_is_tenant=self.perpetrator_is_tenant)
        remember_command(case.recent_commands, self.command_id)


class TenancyRouteStarted(CaseEvent):
    route: str
    steps: list[str]
    rule: str
    section: str

    def apply(self, case: Case) -> None:
        _set(case, route=TenancyRoute(route=TenancyRouteKind(self.route), rule=self.rule,
                                      section=self.section, steps=tuple(self.steps)))
        remember_command(case.recent_commands, self.command_id)


class TenancyRouteStepCompleted(CaseEvent):
    """One step done; `outcome` set when it was the last (what the route achieved)."""

    route: str
    step: str
    outcome: str | None

    def apply(self, case: Case) -> None:
        route = case.tenancy.route
        if route is None:
            raise LookupError("a tenancy step without a route")
        _set(case, route=replace(route, done=route.done + 1, outcome=self.outcome))
        if self.outcome is not None:
            case.tenancy.outcomes.append(self.outcome)
        remember_command(case.recent_commands, self.command_id)


class NewTenancyGranted(CaseEvent):
    security: str
    left_because_of_abuse: bool
    rule: str
    section: str

    def apply(self, case: Case) -> None:
        _set(case, new_tenancy=self.security)
        remember_command(case.recent_commands, self.command_id)


class ComplexCasePanelReferred(CaseEvent):
    issues: list[str]
    rule: str
    section: str

    def apply(self, case: Case) -> None:
        _set(case, panel_issues=list(self.issues))
        remember_command(case.recent_commands, self.command_id)


# ---- commands -----------------------------------------------------------------------------

class TenancyCommands(CaseParts):
    """Tenancy-options commands of `Case` (mixed into it)."""

    def record_options_advice(self, *, options: list[AdviceOption], actor: Actor,
                              at: datetime, command_id: str) -> None:
        """Options advice given: temporary accommodation or a refuge, staying with extra
        security, specialist support, legal advice (D 8.31; DBC 7.4.4)."""
        housing = housing_policy(self.policy)
        check_advice(options, housing)
        rule = housing.options_advice
        given = sorted(set(options))
        self.trigger_event(HousingOptionsAdvised, options=[o.value for o in given],
                           rule=rule.name, section=rule.section, actor=actor, at=at,
                           command_id=command_id,
                           reason=f"Housing options advice given ({rule.section}).")

    def record_tenancy(self, *, holding: TenancyHolding, security: TenancySecurity,
                       victim_is_tenant: bool, perpetrator_is_tenant: bool, actor: Actor,
                       at: datetime, command_id: str) -> None:
        """The victim's tenancy: sole or joint, its security, who holds it."""
        if holding is TenancyHolding.JOINT and not (victim_is_tenant and perpetrator_is_tenant):
            raise RuleViolation("joint_tenancy_of_victim_and_perpetrator", "a joint tenancy "
                                "here is held by the victim and the perpetrator",
                                field="holding", section="D 8.32; DBC 7.4.4")
        if holding is TenancyHolding.SOLE and victim_is_tenant and perpetrator_is_tenant:
            raise RuleViolation("sole_tenancy_has_one_tenant", "a sole tenancy has one tenant",
                                field="holding")
        if self.tenancy.route is not None and self.tenancy.route.outcome is None:
            raise ConflictError("tenancy_route_under_way", "a tenancy route is under way",
                                field="holding")
        self.trigger_event(TenancyRecorded, holding=holding.value, security=security.value,
                           victim_is_tenant=victim_is_tenant,
                           perpetrator_is_tenant=perpetrator_is_tenant, actor=actor, at=at,
                           command_id=command_id,
                           reason=f"Tenancy recorded: {holding.value}, {security.value}.")

    def start_tenancy_route(self, *, route: TenancyRouteKind, actor: Actor, at: datetime,
                            command_id: str) -> None:
        """Start a route that ends or transfers the tenancy; its first step is a task. One
        route at a time."""
        state = self.tenancy
        if state.holding is None or state.security is None:
            raise RuleViolation("tenancy_recorded_first", "record the tenancy first",
                                field="route")
        if state.route is not None and state.route.outcome is None:
            raise ConflictError("tenancy_route_under_way", "a tenancy route is under way",
                                field="route")
        spec = check_route_fits_tenancy(
            housing_policy(self.policy), route, holding=TenancyHolding(state.holding),
            security=TenancySecurity(state.security), victim_is_tenant=state.victim_is_tenant)
        self.trigger_event(TenancyRouteStarted, route=route.value,
                           steps=[s.name for s in spec.steps], rule=spec.rule.name,
                           section=spec.rule.section, actor=actor, at=at,
                           command_id=command_id,
                           reason=f"Tenancy route started ({spec.rule.section}).")
        self._open_step(route, 0, actor, at, command_id)

    def _open_step(self, route: TenancyRouteKind, index: int, actor: Actor, at: datetime,
                   command_id: str) -> None:
        spec = housing_policy(self.policy).routes[route]
        step = spec.steps[index]
        self._open_tasks([TaskSpec(
            TaskKind.TENANCY_ROUTE_STEP, self.team,
            close_after_working_days(self.policy, at, ROUTE_STEP_WORKING_DAYS), spec.rule,
            f"Step {index + 1} of {len(spec.steps)}: {step.words}.")], actor, at, command_id)

    def complete_tenancy_step(self, *, step: str, actor: Actor, at: datetime,
                              command_id: str) -> None:
        """The route's next step done (steps are taken in order); the last one records what
        the route achieved: a sole tenant's notice ending with the perpetrator still there
        makes them an unauthorised occupant (DBC 7.4.4)."""
        route = self.tenancy.route
        if route is None or route.outcome is not None:
            raise RuleViolation("tenancy_route_under_way", "no tenancy route is under way",
                                field="step")
        if step != route.next_step:
            raise ConflictError("tenancy_steps_in_order",
                                f"the next step is {route.next_step}", field="step")
        last = route.done + 1 == len(route.steps)
        outcome = housing_policy(self.policy).routes[route.route].outcome if last else None
        self._close_task(TaskKind.TENANCY_ROUTE_STEP, "done", actor, at, command_id)
        self.trigger_event(TenancyRouteStepCompleted, route=route.route.value, step=step,
                           outcome=outcome, actor=actor, at=at, command_id=command_id,
                           reason=f"Tenancy route step done: {step.replace('_', ' ')}"
                                  f" ({route.section}).")
        if not last:
            self._open_step(route.route, route.done + 1, actor, at, command_id)

    def grant_new_tenancy(self, *, security: TenancySecurity, left_because_of_abuse: bool,
                          actor: Actor, at: datetime, command_id: str) -> None:
        """A new tenancy granted. A tenant who left a secure tenancy because of the abuse is
        granted a secure one (D 3.1; DBC 4.1.2)."""
        housing = housing_policy(self.policy)
        if self.tenancy.security is None:
            raise RuleViolation("tenancy_recorded_first", "record the tenancy they are leaving "
                                "first", field="security", section=housing.new_secure_tenancy
                                .section)
        left_secure = (self.tenancy.security == TenancySecurity.SECURE.value
                       and self.tenancy.victim_is_tenant and left_because_of_abuse)
        check_new_tenancy(housing, left_secure_because_of_abuse=left_secure, offered=security)
        rule = housing.new_secure_tenancy
        self.trigger_event(NewTenancyGranted, security=security.value,
                           left_because_of_abuse=left_because_of_abuse, rule=rule.name,
                           section=rule.section, actor=actor, at=at, command_id=command_id,
                           reason=f"New {security.value} tenancy granted ({rule.section}).")

    def refer_to_complex_case_panel(self, *, issues: list[ComplexIssue], actor: Actor,
                                    at: datetime, command_id: str) -> None:
        """A council tenant with more than one complex issue (DBC 7.4.1; Dartford only)."""
        housing = housing_policy(self.policy)
        check_complex_case_panel(housing, self.report.tenure, issues)
        if self.tenancy.panel_issues:
            raise ConflictError("complex_case_panel_referred_once",
                                "the case was already put to the panel", field="issues")
        rule = housing.complex_case_panel
        self.trigger_event(ComplexCasePanelReferred, issues=sorted({i.value for i in issues}),
                           rule=rule.name, section=rule.section, actor=actor, at=at,
                           command_id=command_id,
                           reason=f"Put to the Complex Case Panel ({rule.section}).")
