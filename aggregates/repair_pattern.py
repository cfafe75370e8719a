"""The pattern of repairs (DBC 7.2; D 8.6): when one address shows a run of security-related
jobs (external door lock changes, bathroom lock changes, broken windows, lost keys, damaged
internal doors) within a window set by the council's policy, a "possible domestic abuse:
review" task opens for the team the policy names. No case opens without a person deciding.

A *run* is the security jobs of one property, by date raised, where each is raised within the
window of the one before; it *qualifies* once `run_length` of its jobs fall within one window.
One run opens at most one review: a later job within the window of the run joins it (and
opens nothing); a job raised after the window has passed starts a new run.
Pure functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from aggregates.policies import Policy
from aggregates.repair_feed import SECURITY_JOBS, JobType

REVIEW_TITLE = "Possible domestic abuse: review the pattern of repairs"


@dataclass(frozen=True)
class JobSeen:
    """A job of the property as its stream records it."""

    job_reference: str
    job_type: JobType
    raised_on: date


def runs(jobs: Iterable[JobSeen], window_days: int) -> list[tuple[JobSeen, ...]]:
    """The property's security jobs split into runs (by date raised, then reference)."""
    window = timedelta(days=window_days)
    found: list[list[JobSeen]] = []
    for job in sorted((j for j in jobs if j.job_type in SECURITY_JOBS),
                      key=lambda j: (j.raised_on, j.job_reference)):
        if found and job.raised_on - found[-1][-1].raised_on <= window:
            found[-1].append(job)
        else:
            found.append([job])
    return [tuple(run) for run in found]


def qualifies(run: tuple[JobSeen, ...], window_days: int, run_length: int) -> bool:
    """`run_length` jobs of the run raised within one window of `window_days` days."""
    window = timedelta(days=window_days)
    return any(run[i + run_length - 1].raised_on - run[i].raised_on <= window
               for i in range(len(run) - run_length + 1))


def runs_to_review(jobs: Iterable[JobSeen], reviewed: frozenset[str], policy: Policy
                   ) -> list[tuple[JobSeen, ...]]:
    """The qualifying runs that hold no job already under a review (`reviewed`: the job
    references every earlier review was opened on): each needs a review of its own."""
    window, length = policy.repair_pattern_window_days, policy.repair_pattern_run_length
    return [run for run in runs(jobs, window)
            if qualifies(run, window, length)
            and not any(j.job_reference in reviewed for j in run)]


def run_of(jobs: Iterable[JobSeen], opened_on: Iterable[str], window_days: int
           ) -> tuple[JobSeen, ...]:
    """The run, as it stands now, that a review opened on `opened_on` belongs to (it may
    have grown since)."""
    refs = set(opened_on)
    for run in runs(jobs, window_days):
        if any(j.job_reference in refs for j in run):
            return run
    return ()
