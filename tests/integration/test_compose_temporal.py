"""Temporal in the production docker-compose.yml runs as Temporal means it (REFERENCES.md): the
`temporalio/server` image (never the development-only auto-setup), its PostgreSQL schema
created and upgraded by a one-shot `temporalio/admin-tools` job, and the namespace registered
with a stated retention, each step waiting for the one before. The jobs' scripts are run for
real under /bin/sh, with stand-ins for the Temporal tools that record how they were called.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from tests.integration.test_compose_file import (
    APP_SERVICES,
    SECRETS_DIR,
    _env_name,
    _environment,
    _services,
)

PINNED = re.compile(r"^temporalio/[a-z-]+:(\d+\.\d+\.\d+)(-[\w.-]+)?$")


def _temporal_version(image: str) -> str:
    match = PINNED.match(image)
    assert match, f"{image} is not pinned to a Temporal release"
    return match.group(1)


def _admin_job_running(program: str) -> str:
    names = [name for name, service in _services().items()
             if str(service.get("image", "")).startswith("temporalio/admin-tools:")
             and program in _script(service)]
    assert len(names) == 1, f"expected one admin-tools job running {program}, found {names}"
    return names[0]


def _script(service: dict[str, Any]) -> str:
    """The shell script a `/bin/sh -c` entrypoint runs, as the container sees it."""
    entrypoint = service.get("entrypoint") or []
    if entrypoint[:2] != ["/bin/sh", "-c"]:
        return ""
    return str(entrypoint[2]).replace("$$", "$")  # Compose's escape for a literal $


def _run_script(service: dict[str, Any], tmp_path: Path, stubs: dict[str, str]) -> list[str]:
    """Run a job's script under /bin/sh with its environment, the database password secret
    in a temporary file, and stand-ins for the Temporal tools that log how they were called."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "calls.log"
    for program, body in stubs.items():
        stub = bin_dir / program
        stub.write_text(f'#!/bin/sh\necho "{program} $*" >> "{log}"\n{body}\n')
        stub.chmod(0o755)
    secret = tmp_path / "postgres-password"
    secret.write_text("s3cret-for-test")
    script = _script(service).replace(SECRETS_DIR, f"{tmp_path}/")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", **_environment(service)}
    subprocess.run(["/bin/sh", "-c", script], env=env, check=True, timeout=30)
    return log.read_text().splitlines() if log.exists() else []


def _waits_for(service: str, dependency: str, condition: str) -> None:
    depends_on = _services()[service].get("depends_on") or {}
    assert isinstance(depends_on, dict), f"`{service}` must say what it waits for"
    assert (depends_on.get(dependency) or {}).get("condition") == condition, (
        f"`{service}` must wait for `{dependency}` ({condition})")


def test_no_service_runs_the_development_auto_setup_image() -> None:
    images = [str(service.get("image", "")) for service in _services().values()]
    assert not [image for image in images if "auto-setup" in image]


def test_temporal_server_and_admin_tools_are_pinned_to_one_release() -> None:
    server = _temporal_version(str(_services()["temporal"]["image"]))
    for job in (_admin_job_running("temporal-sql-tool"), _admin_job_running("namespace create")):
        assert _temporal_version(str(_services()[job]["image"])) == server, (
            f"`{job}` must come from the server's release, or the schema would not match it")


def test_schema_job_creates_and_upgrades_both_databases_before_the_server(
        tmp_path: Path) -> None:
    job = _admin_job_running("temporal-sql-tool")
    service = _services()[job]
    environment = _environment(service)
    assert environment["SQL_PLUGIN"] == _environment(_services()["temporal"])["DB"]
    assert environment["SQL_HOST"] == "postgres"
    assert service.get("restart") == "no"
    _waits_for(job, "postgres", "service_healthy")
    _waits_for("temporal", job, "service_completed_successfully")

    calls = _run_script(service, tmp_path, {
        "temporal-sql-tool": f'echo "password=$SQL_PASSWORD" >> "{tmp_path}/calls.log"'})
    tool_calls = [c for c in calls if c.startswith("temporal-sql-tool")]
    server = _environment(_services()["temporal"])
    for database, schema in ((server["DBNAME"], "temporal"),
                             (server["VISIBILITY_DBNAME"], "visibility")):
        mine = [c for c in tool_calls if f"--db {database} " in c]
        assert [c.split()[3] for c in mine] == [
            "create-database", "setup-schema", "update-schema"], mine
        assert mine[2].endswith(f"/schema/postgresql/v12/{schema}/versioned")
    # The password reaches the tool from the secret, never on its command line.
    assert set(calls) - set(tool_calls) == {"password=s3cret-for-test"}
    assert not [c for c in tool_calls if "s3cret" in c]


def test_namespace_job_registers_the_namespace_with_a_stated_retention(tmp_path: Path) -> None:
    job = _admin_job_running("namespace create")
    service = _services()[job]
    assert service.get("restart") == "no"
    _waits_for(job, "temporal", "service_healthy")
    for app in APP_SERVICES:
        _waits_for(app, job, "service_completed_successfully")

    namespace = _environment(_services()["worker"])[_env_name("temporal_namespace")]
    # First start: the namespace is missing (describe fails), so it is created.
    calls = _run_script(service, tmp_path / "first",
                        {"temporal": 'case "$*" in *describe*) exit 1;; esac'})
    created = [c for c in calls if " namespace create " in c]
    assert len(created) == 1
    assert f"--namespace {namespace} " in created[0] + " "
    retention = re.search(r"--retention (\S+)", created[0])
    assert retention, "the namespace is created without a stated retention"
    hours = re.fullmatch(r"(\d+)h", retention.group(1))
    assert hours and int(hours.group(1)) >= 24 * 7, (
        f"retention {retention.group(1)}: state it in hours, at least a week")
    # Every later start: the namespace exists, is not created again, and keeps that retention.
    calls = _run_script(service, tmp_path / "again", {"temporal": ""})
    assert not [c for c in calls if " namespace create " in c]
    updated = [c for c in calls if " namespace update " in c]
    assert len(updated) == 1
    assert f"--retention {retention.group(1)}" in updated[0]
    assert f"--namespace {namespace} " in updated[0] + " "
