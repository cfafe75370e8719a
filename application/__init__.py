"""Application services: use cases that span the record and the orchestration — intake (and
its reconciler), and reading a case together with its access-log entry. Called by `web/` and
by the worker; they use `activities/` (the event store) and `workflows/` (the client)."""
