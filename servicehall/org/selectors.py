"""Reads of the organisation, always through the user's hall memberships."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicehall.core.apis import MAX_ID
from servicehall.core.errors import Forbidden, NotFound
from servicehall.core.models import OutgoingMessage

from .models import Counter, Hall, Membership
from .roles import ROLE_CAPABILITIES, capabilities_of


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


def counter_in_hall(*, hall: Hall, pk: int | None = None, number: int | None = None) -> Counter | None:
    """One of the hall's counters, by id or by its number; None when the hall has no such counter."""
    counters = Counter.objects.filter(hall=hall)
    if pk is not None:
        counters = counters.filter(pk=pk)
    if number is not None:
        counters = counters.filter(number=number)
    return counters.first() if pk is not None or number is not None else None


def hall_staff(*, hall: Hall, capability: str) -> list[tuple[Any, frozenset[str]]]:
    """The hall's members holding `capability`, each once with all their capabilities there, by username."""
    by_user: dict[int, tuple[Any, set[str]]] = {}
    for membership in Membership.objects.filter(hall=hall).select_related("user").order_by("user__username"):
        entry = by_user.setdefault(membership.user_id, (membership.user, set()))
        entry[1].update(ROLE_CAPABILITIES.get(membership.role, frozenset()))
    return [(user, frozenset(caps)) for user, caps in by_user.values() if capability in caps]


def hall_member_get(*, hall: Hall, user_id: int | None) -> Any:
    """A user with a role in the hall, or None (an id of somebody else's staff finds nobody)."""
    if user_id is None or not 1 <= user_id <= MAX_ID:  # typed into a filter: past what the database compares
        return None
    membership = Membership.objects.filter(hall=hall, user_id=user_id).select_related("user").first()
    return membership.user if membership is not None else None


def job_number(*, hall: Hall, user: Any) -> str:
    """The person's 工号 in the hall ("" when none is recorded)."""
    if user is None:
        return ""
    numbers = (
        Membership.objects.filter(hall=hall, user=user).exclude(job_number="").values_list("job_number", flat=True)
    )
    return next(iter(numbers), "")


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


def hall_outbox(*, hall: Hall, limit: int = 200) -> QuerySet[OutgoingMessage]:
    """The hall's latest text messages to customers (the outbox)."""
    return OutgoingMessage.objects.filter(hall=hall).order_by("-created_at", "-id")[:limit]
