"""How the case's value objects are written into snapshots (events hold only primitives)."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Transcoding

from aggregates.report import Actor, Report
from aggregates.tasks import Task


class ReportAsDict(Transcoding):
    type = Report
    name = "da_report"

    def encode(self, obj: Report) -> dict[str, Any]:
        return obj.to_dict()

    def decode(self, data: dict[str, Any]) -> Report:
        return Report.from_dict(data)


class TaskAsDict(Transcoding):
    type = Task
    name = "da_task"

    def encode(self, obj: Task) -> dict[str, Any]:
        return obj.to_dict()

    def decode(self, data: dict[str, Any]) -> Task:
        return Task.from_dict(data)


class ActorAsDict(Transcoding):
    type = Actor
    name = "da_actor"

    def encode(self, obj: Actor) -> dict[str, str]:
        return obj.to_dict()

    def decode(self, data: dict[str, str]) -> Actor:
        return Actor.from_dict(data)


class SetAsSortedList(Transcoding):
    type = set
    name = "set"

    def encode(self, obj: set[Any]) -> list[Any]:
        return sorted(obj)

    def decode(self, data: list[Any]) -> set[Any]:
        return set(data)


class FrozensetAsSortedList(Transcoding):
    type = frozenset
    name = "frozenset"

    def encode(self, obj: frozenset[Any]) -> list[Any]:
        return sorted(obj)

    def decode(self, data: list[Any]) -> frozenset[Any]:
        return frozenset(data)


ALL = (ReportAsDict(), TaskAsDict(), ActorAsDict(), SetAsSortedList(), FrozensetAsSortedList())
