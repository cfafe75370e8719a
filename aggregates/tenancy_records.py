"""The records of the tenancy-options slice (aggregates/tenancy_options.py): its state and
the tenancy route under way or last finished. Frozen; `to_dict()` is the JSON the API shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aggregates.housing_terms import TenancyRouteKind

# The outcome of a sole tenant's route that ends with the perpetrator still there (DBC 7.4.4).
UNAUTHORISED_OCCUPANT = "perpetrator_is_unauthorised_occupant"


@dataclass(frozen=True)
class TenancyRoute:
    """A route under way (`outcome` None) or finished; `done`: how many steps are done."""

    route: TenancyRouteKind
    rule: str
    section: str
    steps: tuple[str, ...]
    done: int = 0
    outcome: str | None = None

    @property
    def next_step(self) -> str | None:
        return self.steps[self.done] if self.done < len(self.steps) else None

    def to_dict(self) -> dict[str, Any]:
        return {"route": self.route.value, "rule": self.rule, "section": self.section,
                "steps": list(self.steps), "done": self.done, "outcome": self.outcome,
                "next_step": self.next_step}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TenancyRoute:
        return cls(route=TenancyRouteKind(data["route"]), rule=data["rule"],
                   section=data["section"], steps=tuple(data["steps"]), done=data["done"],
                   outcome=data["outcome"])


@dataclass(frozen=True)
class TenancyState:
    """What the case records of the victim's tenancy and the options. Enum values are kept as
    their strings (the JSON the API shows); the lists change one entry per event."""

    holding: str | None = None        # TenancyHolding; None: no tenancy recorded
    security: str | None = None       # TenancySecurity
    victim_is_tenant: bool = False
    perpetrator_is_tenant: bool = False
    advised: list[str] = field(default_factory=list)         # AdviceOption, first advice first
    route: TenancyRoute | None = None
    outcomes: list[str] = field(default_factory=list)        # routes finished, by outcome
    new_tenancy: str | None = None    # TenancySecurity granted
    panel_issues: list[str] = field(default_factory=list)    # ComplexIssue; empty: not referred
    wishes_recorded_at: datetime | None = None
    specialists: list[str] = field(default_factory=list)     # Specialist consulted
    enforcement: list[str] = field(default_factory=list)     # EnforcementGround considered

    def to_dict(self) -> dict[str, Any]:
        return {"holding": self.holding, "security": self.security,
                "victim_is_tenant": self.victim_is_tenant,
                "perpetrator_is_tenant": self.perpetrator_is_tenant,
                "advised": list(self.advised), "route": self.route and self.route.to_dict(),
                "outcomes": list(self.outcomes), "new_tenancy": self.new_tenancy,
                "panel_issues": list(self.panel_issues),
                "wishes_recorded_at": self.wishes_recorded_at
                and self.wishes_recorded_at.isoformat(),
                "specialists": list(self.specialists), "enforcement": list(self.enforcement)}
