"""Reads of work orders for pages, the API and the services' rules.

Access to one order goes through `order_get_for_user` (the hall of the order
must be one of the user's, with the capability asked for); lists take a hall
the caller already got through `hall_get_for_user`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import BusinessType, Checklist, pick_language
from servicehall.core.errors import Forbidden, NotFound, Unprocessable
from servicehall.core.masking import mask_id_number, mask_phone
from servicehall.org.models import Hall
from servicehall.org.selectors import memberships_for_user, user_can

from .models import (
    JOB_OPEN_STATUSES,
    IdentityCheck,
    IdentityParty,
    InstallationJob,
    OrderDocument,
    OrderMove,
    RecommendationRecord,
    WorkOrder,
)
from .states import ENDED, OPEN_STATUSES, PROCESSED, OrderStatus, after_acceptance

S = OrderStatus
ANTI_FRAUD_CHECKLIST = "anti_fraud"
# Business types whose action hands a service to a new owner: both parties are identified (ACC02, BT06, BT13).
COUNTERPARTY_ACTIONS = frozenset({"ownership_transfer", "gas_transfer"})
COUNTERPARTY_DOCUMENT = "new_owner_id"
# Mobile numbers and fixed lines are phone numbers: masked wherever shown (PRIV01).
PHONE_SERVICE_KINDS = frozenset({"mobile", "fixed_line"})


# --- access -------------------------------------------------------------------------------


def _order_queryset() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.select_related(
        "hall", "business_type", "clerk", "accepted_by", "customer", "service", "proxy", "counterparty", "ticket"
    )


def _order_id(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound(_("There is no such order.")) from exc
    if not 0 < pk < 2**63:
        raise NotFound(_("There is no such order."))
    return pk


def order_get_for_user(*, user: Any, order_id: Any, capability: str) -> WorkOrder:
    """The order, if the user holds a role in its hall carrying `capability`.

    Orders of halls the user has no role in are "not found", so their
    existence does not leak to staff of other halls.
    """
    order = _order_queryset().filter(pk=_order_id(order_id)).first()
    if order is None or not any(m.hall_id == order.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such order."))
    if not user_can(user=user, hall=order.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return order


def orders_get_for_user(*, user: Any, ids: Iterable[Any], capability: str) -> list[WorkOrder]:
    """Several orders at once, in the order asked (repeats dropped), on the rules of `order_get_for_user`:
    one of them in no hall of the user is "not found" for all, one without `capability` forbidden."""
    pks = list(dict.fromkeys(_order_id(value) for value in ids))
    if not pks:
        return []
    found = {order.pk: order for order in _order_queryset().filter(pk__in=pks)}
    halls = {m.hall_id for m in memberships_for_user(user=user)}
    if any(pk not in found or found[pk].hall_id not in halls for pk in pks):
        raise NotFound(_("There is no such order."))
    checked: set[int] = set()
    for order in found.values():
        if order.hall_id not in checked and not user_can(user=user, hall=order.hall, capability=capability):
            raise Forbidden(_("Your role in this hall does not allow this."))
        checked.add(order.hall_id)
    return [found[pk] for pk in pks]


def orders_awaiting_payment_with(*, order: WorkOrder, limit: int) -> list[WorkOrder]:
    """Other orders of the order's customer in its hall at the payment step, oldest first: the customer
    may pay them together at the counter (PAY01)."""
    if order.customer_id is None:
        return []
    return list(
        _order_queryset()
        .filter(hall_id=order.hall_id, customer_id=order.customer_id, status=S.PAYMENT)
        .exclude(pk=order.pk)
        .order_by("created_at", "id")[:limit]
    )


# --- what an order refers to, within the hall's company ------------------------------------------


def customer_for_order(*, user: Any, hall: Hall, customer_id: int | None) -> Any:
    """A customer of the hall's company the user may serve (None when no id was given)."""
    if customer_id is None:
        return None
    from servicehall.customers.selectors import customer_get_for_user

    return customer_get_for_user(user=user, customer_id=customer_id, hall=hall)


def service_for_order(*, hall: Hall, service_id: int | None) -> Any:
    if service_id is None:
        return None
    from servicehall.customers.models import Service

    service = Service.objects.select_related("customer").filter(pk=service_id, company_id=hall.company_id).first()
    if service is None:
        raise NotFound(_("There is no such service."))
    return service


def ticket_for_order(*, user: Any, hall: Hall, ticket_id: Any) -> Any:
    if ticket_id is None:
        return None
    from servicehall.queueing.selectors import ticket_get_for_user

    ticket = ticket_get_for_user(user=user, ticket_id=ticket_id)
    if ticket.hall_id != hall.pk:
        raise NotFound(_("There is no such ticket."))
    return ticket


def id_document_for_order(*, order: WorkOrder, document_id: int) -> Any:
    """An ID document of a customer of the order's company (whose it is, the service checks)."""
    from servicehall.customers.models import IdDocument

    document = IdDocument.objects.filter(pk=document_id, company_id=order.hall.company_id).first()
    if document is None:
        raise NotFound(_("There is no such ID document."))
    return document


# --- the order's rules (shared by the services and the order page) --------------------------


@dataclass(frozen=True)
class Blocker:
    """Something that keeps the order in acceptance, with what to do about it."""

    code: str
    message: str


def needs_counterparty(business_type: BusinessType) -> bool:
    """Transfer of ownership: the new owner is identified as well."""
    if business_type.action in COUNTERPARTY_ACTIONS:
        return True
    return any(doc.get("code") == COUNTERPARTY_DOCUMENT for doc in business_type.required_documents)


def _checked(checks: list[IdentityCheck], party: str, customer_id: int | None) -> bool:
    """A check of the party's current person (a check of an earlier proxy does not count)."""
    return customer_id is not None and any(c.party == party and c.document.customer_id == customer_id for c in checks)


def identity_checked(*, order: WorkOrder, party: str, person_id: int | None) -> bool:
    """Whether the party's current person has been checked (the order page hides the button then)."""
    return _checked(list(order.identity_checks.all()), party, person_id)


def identity_blockers(*, order: WorkOrder, checks: list[IdentityCheck] | None = None) -> list[Blocker]:
    """ACC02: whose identity is still to be checked before the order may leave acceptance."""
    business = order.business_type
    counterparty = needs_counterparty(business)
    if not business.identity_required and not counterparty:
        return []
    if order.customer_id is None:
        return [Blocker("customer_missing", _("Choose the customer first."))]
    checks = checks if checks is not None else list(order.identity_checks.select_related("document"))
    blockers: list[Blocker] = []
    owner_seen = _checked(checks, IdentityParty.OWNER, order.customer_id)
    if order.proxy_id is None:
        if business.identity_required and not owner_seen:
            blockers.append(Blocker("identity_missing", _("Check the owner's ID document.")))
    else:
        if not _checked(checks, IdentityParty.PROXY, order.proxy_id):
            blockers.append(Blocker("identity_missing", _("Check the proxy's own ID document.")))
        if business.owner_only:
            if not owner_seen:
                blockers.append(
                    Blocker("identity_missing", _("Owner-only business: a proxy needs the owner's ID document too."))
                )
            if order.proxy_authorised_at is None:
                blockers.append(
                    Blocker("authorisation_missing", _("Record the owner's signed authorisation for the proxy."))
                )
    if counterparty:
        if order.counterparty_id is None:
            blockers.append(Blocker("counterparty_missing", _("Choose the new owner.")))
        elif not _checked(checks, IdentityParty.COUNTERPARTY, order.counterparty_id):
            blockers.append(Blocker("identity_missing", _("Check the new owner's ID document.")))
    return blockers


def documents_needed(*, order: WorkOrder, documents: list[OrderDocument] | None = None) -> list[OrderDocument]:
    """The order's documents that count now: a proxy's own documents only while a proxy acts."""
    documents = documents if documents is not None else list(order.documents.all())
    return [d for d in documents if not d.for_proxy or order.proxy_id is not None]


def document_blockers(*, order: WorkOrder, documents: list[OrderDocument] | None = None) -> list[Blocker]:
    """ACC03: every required document seen."""
    missing = [d.display_name for d in documents_needed(order=order, documents=documents) if not d.seen]
    if not missing:
        return []
    return [
        Blocker(
            "documents_missing",
            _("These documents have not been seen yet: %(documents)s.") % {"documents": ", ".join(missing)},
        )
    ]


def fraud_blockers(*, order: WorkOrder) -> list[Blocker]:
    """PRIV03: risky business needs the checklist; a worrying answer needs the clerk's written reason to go on."""
    if not order.business_type.risky:
        return []
    if order.fraud_checked_at is None:
        return [Blocker("anti_fraud_missing", _("Walk the anti-fraud checklist with the customer first."))]
    if order.fraud_unsafe and not order.fraud_override_note.strip():
        return [
            Blocker(
                "anti_fraud_warning",
                _(
                    "An answer of the anti-fraud checklist points to fraud. Stop the business, "
                    "or write down why it is safe to go on."
                ),
            )
        ]
    return []


def details_missing(*, order: WorkOrder) -> list[str]:
    """The labels of the required business details (its handler's details form) the order does not hold yet."""
    form_class = details_form_class(order.business_type)
    if form_class is None:
        return []
    with timezone.override(order.hall.tz):
        form = form_class(data=dict(order.details or {}), order=order)
        form.is_valid()
    missing = []
    for name, errors in form.errors.as_data().items():
        if any(error.code == "required" for error in errors):
            field = form.fields.get(name)
            missing.append(str(field.label) if field is not None and field.label else name)
    return missing


def details_blockers(*, order: WorkOrder) -> list[Blocker]:
    """The duty manager decides on the full business: an order goes to review only with its required details.

    Business without review checks its details when processing runs the action.
    """
    if order.status != S.ACCEPTANCE or after_acceptance(order) != S.REVIEW:
        return []
    missing = details_missing(order=order)
    if not missing:
        return []
    return [
        Blocker(
            "details_missing",
            _("Fill in these business details before the review: %(fields)s.") % {"fields": ", ".join(missing)},
        )
    ]


def acceptance_blockers(*, order: WorkOrder) -> list[Blocker]:
    """Everything that keeps the order from leaving acceptance (ACC02, ACC03, PRIV03, required details)."""
    return (
        identity_blockers(order=order)
        + document_blockers(order=order)
        + fraud_blockers(order=order)
        + details_blockers(order=order)
    )


# --- anti-fraud checklist (PRIV03) ------------------------------------------------------------


@dataclass(frozen=True)
class FraudQuestion:
    code: str
    text: str
    safe_answer: str  # "yes" or "no"; any other answer is a warning


def fraud_checklist(*, business: BusinessType) -> Checklist | None:
    """The anti-fraud checklist of a risky business: its own from the pack, else the hall's; None if neither."""
    own = [c for c in catalog_selectors.checklists_for_business(business=business) if c.code == ANTI_FRAUD_CHECKLIST]
    if own:
        return own[0]
    try:
        return catalog_selectors.checklist_get(hall=business.hall, code=ANTI_FRAUD_CHECKLIST)
    except NotFound:
        return None


def fraud_questions(*, business: BusinessType) -> list[FraudQuestion]:
    checklist = fraud_checklist(business=business)
    if checklist is None:
        return []
    return [
        FraudQuestion(
            code=str(item["code"]),
            text=pick_language(str(item.get("text_zh", "")), str(item.get("text_en", ""))),
            safe_answer=str(item.get("safe_answer", "no")),
        )
        for item in checklist.items
    ]


# --- phrases (ACC06) -------------------------------------------------------------------------

# Which steps of the hall's 业务受理八步 the clerk says at each step of the order, and extra phrase moments.
# 1 greet · 2 ask what business · 3 enter data and check ("you are applying for …, is that right?") ·
# 4 take the money · 5 money into the drawer · 6 recommend · 7 file the documents · 8 see the customer off.
STEP_SCRIPT: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    S.RECEPTION: ((1,), ()),
    S.CONSULTATION: ((2,), ()),
    S.ACCEPTANCE: ((3,), ()),
    S.REVIEW: ((), ("waiting",)),
    S.PROCESSING: ((3,), ()),
    S.CONFIRMATION: ((3, 6), ()),
    S.PAYMENT: ((4, 5), ()),
    S.FOLLOW_UP: ((7, 8), ()),
    S.CLOSED: ((7, 8), ()),
    S.REJECTED: ((8,), ()),
    S.WITHDRAWN: ((8,), ()),
    S.REVERTED: ((8,), ()),
}


def order_phrases(*, order: WorkOrder) -> list[dict[str, Any]]:
    """The standard phrases of the order's current step: [{"position", "title", "phrases"}]."""
    positions, moments = STEP_SCRIPT.get(order.status, ((), ()))
    steps = catalog_selectors.script_steps(hall=order.hall, script="acceptance")
    result: list[dict[str, Any]] = [
        {"position": step.position, "title": step.title, "phrases": step.phrases_display()}
        for step in steps
        if step.position in positions
    ]
    for moment in moments:
        phrases = catalog_selectors.phrases_for(hall=order.hall, moment=moment)
        if phrases:
            result.append({"position": None, "title": "", "phrases": phrases})
    return result


# --- recommendations (ACC07) ------------------------------------------------------------------


def _customer_holdings(order: WorkOrder) -> tuple[list[str], list[str]]:
    """The kinds of live services and the active extras of the order's customer."""
    if order.customer_id is None:
        return [], []
    from servicehall.customers.models import Service, ValueAddedService

    live = Service.objects.filter(customer_id=order.customer_id).exclude(status=Service.Status.CANCELLED)
    kinds = sorted(set(live.values_list("kind", flat=True)))
    extras = sorted(set(ValueAddedService.objects.filter(service__in=live, active=True).values_list("code", flat=True)))
    return kinds, extras


def order_recommendations(*, order: WorkOrder) -> list[dict[str, Any]]:
    """ACC07: business the customer does not have yet, with what they said so far (latest answer counts)."""
    if order.status not in PROCESSED:
        return []
    kinds, extras = _customer_holdings(order)
    suggestions = catalog_selectors.recommendations_for(hall=order.hall, service_kinds=kinds, extra_codes=extras)
    answers = {r.business_type_id: r for r in order.recommendations.select_related("by").order_by("at", "id")}
    rows = []
    for suggestion in suggestions:
        business = suggestion.business_type
        if business.pk == order.business_type_id:
            continue
        answer = answers.get(business.pk)
        rows.append(
            {
                "business_type": business,
                "reason": suggestion.reason,
                "phrase": suggestion.phrase,
                "outcome": answer.outcome if answer else "",
                "outcome_label": answer.get_outcome_display() if answer else "",
            }
        )
    return rows


# --- lists for the duty manager --------------------------------------------------------------


def _list_queryset(hall: Hall) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(hall=hall).select_related("business_type", "clerk", "customer", "ticket")


def orders_for_review(*, hall: Hall) -> QuerySet[WorkOrder]:
    """Orders waiting for the duty manager's decision, longest waiting first."""
    return _list_queryset(hall).filter(status=S.REVIEW).select_related("accepted_by").order_by("accepted_at", "id")


def orders_in_progress(*, hall: Hall) -> QuerySet[WorkOrder]:
    """Orders the counters are still working on (from reception up to payment), oldest first."""
    return _list_queryset(hall).filter(status__in=OPEN_STATUSES).order_by("created_at", "id")


def orders_unfinished(*, hall: Hall) -> QuerySet[WorkOrder]:
    """未完工: the business was carried out but the order is not finished.

    Either processing completed and the customer has not confirmed or paid yet
    (confirmation, payment), or the business action left work outstanding (an
    installation or meter job, `work_pending`) on an order that was not undone.
    """
    return (
        _list_queryset(hall)
        .filter(Q(status__in=(S.CONFIRMATION, S.PAYMENT)) | Q(work_pending=True, status__in=PROCESSED))
        .order_by("created_at", "id")
    )


def ticket_open_orders(*, ticket: Any) -> QuerySet[WorkOrder]:
    """Orders of a ticket the counter has not finished: the ticket should not finish before them."""
    return WorkOrder.objects.filter(ticket=ticket, status__in=OPEN_STATUSES).order_by("created_at")


# --- archive (ACC08) -----------------------------------------------------------------------


@dataclass
class ArchiveFilter:
    number: str = ""
    customer: int | None = None
    service_number: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    clerk: str = ""
    business_type: str = ""
    status: str = ""


# Dates searched are kept within these, so that a typed year 1 or 9999 cannot overflow a time-zone shift.
EARLIEST_DAY, LATEST_DAY = dt.date(1900, 1, 1), dt.date(9000, 12, 31)


def _day_start(hall: Hall, day: dt.date) -> dt.datetime:
    day = min(max(day, EARLIEST_DAY), LATEST_DAY)
    return dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)


def orders_search(*, hall: Hall, filters: ArchiveFilter) -> QuerySet[WorkOrder]:
    """Find the hall's orders by number, customer, service number, dates (the hall's days), clerk, business, step."""
    orders = _list_queryset(hall).select_related("service")
    if filters.number:
        orders = orders.filter(number__icontains=filters.number.strip())
    if filters.customer is not None:
        orders = orders.filter(
            Q(customer_id=filters.customer) | Q(proxy_id=filters.customer) | Q(counterparty_id=filters.customer)
        )
    if filters.service_number:
        orders = orders.filter(service__number=filters.service_number.strip())
    if filters.date_from is not None:
        orders = orders.filter(created_at__gte=_day_start(hall, filters.date_from))
    if filters.date_to is not None:
        orders = orders.filter(created_at__lt=_day_start(hall, min(filters.date_to, LATEST_DAY) + dt.timedelta(days=1)))
    if filters.clerk:
        orders = orders.filter(Q(clerk__username=filters.clerk) | Q(accepted_by__username=filters.clerk))
    if filters.business_type:
        orders = orders.filter(business_type__code=filters.business_type)
    if filters.status:
        orders = orders.filter(status=filters.status)
    return orders.order_by("-created_at", "-id")


# --- one order ---------------------------------------------------------------------------


def order_history(*, order: WorkOrder) -> list[OrderMove]:
    return list(order.moves.select_related("actor").order_by("at", "id"))


def order_with_records(*, order_id: int) -> WorkOrder:
    """The order with everything its page shows, in a handful of queries."""
    return (
        _order_queryset()
        .select_related("confirmation__confirmed_by")
        .prefetch_related(
            Prefetch("moves", queryset=OrderMove.objects.select_related("actor").order_by("at", "id")),
            Prefetch("documents", queryset=OrderDocument.objects.select_related("seen_by").order_by("id")),
            Prefetch(
                "identity_checks",
                queryset=IdentityCheck.objects.select_related("document", "checked_by").order_by("at", "id"),
            ),
            "fee_lines",
            "reviews__decided_by",
            "follow_ups",
            Prefetch(
                "recommendations",
                queryset=RecommendationRecord.objects.select_related("business_type", "by").order_by("at", "id"),
            ),
        )
        .get(pk=order_id)
    )


def customer_documents(*, customer: Any) -> list[dict[str, Any]]:
    """The customer's ID documents for the identity check picker, numbers masked."""
    if customer is None:
        return []
    today = timezone.localdate()
    return [
        {
            "id": doc.pk,
            "kind": doc.get_kind_display(),
            "number": mask_id_number(doc.number),
            "valid_until": doc.valid_until,
            "expired": doc.valid_until is not None and doc.valid_until < today,
        }
        for doc in customer.documents.all().order_by("id")
    ]


def order_summary_lines(*, order: WorkOrder) -> list[str]:
    """What the customer confirms (ACC05): business, number acted on, what was done, fees. No ID numbers."""
    lines = [
        _("Order %(number)s") % {"number": order.number},
        _("Business: %(business)s") % {"business": order.business_type.display_name},
    ]
    if order.customer is not None:
        lines.append(_("Customer: %(name)s") % {"name": order.customer.name})
    if order.service is not None:
        number = order.service.number
        shown = mask_phone(number) if order.service.kind in PHONE_SERVICE_KINDS else number
        lines.append(_("Service: %(service)s") % {"service": f"{order.service.get_kind_display()} {shown}"})
    done = pick_language(str(order.action_result.get("summary_zh", "")), str(order.action_result.get("summary_en", "")))
    if done:
        lines.append(done)
    for fee in order.fee_lines.all():
        lines.append(f"{fee.description}: ¥{fee.amount}")
    lines.append(_("Total fees: ¥%(total)s") % {"total": order.fee_total})
    return lines


def orders_of_customer(*, hall: Hall, customer_id: int, limit: int = 20) -> list[WorkOrder]:
    return list(_list_queryset(hall).filter(customer_id=customer_id).order_by("-created_at")[:limit])


def is_ended(order: WorkOrder) -> bool:
    return order.status in ENDED


# --- business details forms (the inputs of a business action) -------------------------------------


def details_form_class(business_type: BusinessType) -> type[Any] | None:
    """The Django form of the business type's action inputs (`details_form` of its handler), if it has one."""
    from . import actions

    return getattr(actions.handler_for(business_type.action), "details_form", None)


def details_editable(order: WorkOrder) -> bool:
    """The inputs may change until the business is carried out, but not while the duty manager reviews it.

    At processing too: an appointment booked at acceptance may have passed by
    the time a review was decided, and the clerk books another one.
    """
    return order.status in (S.RECEPTION, S.CONSULTATION, S.ACCEPTANCE, S.PROCESSING)


def _initial_from_details(form_class: type[Any], details: dict[str, Any], hall: Hall) -> dict[str, Any]:
    """Stored details as a form's initial values: datetimes back in the hall's wall time for datetime-local inputs."""
    from django import forms
    from django.utils.dateparse import parse_datetime

    initial = dict(details or {})
    for name, field in getattr(form_class, "base_fields", {}).items():
        value = initial.get(name)
        if isinstance(field, forms.DateTimeField) and isinstance(value, str):
            try:
                moment = parse_datetime(value)
            except ValueError:
                moment = None
            if moment is not None and timezone.is_aware(moment):
                initial[name] = moment.astimezone(hall.tz).strftime("%Y-%m-%dT%H:%M")
    return initial


def _is_personal(key: str, value: Any) -> bool:
    """A stored input that pages show masked (a phone, an ID number, a street address)."""
    from .presentation import mask_details

    return isinstance(value, str) and bool(value.strip()) and mask_details({key: value})[key] != value


def order_details_form(*, order: WorkOrder, data: Any = None) -> Any:
    """The business type's details form for this order: bound to `data`, or showing the stored details.

    A stored personal value (phone, ID number, street address) is not put back
    into its field (PRIV01): the field shows it masked as a hint, and leaving it
    empty keeps it (`details_posted`). The browser's own required check is off:
    the server checks every field.
    """
    form_class = details_form_class(order.business_type)
    if form_class is None:
        return None
    if data is not None:
        form = form_class(data=data, order=order)
    else:
        initial = _initial_from_details(form_class, order.details, order.hall)
        kept = {key: value for key, value in initial.items() if _is_personal(key, value)}
        form = form_class(initial={k: v for k, v in initial.items() if k not in kept}, order=order)
        from .presentation import mask_details

        for key, masked in mask_details(kept).items():
            if key in form.fields:
                hint = _("Kept: %(value)s (type to change)") % {"value": masked}
                form.fields[key].widget.attrs["placeholder"] = hint
    form.use_required_attribute = False
    return form


def details_posted(*, order: WorkOrder, data: Any) -> Any:
    """What the page posted, where a personal field left empty keeps its stored (never shown) value."""
    merged = data.copy()
    for key, value in (order.details or {}).items():
        if _is_personal(str(key), value) and not str(merged.get(key) or "").strip():
            merged[key] = value
    return merged


def details_to_json(cleaned: dict[str, Any], *, hall: Hall) -> dict[str, Any]:
    """A form's cleaned data as JSON: datetimes in the hall's time with offset, dates ISO, money as text, rows as pk."""
    import decimal

    from django.db import models

    def convert(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            moment = value if timezone.is_aware(value) else value.replace(tzinfo=hall.tz)
            return moment.astimezone(hall.tz).isoformat(timespec="minutes")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, decimal.Decimal):
            return str(value)
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, list | tuple | set):
            return [convert(v) for v in value]
        return value

    return {str(name): convert(value) for name, value in cleaned.items()}


def form_refusal(form: Any) -> Unprocessable:
    """The first error of an invalid details form as a 422 naming its field ("Package: choose one.")."""
    errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
    name = next(iter(errors), "")
    field = form.fields.get(name)
    label = str(field.label) if field is not None and field.label else ""
    first = " ".join(errors.get(name, []))
    message = f"{label}: {first}" if label else first
    return Unprocessable(
        message or _("The business details are not complete."),
        code="bad_details",
        extra={"field": name, "fields": errors},
    )


def details_validated(*, order: WorkOrder, data: Any) -> Any:
    """The details form bound to `data` and valid (read in the hall's time zone), or a 422 naming the field."""
    with timezone.override(order.hall.tz):
        form = order_details_form(order=order, data=data)
        if form is None:
            return None
        if not form.is_valid():
            raise form_refusal(form)
    return form


def order_details_cleaned(*, order: WorkOrder) -> dict[str, Any]:
    """The order's stored details checked again by its business type's form (a handler's run calls this)."""
    form = details_validated(order=order, data=dict(order.details or {}))
    return dict(form.cleaned_data) if form is not None else dict(order.details or {})


def details_display(*, order: WorkOrder) -> list[dict[str, Any]]:
    """The stored details as rows of label and text people read: names, labels, the hall's time; masked (PRIV01)."""
    from .details_display import details_rows

    return details_rows(order=order, form_class=details_form_class(order.business_type))


# --- installation jobs ---------------------------------------------------------------------------


def _job_queryset() -> QuerySet[Any]:
    return InstallationJob.objects.select_related(
        "hall", "order", "order__business_type", "order__customer", "service", "reported_by"
    )


def job_get_for_user(*, user: Any, job_id: Any, capability: str) -> Any:
    """A job of a hall the user holds a role in with `capability`; others are "not found"."""
    try:
        pk = int(job_id)
    except (TypeError, ValueError) as exc:
        raise NotFound(_("There is no such installation job.")) from exc
    if not 0 < pk < 2**63:
        raise NotFound(_("There is no such installation job."))
    job = _job_queryset().filter(pk=pk).first()
    if job is None or not any(m.hall_id == job.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such installation job."))
    if not user_can(user=user, hall=job.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return job


def jobs_for_hall(*, hall: Hall, statuses: tuple[str, ...] | None = None, limit: int = 300) -> list[Any]:
    """The hall's jobs, soonest appointment first; by default the open ones (scheduled or failed)."""
    wanted = statuses if statuses is not None else JOB_OPEN_STATUSES
    return list(_job_queryset().filter(hall=hall, status__in=wanted).order_by("window_start", "id")[:limit])


def job_fresh(*, job: InstallationJob) -> InstallationJob:
    """The job as it is now, with what its view shows."""
    return _job_queryset().get(pk=job.pk)


def jobs_of_order(*, order: WorkOrder) -> list[Any]:
    return list(_job_queryset().filter(order=order).order_by("id"))


def job_view(job: InstallationJob) -> dict[str, Any]:
    """A job as pages and the API show it: the customer and number masked, the address by its region only."""
    from .presentation import person_view, service_view

    service = job.service
    return {
        "id": job.pk,
        "order_id": job.order_id,
        "order_number": job.order.number,
        "business_type_name": job.order.business_type.display_name,
        "kind": job.kind,
        "kind_display": job.get_kind_display(),
        "status": job.status,
        "status_display": job.get_status_display(),
        "open": job.status in JOB_OPEN_STATUSES,
        "window_start": job.window_start,
        "window_end": job.window_end,
        "technician": job.technician,
        "note": job.note,
        "reschedules": job.reschedules,
        "reported_by": (job.reported_by.get_full_name() or job.reported_by.username) if job.reported_by else "",
        "reported_at": job.reported_at,
        "early": job.status == InstallationJob.Status.SCHEDULED and timezone.now() < job.window_start,
        "early_reason": job.early_reason,
        "customer": person_view(job.order.customer),
        "service": service_view(service),
        "service_status": service.status if service is not None else "",
        "address_region": service.address_region if service is not None else "",
    }
