"""The simulated QR provider: the demo's and the tests' stand-in for WeChat Pay / Alipay.

The QR code shows the URL of a small page (`billing:qr_sim`) standing in for the
customer's phone, with "Pay" and "Decline". What the phone did is kept in the
provider's own table (`SimulatedQrCharge`), apart from our `Payment`, so the
provider can say "paid" after we expired the payment (late success).

Notifications are JSON `{"ref", "state", "transaction_id"}` signed with
HMAC-SHA256 (hex) in the `X-Sim-Signature` header; the key is derived from
SECRET_KEY. Tests drive the phone with `customer_pays` / `customer_declines`.

The phone's notification goes to the receiver billing registers in its `AppConfig.ready()`
(`notification_receiver_set(services.payment_qr_notification)`): providers sit below billing's services, so
they hand notifications up through it instead of importing the services.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..models import SimulatedQrCharge
from . import CLOSED, FAILED, PAID, PENDING, ChargeStatus, InvalidNotification, Notification, QrCharge, QrProvider

SIGNATURE_HEADER = "X-Sim-Signature"
_STATE: dict[str, str] = {
    SimulatedQrCharge.State.WAITING: PENDING,
    SimulatedQrCharge.State.PAID: PAID,
    SimulatedQrCharge.State.DECLINED: FAILED,
    SimulatedQrCharge.State.CLOSED: CLOSED,
}

# Called as `receiver(provider_code=..., body=..., headers=...)`, like billing's QR callback view.
NotificationReceiver = Callable[..., object]
_receiver: NotificationReceiver | None = None


def notification_receiver_set(receiver: NotificationReceiver) -> None:
    """Where the phone's signed notifications go (billing's `payment_qr_notification`); the last one wins."""
    global _receiver
    _receiver = receiver


def _notify(charge: SimulatedQrCharge) -> None:
    if _receiver is None:
        raise RuntimeError("no receiver for the simulated provider's notifications; billing registers it at ready()")
    body = notification_body(charge)
    _receiver(provider_code=SimulatedProvider.code, body=body, headers={SIGNATURE_HEADER: sign(body)})


def _key() -> bytes:
    return hashlib.sha256(f"qr-sim:{settings.SECRET_KEY}".encode()).digest()


def sign(body: bytes) -> str:
    return hmac.new(_key(), body, hashlib.sha256).hexdigest()


def notification_body(charge: SimulatedQrCharge) -> bytes:
    return json.dumps(
        {"ref": charge.token, "state": _STATE[charge.state], "transaction_id": charge.transaction_id},
        sort_keys=True,
    ).encode()


class SimulatedProvider(QrProvider):
    code = "simulated"

    def charge_create(self, *, amount: Decimal, description: str) -> QrCharge:
        token = secrets.token_urlsafe(18)
        SimulatedQrCharge.objects.create(token=token, amount=amount, created_at=timezone.now())
        return QrCharge(provider_ref=token, qr_content=reverse("billing:qr_sim", kwargs={"token": token}))

    def charge_query(self, *, provider_ref: str) -> ChargeStatus:
        charge = SimulatedQrCharge.objects.filter(token=provider_ref).first()
        if charge is None:
            return ChargeStatus(state=FAILED)
        return ChargeStatus(state=_STATE[charge.state], transaction_id=charge.transaction_id)

    def charge_close(self, *, provider_ref: str) -> ChargeStatus:
        SimulatedQrCharge.objects.filter(token=provider_ref, state=SimulatedQrCharge.State.WAITING).update(
            state=SimulatedQrCharge.State.CLOSED
        )
        return self.charge_query(provider_ref=provider_ref)

    def refund(self, *, provider_ref: str, amount: Decimal, refund_ref: str) -> str:
        with transaction.atomic():
            charge = SimulatedQrCharge.objects.select_for_update().get(token=provider_ref)
            SimulatedQrCharge.objects.filter(pk=charge.pk).update(refunded=charge.refunded + amount)
        return f"SIMREF-{refund_ref}"

    def notification_verify(self, *, body: bytes, headers: Mapping[str, str]) -> Notification:
        signature = headers.get(SIGNATURE_HEADER, "") or ""
        if not signature or not hmac.compare_digest(signature, sign(body)):
            raise InvalidNotification("bad signature")
        try:
            data = json.loads(body)
            ref, state, transaction_id = str(data["ref"]), str(data["state"]), str(data.get("transaction_id", ""))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidNotification("bad body") from exc
        if state not in (PAID, FAILED, PENDING, CLOSED):
            raise InvalidNotification("bad state")
        return Notification(provider_ref=ref[:64], state=state, transaction_id=transaction_id[:64])


# --- the customer's phone ------------------------------------------------------------------------------


def _act(token: str, to: str, *, notify: bool) -> SimulatedQrCharge | None:
    """The phone pays or declines; a closed (expired) charge can still be paid: the late success."""
    with transaction.atomic():
        charge = SimulatedQrCharge.objects.select_for_update().filter(token=token).first()
        if charge is None:
            return None
        if charge.state in (SimulatedQrCharge.State.WAITING, SimulatedQrCharge.State.CLOSED):
            charge.state = to
            if to == SimulatedQrCharge.State.PAID:
                charge.transaction_id = f"SIM{secrets.token_hex(8).upper()}"
            charge.save(update_fields=["state", "transaction_id"])
    if notify:
        _notify(charge)
    return charge


def charge_get(token: str) -> SimulatedQrCharge | None:
    """The simulated charge behind a QR code (the simulated phone page)."""
    return SimulatedQrCharge.objects.filter(token=token).first()


def customer_pays(token: str, *, notify: bool = True) -> SimulatedQrCharge | None:
    return _act(token, SimulatedQrCharge.State.PAID, notify=notify)


def customer_declines(token: str, *, notify: bool = True) -> SimulatedQrCharge | None:
    return _act(token, SimulatedQrCharge.State.DECLINED, notify=notify)
