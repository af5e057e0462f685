"""The shapes the notification API takes and gives."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SubscriptionKeys(BaseModel):
    model_config = ConfigDict(extra="forbid")

    p256dh: str = Field(min_length=20, max_length=200, pattern=r"^[A-Za-z0-9_\-=]+$")
    auth: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_\-=]+$")


class SubscriptionIn(BaseModel):
    """What the browser's `PushSubscription.toJSON()` gives (`expirationTime` ignored)."""

    model_config = ConfigDict(extra="ignore")

    endpoint: str = Field(max_length=1000)
    keys: SubscriptionKeys

    @field_validator("endpoint")
    @classmethod
    def _a_push_service(cls, endpoint: str) -> str:
        # The job worker posts to it: an https address of a named host, never an address
        # on this network.
        parts = urlsplit(endpoint)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError("must be an https URL of a push service")
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            if parts.hostname == "localhost" or parts.hostname.endswith(".localhost"):
                raise ValueError("must be a push service on the internet") from None
            return endpoint
        if not address.is_global:
            raise ValueError("must be a push service on the internet")
        return endpoint


class Unsubscribe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(max_length=1000)


class PushKeyOut(BaseModel):
    public_key: str  # the VAPID application server key, base64url


class SubscriptionsOut(BaseModel):
    browsers: int  # how many browsers of this account get notices
