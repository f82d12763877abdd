"""The reports' writes (RPT02): the summary tables rebuilt from the raw rows, and the end-of-day mail.

`rollup_rebuild` replaces a hall's rows of a day in one transaction, so re-running it for a day picks up late
changes and two runs never leave a day counted twice. It reads the other apps only through their selectors.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicehall.appointments.selectors_reports import day_bookings_by_status, days_with_bookings
from servicehall.billing.selectors import days_with_payments
from servicehall.care.selectors_reports import day_complaints_by_category, day_ratings_by_score, days_with_care
from servicehall.cashdesk.selectors import settlement_days, settlement_summary
from servicehall.core.exports import XLSX_CONTENT_TYPE
from servicehall.orders.selectors.reports import (
    day_orders_by_type_and_status,
    day_reverted_by_type,
    days_with_orders,
)
from servicehall.org.models import Hall
from servicehall.queueing.selectors_reports import TicketFact, day_ticket_facts, range_ticket_facts
from servicehall.queueing.states import TicketStatus

from . import presentation_reports as present
from .exports_reports import file_stem, workbook_bytes
from .histogram import histogram_of
from .models import DayFigureRollup, FigureKind, ReportMail, RollupRun, TicketDayRollup
from .selectors_reports import FIGURE_FIELDS, GROUP_FIELDS, PERIOD_DAY, hall_managers, report_bundle

log = logging.getLogger(__name__)
S = TicketStatus


def _days(day_from: dt.date, day_to: dt.date) -> list[dt.date]:
    return [day_from + dt.timedelta(days=n) for n in range((day_to - day_from).days + 1)]


def _ticket_groups(hall: Hall, day: dt.date, facts: list[TicketFact]) -> list[dict[str, Any]]:
    """The field values of the day's `TicketDayRollup` rows (one per hour of issue, category, counter and
    clerk), in a fixed order."""
    groups: dict[tuple[int, int, int | None, int | None], list[TicketFact]] = defaultdict(list)
    for fact in facts:
        hour = timezone.localtime(fact.issued_at, hall.tz).hour
        groups[(hour, fact.category_id, fact.counter_id, fact.clerk_id)].append(fact)
    rows = []
    for (hour, category_id, counter_id, clerk_id), members in sorted(groups.items(), key=lambda g: str(g[0])):
        waits = [f.wait_seconds for f in members if f.wait_seconds is not None]
        services = [f.service_seconds for f in members if f.service_seconds is not None]
        rows.append(
            {
                "hall_id": hall.pk,
                "day": day,
                "hour": hour,
                "category_id": category_id,
                "counter_id": counter_id,
                "clerk_id": clerk_id,
                "issued": len(members),
                "called": len(waits),
                "served": sum(1 for f in members if f.status == S.DONE),
                "abandoned": sum(1 for f in members if f.status == S.ABANDONED),
                "no_show": sum(1 for f in members if f.status == S.NO_SHOW),
                "wait_seconds": sum(waits),
                "wait_max": max(waits, default=0),
                "wait_minutes": histogram_of(waits),
                "service_count": len(services),
                "service_seconds": sum(services),
                "service_max": max(services, default=0),
                "service_minutes": histogram_of(services),
            }
        )
    return rows


def _ticket_rows(hall: Hall, day: dt.date, facts: list[TicketFact]) -> list[TicketDayRollup]:
    return [TicketDayRollup(**values) for values in _ticket_groups(hall, day, facts)]


# The rollup's columns as the COPY writes them: its keys, then the figures the reports add up (one list, so a
# new figure cannot be written by one and missed by the other).
TICKET_COLUMNS = ("hall_id", "day", *GROUP_FIELDS, *FIGURE_FIELDS)
# Histograms travel to COPY as JSON text.
JSON_COLUMNS = frozenset(
    name for name in TICKET_COLUMNS if isinstance(TicketDayRollup._meta.get_field(name), models.JSONField)
)


def _ticket_rows_write(rows: list[dict[str, Any]]) -> None:
    """Insert the rows: by COPY on PostgreSQL (a year of a hall is tens of thousands of rows), else in bulk."""
    if connection.vendor != "postgresql":
        TicketDayRollup.objects.bulk_create([TicketDayRollup(**values) for values in rows], batch_size=2000)
        return
    table = TicketDayRollup._meta.db_table
    columns = ", ".join(TICKET_COLUMNS)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for values in rows:
            copy.write_row(
                [json.dumps(values[name]) if name in JSON_COLUMNS else values[name] for name in TICKET_COLUMNS]
            )


def _figure(hall: Hall, day: dt.date, kind: str, key: Any, count: int, **extra: Any) -> DayFigureRollup:
    return DayFigureRollup(hall=hall, day=day, kind=kind, key=str(key), count=count, **extra)


def _money_rows(hall: Hall, day: dt.date) -> list[DayFigureRollup]:
    """Money taken by method, as the day's settlement counts it (a closed day: the figures frozen at close)."""
    summary = settlement_summary(hall=hall, day=day)
    return [
        _figure(hall, day, FigureKind.MONEY, row["method"], int(row["count"]), amount=Decimal(str(row["total"])))
        for row in summary.get("payments", {}).get("methods", [])
    ]


def _figure_rows(hall: Hall, day: dt.date) -> list[DayFigureRollup]:
    rows = [
        _figure(hall, day, FigureKind.ORDERS, type_id, n, outcome=status)
        for type_id, status, n in day_orders_by_type_and_status(hall=hall, day=day)
    ]
    rows += [
        _figure(hall, day, FigureKind.REVERTED, type_id, n) for type_id, n in day_reverted_by_type(hall=hall, day=day)
    ]
    rows += _money_rows(hall, day)
    rows += [_figure(hall, day, FigureKind.RATINGS, score, n) for score, n in day_ratings_by_score(hall=hall, day=day)]
    rows += [
        _figure(hall, day, FigureKind.COMPLAINTS, category_id, n)
        for category_id, n in day_complaints_by_category(hall=hall, day=day)
    ]
    rows += [
        _figure(hall, day, FigureKind.BOOKINGS, status, n) for status, n in day_bookings_by_status(hall=hall, day=day)
    ]
    return rows


def rollup_day(*, hall: Hall, day: dt.date) -> int:
    """Replace the hall's rollups of `day` with a fresh count, in one transaction; the number of rows written."""
    with transaction.atomic():
        # Serialise two rebuilds of the same day: the run row is locked (created if missing) first.
        run, _created = RollupRun.objects.select_for_update().get_or_create(
            hall=hall, day=day, defaults={"at": timezone.now()}
        )
        tickets = _ticket_rows(hall, day, day_ticket_facts(hall=hall, day=day))
        figures = _figure_rows(hall, day)
        TicketDayRollup.objects.filter(hall=hall, day=day).delete()
        DayFigureRollup.objects.filter(hall=hall, day=day).delete()
        TicketDayRollup.objects.bulk_create(tickets)
        DayFigureRollup.objects.bulk_create(figures)
        run.at = timezone.now()
        run.save(update_fields=["at"])
    return len(tickets) + len(figures)


def rollup_rebuild(*, day_from: dt.date, day_to: dt.date, halls: Iterable[Hall] | None = None) -> int:
    """Rebuild every hall's (or `halls`') rollups of the days `day_from`..`day_to` (inclusive), each hall and
    day in its own transaction; the number of rows written."""
    if day_to < day_from:
        day_from, day_to = day_to, day_from
    written = 0
    for hall in list(halls) if halls is not None else list(Hall.objects.order_by("code")):
        for day in _days(day_from, day_to):
            written += rollup_day(hall=hall, day=day)
    return written


# A bulk rebuild reads and writes this many days of one hall at once (one transaction).
BULK_CHUNK_DAYS = 31


def rollup_rebuild_bulk(
    *, day_from: dt.date, day_to: dt.date, halls: Iterable[Hall] | None = None, chunk_days: int = BULK_CHUNK_DAYS
) -> int:
    """The same rows as `rollup_rebuild`, for a long range (a first load, a year's history): each hall's
    tickets of up to `chunk_days` days are read in two queries (`range_ticket_facts`) instead of two per day,
    folded by the same `_ticket_rows`, and the chunk's days replaced in one transaction with bulk inserts. The
    other figures are read per day through the same selectors as `rollup_day`, only for the days on which a
    source has a row (one query per source and chunk says which). The run rows of the chunk are
    written first (an upsert, which locks them), so a `rollup_day` of one of its days waits for the chunk. The
    number of rows written."""
    if day_to < day_from:
        day_from, day_to = day_to, day_from
    chunk_days = max(chunk_days, 1)
    written = 0
    for hall in list(halls) if halls is not None else list(Hall.objects.order_by("code")):
        for offset in range(0, (day_to - day_from).days + 1, chunk_days):
            first = day_from + dt.timedelta(days=offset)
            last = min(first + dt.timedelta(days=chunk_days - 1), day_to)
            written += _rollup_chunk(hall, first, last)
    return written


def _days_with_figures(hall: Hall, first: dt.date, last: dt.date) -> set[dt.date]:
    """The days of `first`..`last` for which `_figure_rows` may answer a row: an order opened or reverted, a
    rating or complaint, a booking, a payment or a settlement (whose frozen summary holds the money)."""
    return (
        days_with_orders(hall=hall, first=first, last=last)
        | days_with_care(hall=hall, first=first, last=last)
        | days_with_bookings(hall=hall, first=first, last=last)
        | days_with_payments(hall=hall, first=first, last=last)
        | settlement_days(hall=hall, first=first, last=last)
    )


def _rollup_chunk(hall: Hall, first: dt.date, last: dt.date) -> int:
    days = _days(first, last)
    with transaction.atomic():
        RollupRun.objects.bulk_create(
            [RollupRun(hall=hall, day=day, at=timezone.now()) for day in days],
            update_conflicts=True,
            unique_fields=["hall", "day"],
            update_fields=["at"],
        )
        facts = range_ticket_facts(hall=hall, day_from=first, day_to=last)
        tickets = [row for day in days for row in _ticket_groups(hall, day, facts.get(day, []))]
        # A day none of the sources has a row for has no figure rows: only the others are read one by one.
        busy = _days_with_figures(hall, first, last)
        figures = [row for day in days if day in busy for row in _figure_rows(hall, day)]
        TicketDayRollup.objects.filter(hall=hall, day__gte=first, day__lte=last).delete()
        DayFigureRollup.objects.filter(hall=hall, day__gte=first, day__lte=last).delete()
        _ticket_rows_write(tickets)
        DayFigureRollup.objects.bulk_create(figures, batch_size=2000)
        RollupRun.objects.filter(hall=hall, day__gte=first, day__lte=last).update(at=timezone.now())
    return len(tickets) + len(figures)


# The day before is rolled up once more after this long past the hall's midnight, when the end of day
# (`close_day`, at :05 every hour) has closed the tickets left open.
SETTLE_AFTER = dt.timedelta(hours=1)


def rollups_due(*, now: dt.datetime | None = None, halls: Iterable[Hall] | None = None) -> int:
    """The scheduled run: every hall's today, and its yesterday until one run after its midnight plus
    `SETTLE_AFTER` (the nightly rebuild with the late changes); the number of rows written."""
    now = now or timezone.now()
    written = 0
    for hall in list(halls) if halls is not None else list(Hall.objects.order_by("code")):
        today = timezone.localtime(now, hall.tz).date()
        yesterday = today - dt.timedelta(days=1)
        settled_from = dt.datetime.combine(today, dt.time.min, tzinfo=hall.tz) + SETTLE_AFTER
        last = RollupRun.objects.filter(hall=hall, day=yesterday).values_list("at", flat=True).first()
        if now >= settled_from and (last is None or last < settled_from):
            written += rollup_day(hall=hall, day=yesterday)
        written += rollup_day(hall=hall, day=today)
    return written


def _mail_body(hall: Hall, day: dt.date) -> tuple[str, str, bytes, str]:
    bundle = report_bundle(hall=hall, period=PERIOD_DAY, day=day)
    report = bundle["report"]
    context = {
        "hall": hall,
        "day": day,
        "t": report["totals"],
        "wait_mean": present.minutes_from_seconds(report["totals"]["wait"]["mean_seconds"]),
        "wait_p90": present.whole_minutes(report["totals"]["wait"]["p90_minutes"]),
        "bands": present.bands(report),
        "comparison": present.comparison_rows(bundle["current"], bundle["others"]),
        "money_total": present.yuan(report["money"]["total"]),
        "orders": report["orders"],
        "ratings": report["ratings"]["total"],
        "complaints": report["complaints"]["total"],
        "bookings": report["bookings"],
    }
    subject = _("%(hall)s: the day's report, %(day)s") % {"hall": hall.name, "day": f"{day:%Y-%m-%d}"}
    body = render_to_string("reports/mail_day.txt", context)
    return subject, body, workbook_bytes(bundle), f"{file_stem(bundle, hall.code)}.xlsx"


def report_mail_send(*, hall: Hall, day: dt.date) -> int:
    """Mail the hall's report of `day` to its managers, once: the `ReportMail` row is written first (unique per
    hall and day) and the mail sent in the same transaction, so a failed send is tried again next time and a
    second run (or a second machine) sends nothing. Rolls the day up first. The number of recipients (0 when
    already sent or nobody has an address)."""
    rollup_day(hall=hall, day=day)
    managers = hall_managers(hall=hall)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = ReportMail.objects.create(hall=hall, day=day, sent_at=timezone.now(), recipients=0)
        except IntegrityError:
            return 0
        if not managers:
            return 0
        with translation.override(settings.LANGUAGE_CODE), timezone.override(hall.tz):
            subject, body, workbook, filename = _mail_body(hall, day)
            message = EmailMessage(subject=subject, body=body, to=[user.email for user in managers])
            message.attach(filename, workbook, XLSX_CONTENT_TYPE)
            message.send(fail_silently=False)
        record.recipients = len(managers)
        record.save(update_fields=["recipients"])
    log.info("report mail sent for hall %s day %s to %s manager(s)", hall.code, day, len(managers))
    return len(managers)


def report_mails_due(*, now: dt.datetime | None = None, day: dt.date | None = None) -> int:
    """Each hall's mail of `day` (by default the hall's yesterday), each once; the number of mails sent."""
    now = now or timezone.now()
    sent = 0
    for hall in Hall.objects.order_by("code"):
        which = day or timezone.localtime(now, hall.tz).date() - dt.timedelta(days=1)
        if ReportMail.objects.filter(hall=hall, day=which).exists():
            continue
        sent += bool(report_mail_send(hall=hall, day=which))
    return sent
