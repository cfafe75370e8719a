"""Settings that would make a production deployment quietly wrong are refused at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from casework.settings import Environment, PartnerDelivery, Settings


def test_production_refuses_the_in_memory_stand_in_naming_the_setting() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(environment=Environment.PRODUCTION,
                 partner_delivery=PartnerDelivery.RECORDED_STAND_IN)
    [error] = refused.value.errors()
    assert error["loc"] == ("partner_delivery",)
    assert "DA_PARTNER_DELIVERY=recorded_stand_in" in error["msg"]
    assert "DA_ENVIRONMENT=production needs signed_http" in error["msg"]


def test_production_refuses_the_stand_in_when_the_environment_chooses_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # How a deployment sets it: environment variables, read by `Settings()`.
    monkeypatch.setenv("DA_ENVIRONMENT", "production")
    monkeypatch.setenv("DA_PARTNER_DELIVERY", "recorded_stand_in")
    with pytest.raises(ValidationError, match="partner_delivery"):
        Settings()


def test_production_delivers_signed_and_development_may_use_the_stand_in() -> None:
    assert Settings(environment=Environment.PRODUCTION).partner_delivery \
        is PartnerDelivery.SIGNED_HTTP
    assert Settings(environment=Environment.DEVELOPMENT,
                    partner_delivery=PartnerDelivery.RECORDED_STAND_IN).partner_delivery \
        is PartnerDelivery.RECORDED_STAND_IN


def _stored_paths(settings: Settings) -> dict[str, Path]:
    """Every file a process reads or writes, by setting (the SQLite store by its path)."""
    paths = {name: value for name, value in vars(settings).items()
             if isinstance(value, Path) and name != "data_dir"}
    paths["event_store_url"] = Path(settings.event_store_url.removeprefix("sqlite:///"))
    return paths


def test_every_file_follows_da_data_dir_unless_set_itself(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`make run` says the event store, Temporal's state and the keys are under DA_DATA_DIR:
    the store, the key files and the partner registry used to stay in ./data whatever it said."""
    monkeypatch.setenv("DA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DA_SIGNING_KEY_FILE", "/run/secrets/signing.pem")
    settings = Settings()
    paths = _stored_paths(settings)
    assert set(paths) >= {"event_store_url", "event_store_key_file", "partners_file",
                          "temporal_payload_key_file", "oidc_client_secret_file"}
    elsewhere = {name: path for name, path in paths.items()
                 if not path.is_relative_to(tmp_path) and name != "signing_key_file"}
    assert elsewhere == {}
    assert settings.event_store_url == f"sqlite:///{tmp_path}/events.sqlite3"
    assert settings.signing_key_file == Path("/run/secrets/signing.pem")
    explicit = Settings(data_dir=tmp_path, event_store_url="postgresql+psycopg://db/test")
    assert explicit.event_store_url == "postgresql+psycopg://db/test"
    assert explicit.partners_file == tmp_path / "partners.json"


def test_without_da_data_dir_the_files_stay_in_data() -> None:
    assert all(path.is_relative_to("data")
               for path in _stored_paths(Settings()).values())


def test_the_log_self_check_runs_hourly_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().log_self_check_minutes == 60
    monkeypatch.setenv("DA_LOG_SELF_CHECK_MINUTES", "5")
    assert Settings().log_self_check_minutes == 5
    monkeypatch.setenv("DA_LOG_SELF_CHECK_MINUTES", "0")
    with pytest.raises(ValidationError, match="log_self_check_minutes"):
        Settings()
