"""Domain errors. Each names the rule (and, where there is one, the policy section) it enforces.

The web edge maps them to HTTP, once (web/dispatch.py `refusal_of`; across Temporal as the
types of temporal_contracts/refusals.py): `CaseNotFound` and `TaskNotFound` → 404,
`ConflictError` → 409, `Forbidden` → 403, every other `RuleViolation` → 422. Messages never
contain personal data: they say which rule was broken and which field, never the value given.
"""

from __future__ import annotations


class CaseError(Exception):
    """Base class of every domain error."""


class RuleViolation(CaseError):
    """A command broke a named rule of the domain or the council's policy."""

    def __init__(self, rule: str, message: str, *, field: str | None = None,
                 section: str | None = None) -> None:
        self.rule = rule
        self.field = field
        self.section = section
        cited = f" ({section})" if section else ""
        super().__init__(f"{rule}{cited}: {message}")
        self.message = message


class ConflictError(RuleViolation):
    """The command is stale or a duplicate: the case has already moved on."""


class CaseNotFound(CaseError):
    """No case with this id exists (or the caller may not know that it does)."""

    def __init__(self) -> None:
        super().__init__("case not found")


class UnknownPolicy(RuleViolation):
    """No policy is recorded for the council and version asked for."""
