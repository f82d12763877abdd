"""Builders for the staff app's tests: a month of generated work for clerks, written straight to the tables."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from decimal import Decimal
from typing import Any

from servicehall.care.models import Complaint, Rating
from servicehall.cashdesk.models import DrawerSession
from servicehall.catalog.models import BusinessType, ComplaintCategory
from servicehall.orders.models import WorkOrder
from servicehall.queueing.models import Ticket, TicketInterval

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# The tests' "now": a Monday in December; November is the month assessed.
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
NOVEMBER = dt.date(2026, 11, 1)
SCORES = ("very_satisfied", "satisfied", "fair", "dissatisfied")


class Generator:
    """Writes tickets, serving intervals, ratings, orders, complaints and drawers, numbered per hall."""

    def __init__(self, world: Any, seed: int = 14) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.n = 0
        self.business = BusinessType.objects.create(
            hall=world.hall,
            pack="telecom",
            code="gen_business",
            category=world.b,
            name_zh="生成业务",
            name_en="Generated business",
            standard_fee=Decimal("0.00"),
        )
        self.category = ComplaintCategory.objects.create(
            hall=world.hall,
            pack="telecom",
            code="gen",
            name_zh="服务",
            name_en="Service",
            acknowledge_hours=4,
            resolve_hours=24,
        )

    def _next(self) -> int:
        self.n += 1
        return self.n

    def ticket(self, clerk: Any, at: dt.datetime, *, minutes: float, status: str = "done") -> Ticket:
        n = self._next()
        ticket = Ticket.objects.create(
            hall=self.world.hall,
            category=self.world.b,
            service_date=at.date(),
            sequence=n,
            number=f"B{n:03d}",
            channel="kiosk",
            status=status,
            rank=n,
            issued_at=at - dt.timedelta(minutes=30),
            queued_at=at - dt.timedelta(minutes=30),
            staff=clerk,
            closed_at=at if status == "done" else None,
            outcome="completed" if status == "done" else "",
        )
        if status == "done":
            TicketInterval.objects.create(
                ticket=ticket, status="serving", actor=clerk, started_at=at - dt.timedelta(minutes=minutes), ended_at=at
            )
        return ticket

    def rating(self, ticket: Ticket, score: str, at: dt.datetime) -> Rating:
        return Rating.objects.create(
            hall=self.world.hall,
            ticket=ticket,
            clerk=ticket.staff,
            status="rated",
            score=score,
            rated_at=at,
            asked_at=at,
        )

    def order(self, clerk: Any, at: dt.datetime, status: str) -> WorkOrder:
        n = self._next()
        return WorkOrder.objects.create(
            hall=self.world.hall,
            number=f"GEN-{n:05d}",
            business_type=self.business,
            status=status,
            clerk=clerk,
            created_at=at,
        )

    def complaint(self, at: dt.datetime, status: str, *, ticket: Any = None, order: Any = None) -> Complaint:
        n = self._next()
        return Complaint.objects.create(
            hall=self.world.hall,
            number=f"TS-{n:05d}",
            channel="counter",
            category=self.category,
            words="太慢了",
            summary="您反映的是办理太慢，是吗？",
            ticket=ticket,
            order=order,
            recorded_at=at,
            recorded_by=self.world.manager,
            status=status,
            acknowledge_due=at + dt.timedelta(hours=4),
            resolve_due=at + dt.timedelta(hours=24),
        )

    def drawer(self, clerk: Any, counter: Any, at: dt.datetime, difference: str) -> DrawerSession:
        return DrawerSession.objects.create(
            hall=self.world.hall,
            counter=counter,
            clerk=clerk,
            day=at.date(),
            status="closed",
            opened_at=at - dt.timedelta(hours=8),
            opening_float=Decimal("500.00"),
            closed_at=at,
            counted=Decimal("500.00") + Decimal(difference),
            expected=Decimal("500.00"),
            difference=Decimal(difference),
        )

    def day_in(self, month: dt.date) -> dt.datetime:
        day = self.rng.randint(1, 28)
        return dt.datetime(
            month.year, month.month, day, self.rng.randint(9, 16), self.rng.randint(0, 59), tzinfo=SHANGHAI
        )
