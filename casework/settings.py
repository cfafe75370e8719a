"""All settings, read once from environment variables prefixed `DA_`, with embedded defaults.

Secrets (the event-store cipher key and the Temporal payload key) are files, never values in
the environment. In development the files are created on first run; in production a missing
key file is an error, so a deployment cannot start on a key nobody kept.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from monitoring.freshness import DEFAULT_SETTLE_HOURS
from monitoring.reports import DEFAULT_MIN_COUNT

DEVELOPMENT_LOG_ORIGIN = "development.invalid/da-casework-log"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class PartnerDelivery(StrEnum):
    SIGNED_HTTP = "signed_http"              # signed envelopes to each partner's endpoint
    RECORDED_STAND_IN = "recorded_stand_in"  # keep messages in memory (tests, no partners)
    # A production configuration refuses the stand-in: referrals would "succeed" without
    # reaching any partner, and the case would record receipts for messages nobody holds.


class AuthMode(StrEnum):
    LOCAL = "local"  # staff accounts and passwords kept by this system
    OIDC = "oidc"    # sign-in through the council's OpenID Connect provider


def under_data_dir(data_dir: Path) -> dict[str, Any]:
    """The defaults of the settings that keep their files under `data_dir`: the SQLite event
    store, the key files and the partner registry. Each one set explicitly wins."""
    keys = data_dir / "keys"
    return {
        "event_store_url": f"sqlite:///{data_dir / 'events.sqlite3'}",
        "event_store_key_file": keys / "event-store.key",
        "temporal_payload_key_file": keys / "temporal-payload.key",
        "oidc_client_secret_file": keys / "oidc-client-secret",
        "partners_file": data_dir / "partners.json",
        "signing_key_file": keys / "council-signing.pem",
        "log_key_file": keys / "transparency-log.key",
    }


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DA_", frozen=True)

    environment: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("data")
    # The defaults below that name `data/` follow `data_dir` (`under_data_dir`).
    # Event store: a SQLite file by default, PostgreSQL when the URL says so
    # (postgresql+psycopg://user@host:5432/db).
    event_store_url: str = "sqlite:///data/events.sqlite3"
    event_store_key_file: Path = Path("data/keys/event-store.key")
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "da-cases"
    temporal_payload_key_file: Path = Path("data/keys/temporal-payload.key")
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=1, le=65535)
    # How often the worker checks that every opened case has its workflow (crash recovery).
    reconcile_interval_seconds: float = Field(default=5.0, gt=0)
    # Addresses of reverse proxies whose X-Forwarded-Proto/For headers are believed (so the
    # session cookie is marked Secure behind a TLS-terminating proxy).
    web_forwarded_allow_ips: str = "127.0.0.1"
    # Staff sign-in.
    auth_mode: AuthMode = AuthMode.LOCAL
    session_idle_minutes: int = Field(default=30, gt=0)
    session_absolute_hours: int = Field(default=10, gt=0)
    # Bearer tokens for machine clients stop working this many days after they are issued.
    api_token_days: int = Field(default=90, gt=0)
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret_file: Path = Path("data/keys/oidc-client-secret")
    oidc_redirect_url: str = ""
    oidc_staff_id_claim: str = "preferred_username"
    # Partners: the registry (endpoints, public keys, profiles) and our Ed25519 signing key.
    partner_delivery: PartnerDelivery = PartnerDelivery.SIGNED_HTTP
    partners_file: Path = Path("data/partners.json")
    signing_key_file: Path = Path("data/keys/council-signing.pem")
    # Temporal payloads not sealed by our codec are refused; true only while migrating from
    # a deployment that wrote them in clear (workflows/payload_codec.py).
    temporal_accept_plaintext_payloads: bool = False
    # The transparency log over every stored event: its signing key (a C2SP note key, never in
    # the database), its origin (the key's name, in every checkpoint: "<deployment>/..."),
    # and how often the worker signs a checkpoint.
    log_key_file: Path = Path("data/keys/transparency-log.key")
    log_origin: str = DEVELOPMENT_LOG_ORIGIN
    checkpoint_minutes: float = Field(default=15.0, gt=0)
    # How often the worker re-verifies the whole store against the latest checkpoint (one
    # read of every event: about 30 s per million on two cores), alerting on any mismatch.
    log_self_check_minutes: float = Field(default=60.0, gt=0)
    # Worker capacity (casework/worker.py). `make run` starts `worker_processes` workers on
    # the one task queue; in production scale out with more replicas instead. Slots bound
    # what one worker takes on at once: more workflow-task slots than cores only queue tasks
    # inside the worker, where their 10 s timeout runs, instead of on the server.
    worker_processes: int = Field(default=1, ge=1, le=16)
    worker_workflow_task_slots: int = Field(default=8, ge=2)
    # Activity slots and activity threads are one number: a slot without a thread waits with
    # its start-to-close timeout already running.
    worker_activity_slots: int = Field(default=8, ge=1)
    # Workflows kept in memory between tasks (sticky cache); an evicted one is replayed from
    # its whole history on its next task.
    worker_cached_workflows: int = Field(default=2000, ge=0)
    worker_workflow_task_pollers: int = Field(default=2, ge=2)
    worker_activity_task_pollers: int = Field(default=2, ge=1)
    # Monitoring reports hide counts from 1 to this less one, and what would give them away
    # (monitoring/suppression.py). At least 2: a threshold of 1 would hide nothing.
    monitoring_min_count: int = Field(default=DEFAULT_MIN_COUNT, ge=2)
    # A period's figures are published only this long after it ends (monitoring/freshness.py):
    # an event can be stored after midnight with a time inside the period (a workflow's time
    # recorded after retries, a write in flight), and figures shown before it and after it
    # would give it away by their difference. Rounded up to whole days: 24 = the day after.
    monitoring_settle_hours: float = Field(default=DEFAULT_SETTLE_HOURS, ge=0)
    # One worker at a time runs each projection, holding its lease for this long and renewing
    # it this often; another worker takes over within the lease after the holder dies
    # (activities/projection_lease.py). Renewal must come well inside the lease.
    projection_lease_seconds: float = Field(default=30.0, gt=0)
    projection_lease_renew_seconds: float = Field(default=10.0, gt=0)

    @model_validator(mode="before")
    @classmethod
    def files_follow_data_dir(cls, values: Any) -> Any:
        # Before validation, `values` holds only what was given (arguments, DA_* variables).
        if not isinstance(values, dict):
            return values
        data_dir = Path(values.get("data_dir", cls.model_fields["data_dir"].default))
        return {**under_data_dir(data_dir), **values}

    @field_validator("partner_delivery")
    @classmethod
    def production_delivers_to_partners(cls, delivery: PartnerDelivery,
                                        info: ValidationInfo) -> PartnerDelivery:
        # `environment` is declared first, so it is validated (or failed) by now.
        if (delivery is PartnerDelivery.RECORDED_STAND_IN
                and info.data.get("environment") is Environment.PRODUCTION):
            raise ValueError("DA_PARTNER_DELIVERY=recorded_stand_in keeps referrals in memory "
                             "and sends none; DA_ENVIRONMENT=production needs signed_http")
        return delivery

    @model_validator(mode="after")
    def oidc_is_configured(self) -> Settings:
        if self.auth_mode is AuthMode.OIDC and not (
                self.oidc_issuer and self.oidc_client_id and self.oidc_redirect_url):
            raise ValueError("DA_AUTH_MODE=oidc needs DA_OIDC_ISSUER, DA_OIDC_CLIENT_ID and "
                             "DA_OIDC_REDIRECT_URL")
        return self

    @model_validator(mode="after")
    def projection_lease_is_renewed_in_time(self) -> Settings:
        if self.projection_lease_renew_seconds >= self.projection_lease_seconds:
            raise ValueError("DA_PROJECTION_LEASE_RENEW_SECONDS must be less than "
                             "DA_PROJECTION_LEASE_SECONDS: a lease renewed after it lapsed "
                             "lets two workers run one projection")
        return self

    @property
    def creates_missing_keys(self) -> bool:
        return self.environment is Environment.DEVELOPMENT
