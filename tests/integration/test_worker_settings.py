"""Worker capacity comes from settings: an operator who raises the slots or the process count
gets them, without a code change (issue "Nothing dropped", finding 6)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import PollerBehaviorSimpleMaximum

from activities.case_store import CaseStore
from casework.settings import Settings
from casework.worker import PASSTHROUGH_MODULES, WorkerTuning, build_worker


async def test_worker_slots_pollers_and_cache_come_from_settings(
        dev_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    settings = Settings(worker_workflow_task_slots=3, worker_activity_slots=5,
                        worker_cached_workflows=50, worker_workflow_task_pollers=4,
                        worker_activity_task_pollers=3, data_dir=Path("unused"))
    with ThreadPoolExecutor(max_workers=5) as executor:
        worker = build_worker(dev_env.client, sqlite_store, "tq-settings", executor,
                              tuning=WorkerTuning.from_settings(settings))
        config = worker.config()
    assert config.get("max_concurrent_workflow_tasks") == 3
    assert config.get("max_concurrent_activities") == 5
    assert config.get("max_cached_workflows") == 50
    assert config.get("workflow_task_poller_behavior") == PollerBehaviorSimpleMaximum(4)
    assert config.get("activity_task_poller_behavior") == PollerBehaviorSimpleMaximum(3)


async def test_pure_modules_are_passed_through_the_workflow_sandbox(
        dev_env: WorkflowEnvironment, sqlite_store: CaseStore) -> None:
    """Imported once per process, not again for every workflow run."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        runner = build_worker(dev_env.client, sqlite_store, "tq-sandbox", executor
                              ).config().get("workflow_runner")
    passed = runner.restrictions.passthrough_modules  # type: ignore[union-attr]
    assert set(PASSTHROUGH_MODULES) <= passed


def test_make_run_starts_one_worker_unless_told_otherwise() -> None:
    assert Settings().worker_processes == 1
    assert Settings(worker_processes=2).worker_processes == 2
