"""Retry policies, shared by the workflows that schedule activities and the activities that
raise alerts, so both read the same numbers.

Two kinds of failure, handled differently:

- **No retry can fix it**: a malformed case id, a missing case, a domain refusal, an input of
  the wrong shape (`ValueError`, `TypeError`, `KeyError` from our code). Non-retryable: the
  activity fails at once and the caller is told. `activities.case_activities` raises these as
  non-retryable `ApplicationError`s; `NON_RETRYABLE` below catches any that escape it.
- **Transient** (the event store or a partner is down): retried with exponential backoff.
  Each failed attempt from `alert_after` on logs an ERROR alert naming the workflow, the
  activity and the attempt (no personal data), so nobody waits for a deadline to find out.

Maximums, and why:
- `STORE_RETRY` (triage, escalation, recording a delivery's outcome): **no maximum**. Giving up
  would drop a case's deadlines or a partner's receipt; the store coming back must heal them.
  The alert is what tells an operator.
- `COMMAND_RETRY` (a person's or partner's command through an update): at most
  `COMMAND_ATTEMPTS` tries (about 2 minutes of waits between them). The caller is waiting and
  can try again; holding the case's write lock longer would hold up its escalations.
- `DELIVERY_RETRY` (a referral to a partner): bounded by `GIVE_UP_AFTER` (schedule-to-close in
  `ReferralWorkflow`), after which the case records the delivery as given up and a DSO gets a
  task.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

from temporal_contracts.refusals import (
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    RULE_VIOLATION,
    TASK_NOT_FOUND,
)

# Error types that no retry can fix: Python's for a shape error, ours for refusals.
UNUSABLE_INPUT = "UnusableInput"
NON_RETRYABLE = ["ValueError", "TypeError", "KeyError", "AttributeError", UNUSABLE_INPUT,
                 CONFLICT, RULE_VIOLATION, FORBIDDEN, NOT_FOUND, TASK_NOT_FOUND,
                 "DeliveryRefused"]

STORE_TIMEOUT = timedelta(seconds=30)
STORE_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                          maximum_interval=timedelta(minutes=1),
                          non_retryable_error_types=NON_RETRYABLE)

COMMAND_ATTEMPTS = 8  # waits of 1, 2, 4, 8, 16, 32 and 60 s between them: about 2 minutes
COMMAND_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                            maximum_interval=timedelta(minutes=1),
                            maximum_attempts=COMMAND_ATTEMPTS,
                            non_retryable_error_types=NON_RETRYABLE)

# Standard Webhooks' spirit: seconds, then minutes, then hours, for about three days.
DELIVERY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), backoff_coefficient=2.0,
                             maximum_interval=timedelta(hours=1),
                             non_retryable_error_types=NON_RETRYABLE)
GIVE_UP_AFTER = timedelta(days=4)

# From which failed attempt an activity alerts: the store after ~15 s of failures (attempt 5
# follows waits of 1 + 2 + 4 + 8 s), a partner after ~10 minutes (waits of 5 s doubling).
STORE_ALERT_AFTER = 5
DELIVERY_ALERT_AFTER = 8
