"""Reads of the queue for screens and the API (Q01, Q05, Q07, Q08)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import QueueCategory
from servicehall.core.compiled_reads import CompiledRead
from servicehall.core.errors import Forbidden, NotFound, SignInRequired
from servicehall.org.models import Counter, Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get, hall_get_for_user, memberships_for_user, user_can

from .models import (
    ACTIVE_STATUSES,
    PriorityRule,
    ScreenHeartbeat,
    Ticket,
    TicketChannel,
    TicketInterval,
    TicketKind,
    TicketStatus,
)
from .services import SCREEN_MAX_AGE_DAYS, SCREEN_SALT, callable_tickets, head_start_of

S = TicketStatus
RECENT_HANDLE_SAMPLE = 20


def ticket_get_public(*, ticket_id: Any) -> Ticket:
    """The tracking view: anyone holding the slip's code may see its status."""
    ticket = Ticket.objects.select_related("hall", "category", "counter").filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(_("There is no such ticket."))
    return ticket


def ticket_lock(*, ticket_id: Any) -> Ticket:
    """The ticket's row, locked until the caller's transaction ends (an app above the queue that must see
    its status hold still, as care does when it asks for a rating)."""
    return Ticket.objects.select_for_update(of=("self",)).select_related("hall", "counter").get(pk=ticket_id)


def ticket_get_for_user(*, user: Any, ticket_id: Any) -> Ticket:
    ticket = Ticket.objects.select_related("hall", "category", "counter").filter(pk=ticket_id).first()
    if ticket is None or not any(m.hall_id == ticket.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such ticket."))
    return ticket


def _ahead_in(same_queue: Q, *, hall_id: int, rank: int, sequence: int) -> Any:
    return (
        Ticket.objects.filter(hall_id=hall_id, status=S.WAITING)
        .filter(same_queue)
        .filter(Q(rank__lt=rank) | Q(rank=rank, sequence__lt=sequence))
    )


# The slip of every ticket a kiosk issues says how many are ahead: SQL compiled once per process (issue 17).
# Counted per hall (one group, or no row when nobody is ahead).
_AHEAD_IN_CATEGORY = CompiledRead(
    lambda hall_id, category_id, rank, sequence: (
        _ahead_in(
            Q(category_id=category_id, target_counter__isnull=True), hall_id=hall_id, rank=rank, sequence=sequence
        )
        .order_by()
        .values("hall_id")
        .annotate(ahead=Count("pk"))
        .values_list("ahead", flat=True)
    ),
    hall_id=Ticket.hall,
    category_id=Ticket.category,
    rank=Ticket.rank,
    sequence=Ticket.sequence,
)


def tickets_ahead(*, ticket: Ticket) -> int:
    """People in the same queue who will be called before this ticket."""
    if ticket.status != S.WAITING:
        return 0
    if not ticket.target_counter_id:
        counts = _AHEAD_IN_CATEGORY.fetch(
            hall_id=ticket.hall_id, category_id=ticket.category_id, rank=ticket.rank, sequence=ticket.sequence
        )
        return counts[0] if counts else 0
    # Sent to a named counter: behind the others sent there and what that counter serves of its own categories.
    served = Counter.objects.filter(pk=ticket.target_counter_id).values("served__category")
    same_queue = Q(target_counter_id=ticket.target_counter_id) | Q(target_counter__isnull=True, category__in=served)
    return _ahead_in(same_queue, hall_id=ticket.hall_id, rank=ticket.rank, sequence=ticket.sequence).count()


def average_handle_minutes(*, category: QueueCategory) -> float:
    """Mean serving time of the latest finished tickets, else the pack's figure."""
    durations = list(
        TicketInterval.objects.filter(ticket__category=category, status=S.SERVING, ended_at__isnull=False)
        .order_by("-ended_at")
        .values_list("started_at", "ended_at")[:RECENT_HANDLE_SAMPLE]
    )
    if not durations:
        return float(category.typical_handle_minutes)
    seconds = sum((end - start).total_seconds() for start, end in durations if end) / len(durations)
    return max(seconds / 60, 0.5)


def counters_serving(*, category: QueueCategory) -> int:
    return Counter.objects.filter(
        hall_id=category.hall_id, status=Counter.Status.OPEN, served__category=category
    ).count()


def estimate_wait_minutes(*, category: QueueCategory, ahead: int) -> int:
    """Those ahead share the open counters that serve the category."""
    if ahead <= 0:
        return 0
    counters = max(counters_serving(category=category), 1)
    return math.ceil(ahead * average_handle_minutes(category=category) / counters)


def category_loads(*, hall: Hall, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per category: how many wait, the longest wait, and how many are past target."""
    now = now or timezone.now()
    categories = list(QueueCategory.objects.filter(hall=hall, active=True).order_by("sort_order", "code"))
    queued: dict[int, list[dt.datetime]] = {}
    for category_id, queued_at in Ticket.objects.filter(hall=hall, status=S.WAITING).values_list(
        "category_id", "queued_at"
    ):
        queued.setdefault(category_id, []).append(queued_at)
    loads = []
    for category in categories:
        times = queued.get(category.pk, [])
        threshold = now - dt.timedelta(minutes=category.target_wait_minutes)
        loads.append(
            {
                "category": category,
                "code": category.code,
                "name": category.display_name,
                "waiting": len(times),
                "longest_wait_minutes": int((now - min(times)).total_seconds() // 60) if times else 0,
                "over_target": sum(1 for t in times if t < threshold),
                "target_wait_minutes": category.target_wait_minutes,
            }
        )
    return loads


def queue_alerts(*, hall: Hall, loads: list[dict[str, Any]] | None = None) -> list[str]:
    """Q08: messages for the duty manager and the guide when service levels slip."""
    loads = loads if loads is not None else category_loads(hall=hall)
    alerts = []
    for load in loads:
        if load["over_target"] > hall.alert_waiting_over_target:
            alerts.append(
                _("%(name)s: %(count)s customers have waited longer than %(target)s minutes.")
                % {"name": load["name"], "count": load["over_target"], "target": load["target_wait_minutes"]}
            )
        if load["waiting"] >= load["category"].alert_queue_length:
            alerts.append(
                _("%(name)s: %(count)s customers are waiting.") % {"name": load["name"], "count": load["waiting"]}
            )
    return alerts


def current_calls(*, hall: Hall) -> list[dict[str, Any]]:
    """What each counter shows now: its ticket when called or serving."""
    active = {
        t.counter_id: t
        for t in Ticket.objects.filter(hall=hall, status__in=ACTIVE_STATUSES).only(
            "number", "status", "counter_id", "category_id"
        )
    }
    result = []
    for counter in Counter.objects.filter(hall=hall).order_by("number"):
        ticket = active.get(counter.pk)
        result.append(
            {
                "counter": counter.number,
                "counter_name": counter.name,
                "counter_status": counter.status,
                "number": ticket.number if ticket else "",
                "status": ticket.status if ticket else "",
            }
        )
    return result


def recent_calls(*, hall: Hall, limit: int = 8) -> list[dict[str, Any]]:
    rows = (
        TicketInterval.objects.filter(ticket__hall=hall, status=S.CALLED, counter__isnull=False)
        .order_by("-started_at", "-id")
        .values("ticket__number", "counter__number", "started_at")[: limit * 2]
    )
    seen, calls = set(), []
    for row in rows:
        key = (row["ticket__number"], row["counter__number"])
        if key in seen:
            continue
        seen.add(key)
        calls.append({"number": row["ticket__number"], "counter": row["counter__number"], "at": row["started_at"]})
        if len(calls) == limit:
            break
    return calls


def waiting_tickets(*, hall: Hall) -> list[Ticket]:
    """Q07: everyone waiting, longest wait first (the guide's list)."""
    return list(
        Ticket.objects.filter(hall=hall, status=S.WAITING)
        .select_related("category", "target_counter")
        .order_by("queued_at", "sequence")
    )


def missed_tickets(*, hall: Hall) -> list[Ticket]:
    """Skipped today and still able to come back."""
    return list(
        Ticket.objects.filter(hall=hall, status=S.NO_SHOW, service_date=hall.local_date())
        .select_related("category")
        .order_by("-issued_at")
    )


def next_for_counter(*, counter: Counter, limit: int = 2) -> list[Ticket]:
    """Q07 接一顾二招呼三: who this counter will call next."""
    return list(callable_tickets(counter=counter).select_related("category")[:limit])


def counter_current_ticket(*, counter: Counter) -> Ticket | None:
    return Ticket.objects.filter(counter=counter, status__in=ACTIVE_STATUSES).select_related("category").first()


def counter_held_tickets(*, counter: Counter) -> list[Ticket]:
    """The counter's tickets on hold, each with `hold_note` (the reason given) and `held_since`."""
    hold = TicketInterval.objects.filter(ticket=OuterRef("pk"), status=S.HELD, ended_at__isnull=True)
    return list(
        Ticket.objects.filter(counter=counter, status=S.HELD)
        .select_related("category")
        .annotate(hold_note=Subquery(hold.values("note")[:1]), held_since=Subquery(hold.values("started_at")[:1]))
        .order_by("issued_at")
    )


def ticket_durations(*, ticket: Ticket, now: dt.datetime | None = None) -> dict[str, float]:
    """Seconds spent waiting, walking to the counter, being served and on hold."""
    now = now or timezone.now()
    totals = {"wait": 0.0, "walk": 0.0, "serve": 0.0, "hold": 0.0}
    buckets: dict[str, str] = {S.WAITING: "wait", S.CALLED: "walk", S.SERVING: "serve", S.HELD: "hold"}
    for interval in ticket.intervals.all():
        bucket = buckets.get(interval.status)
        if bucket:
            totals[bucket] += ((interval.ended_at or now) - interval.started_at).total_seconds()
    return totals


def queue_snapshot(*, hall: Hall) -> dict[str, Any]:
    """Everything a board or kiosk shows; no personal data."""
    loads = category_loads(hall=hall)
    return {
        "hall": hall.code,
        "categories": [
            {
                "code": load["code"],
                "name": load["name"],
                "waiting": load["waiting"],
                "longest_wait_minutes": load["longest_wait_minutes"],
            }
            for load in loads
        ],
        "current": current_calls(hall=hall),
        "recent": [
            {"number": c["number"], "counter": c["counter"], "at": c["at"].isoformat()} for c in recent_calls(hall=hall)
        ],
    }


# --- staff screens (workbench timer, duty manager console) -------------------------


def _active_since(status: str, intervals: list[tuple[str, dt.datetime]]) -> dt.datetime | None:
    """Start of the current stretch: the first call of the current run, or when serving began."""
    since = None
    for interval_status, started_at in reversed(intervals):
        if interval_status != status:
            break
        since = started_at
        if status != S.CALLED:
            break
    return since


def ticket_active_since(*, ticket: Ticket) -> dt.datetime | None:
    """When the ticket at a counter was called (recalls do not reset it) or started being served."""
    intervals = list(ticket.intervals.order_by("started_at", "id").values_list("status", "started_at"))
    return _active_since(ticket.status, intervals)


def counters_overview(*, hall: Hall) -> list[dict[str, Any]]:
    """Every counter with its clerk, current ticket (and since when) and held count, in four queries."""
    counters = list(
        Counter.objects.filter(hall=hall)
        .select_related("staff")
        .prefetch_related("served__category")
        .order_by("number")
    )
    tickets = list(
        Ticket.objects.filter(hall=hall, status__in=(S.CALLED, S.SERVING, S.HELD), counter__isnull=False)
        .select_related("category", "staff")
        .order_by("issued_at")
    )
    active_ids = [t.pk for t in tickets if t.status in ACTIVE_STATUSES]
    history: dict[Any, list[tuple[str, dt.datetime]]] = {}
    for ticket_id, status, started_at in (
        TicketInterval.objects.filter(ticket_id__in=active_ids)
        .order_by("ticket_id", "started_at", "id")
        .values_list("ticket_id", "status", "started_at")
    ):
        history.setdefault(ticket_id, []).append((status, started_at))
    current: dict[int | None, Ticket] = {}
    held: dict[int | None, int] = {}
    for ticket in tickets:
        if ticket.status in ACTIVE_STATUSES:
            current[ticket.counter_id] = ticket
        else:
            held[ticket.counter_id] = held.get(ticket.counter_id, 0) + 1
    rows = []
    for counter in counters:
        active = current.get(counter.pk)
        rows.append(
            {
                "counter": counter,
                "current": active,
                "since": _active_since(active.status, history.get(active.pk, [])) if active else None,
                "held": held.get(counter.pk, 0),
                "served": [cc.category for cc in counter.served.all()],
            }
        )
    return rows


# --- public screens: kiosk, display board, ticket tracking (Q01, Q05) ----------


SCREEN_PAIRING_CAPABILITIES = (Capability.MANAGE_QUEUE, Capability.ADMINISTER)


def screen_pass_admits(*, hall: Hall, screen_pass: str | None) -> bool:
    """Whether a screen cookie was signed for this hall at its current screen key version and is not too old."""
    if not screen_pass:
        return False
    try:
        value = signing.loads(screen_pass, salt=SCREEN_SALT, max_age=dt.timedelta(days=SCREEN_MAX_AGE_DAYS))
    except signing.BadSignature:  # also an expired signature
        return False
    return isinstance(value, dict) and value.get("hall") == hall.code and value.get("v") == hall.screen_key_version


def screen_pairing_hall_get(*, user: Any, code: str) -> Hall:
    """The hall whose screens this user may pair or unpair: its duty managers and hall administrators."""
    hall = hall_get_for_user(user=user, code=code, capability=Capability.VIEW_HALL)
    if not any(user_can(user=user, hall=hall, capability=c) for c in SCREEN_PAIRING_CAPABILITIES):
        raise Forbidden(_("Only the duty manager or the hall administrator may pair screens."))
    return hall


def screen_hall_get(
    *, user: Any, code: str, capability: str, screen_pass: str | None = None, known: Hall | None = None
) -> Hall:
    """The hall of a kiosk or board screen (`known`: the hall of that code, read already with something else).

    A hall with `public_kiosk` runs these screens on its own devices without a
    sign-in (the websocket feed follows the same rule); otherwise a device
    paired to the hall (`screen_pass`, the screen cookie) or its staff may
    open them, and other halls answer "not found".
    """
    hall = known if known is not None and known.code == code else hall_get(code=code)
    if hall.public_kiosk or screen_pass_admits(hall=hall, screen_pass=screen_pass):
        return hall
    if not getattr(user, "is_authenticated", False):
        raise SignInRequired(_("Please sign in to use this screen."))
    return hall_get_for_user(user=user, code=code, capability=capability)


@dataclass(frozen=True)
class IssuePoint:
    """What a kiosk's "take a number" reads before it writes: the category with its hall, and the head start
    of the ticket's kind."""

    category: QueueCategory  # its `hall` read with it
    kind: str
    head_start: int  # seconds

    def fits(self, *, category_code: str, kind: str) -> bool:
        """Whether this is what the validated input asks for (read from the raw input before validation)."""
        return self.category.code == category_code and self.kind == kind


def _issue_point_category(hall_code: str, category_code: str, kind: str) -> Any:
    rule = PriorityRule.objects.filter(hall=OuterRef("hall"), kind=kind).order_by("id").values("head_start_minutes")
    return (
        QueueCategory.objects.filter(hall__code=hall_code, code=category_code)
        .select_related("hall")
        .annotate(rule_minutes=Subquery(rule[:1]))
        .order_by()[:1]
    )


# Every ticket a kiosk takes reads it: SQL compiled once per process (issue 17).
_ISSUE_POINT = CompiledRead(
    _issue_point_category, hall_code=Hall.code, category_code=QueueCategory.code, kind=PriorityRule.kind
)


def issue_point(*, hall_code: str, data: Any) -> IssuePoint | None:
    """The category named in the raw request `data` of hall `hall_code`, with its hall and the head start of
    the ticket's kind, in one query (the kiosk's hot path). None when either is unknown or the input is not
    text: the caller then reads them one by one, with their own answers (not found, sign in) in their order."""
    fields = data if isinstance(data, dict) else {}
    category_code, kind = fields.get("category"), fields.get("kind", TicketKind.NORMAL)
    if not isinstance(category_code, str) or not isinstance(kind, str):
        return None
    category = _ISSUE_POINT.first(hall_code=hall_code, category_code=category_code, kind=kind)
    if category is None:
        return None
    minutes = category.rule_minutes  # type: ignore[attr-defined]
    return IssuePoint(category=category, kind=kind, head_start=head_start_of(minutes, kind=kind))


def ticket_public_status(*, ticket: Ticket) -> dict[str, Any]:
    """What the slip and the tracking page show of a ticket: never the phone number."""
    ahead = tickets_ahead(ticket=ticket)
    at_counter = ticket.counter if ticket.status in ACTIVE_STATUSES else None
    return {
        "id": str(ticket.pk),
        "hall": ticket.hall.code,
        "number": ticket.number,
        "category": ticket.category.display_name,
        "status": ticket.status,
        "status_label": str(S(ticket.status).label),
        "waiting": ticket.status == S.WAITING,
        "ahead": ahead,
        "estimated_wait_minutes": estimate_wait_minutes(category=ticket.category, ahead=ahead)
        if ticket.status == S.WAITING
        else 0,
        "counter": at_counter.number if at_counter else None,
        "counter_name": at_counter.name if at_counter else "",
        "issued_at": ticket.issued_at.isoformat(),
    }


def ticket_issuer(*, user: Any, hall: Hall, channel: str, kind: str) -> Any:
    """Who issues a ticket of this channel and kind in this hall: the staff member, or None for a kiosk.

    A public hall's kiosk may take ordinary kiosk tickets without a sign-in;
    priority kinds and other channels need a member allowed to issue
    (401 when signed out, 404 for other halls' staff, 403 for other roles).
    """
    if user.is_authenticated and user_can(user=user, hall=hall, capability=Capability.ISSUE):
        return user
    if hall.public_kiosk and channel == TicketChannel.KIOSK and kind == TicketKind.NORMAL:
        return None
    if not user.is_authenticated:
        raise SignInRequired(_("Sign in as staff of the hall to issue priority tickets or tickets for other channels."))
    hall_get_for_user(user=user, code=hall.code, capability=Capability.ISSUE)
    raise Forbidden(_("Your role in this hall does not allow this."))


def voice_clips_base_url(hall: Hall) -> str:
    """Where screens load their voice clips: the hall's own recordings, else the bundled ones."""
    if hall.voice_clips_url:
        return hall.voice_clips_url if hall.voice_clips_url.endswith("/") else f"{hall.voice_clips_url}/"
    return reverse("queueing:voice_clip", kwargs={"name": "x"}).rsplit("/", 1)[0] + "/"


def first_calls(*, hall: Hall, since: dt.datetime, until: dt.datetime) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """(number, issued at, first called at) of the hall's tickets issued in [since, until) that were called:
    how long each customer waited for the counter (CARE07)."""
    rows = (
        TicketInterval.objects.filter(
            ticket__hall=hall, ticket__issued_at__gte=since, ticket__issued_at__lt=until, status=S.CALLED
        )
        .values("ticket__number", "ticket__issued_at")
        .annotate(first_call=Min("started_at"))
        .order_by("ticket__issued_at")
    )
    return [(row["ticket__number"], row["ticket__issued_at"], row["first_call"]) for row in rows]


def screen_last_seen(*, hall: Hall) -> dict[tuple[str, str], Any]:
    """The last heartbeat of each screen of the hall (SITE03), by (kind, screen id); read by the premises'
    equipment register."""
    return {
        (kind, screen): last_seen
        for kind, screen, last_seen in ScreenHeartbeat.objects.filter(hall=hall).values_list(
            "kind", "screen", "last_seen"
        )
    }
