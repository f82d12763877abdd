"""Business actions on a live service (BT04, BT07, BT09): value-added services, a new SIM card, a package
change and the command that applies the due ones."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.services import audit_record
from servicehall.org.models import Hall

from ..models import Service, ValueAddedService
from ._common import _check_company

# --- telecom business helpers (BT04, BT07, BT09) ------------------------------------------------------


@transaction.atomic
def extra_subscribe(*, actor: Actor, hall: Hall, service: Service, code: str) -> Any:
    """Subscribe a value-added service (增值业务) on a live service; a second active one of the code is a 409."""
    _check_company(hall, service)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.status != Service.Status.ACTIVE:
        raise Conflict(
            _("Value-added services are subscribed on an active service; this one is %(status)s.")
            % {"status": locked.get_status_display()},
            code="service_not_active",
        )
    if ValueAddedService.objects.filter(service=locked, code=code, active=True).exists():
        raise Conflict(_("This value-added service is already subscribed."), code="already_subscribed")
    try:
        with transaction.atomic():
            extra = ValueAddedService.objects.create(service=locked, code=code, active=True, started_at=timezone.now())
    except IntegrityError as exc:  # subscribed meanwhile at another counter
        raise Conflict(_("This value-added service is already subscribed."), code="already_subscribed") from exc
    audit_record(actor=actor, action="extra.subscribe", obj=extra, hall=hall, data={"service": locked.pk, "code": code})
    return extra


@transaction.atomic
def extra_cancel(*, actor: Actor, hall: Hall, extra: Any) -> Any:
    """End an active value-added service (compare-and-set: ending it twice is a 409)."""
    _check_company(hall, extra.service)
    now = timezone.now()
    if not ValueAddedService.objects.filter(pk=extra.pk, active=True).update(
        active=False, ended_at=now, updated_at=now
    ):
        raise Conflict(_("This value-added service is not active."), code="extra_not_active")
    extra.active, extra.ended_at = False, now
    audit_record(
        actor=actor, action="extra.cancel", obj=extra, hall=hall, data={"service": extra.service_id, "code": extra.code}
    )
    return extra


@transaction.atomic
def extra_restore(*, actor: Actor, hall: Hall, extra: Any) -> Any:
    """Make an ended value-added service active again (a cancellation was reverted)."""
    _check_company(hall, extra.service)
    if ValueAddedService.objects.filter(service_id=extra.service_id, code=extra.code, active=True).exists():
        raise Conflict(_("This value-added service is already subscribed."), code="already_subscribed")
    try:
        with transaction.atomic():
            restored = ValueAddedService.objects.filter(pk=extra.pk, active=False).update(
                active=True, ended_at=None, updated_at=timezone.now()
            )
    except IntegrityError as exc:
        raise Conflict(_("This value-added service is already subscribed."), code="already_subscribed") from exc
    if not restored:
        raise Conflict(_("This value-added service is active already."), code="extra_active")
    extra.active, extra.ended_at = True, None
    audit_record(
        actor=actor,
        action="extra.restore",
        obj=extra,
        hall=hall,
        data={"service": extra.service_id, "code": extra.code},
    )
    return extra


@transaction.atomic
def service_replace_sim(*, actor: Actor, hall: Hall, service: Service, sim_number: str) -> str:
    """Put a new SIM card on a mobile number; returns the old card's number, which no longer works (BT07)."""
    _check_company(hall, service)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.kind != Service.Kind.MOBILE or locked.status == Service.Status.CANCELLED:
        raise Conflict(_("Only a live mobile number gets a new SIM card."), code="not_a_live_mobile")
    new = "".join(str(sim_number or "").split())
    if not new or new == locked.sim_number:
        raise Unprocessable(
            _("The new SIM card number must differ from the old one."), code="same_sim", extra={"field": "sim_number"}
        )
    if (
        Service.objects.filter(company_id=locked.company_id, kind=Service.Kind.MOBILE, sim_number=new)
        .exclude(status=Service.Status.CANCELLED)
        .exists()
    ):
        raise Conflict(
            _("This SIM card is already in use on another number."), code="sim_in_use", extra={"field": "sim_number"}
        )
    old = locked.sim_number
    Service.objects.filter(pk=locked.pk, sim_number=old).update(sim_number=new, updated_at=timezone.now())
    service.sim_number = new
    audit_record(actor=actor, action="service.sim_replace", obj=locked, hall=hall, data={"had_sim": bool(old)})
    return old


@transaction.atomic
def service_schedule_package(
    *, actor: Actor, hall: Hall, service: Service, package_code: str, effective_from: dt.date | None
) -> Service:
    """The package the service switches to on `effective_from` (BT09); an empty code clears a pending change."""
    _check_company(hall, service)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.status == Service.Status.CANCELLED:
        raise Conflict(_("A cancelled service keeps no package."), code="service_cancelled")
    code = (package_code or "").strip()
    if code and effective_from is None:
        raise Unprocessable(_("A package change needs the day it takes effect."), code="date_missing")
    when = effective_from if code else None
    Service.objects.filter(pk=locked.pk).update(
        next_package_code=code, next_package_from=when, updated_at=timezone.now()
    )
    service.next_package_code, service.next_package_from = code, when
    audit_record(
        actor=actor,
        action="service.package_scheduled" if code else "service.package_change_cleared",
        obj=locked,
        hall=hall,
        data={"package": code, "from": when.isoformat() if when else None},
    )
    return service


def _local_today(service: Service, now: dt.datetime, default_tz: Any) -> dt.date:
    tz = service.opened_hall.tz if service.opened_hall_id and service.opened_hall is not None else default_tz
    return now.astimezone(tz).date()


def service_package_changes_apply(*, now: dt.datetime | None = None) -> int:
    """Switch every service whose package change is due (the day has come in its hall's time zone).

    Idempotent: each switch is a compare-and-set on the pending change, so a
    second run (or two at once) switches nothing more. Returns how many switched.
    """
    now = now or timezone.now()
    default_tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    latest_today = (now + dt.timedelta(days=1)).date()  # no time zone's date is more than a day ahead of UTC's
    due = (
        Service.objects.exclude(next_package_code="")
        .exclude(status=Service.Status.CANCELLED)
        .filter(next_package_from__isnull=False, next_package_from__lte=latest_today)
        .select_related("opened_hall")
        .order_by("id")
    )
    switched = 0
    for service in due:
        assert service.next_package_from is not None
        if service.next_package_from > _local_today(service, now, default_tz):
            continue
        with transaction.atomic():
            moved = Service.objects.filter(
                pk=service.pk,
                next_package_code=service.next_package_code,
                next_package_from=service.next_package_from,
            ).update(
                package_code=service.next_package_code, next_package_code="", next_package_from=None, updated_at=now
            )
            if moved:
                switched += 1
                audit_record(
                    actor=None,
                    action="service.package_applied",
                    obj=service,
                    hall=service.opened_hall,
                    data={"from": service.package_code, "to": service.next_package_code},
                )
    return switched
