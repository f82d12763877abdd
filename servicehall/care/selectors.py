"""Reads of the care app (CARE01, CARE02, CARE04, CARE06): what the counter's pad shows, the duty manager's
open alerts, the day's ratings of a hall, the opinion book, follow-up calls and complaints. Names of staff only
(the customer's data never reaches the pad or the alert; the opinion book, follow-ups and complaint lists mask
names and phones)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter as Tally
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.billing import selectors as billing_selectors
from servicehall.billing.models import Payment
from servicehall.billing.states import PaymentStatus
from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.errors import NotFound
from servicehall.core.masking import mask_name, mask_phone
from servicehall.core.stored_notes import note_in_reader_language
from servicehall.customers import selectors as customer_selectors
from servicehall.customers.models import Customer, Service
from servicehall.orders import selectors as order_selectors
from servicehall.orders.models import FollowUpTask, WorkOrder
from servicehall.orders.selectors.repairs import fault_kinds_for
from servicehall.org import selectors as org_selectors
from servicehall.org.models import Counter, Hall
from servicehall.org.presentation import staff_name
from servicehall.org.roles import Capability
from servicehall.queueing.extensions import Link
from servicehall.queueing.models import Ticket

from .complaint_sources import SourceFound, complaint_sources
from .models import (
    DETAILS,
    AlertAction,
    Complaint,
    ComplaintChannel,
    ComplaintCompensation,
    ComplaintLevel,
    DissatisfactionAlert,
    FollowUpCall,
    FollowUpOutcome,
    OpinionEntry,
    Rating,
    Score,
)
from .services import ComplaintLinks, complaint_current_due, ticket_page_rating_open
from .states import (
    ALERT_OPEN_STATUSES,
    COMPLAINT_OPEN_STATUSES,
    AlertStatus,
    ComplaintStatus,
    OpinionStatus,
    RatingStatus,
)


def pad_counter_get(*, hall: Hall, number: int) -> Counter:
    counter = org_selectors.counter_in_hall(hall=hall, number=number)
    if counter is None:
        raise NotFound(_("This hall has no counter %(number)s.") % {"number": number})
    return counter


def pad_clerk(counter: Counter) -> dict[str, str]:
    """Who works the counter, as the idle pad shows them: name, initial (the photo's place) and 工号."""
    name = staff_name(counter.staff)
    return {
        "name": name,
        "initial": name[:1].upper(),
        "job_number": org_selectors.job_number(hall=counter.hall, user=counter.staff),
    }


def pad_state(*, counter: Counter, now: dt.datetime | None = None) -> dict[str, Any]:
    """The pad's state: asking (which rating, how many seconds left) or idle, with the counter's clerk."""
    now = now or timezone.now()
    asking = (
        Rating.objects.filter(counter=counter, status=RatingStatus.ASKED, open_until__gt=now)
        .select_related("ticket")
        .order_by("-asked_at")
        .first()
    )
    state: dict[str, Any] = {"counter": counter.number, "clerk": pad_clerk(counter), "asking": None}
    if asking is not None and asking.open_until is not None:
        state["asking"] = {
            "rating": str(asking.pk),
            "ticket": asking.ticket.number if asking.ticket else asking.subject,
            "seconds_left": max(1, int((asking.open_until - now).total_seconds())),
        }
    return state


def pad_screens(hall: Hall) -> list[tuple[str, str, str]]:
    """One rating pad per counter, for "Pair this screen" (registered with the queue)."""
    return [
        (
            f"rating-pad-{counter.number}",
            _("Rating pad of counter %(number)s") % {"number": counter.number},
            reverse("care:pad", kwargs={"hall": hall.code, "number": counter.number}),
        )
        for counter in org_selectors.counters_for_hall(hall=hall)
    ]


def rating_asked_words(ticket: Ticket) -> str | None:
    """What the workbench shows instead of 请评价 once the pad has asked this customer (or they rated)."""
    rating = Rating.objects.filter(ticket=ticket).only("status", "open_until").first()
    if rating is None:
        return None
    if rating.status == RatingStatus.RATED:
        return _("The customer has rated.")
    if rating.open_until is not None and rating.open_until > timezone.now():
        return _("The pad asks the customer to rate.")
    return None  # asked in vain: the clerk may ask again


def link_rating_get(*, rating_id: Any) -> Rating:
    """A rating asked through a link (a visit without a ticket, HOTEL04), for the guest's public page."""
    rating = Rating.objects.filter(pk=rating_id, ticket__isnull=True).select_related("hall").first()
    if rating is None:
        raise NotFound(_("There is nothing to rate here."))
    return rating


def link_rating_open(rating: Rating, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return rating.status == RatingStatus.ASKED and rating.open_until is not None and now <= rating.open_until


def link_rating_for(*, hall: Hall, source: str, ref: str) -> Rating | None:
    """The rating an app asked for one of its visits (`services.rating_link_ask`), if any."""
    return Rating.objects.filter(hall=hall, source=source, source_ref=str(ref)).first()


def ticket_rated(ticket: Ticket) -> bool:
    return Rating.objects.filter(ticket=ticket, status=RatingStatus.RATED).exists()


def ticket_rating_link(ticket: Ticket) -> Link | None:
    """The ticket page's "rate this service", while it may still be rated there."""
    if not ticket_page_rating_open(ticket, now=timezone.now()):
        return None
    url = reverse("care:ticket_rate", kwargs={"ticket": ticket.pk})
    return Link(label=_("Rate this service"), url=url, testid="rate-service")


# --- alerts ---------------------------------------------------------------------------------------------


def open_alerts(*, hall: Hall) -> QuerySet[DissatisfactionAlert]:
    return (
        DissatisfactionAlert.objects.filter(hall=hall, status__in=ALERT_OPEN_STATUSES)
        .select_related("rating__ticket", "rating__counter", "rating__clerk", "rating__business_type")
        .order_by("raised_at")
    )


def alert_row(alert: DissatisfactionAlert) -> dict[str, Any]:
    rating = alert.rating
    return {
        "alert": alert,
        "ticket": rating.ticket.number if rating.ticket else rating.subject,
        "counter": rating.counter.number if rating.counter else None,
        "clerk": staff_name(rating.clerk),
        "business": rating.business_type.display_name if rating.business_type else "",
        "escalated": alert.status == AlertStatus.ESCALATED,
    }


def console_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    """The duty manager console's panel of dissatisfied customers and of complaints escalated, overdue or
    nearly due (registered with the queue)."""
    return {
        "hall": hall,
        "alerts": [alert_row(alert) for alert in open_alerts(hall=hall)],
        "complaints": complaint_console_rows(hall=hall),
        "actions": AlertAction.choices,
        "back": reverse("queueing:manager", kwargs={"hall": hall.code}),
    }


def alert_get(*, hall: Hall, alert_id: int) -> DissatisfactionAlert:
    alert = DissatisfactionAlert.objects.filter(hall=hall, pk=alert_id).first()
    if alert is None:
        raise NotFound(_("There is no such alert."))
    return alert


def handled_alerts(*, hall: Hall, since: dt.datetime) -> QuerySet[DissatisfactionAlert]:
    return (
        DissatisfactionAlert.objects.filter(hall=hall, status=AlertStatus.HANDLED, handled_at__gte=since)
        .select_related("rating__ticket", "rating__counter", "rating__clerk", "rating__business_type", "handled_by")
        .order_by("-handled_at")
    )


# --- the day's ratings ----------------------------------------------------------------------------------


def ratings_of_day(*, hall: Hall, day: dt.date) -> QuerySet[Rating]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)
    return (
        Rating.objects.filter(hall=hall, status=RatingStatus.RATED, rated_at__gte=start)
        .filter(rated_at__lt=start + dt.timedelta(days=1))
        .select_related("ticket", "counter", "clerk", "business_type")
        .order_by("-rated_at")
    )


def day_summary(ratings: list[Rating]) -> dict[str, Any]:
    """Counts per key for the hall and per clerk, and the share of (very) satisfied presses."""
    by_score = Tally(r.score for r in ratings)
    clerks: dict[str, Tally[str]] = {}
    for rating in ratings:
        clerks.setdefault(staff_name(rating.clerk) or "—", Tally())[rating.score] += 1
    keys = [(value, label) for value, label in Score.choices]
    good = by_score[Score.VERY_SATISFIED] + by_score[Score.SATISFIED]
    detailed = [r for r in ratings if r.attitude is not None]
    details = (
        [
            {"label": label, "mean": round(sum(getattr(r, name) for r in detailed) / len(detailed), 1)}
            for name, label in DETAILS.items()
        ]
        if detailed
        else []
    )
    return {
        "keys": keys,
        "details": details,
        "total": len(ratings),
        "counts": [by_score[value] for value, _label in keys],
        "satisfied_percent": round(100 * good / len(ratings)) if ratings else None,
        "clerks": [
            {"name": name, "counts": [tally[value] for value, _label in keys], "total": sum(tally.values())}
            for name, tally in sorted(clerks.items())
        ],
    }


# --- the opinion book (CARE06) -------------------------------------------------------------------------


def opinion_rows(*, hall: Hall, now: dt.datetime | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The hall's opinion book for staff: waiting entries first (the most overdue on top), then the answered;
    the contact phone masked (the answer reaches the customer by the entry's code)."""
    now = now or timezone.now()
    entries = OpinionEntry.objects.filter(hall=hall).select_related("answered_by", "recorded_by")
    waiting = list(entries.filter(status=OpinionStatus.OPEN).order_by("due_at")[:limit])
    answered = list(entries.filter(status=OpinionStatus.ANSWERED).order_by("-answered_at")[:limit])
    return [
        {
            "entry": entry,
            "phone": mask_phone(entry.contact_phone),
            "overdue": entry.status == OpinionStatus.OPEN and entry.due_at < now,
            "answered_by": staff_name(entry.answered_by),
            "recorded_by": staff_name(entry.recorded_by),
        }
        for entry in [*waiting, *answered]
    ]


def opinions_overdue(*, hall: Hall, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return OpinionEntry.objects.filter(hall=hall, status=OpinionStatus.OPEN, due_at__lt=now).count()


def opinion_get(*, hall: Hall, entry_id: int) -> OpinionEntry:
    entry = OpinionEntry.objects.filter(hall=hall, pk=entry_id).first()
    if entry is None:
        raise NotFound(_("There is no such entry in the opinion book."))
    return entry


def opinion_by_code(*, code: str) -> OpinionEntry:
    """The customer's own entry, by the code they were given (any hall)."""
    entry = OpinionEntry.objects.filter(code=(code or "").strip().upper()).select_related("hall").first()
    if entry is None:
        raise NotFound(_("No entry has this code. Please check it."))
    return entry


# --- follow-up calls (CARE02) ---------------------------------------------------------------------------


def follow_up_queue(*, hall: Hall, now: dt.datetime | None = None) -> dict[str, Any]:
    """The call-backs due today and before, the overdue first: order, business, customer (name and phone
    masked), earlier attempts; and the standard phrases of a follow-up call from the hall's pack."""
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=hall.tz)
    start_of_today = dt.datetime.combine(today, dt.time.min, tzinfo=hall.tz)
    tasks = list(order_selectors.follow_ups_due(hall=hall, until=start_of_today + dt.timedelta(days=1)))
    calls: dict[int, list[FollowUpCall]] = {}
    for call in FollowUpCall.objects.filter(task__in=tasks).select_related("by"):
        calls.setdefault(call.task_id, []).append(call)
    # A fault found on the call is reported as a repair of the order's service, where the hall repairs its kind.
    repairable = {kind.service_kind for kind in fault_kinds_for(hall=hall)}
    service_ids = {task.order.service_id for task in tasks if task.order.service_id}
    repairable_ids = (
        set(Service.objects.filter(pk__in=service_ids, kind__in=repairable).values_list("pk", flat=True))
        if service_ids
        else set()
    )
    rows = [
        {
            "task": task,
            "order": task.order,
            "business": task.order.business_type.display_name,
            "customer": mask_name(task.order.customer.name) if task.order.customer else "",
            "phone": mask_phone(task.order.customer.phone) if task.order.customer else "",
            "overdue": task.due_at < start_of_today,
            "calls": calls.get(task.pk, []),
            "repair_service": task.order.service_id if task.order.service_id in repairable_ids else None,
        }
        for task in tasks
    ]
    return {
        "rows": rows,
        "overdue": sum(1 for row in rows if row["overdue"]),
        "phrases": catalog_selectors.phrases_for(hall=hall, moment="follow_up"),
        "outcomes": FollowUpOutcome.choices,
    }


# --- complaints (CARE04) --------------------------------------------------------------------------------


def _complaint_queryset(hall: Hall) -> QuerySet[Complaint]:
    return Complaint.objects.filter(hall=hall).select_related("category", "customer", "assigned_to", "order")


def complaint_state(complaint: Complaint, *, now: dt.datetime) -> dict[str, Any]:
    """What the clock says of one complaint: the next due time, overdue or nearly so."""
    due = complaint_current_due(complaint)
    overdue = due is not None and now >= due
    warned = not overdue and due is not None and complaint.warned_for == due
    return {"due": due, "overdue": overdue, "warned": warned}


def complaint_row(complaint: Complaint, *, now: dt.datetime) -> dict[str, Any]:
    """A line of the complaints list: no personal data in clear (names and phones masked)."""
    customer = complaint.customer
    name = customer.name if customer else complaint.contact_name
    phone = complaint.contact_phone or (customer.phone if customer else "")
    return {
        "complaint": complaint,
        "category": complaint.category.display_name,
        "customer": mask_name(name) if name else "",
        "phone": mask_phone(phone) if phone else "",
        "handler": staff_name(complaint.assigned_to),
        "escalated": complaint.level > ComplaintLevel.NONE,
        **complaint_state(complaint, now=now),
    }


def complaint_rows(*, hall: Hall, show: str = "open", now: dt.datetime | None = None, limit: int = 200) -> list[dict]:
    """The hall's complaints, the open ones by what is due first; `show="all"` lists the closed ones too, newest
    first."""
    now = now or timezone.now()
    queryset = _complaint_queryset(hall)
    if show == "all":
        queryset = queryset.order_by("-recorded_at")
    else:
        queryset = queryset.filter(status__in=(*COMPLAINT_OPEN_STATUSES, ComplaintStatus.RESOLVED))
    # Every open complaint is listed (they are few, and the most overdue must not fall off); "all" is capped.
    rows = [complaint_row(c, now=now) for c in (queryset[:limit] if show == "all" else queryset)]
    if show != "all":
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        rows.sort(key=lambda row: (row["due"] or far, row["complaint"].recorded_at))
    return rows


def complaints_overdue(*, hall: Hall, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return Complaint.objects.filter(
        Q(status=ComplaintStatus.OPEN, acknowledge_due__lte=now)
        | Q(status=ComplaintStatus.ACKNOWLEDGED, resolve_due__lte=now),
        hall=hall,
    ).count()


def complaint_get(*, hall: Hall, complaint_id: Any) -> Complaint:
    try:
        pk = int(complaint_id)
    except (TypeError, ValueError):
        pk = 0
    complaint = _complaint_queryset(hall).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if complaint is None:
        raise NotFound(_("There is no such complaint."))
    return complaint


def complaint_detail(complaint: Complaint, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything of one complaint for its page: the record, the clock, the history and entries, the
    compensation and the customer's services that may be credited (numbers masked)."""
    now = now or timezone.now()
    return {
        **complaint_row(complaint, now=now),
        "timeline": complaint_timeline(complaint),
        "compensation": ComplaintCompensation.objects.filter(complaint=complaint).select_related("service").first(),
        "services": customer_services_for_complaint(complaint.customer),
        "payments": complaint_refundable_payments(complaint),
        "recorded_by": staff_name(complaint.recorded_by),
    }


def complaint_timeline(complaint: Complaint) -> list[dict[str, Any]]:
    """The complaint's history, oldest first: each move of its status and each entry (notes, answers, the
    customer's word, warnings, escalations), with who and when; nothing in it is ever changed."""
    items: list[dict[str, Any]] = [
        {
            "at": move.at,
            "who": staff_name(move.actor),
            "what": move.get_to_status_display(),
            "text": note_in_reader_language(move.note),
        }
        for move in complaint.moves.select_related("actor")
    ]
    moves_at = {item["at"]: item for item in items}
    for entry in complaint.entries.select_related("by"):
        move = moves_at.get(entry.at)  # written with a move (an answer, the customer's word): shown with it
        if move is not None:
            move["text"] = "\n".join(str(p) for p in (move["text"], note_in_reader_language(entry.text)) if p)
        else:
            items.append(
                {
                    "at": entry.at,
                    "who": staff_name(entry.by),
                    "what": entry.get_kind_display(),
                    "text": note_in_reader_language(entry.text),
                }
            )
    return sorted(items, key=lambda item: item["at"])


def complaint_console_rows(*, hall: Hall, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The complaints the duty manager's console shows: escalated, overdue or nearly due."""
    now = now or timezone.now()
    rows = [complaint_row(c, now=now) for c in _complaint_queryset(hall).filter(status__in=COMPLAINT_OPEN_STATUSES)]
    return [row for row in rows if row["escalated"] or row["overdue"] or row["warned"]]


def complaint_phrases(*, hall: Hall) -> list[str]:
    """The standard phrases of taking a complaint (您反映的是……，是吗？) from the hall's pack."""
    return catalog_selectors.phrases_for(hall=hall, moment="complaint")


def complaint_assignees(*, hall: Hall) -> list[tuple[int, str]]:
    """The hall's members a complaint may be handed to."""
    members = org_selectors.hall_staff(hall=hall, capability=Capability.VIEW_HALL)
    return [(user.pk, staff_name(user)) for user, _caps in members]


LINK_PARAMS = ("order", "follow_up", "opinion", "alert", "ticket", "customer")


def _pk(value: Any) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def _linked(queryset: QuerySet, value: Any, missing: str) -> Any:
    """One row of a hall-scoped queryset by an id from a request; "not found" for a bad or foreign id."""
    pk = _pk(value)
    found = queryset.filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound(missing)
    return found


def complaint_source(*, hall: Hall, user: Any, params: Any) -> dict[str, Any]:
    """What a new complaint concerns and came from, by the ids in `params` (a follow-up call, an opinion book
    entry, a dissatisfied rating, an order, a ticket, a customer), each checked to be of `hall`; with the
    channel and words it suggests for the form. Ids of other halls are "not found"."""
    fields: dict[str, Any] = {}
    prefill: dict[str, str] = {}
    if params.get("follow_up"):
        task = _linked(
            FollowUpTask.objects.filter(order__hall=hall).select_related("order__customer"),
            params["follow_up"],
            _("There is no such follow-up."),
        )
        fields |= {"follow_up": task, "order": task.order, "customer": task.order.customer}
        last_call = task.calls.order_by("-at", "-id").first()
        prefill |= {"channel": ComplaintChannel.FOLLOW_UP, "words": last_call.note if last_call else ""}
    if params.get("opinion"):
        entry = _linked(OpinionEntry.objects.filter(hall=hall), params["opinion"], _("There is no such entry."))
        fields["opinion"] = entry
        # The contact the customer left stays on the entry (the complaint takes it over), never in a form field.
        prefill |= {"channel": ComplaintChannel.OPINION_BOOK, "words": entry.text}
    if params.get("alert"):
        alert = _linked(
            DissatisfactionAlert.objects.filter(hall=hall).select_related("rating__ticket"),
            params["alert"],
            _("There is no such alert."),
        )
        fields |= {"alert": alert, "ticket": alert.rating.ticket}
        order = alert.rating.orders.order_by("pk").first()
        if order is not None:
            fields |= {"order": order, "customer": order.customer}
        prefill["channel"] = ComplaintChannel.RATING
    if params.get("order") and "order" not in fields:
        orders = WorkOrder.objects.filter(hall=hall).select_related("customer", "business_type")
        order = _linked(orders, params["order"], _("There is no such order."))
        fields |= {"order": order, "customer": order.customer}
    if params.get("ticket") and "ticket" not in fields:
        fields["ticket"] = _ticket(hall, params["ticket"])
    if params.get("customer") and fields.get("customer") is None:
        fields["customer"] = _linked(
            Customer.objects.filter(company_id=hall.company_id), params["customer"], _("There is no such customer.")
        )
    ids = _source_ids(fields)
    # Sources registered by the apps above (a hotel stay, HOTEL03): read in the hall, "not found" otherwise.
    found: dict[str, tuple[Any, SourceFound]] = {}
    rows: list[tuple[str, str]] = []
    for source in complaint_sources():
        if params.get(source.param):
            hit = source.read(hall=hall, value=params[source.param])
            if hit is None:
                raise NotFound(_("What this complaint concerns is not in this hall."))
            found[source.param] = (source, hit)
            ids[source.param] = str(params[source.param])
            rows.extend(hit.rows)
    return {"links": ComplaintLinks(**fields), "prefill": prefill, "ids": ids, "sources": found, "rows": rows}


def _ticket(hall: Hall, value: Any) -> Ticket:
    try:
        ticket_id = uuid.UUID(str(value))
    except ValueError:
        ticket_id = None
    found = Ticket.objects.filter(hall=hall, pk=ticket_id).first() if ticket_id else None
    if found is None:
        raise NotFound(_("There is no such ticket in this hall."))
    return found


def _source_ids(fields: dict[str, Any]) -> dict[str, Any]:
    """The ids to carry in the form's hidden fields, so the POST links the same records."""
    return {name: str(fields[name].pk) for name in LINK_PARAMS if fields.get(name) is not None}


def complaint_source_rows(links: Any) -> list[tuple[str, str]]:
    """What the form says the complaint concerns, masked: (label, value)."""
    rows: list[tuple[str, str]] = []
    if links.customer is not None:
        rows.append((_("Customer"), mask_name(links.customer.name)))
    if links.order is not None:
        rows.append((_("Order"), f"{links.order.number} {links.order.business_type.display_name}"))
    if links.ticket is not None:
        rows.append((_("Ticket"), links.ticket.number))
    if links.follow_up is not None:
        rows.append((_("Follow-up call"), links.follow_up.order.number))
    if links.opinion is not None:
        contact = " ".join(
            part
            for part in (
                mask_name(links.opinion.contact_name) if links.opinion.contact_name else "",
                mask_phone(links.opinion.contact_phone) if links.opinion.contact_phone else "",
            )
            if part
        )
        rows.append((_("Opinion book"), f"{links.opinion.code} {contact}".strip()))
    return rows


def customer_services_for_complaint(customer: Any) -> list[dict[str, Any]]:
    """The customer's services a complaint may concern or credit, numbers masked."""
    if customer is None:
        return []
    return [
        {"id": s.pk, "label": f"{s.get_kind_display()} {mask_phone(s.number) if s.number else ''}".strip()}
        for s in customer_selectors.services_for_customer(customer=customer)
    ]


def complaint_assignee_get(*, hall: Hall, user_id: Any) -> Any:
    """A member of the hall a complaint may be handed to, by an id from a request; None otherwise."""
    return org_selectors.hall_member_get(hall=hall, user_id=_pk(user_id))


# How many of the customer's latest payments the compensation form offers to refund.
REFUNDABLE_PAYMENTS = 10


def complaint_refundable_payments(complaint: Complaint) -> list[dict[str, Any]]:
    """The latest succeeded payments of the complaint's order or customer in its hall with something left to
    refund: (id, label with the receipt number, the date and what can still be refunded)."""
    if complaint.customer_id is None and complaint.order_id is None:
        return []
    concerns = Q()
    if complaint.order_id:
        concerns |= Q(order_id=complaint.order_id)
    if complaint.customer_id:
        concerns |= Q(customer_id=complaint.customer_id)
    payments = list(
        Payment.objects.filter(concerns, hall_id=complaint.hall_id, status=PaymentStatus.SUCCEEDED)
        .select_related("receipt")
        .order_by("-created_at", "-id")[:REFUNDABLE_PAYMENTS]
    )
    left = billing_selectors.refundable_amounts(payments=payments)
    rows = []
    for payment in payments:
        if left[payment.pk] <= 0:
            continue
        receipt = getattr(payment, "receipt", None)
        rows.append(
            {
                "id": payment.pk,
                "receipt": receipt.number if receipt else "",
                "at": payment.created_at,
                "method": payment.get_method_display(),
                "left": left[payment.pk],
            }
        )
    return rows


def complaint_payment_get(*, complaint: Complaint, payment_id: Any) -> Payment:
    """A payment the compensation form offered for this complaint; "not found" for any other id."""
    pk = _pk(payment_id)
    if pk is None or pk not in {row["id"] for row in complaint_refundable_payments(complaint)}:
        raise NotFound(_("There is no such payment."))
    return Payment.objects.select_related("hall", "customer", "service").get(pk=pk)


def open_alert_counts(*, halls: list[Hall]) -> dict[int, int]:
    """How many dissatisfied customers wait for the duty manager (`open_alerts`), per hall id, in one query."""
    ids = [hall.pk for hall in halls]
    counts = dict(
        DissatisfactionAlert.objects.filter(hall_id__in=ids, status__in=ALERT_OPEN_STATUSES)
        .order_by()
        .values_list("hall_id")
        .annotate(n=Count("pk"))
        .values_list("hall_id", "n")
    )
    return {pk: counts.get(pk, 0) for pk in ids}


def complaints_overdue_counts(*, halls: list[Hall], now: dt.datetime | None = None) -> dict[int, int]:
    """`complaints_overdue` of every hall, per hall id, in one query."""
    now = now or timezone.now()
    ids = [hall.pk for hall in halls]
    counts = dict(
        Complaint.objects.filter(
            Q(status=ComplaintStatus.OPEN, acknowledge_due__lte=now)
            | Q(status=ComplaintStatus.ACKNOWLEDGED, resolve_due__lte=now),
            hall_id__in=ids,
        )
        .order_by()
        .values_list("hall_id")
        .annotate(n=Count("pk"))
        .values_list("hall_id", "n")
    )
    return {pk: counts.get(pk, 0) for pk in ids}
