"""Reads of customers and their services (gas households' cards and meters too), always within the user's halls
and roles.

Scope: customers belong to a company, not to a hall (a customer may be served
at any of the company's halls). A user sees a customer when they hold, in a
hall of that customer's company, a role that serves or guides customers, or
answers their personal data requests (`VIEW_CAPABILITIES`); staff of another company's hall are told "not found",
so a customer's existence does not leak. Staff of another hall of the same
company do see the customer: that is where the customer may come next.
Everything returned here carries personal data in clear; screens and the API
show it only through `presentation`, which masks it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.errors import Forbidden, NotFound
from servicehall.lib import identity
from servicehall.lib.phones import phone_normalise_or_none
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get, memberships_for_user, user_can, user_capabilities

from .models import (
    BlacklistedCard,
    CardWrite,
    Customer,
    IdDocument,
    MeterReading,
    NumberPoolEntry,
    Service,
    ValueAddedService,
)

# Serving at a counter or guiding the lobby (the guide and service manager look
# customers up, masked); only these roles see customers at all.
# Those who serve or guide customers, and those who answer their personal data requests (PRIV02).
VIEW_CAPABILITIES = frozenset({Capability.SERVE, Capability.GUIDE, Capability.DATA_REQUESTS})
SEARCH_LIMIT = 20
MAX_QUERY_LENGTH = 64


def _may(user: Any, hall: Hall, capability: str | None) -> bool:
    caps = user_capabilities(user=user, hall=hall)
    return capability in caps if capability else bool(caps & VIEW_CAPABILITIES)


def customers_hall_get_for_user(*, user: Any, code: str, capability: str | None = None) -> Hall:
    """The hall, if the user may look up customers there (or holds `capability` there).

    404 for a hall the user has no role in, 403 for a role that does not serve customers.
    """
    hall = hall_get(code=code)
    if not any(m.hall_id == hall.pk for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no hall with the code %(code)s.") % {"code": code})
    if not _may(user, hall, capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return hall


def customer_halls_for_user(*, user: Any, company_id: int, capability: str | None = None) -> list[Hall]:
    """The user's halls of this company where they may look up customers (or hold `capability`)."""
    halls: dict[int, Hall] = {}
    for membership in memberships_for_user(user=user):
        if membership.hall.company_id == company_id and _may(user, membership.hall, capability):
            halls.setdefault(membership.hall_id, membership.hall)
    return list(halls.values())


def _customer_id(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound(_("There is no such customer.")) from exc
    if not 0 < pk < 2**63:
        raise NotFound(_("There is no such customer."))
    return pk


def customer_get_for_user(
    *,
    user: Any,
    customer_id: Any,
    hall: Hall | None = None,
    capability: str | None = None,
    detailed: bool = False,
) -> Customer:
    """A customer the user may see: in `hall` if given (one of the user's halls), else in any of their halls.

    404 when the customer is not of a company the user works for (or not of
    `hall`'s company); 403 when the user's roles there do not serve customers
    or lack `capability`. `detailed` fetches documents and services with it.
    """
    queryset = Customer.objects.all()
    if detailed:
        queryset = queryset.prefetch_related(*customer_detail_prefetches())
    customer = queryset.filter(pk=_customer_id(customer_id)).first()
    if customer is None:
        raise NotFound(_("There is no such customer."))
    my_halls = {m.hall_id: m.hall for m in memberships_for_user(user=user)}
    if hall is not None:
        if hall.pk not in my_halls or customer.company_id != hall.company_id:
            raise NotFound(_("There is no such customer."))
        candidates = [hall]
    else:
        candidates = [h for h in my_halls.values() if h.company_id == customer.company_id]
        if not candidates:
            raise NotFound(_("There is no such customer."))
    if not any(_may(user, h, capability) for h in candidates):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return customer


def hall_for_customer(*, user: Any, customer: Customer, capability: str | None = None) -> Hall:
    """The hall in which the user acts on this customer when no hall was named (the first by code)."""
    halls = sorted(
        customer_halls_for_user(user=user, company_id=customer.company_id, capability=capability),
        key=lambda h: h.code,
    )
    if not halls:
        raise Forbidden(_("Your role in this hall does not allow this."))
    return halls[0]


def customer_detail_prefetches() -> list[Any]:
    return [
        Prefetch("documents", queryset=IdDocument.objects.order_by("id")),
        Prefetch(
            "services",
            queryset=Service.objects.order_by("status", "kind", "number").prefetch_related(
                Prefetch("extras", queryset=ValueAddedService.objects.filter(active=True).order_by("code"))
            ),
        ),
    ]


def services_for_customer(*, customer: Customer) -> QuerySet[Service]:
    return (
        Service.objects.filter(customer=customer)
        .prefetch_related(Prefetch("extras", queryset=ValueAddedService.objects.filter(active=True).order_by("code")))
        .order_by("status", "kind", "number")
    )


# --- search ----------------------------------------------------------------------------------


@dataclass
class CustomerSearch:
    """What a search found: at most `SEARCH_LIMIT` customers, and whether there were more.

    `exact` is set when the query was a whole document number, phone or
    service number and matched: a card reader's number opens the customer.
    """

    query: str
    customers: list[Customer] = field(default_factory=list)
    truncated: bool = False
    exact: bool = False


def _exact_keys(query: str) -> tuple[str, str | None]:
    """The query as a document or service number, and as a phone in its stored form."""
    return identity.normalise(query), phone_normalise_or_none(query)


def service_in_company(*, service_id: Any, company_id: int, customer: Customer | None = None) -> Service | None:
    """A service of the company (and of `customer`, if given) by an id from a request; None when there is none."""
    try:
        pk = int(service_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    services = Service.objects.select_related("customer").filter(pk=pk, company_id=company_id)
    if customer is not None:
        services = services.filter(customer=customer)
    return services.first()


def customers_search(*, user: Any, hall: Hall, query: str, limit: int = SEARCH_LIMIT) -> CustomerSearch:
    """Customers of the hall's company by name (contains), pinyin initials (prefix), ID document
    number, phone or service number (whole and exact, after normalisation).

    A phone or number must be given whole: searching by its last digits would
    list strangers' records to anyone at the counter. Three queries whatever
    the number of results (customers, their documents, their services).
    """
    if not _may(user, hall, None):
        raise Forbidden(_("Your role in this hall does not allow this."))
    text = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    result = CustomerSearch(query=text)
    if not text:
        return result
    number, phone = _exact_keys(text)
    company_documents = IdDocument.objects.filter(company_id=hall.company_id, customer=OuterRef("pk"))
    company_services = Service.objects.filter(company_id=hall.company_id, customer=OuterRef("pk"))
    exact: Any = Exists(company_documents.filter(number=number)) | Exists(company_services.filter(number=number))
    if phone:
        exact |= Q(phone=phone) | Exists(company_services.filter(number=phone))
    by_name = Q(name__icontains=text)
    initials = text.lower().replace(" ", "")
    if initials.isascii() and initials.isalpha():  # "zs" or "z s" finds 张三
        by_name |= Q(name_initials__startswith=initials)
    found: list[Any] = list(
        Customer.objects.filter(company_id=hall.company_id)
        .filter(exact | by_name)
        .annotate(exact_match=ExpressionWrapper(exact, output_field=BooleanField()))
        .prefetch_related(*customer_detail_prefetches())
        .order_by("-exact_match", "name", "id")[: limit + 1]
    )
    result.truncated = len(found) > limit
    result.customers = found[:limit]
    result.exact = len(result.customers) == 1 and bool(getattr(result.customers[0], "exact_match", False))
    return result


# --- number pool --------------------------------------------------------------------------------


def number_hold_minutes() -> int:
    """How long a pool number stays held for an order that does not open it (setting NUMBER_HOLD_MINUTES)."""
    return max(int(getattr(settings, "NUMBER_HOLD_MINUTES", 30)), 1)


def number_hold_expired(now: dt.datetime | None = None) -> Q:
    """Pool rows whose hold has run out: held longer than NUMBER_HOLD_MINUTES (or held with no time)."""
    cutoff = (now or timezone.now()) - dt.timedelta(minutes=number_hold_minutes())
    reserved = Q(status=NumberPoolEntry.Status.RESERVED)
    return reserved & (Q(reserved_at__lt=cutoff) | Q(reserved_at__isnull=True))


def number_pool_available(now: dt.datetime | None = None) -> Q:
    """Pool rows a clerk may hold: free ones, and ones whose hold has expired (so the pool works without
    the clean-up command)."""
    return Q(status=NumberPoolEntry.Status.FREE) | number_hold_expired(now)


def number_pool_free(*, hall: Hall, limit: int = 30) -> list[NumberPoolEntry]:
    """Numbers of the hall's pool for the clerk to offer, in order: free, or held by an order too long."""
    return list(NumberPoolEntry.objects.filter(number_pool_available(), hall=hall).order_by("number")[:limit])


def number_pool_is_available(*, hall: Hall, number: str) -> bool:
    return NumberPoolEntry.objects.filter(number_pool_available(), hall=hall, number=number).exists()


# --- gas households (BT10–BT14): user cards, card writes, meter readings -------------------------------
# Their writes are `services.gas_cards`.

# The order steps after the customer confirmed the order and paid its fees.
ORDER_SETTLED = frozenset({"follow_up", "closed"})


def card_is_blacklisted(*, company_id: int, card_number: str) -> bool:
    return BlacklistedCard.objects.filter(company_id=company_id, card_number=card_number).exists()


def card_write_waiting_for(write: CardWrite) -> str:
    """Why the device may not write this card yet: "" (it may), "order" (not confirmed and paid) or "installation"."""
    order = write.order
    if order is not None and order.status not in ORDER_SETTLED:
        return "order"
    if write.kind == CardWrite.Kind.NEW_CARD and write.service.status != Service.Status.ACTIVE:
        return "installation"
    return ""


def meter_reading_last(*, service: Service) -> MeterReading | None:
    return MeterReading.objects.filter(service=service).order_by("-at", "-id").first()


def _year_start(hall: Hall, year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, tzinfo=hall.tz)


def gas_volume_bought_this_year(*, service: Service, hall: Hall, now: dt.datetime | None = None) -> Decimal:
    """The gas (m³) written to the household's cards this calendar year (the hall's), for the tiered price."""
    year = (now or timezone.now()).astimezone(hall.tz).year
    total = CardWrite.objects.filter(
        service=service,
        kind=CardWrite.Kind.PURCHASE,
        status=CardWrite.Status.CONFIRMED,
        confirmed_at__gte=_year_start(hall, year),
        confirmed_at__lt=_year_start(hall, year + 1),
    ).aggregate(total=Sum("volume"))["total"]
    return (total or Decimal("0.00")).quantize(Decimal("0.01"))


def card_writes_for_hall(
    *, hall: Hall, statuses: tuple[str, ...] = (CardWrite.Status.PENDING,), limit: int = 200
) -> list[CardWrite]:
    """The hall's card writes in these statuses, oldest first, with what the list shows."""
    return list(
        CardWrite.objects.filter(hall=hall, status__in=statuses)
        .select_related("service", "order")
        .order_by("requested_at", "id")[:limit]
    )


def card_writes_recent_failed(*, hall: Hall, limit: int = 50) -> list[CardWrite]:
    """Failed writes of the hall that nobody has retried yet, newest first (the clerk may retry them)."""
    return list(
        CardWrite.objects.filter(hall=hall, status=CardWrite.Status.FAILED)
        .select_related("service", "order")
        .order_by("-requested_at", "-id")[:limit]
    )


def card_write_get_for_user(*, user: Any, write_id: Any, capability: str = Capability.SERVE) -> CardWrite:
    """A card write of one of the user's halls; 404 for any other (its existence does not leak).

    403 when the user's role in the write's hall lacks `capability`.
    """
    try:
        pk = int(write_id)
    except (TypeError, ValueError) as exc:
        raise NotFound(_("There is no such card write.")) from exc
    if not 0 < pk < 2**63:
        raise NotFound(_("There is no such card write."))
    my_halls = {m.hall_id for m in memberships_for_user(user=user)}
    write = CardWrite.objects.select_related("hall", "service", "order").filter(pk=pk, hall_id__in=my_halls).first()
    if write is None:
        raise NotFound(_("There is no such card write."))
    if not user_can(user=user, hall=write.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return write


def card_writes_of_service(*, service: Service) -> QuerySet[CardWrite]:
    return CardWrite.objects.filter(service=service).order_by("-requested_at", "-id")


def blacklisted_cards_of_service(*, service: Service) -> QuerySet[BlacklistedCard]:
    return BlacklistedCard.objects.filter(service=service).order_by("-at")


def gas_meter_number_taken(*, company_id: int, meter_number: str) -> bool:
    """Another live gas household already has this meter."""
    return (
        Service.objects.filter(company_id=company_id, kind=Service.Kind.GAS, meter_number=meter_number)
        .filter(~Q(status=Service.Status.CANCELLED))
        .exists()
    )
