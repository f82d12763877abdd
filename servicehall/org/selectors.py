"""Reads of the organisation, always through the user's hall memberships."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicehall.core.errors import Forbidden, NotFound

from .models import Counter, Hall, Membership
from .roles import capabilities_of


def memberships_for_user(*, user: Any) -> list[Membership]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_servicehall_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("hall").order_by("hall__code", "role"))
        user._servicehall_memberships = cached
    return cached


def user_capabilities(*, user: Any, hall: Hall) -> frozenset[str]:
    roles = {m.role for m in memberships_for_user(user=user) if m.hall_id == hall.pk}
    return capabilities_of(roles)


def user_can(*, user: Any, hall: Hall, capability: str) -> bool:
    return capability in user_capabilities(user=user, hall=hall)


def hall_get(*, code: str) -> Hall:
    hall = Hall.objects.filter(code=code).first()
    if hall is None:
        raise NotFound(_("There is no hall with the code %(code)s.") % {"code": code})
    return hall


def hall_get_for_user(*, user: Any, code: str, capability: str) -> Hall:
    """The hall, if the user holds a role in it that carries `capability`.

    A hall the user has no role in answers "not found", so its existence does
    not leak to staff of other halls.
    """
    hall = hall_get(code=code)
    if not any(m.hall_id == hall.pk for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no hall with the code %(code)s.") % {"code": code})
    if not user_can(user=user, hall=hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return hall


def counter_get_for_user(*, user: Any, counter_id: int, capability: str) -> Counter:
    counter = Counter.objects.select_related("hall").filter(pk=counter_id).first()
    if counter is None or not any(m.hall_id == counter.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such counter."))
    if not user_can(user=user, hall=counter.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return counter


def counters_for_hall(*, hall: Hall) -> QuerySet[Counter]:
    return (
        Counter.objects.filter(hall=hall)
        .select_related("staff")
        .prefetch_related("served__category")
        .order_by("number")
    )


def default_hall_for_user(*, user: Any) -> Hall | None:
    memberships = memberships_for_user(user=user)
    return memberships[0].hall if memberships else None


def public_halls() -> QuerySet[Hall]:
    """Halls whose kiosk and board run without a sign-in."""
    return Hall.objects.filter(public_kiosk=True).order_by("code")
