"""Settings that would make a production deployment quietly wrong are refused at start-up."""

from __future__ import annotations

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
