"""What crosses Temporal, shared by the workflows and the activities on either side of it.

`payloads`: the input and result dataclasses of every workflow, update and activity (ids and
routing facts only). `retry_policies`: the timeouts, retry policies and alert thresholds both
sides read. `refusals`: the error type each domain refusal crosses Temporal as. None imports
`workflows` or `activities`, so activities never import workflows.
"""
