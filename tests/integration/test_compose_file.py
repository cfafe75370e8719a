"""The production docker-compose.yml gives the worker and the web app everything they need.

What a deployer would notice: a setting the code reads but compose never sets (so production
silently runs on a development default), a process started with a command the CLI does not
know, a key handed in as a plain value instead of a secret file, an event store that is not
the PostgreSQL service, or a process that cannot be scaled out.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from casework.cli import main as cli_main
from casework.settings import Environment, Settings
from casework.worker import GRACEFUL_SHUTDOWN

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
APP_SERVICES = ("worker", "web")
SECRETS_DIR = "/run/secrets/"


def _compose() -> dict[str, Any]:
    with COMPOSE_FILE.open() as handle:
        document = yaml.safe_load(handle)  # resolves the anchors and `<<` merge keys
    assert isinstance(document, dict)
    return document


def _services() -> dict[str, dict[str, Any]]:
    services = _compose()["services"]
    assert isinstance(services, dict)
    return services


def _environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as strings, whether written as a mapping or a KEY=VALUE list."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, None) for item in raw)
    return {name: "" if value is None else str(value) for name, value in raw.items()}


def _env_name(field: str) -> str:
    return f"DA_{field.upper()}"


def _service_secret_targets(service: dict[str, Any]) -> dict[str, str]:
    """Path inside the container -> top-level secret name, for each secret a service gets."""
    targets = {}
    for entry in service.get("secrets") or []:
        if isinstance(entry, str):
            source, target = entry, entry
        else:
            source = entry["source"]
            target = entry.get("target", source)
        path = target if target.startswith("/") else SECRETS_DIR + target
        targets[path] = source
    return targets


def _service_named_by_image(prefix: str) -> str:
    names = [
        name
        for name, service in _services().items()
        if str(service.get("image", "")).startswith(prefix)
    ]
    assert len(names) == 1, f"expected one service with an image {prefix}*, found {names}"
    return names[0]


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return command.split() if isinstance(command, str) else [str(word) for word in command]


def test_the_production_services_all_exist() -> None:
    services = _services()
    for name in ("postgres", "temporal", "temporal-ui", *APP_SERVICES):
        assert name in services, f"docker-compose.yml has no `{name}` service"


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_every_setting_is_given_to_the_service(service_name: str) -> None:
    environment = _environment(_services()[service_name])
    missing = [
        _env_name(field) for field in Settings.model_fields if _env_name(field) not in environment
    ]
    assert not missing, (
        f"`{service_name}` would run on development defaults for {missing}: "
        "add them to the shared environment in docker-compose.yml"
    )


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_the_service_environment_is_valid_production_settings(
    service_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.upper().startswith("DA_"):
            monkeypatch.delenv(name)
    for name, value in _environment(_services()[service_name]).items():
        monkeypatch.setenv(name, value)
    settings = Settings()  # raises if compose gives a value the settings reject
    assert settings.environment is Environment.PRODUCTION
    assert not settings.creates_missing_keys


def test_worker_and_web_share_one_environment() -> None:
    services = _services()
    assert _environment(services["worker"]) == _environment(services["web"])


def test_the_event_store_is_the_postgres_service() -> None:
    postgres = _service_named_by_image("postgres:")
    assert postgres == "postgres"
    url = _environment(_services()["worker"])[_env_name("event_store_url")]
    assert url.startswith("postgresql+psycopg://")
    parts = urlsplit(url)
    assert parts.hostname == postgres
    assert parts.port in (None, 5432)
    assert parts.password is None, "the database password must come from a file, not the URL"
    database = _environment(_services()[postgres]).get("POSTGRES_DB")
    assert parts.path.lstrip("/") == database


def test_temporal_is_backed_by_the_postgres_service() -> None:
    temporal = _services()["temporal"]
    assert str(temporal["image"]).startswith("temporalio/server:")
    environment = _environment(temporal)
    assert environment["DB"].startswith("postgres")
    assert environment["POSTGRES_SEEDS"] == "postgres"
    assert str(_services()["temporal-ui"]["image"]).startswith("temporalio/ui:")


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_the_service_talks_to_the_temporal_service(service_name: str) -> None:
    address = _environment(_services()[service_name])[_env_name("temporal_address")]
    host, _, port = address.rpartition(":")
    assert host == "temporal"
    assert port == "7233"


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_the_service_waits_for_its_backends(service_name: str) -> None:
    depends_on = _services()[service_name].get("depends_on") or {}
    assert "postgres" in depends_on
    assert "temporal" in depends_on


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_the_service_scales_out_by_replicas(service_name: str) -> None:
    replicas = (_services()[service_name].get("deploy") or {}).get("replicas")
    assert isinstance(replicas, int)
    assert replicas >= 2


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_the_service_runs_the_real_cli_subcommand(
    service_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    service = _services()[service_name]
    command = _command(service)
    assert command[:3] == ["python", "-m", "casework"]
    assert command[-1] == service_name
    with pytest.raises(SystemExit) as exited:
        cli_main([command[-1], "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: casework {service_name}")
    assert (REPO / service["build"]["context"] / service["build"]["dockerfile"]).is_file()


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_key_files_come_from_secrets(service_name: str) -> None:
    service = _services()[service_name]
    environment = _environment(service)
    secrets = _service_secret_targets(service)
    declared = _compose().get("secrets") or {}
    # The partner registry holds endpoints and public keys: configuration, not a secret.
    file_fields = [field for field in Settings.model_fields
                   if field.endswith("_file") and field not in CONFIG_FILES]
    assert "event_store_key_file" in file_fields
    assert "temporal_payload_key_file" in file_fields
    assert "signing_key_file" in file_fields
    for field in file_fields:
        path = environment[_env_name(field)]
        assert path.startswith(SECRETS_DIR), f"{_env_name(field)}={path} is not a secret"
        assert path in secrets, f"`{service_name}` is not given the secret at {path}"
        source = declared.get(secrets[path]) or {}
        assert "file" in source, f"secret {secrets[path]} is not read from a file"


CONFIG_FILES = {"partners_file"}


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_the_partner_registry_comes_from_a_config_file(service_name: str) -> None:
    service = _services()[service_name]
    path = _environment(service)["DA_PARTNERS_FILE"]
    targets = {c["target"]: c["source"] for c in service.get("configs") or []}
    assert path in targets, f"`{service_name}` is not given the registry at {path}"
    assert "file" in (_compose().get("configs") or {})[targets[path]]


SECRET_NAME = re.compile(r"KEY|SECRET|PASSWORD|PWD|TOKEN", re.IGNORECASE)
BASE64_BLOB = re.compile(r"[A-Za-z0-9+/_-]{22,}={0,2}")
HEX_BLOB = re.compile(r"[0-9a-fA-F]{32,}")
# Settings whose names match SECRET_NAME but hold a whole number, never a secret.
COUNTS_NAMED_LIKE_SECRETS = frozenset({"DA_API_TOKEN_DAYS"})


def test_no_secret_is_written_inline() -> None:
    for service_name, service in _services().items():
        for name, value in _environment(service).items():
            where = f"{service_name}: {name}"
            if value.startswith(SECRETS_DIR):
                continue  # a path to a secret file, the one right way to hand in a secret
            if name in COUNTS_NAMED_LIKE_SECRETS:
                assert value.isdigit(), f"{where} is a number of days"
                continue
            assert not SECRET_NAME.search(name), f"{where} holds a secret inline"
            assert not BASE64_BLOB.fullmatch(value), f"{where} looks like an inline key"
            assert not HEX_BLOB.fullmatch(value), f"{where} looks like an inline key"
            if "://" in value:
                assert urlsplit(value).password is None, f"{where} has a password in its URL"


def test_docker_stop_waits_for_the_worker_to_finish_its_activities() -> None:
    """`docker stop` kills after `stop_grace_period` (10 s unless stated): it must outlast the
    worker's graceful shutdown, or an activity in flight is cut off and retried."""
    grace = re.fullmatch(r"(\d+)s", str(_services()["worker"].get("stop_grace_period", "10s")))
    assert grace, "state the worker's stop_grace_period in seconds"
    assert int(grace.group(1)) > GRACEFUL_SHUTDOWN.total_seconds()
