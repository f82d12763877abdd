"""Demo data of shifts and pre-shift preparation (STAFF01, STAFF03): the pack's seven steps and shifts, this
week's roster for the demo clerks, this morning's meeting, and today's checklist ticked by every counter
person except the first clerk (clerk1 in the telecom demo), who therefore sees the workbench refuse to open a
counter until the seven steps are ticked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from servicehall.org.models import Counter, Hall, Membership
from servicehall.org.roles import Role

from . import selectors, services
from .models import MorningMeeting, RosterEntry, Shift

# The n-th clerk (by username) works this shift at counter n; more clerks than plans repeat the last. A pack
# may plan its own (`demo_plans`: the hotel's desk around the clock) and its own meeting (`demo_meeting`).
PLANS = ["day", "day", "early", "late"]
MEETING_TOPICS = (
    "1. 服务口号：用心服务，微笑每一天。\n"
    "2. 本周主推：宽带提速与融合套餐，资费单已放在各窗口。\n"
    "3. 注意事项：办理过户、补卡一律核验本人身份证原件，代办须查验委托书。"
)


def _members(hall: Hall, role: str) -> list[Any]:
    rows = Membership.objects.filter(hall=hall, role=role).select_related("user").order_by("user__username")
    return [row.user for row in rows]


@transaction.atomic
def duty_demo_load(*, hall: Hall) -> None:
    """Loading it again leaves what it made as it is (and ticks nothing more)."""
    services.duty_pack_load(hall=hall)
    clerks = _members(hall, Role.CLERK)
    managers = _members(hall, Role.DUTY_MANAGER)
    if not clerks:
        return
    pack = services.duty_pack_data(hall) or {}
    _roster(hall, clerks, managers[0] if managers else clerks[0], pack.get("demo_plans", PLANS))
    if managers and not MorningMeeting.objects.filter(hall=hall).exists():
        everyone = [*managers, *clerks, *_members(hall, Role.LOBBY_GUIDE)]
        services.meeting_record(
            hall=hall,
            actor=managers[0],
            data=services.MeetingInput(
                day=hall.local_date(),
                led_by_id=managers[0].pk,
                topics=pack.get("demo_meeting", MEETING_TOPICS),
                notes="王晓燕未到，会后由值班经理单独传达。" if clerks[0].username == "clerk1" else "",
                present_ids=[u.pk for u in everyone if u.pk != clerks[0].pk],
                absent_ids=[clerks[0].pk],
            ),
        )
    steps = [step.code for step in selectors.steps(hall=hall)]
    if steps:
        # Everyone at the counters is ready except the first clerk, who shows the rule.
        for person in [*clerks[1:], *managers]:
            if selectors.preshift_today(hall=hall, staff=person) is None:
                services.preshift_tick(hall=hall, staff=person, steps=steps, actor=person)


def _roster(hall: Hall, clerks: list[Any], planner: Any, plans: list[str]) -> None:
    """This week (Monday to Sunday, the hall's dates): each clerk at their own counter."""
    shifts = {shift.code: shift for shift in Shift.objects.filter(hall=hall)}
    counters = {counter.number: counter for counter in Counter.objects.filter(hall=hall)}
    today = hall.local_date()
    monday = today - dt.timedelta(days=today.weekday())
    for number, clerk in enumerate(clerks, start=1):
        shift = shifts.get(plans[min(number, len(plans)) - 1])
        counter = counters.get(number)
        if shift is None or counter is None:
            continue
        for offset in range(7):
            RosterEntry.objects.get_or_create(
                hall=hall,
                day=monday + dt.timedelta(days=offset),
                shift=shift,
                counter=counter,
                defaults={"member": clerk, "created_by": planner},
            )
