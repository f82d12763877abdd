"""Demo data of the care app: this morning's ratings at the four counters, one of them 不满意 with its alert
still open on the duty manager's console (CARE01), an opinion book entry waiting for its answer (CARE06) and
two complaints: one being handled, one close to the time it must be acknowledged by (CARE04), and three fault
repairs: one with a technician booked for tomorrow, one past its time and escalated to the duty manager, and one
fixed and confirmed whose call-back is due this morning on the follow-up queue (CARE05, CARE02)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicehall.catalog import selectors as catalog_selectors
from servicehall.customers.models import Service
from servicehall.orders import services as order_services
from servicehall.orders.models import FollowUpTask, RepairTicket
from servicehall.orders.selectors import repairs as repair_selectors
from servicehall.org import selectors as org_selectors
from servicehall.org.models import Counter, Hall
from servicehall.org.roles import Capability
from servicehall.queueing import services as queue

from . import selectors_surveys, services, surveys
from .models import Complaint, ComplaintChannel, OpinionEntry, Rating, Score

# Counter number -> the key its customer pressed.
DEMO_RATINGS: dict[int, str] = {
    1: Score.VERY_SATISFIED,
    2: Score.SATISFIED,
    3: Score.FAIR,
    4: Score.DISSATISFIED,
}


@transaction.atomic
def care_demo_load(*, hall: Hall, clerks: dict[int, Any]) -> None:
    """Loading it again leaves what it made as it is."""
    if not Rating.objects.filter(hall=hall).exists():
        _rated_services(hall, clerks)
        _surveys_answered(hall)
    if not OpinionEntry.objects.filter(hall=hall).exists():
        services.opinion_write(
            hall=hall,
            text="周末人多时能否多开一个窗口？等了快半小时。",
            contact_name="陈先生",
            contact_phone="13912345678",
        )
    if not Complaint.objects.filter(hall=hall).exists():
        _complaints(hall, clerks)
    if not RepairTicket.objects.filter(hall=hall).exists():
        _repairs(hall, clerks)


def _rated_services(hall: Hall, clerks: dict[int, Any]) -> None:
    """Serve one customer at each counter; each presses its key on the pad."""
    for number, score in DEMO_RATINGS.items():
        counter = Counter.objects.get(hall=hall, number=number)
        clerk = clerks[number]
        queue.counter_set_status(counter=counter, status=Counter.Status.OPEN, actor=clerk)
        category = counter.served.order_by("priority").first().category  # type: ignore[union-attr]
        queue.ticket_issue(hall=hall, category=category)
        ticket = queue.ticket_call_next(counter=counter, staff=clerk)
        assert ticket is not None
        queue.ticket_start(ticket=ticket, staff=clerk)
        queue.ticket_finish(ticket=ticket, staff=clerk, outcome="completed")
        queue.counter_release(counter=counter, actor=clerk)
        rating = Rating.objects.get(ticket=ticket)
        services.rating_press(counter=counter, rating_id=rating.pk, score=score)


# How long before its time is up the demo's open complaint is (within the warning hour of the console).
DEMO_COMPLAINT_LEFT = dt.timedelta(minutes=40)


def _complaints(hall: Hall, clerks: dict[int, Any]) -> None:
    categories = {c.code: c for c in catalog_selectors.complaint_categories(hall=hall)}
    if not categories:
        return
    first = next(iter(categories.values()))
    clerk, now = clerks[1], timezone.now()
    handled = services.complaint_record(
        hall=hall,
        actor=clerk,
        category=categories.get("network", first),
        words="家里宽带这周断了三次，每次都要重启光猫，打客服也没解决。",
        summary="宽带一周内多次断线，客服未解决",
        confirmed=True,
        channel=ComplaintChannel.PHONE,
        contact_name="王女士",
        contact_phone="13800138000",
    )
    services.complaint_acknowledge(complaint=handled, actor=_manager(hall) or clerk, note="已联系装维班组上门检测。")
    category = categories.get("attitude", first)
    # Recorded so that it must be acknowledged about 40 minutes from now, when the hall is open now;
    # otherwise recorded now (due in the next opening hours).
    start = now - dt.timedelta(hours=category.acknowledge_hours) + DEMO_COMPLAINT_LEFT
    if services.complaint_due(hall, start, category.acknowledge_hours) <= now:
        start = now
    services.complaint_record(
        hall=hall,
        actor=clerk,
        category=category,
        words="柜台的工作人员办业务时一直在看手机，问她问题也不耐烦。",
        summary="柜员办理业务时看手机、态度不耐烦",
        confirmed=True,
        contact_name="李先生",
        contact_phone="13700137000",
        now=start,
    )
    services.complaints_check(now=now)


def _repairs(hall: Hall, clerks: dict[int, Any]) -> None:
    """A broadband fault with a technician booked for tomorrow morning, another reported a week ago that
    nobody fixed: past its time, escalated to the duty manager on the console, and a third fixed and confirmed
    whose follow-up call is due this morning."""
    kinds = {k.code: k for k in repair_selectors.fault_kinds_for(hall=hall, service_kind="broadband")}
    services_ = list(Service.objects.filter(company_id=hall.company_id, kind="broadband").order_by("id")[:3])
    if "broadband_down" not in kinds or len(services_) < 3:
        return
    clerk, now = clerks[2], timezone.now()
    booked = order_services.repair_open(
        hall=hall,
        actor=clerk,
        service=services_[0],
        fault_kind=kinds["broadband_down"],
        description="光猫红灯，无法上网",
    )
    tomorrow = timezone.localdate(now, timezone=hall.tz) + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(9), tzinfo=hall.tz)
    order_services.repair_dispatch(
        repair=booked, actor=clerk, window_start=start, window_end=start + dt.timedelta(hours=3), technician="李师傅"
    )
    order_services.repair_open(
        hall=hall,
        actor=clerk,
        service=services_[1],
        fault_kind=kinds.get("broadband_slow", kinds["broadband_down"]),
        description="晚上网速很慢，视频一直卡",
        now=now - dt.timedelta(days=7),
    )
    order_services.repairs_check(now=now)
    _repair_to_call_back(hall, clerk, services_[2], kinds["broadband_down"], start)


def _repair_to_call_back(hall: Hall, clerk: Any, service: Service, kind: Any, start: dt.datetime) -> None:
    """Fixed by the technician, confirmed by the customer: the call-back the pack asks for is due this morning
    (dated as if the repair had been confirmed yesterday), so the follow-up queue has a call to make."""
    repair = order_services.repair_open(
        hall=hall, actor=clerk, service=service, fault_kind=kind, description="无线信号时有时无"
    )
    repair = order_services.repair_dispatch(
        repair=repair, actor=clerk, window_start=start, window_end=start + dt.timedelta(hours=3), technician="王师傅"
    )
    repair = order_services.repair_report(
        repair=repair, actor=clerk, result="fixed", note="更换光猫", early_reason="客户来电要求提前上门"
    )
    order_services.repair_confirm(repair=repair, actor=clerk, fixed=True, note="客户确认网络正常")
    task = FollowUpTask.objects.get(order=repair.order)
    today = timezone.localdate(timezone=hall.tz)
    due = min(dt.datetime.combine(today, dt.time(9, 30), tzinfo=hall.tz), timezone.now())
    order_services.followup_task_retry(task=task, actor=clerk, due_at=due)


def _manager(hall: Hall) -> Any:
    managers = org_selectors.hall_staff(hall=hall, capability=Capability.HANDLE_CARE)
    return managers[0][0] if managers else None


# The customers of the demo's first counters answer the survey from their ticket's page (CARE03): scores per
# scale question, and a comment.
DEMO_SURVEY_SCORES = {1: 5, 2: 4, 3: 3}
DEMO_SURVEY_COMMENTS = {1: "办理很快，态度很好。", 3: "等候时间有点长。"}


def _surveys_answered(hall: Hall) -> None:
    template = selectors_surveys.hall_survey(hall=hall)
    if template is None:
        return
    questions = selectors_surveys.survey_questions(template)
    for rating in Rating.objects.filter(hall=hall, ticket__isnull=False).select_related("ticket", "counter"):
        number = rating.counter.number if rating.counter else 0
        if number not in DEMO_SURVEY_SCORES or rating.ticket is None:
            continue
        answers = {
            q.code: str(DEMO_SURVEY_SCORES[number]) if q.kind == "scale" else DEMO_SURVEY_COMMENTS.get(number, "")
            for q in questions
        }
        surveys.survey_answer_from_ticket(ticket=rating.ticket, answers=answers)
