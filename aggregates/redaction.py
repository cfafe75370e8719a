"""The vocabulary of redaction: the data categories, how a view or event's fields are given
them (`Spec`), and `redact`, which withholds every value whose category a role may not read.
Which role reads which category is the one table `READABLE` in aggregates/data_categories.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aggregates.sharing import DataCategory

WITHHELD = "Withheld: not needed for your role"


class Category(StrEnum):
    """Data categories of what a case holds (the sharing gate's vocabulary where it fits)."""

    CASE_REFERENCE = DataCategory.CASE_REFERENCE.value  # ids, rules, status, dates, staff ids
    CASE_FACTS = "case_facts"                            # channel, tenure, ages: not identifying
    VICTIM_IDENTITY = DataCategory.VICTIM_IDENTITY.value  # names of the victim and household
    VICTIM_CONTACT = DataCategory.VICTIM_CONTACT.value    # phone, email
    VICTIM_ADDRESS = DataCategory.VICTIM_ADDRESS.value    # where the victim lives
    CHILDREN = DataCategory.CHILDREN.value                # children's names
    ADULTS_CARE_NEEDS = DataCategory.ADULTS_CARE_NEEDS.value
    RISK_ASSESSMENT = DataCategory.RISK_ASSESSMENT.value  # DASH answers, level, call-outs
    PERPETRATOR_DETAILS = DataCategory.PERPETRATOR_DETAILS.value
    SUPPORT_NEEDS = DataCategory.SUPPORT_NEEDS.value      # adjustments, additional needs
    REPORTER_DETAILS = "reporter_details"                 # a third party who told us
    NARRATIVE = "free_text_narrative"                     # free text: can carry anything
    RATIONALE = "decision_rationale"                      # why: reasons, justifications
    CASE_NOTE = "case_note"                               # staff's notes on the case
    # Equality Act characteristics the victim chose to give (SCAR Q7): special category data,
    # for the case's own officers and the monitoring return, never an auditor of one case.
    PROTECTED_CHARACTERISTICS = "protected_characteristics"
    # Where a victim moves on a reciprocal transfer (area, new address; D 8.22): read only by
    # the staff named on the transfer and auditors (aggregates/data_categories.py).
    TRANSFER_DESTINATION = DataCategory.TRANSFER_DESTINATION.value


ALL_CATEGORIES = frozenset(Category)
C = Category


@dataclass(frozen=True)
class Each:
    """Every item of a list has the category (or shape) `spec`."""

    spec: Spec


@dataclass(frozen=True)
class Values:
    """Every value of a mapping with free keys (e.g. DASH answers by number) is `spec`."""

    spec: Spec


@dataclass(frozen=True)
class Items:
    """A fixed-length list whose positions have their own specs, e.g. [answer, comment]."""

    specs: tuple[Spec, ...]


@dataclass(frozen=True)
class OneOf:
    """A value in the closed set `values` is `category`; any other (free text stored before
    the set was closed, e.g. a contact's channel) is `NARRATIVE`, since it can carry anything."""

    values: frozenset[str]
    category: Category


Spec = Category | Mapping[str, "Spec"] | Each | Values | Items | OneOf


def ref(*names: str) -> dict[str, Spec]:
    return dict.fromkeys(names, C.CASE_REFERENCE)


def redact(value: Any, spec: Spec, readable: frozenset[Category]) -> Any:
    """`value` with every part whose category is not in `readable` replaced by `WITHHELD`.
    A mapping's keys not in its spec are `NARRATIVE` (fail closed)."""
    if isinstance(spec, OneOf):
        known = isinstance(value, str) and value in spec.values
        return redact(value, spec.category if known else C.NARRATIVE, readable)
    if isinstance(spec, Category):
        return value if spec in readable else WITHHELD
    if value is None:
        return None
    if isinstance(spec, Each):
        return [redact(item, spec.spec, readable) for item in value]
    if isinstance(spec, Values):
        return {key: redact(item, spec.spec, readable) for key, item in value.items()}
    if isinstance(spec, Items):
        return [redact(item, spec.specs[i] if i < len(spec.specs) else C.NARRATIVE, readable)
                for i, item in enumerate(value)]
    return {key: redact(item, spec.get(key, C.NARRATIVE), readable)
            for key, item in value.items()}
