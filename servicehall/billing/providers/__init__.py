"""QR payment providers (WeChat Pay / Alipay) behind one interface (PAY01).

A provider creates a charge for an amount and answers what the QR code shows;
later it tells us what the customer did, either by a signed notification to our
callback (`notification_verify`) or when we ask (`charge_query`). We close a
charge when it expires; a provider may still answer "paid" (the customer paid in
the last second): `billing.services.qr` then applies its late-success rule.

`settings.QR_PROVIDER` names the provider: "simulated" (the demo and tests) or
the dotted path of a `QrProvider` subclass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string

# What a provider says about a charge.
PENDING = "pending"  # shown, not paid yet
PAID = "paid"
FAILED = "failed"  # the customer declined, or the provider refused
CLOSED = "closed"  # we closed it (expired) before it was paid
STATES = (PENDING, PAID, FAILED, CLOSED)


class InvalidNotification(Exception):
    """A notification whose signature or shape does not verify: it is refused and changes nothing."""


@dataclass(frozen=True)
class QrCharge:
    provider_ref: str  # our trade number at the provider; unique
    qr_content: str  # what the QR code encodes (a URL the customer's wallet opens)


@dataclass(frozen=True)
class ChargeStatus:
    state: str
    transaction_id: str = ""


@dataclass(frozen=True)
class Notification:
    provider_ref: str
    state: str
    transaction_id: str = ""


class QrProvider:
    """The interface a real provider implements; every method may raise `ProviderError`.

    Billing calls the provider outside its row locks; a real provider passes `timeout` to its HTTP client
    and raises `ProviderError` when it runs out, so a slow provider costs the clerk seconds, never a lock."""

    code = ""

    @property
    def timeout(self) -> float:
        """Seconds to wait for the provider's answer (QR_PROVIDER_TIMEOUT_SECONDS)."""
        return float(settings.QR_PROVIDER_TIMEOUT_SECONDS)

    def charge_create(self, *, amount: Decimal, description: str) -> QrCharge:
        raise NotImplementedError

    def charge_query(self, *, provider_ref: str) -> ChargeStatus:
        raise NotImplementedError

    def charge_close(self, *, provider_ref: str) -> ChargeStatus:
        """Close an unpaid charge; answers the final state (PAID if the customer paid just before)."""
        raise NotImplementedError

    def refund(self, *, provider_ref: str, amount: Decimal, refund_ref: str) -> str:
        """Give `amount` back to the customer's wallet; answers the provider's refund reference."""
        raise NotImplementedError

    def notification_verify(self, *, body: bytes, headers: Mapping[str, str]) -> Notification:
        """The notification's content if its signature verifies, else `InvalidNotification`."""
        raise NotImplementedError


class ProviderError(Exception):
    """The provider could not be reached or refused the call."""


# Short names of the providers shipped here. Loaded by path like any configured provider: `simulated` builds on
# the types of this module, so this module cannot import it at the top.
_BUILT_IN = {"simulated": "servicehall.billing.providers.simulated.SimulatedProvider"}


def provider_get(code: str | None = None) -> QrProvider:
    """The configured provider (or the one named `code`, as stored on a payment)."""
    name = code or settings.QR_PROVIDER
    provider_class = import_string(_BUILT_IN.get(name, name))
    provider: QrProvider = provider_class()
    return provider
