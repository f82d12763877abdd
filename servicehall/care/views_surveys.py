"""Satisfaction surveys (满意度调查, CARE03): the customer's survey page (from the ticket's page, no sign-in,
once, throttled), the service staff's survey form on a follow-up call, and the results with charts and the
Excel export."""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.core.dates import parse_day
from servicehall.core.errors import ApplicationError, NotFound, Unprocessable
from servicehall.core.exports import XLSX_CONTENT_TYPE, write_row
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.services import audit_record
from servicehall.core.throttling import count_per_client
from servicehall.core.views import handles_application_errors
from servicehall.orders import selectors as order_selectors
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, hall_member_get, user_capabilities
from servicehall.queueing import selectors as queue_selectors

from . import selectors_surveys as selectors
from . import surveys

C = Capability


def answers_from(data: QueryDict) -> dict[str, str]:
    """The form's answers: each question's field is named `q-<code>`."""
    return {key[2:]: str(value) for key, value in data.items() if key.startswith("q-")}


def _questions(template, posted: dict[str, str]) -> list[dict[str, object]]:
    return [
        {"question": question, "value": posted.get(question.code, "")}
        for question in selectors.survey_questions(template)
    ]


@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def ticket_survey(request: HttpRequest, ticket: uuid.UUID) -> HttpResponse:
    """The customer's survey about a ticket's visit (link on the ticket's page, no sign-in): answered once,
    within CARE_SURVEY_DAYS; a sent survey goes back to this page, which then thanks the customer."""
    ticket_obj = queue_selectors.ticket_get_public(ticket_id=ticket)
    template = selectors.hall_survey(hall=ticket_obj.hall)
    if template is None:
        raise NotFound(_("This hall has no survey."), code="no_survey")
    posted: dict[str, str] = {}
    error, status = "", 200
    if request.method == "POST":
        count_per_client(
            request,
            scope="care-survey",
            limit=settings.CARE_SURVEY_PER_MINUTE,
            message=_("Too many surveys were sent from here in the last minute. Please wait a moment."),
        )
        posted = answers_from(request.POST)
        try:
            surveys.survey_answer_from_ticket(ticket=ticket_obj, answers=posted)
            return redirect(reverse("care:ticket_survey", kwargs={"ticket": ticket_obj.pk}))
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status_code
    context = {
        "hall": ticket_obj.hall,
        "ticket": ticket_obj,
        "template": template,
        "questions": _questions(template, posted),
        "scale": selectors.scale_choices(),
        "answered": selectors.ticket_answered(ticket_obj),
        "open": surveys.ticket_survey_open(ticket_obj, now=timezone.now()),
        "error": error,
    }
    return render(request, "care/survey_ticket.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def follow_up_survey(request: HttpRequest, hall: str, task: int) -> HttpResponse:
    """The survey on a follow-up call: the service staff read the questions and record the customer's answers."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.HANDLE_CARE)
    found = order_selectors.follow_up_get(hall=hall_obj, task_id=task)
    template = selectors.hall_survey(hall=hall_obj)
    if template is None:
        raise NotFound(_("This hall has no survey."), code="no_survey")
    posted: dict[str, str] = {}
    error, status = "", 200
    if request.method == "POST":
        posted = answers_from(request.POST)
        try:
            surveys.survey_answer_on_follow_up(task=found, actor=request.user, answers=posted)
            messages.success(request, _("Order %(number)s: the survey is recorded.") % {"number": found.order.number})
            return redirect(reverse("care:follow_ups", kwargs={"hall": hall_obj.code}))
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status_code
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall_obj))
    context = {
        "hall": hall_obj,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active="follow_ups"),
        "task": found,
        "order": found.order,
        "template": template,
        "questions": _questions(template, posted),
        "scale": selectors.scale_choices(),
        "answered": selectors.order_answered(found.order),
        "error": error,
    }
    return render_in_hall_time(request, "care/survey_follow_up.html", context, status=status)


def _int_or_none(raw: str, message: str) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Unprocessable(message, code="bad_filter") from None


def survey_filter(params: QueryDict, hall: Hall) -> selectors.SurveyFilter:
    """The results' filter from the page's query: this month so far unless asked for another period."""
    today = timezone.localdate(timezone=hall.tz)
    try:
        first = parse_day(params["from"]) if params.get("from") else today.replace(day=1)
        last = parse_day(params["to"]) if params.get("to") else today
    except ValidationError as exc:
        raise Unprocessable(exc.messages[0], code="bad_date") from exc
    if last < first:
        raise Unprocessable(_("The period ends before it starts."), code="bad_period")
    if (last - first).days > 366:
        raise Unprocessable(_("Choose a period of at most a year."), code="bad_period")
    clerk_id = _int_or_none(params.get("clerk", ""), _("Choose a clerk from the list."))
    if clerk_id is not None and hall_member_get(hall=hall, user_id=clerk_id) is None:
        raise Unprocessable(_("Choose a clerk from the list."), code="bad_filter")
    business_id = _int_or_none(params.get("business", ""), _("Choose a business from the list."))
    if business_id is not None and selectors.business_type_get(hall=hall, business_type_id=business_id) is None:
        raise Unprocessable(_("Choose a business from the list."), code="bad_filter")
    return selectors.SurveyFilter(first=first, last=last, clerk_id=clerk_id, business_type_id=business_id)


@login_required
@handles_application_errors
@never_cache
@require_GET
def results(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall's survey results for a period, a clerk, a business: rate, mean and top-2-box per question (a
    table and ECharts bars), the comments; and the same as an Excel file."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.HANDLE_CARE)
    where = survey_filter(request.GET, hall_obj)
    found = selectors.survey_results(hall=hall_obj, where=where)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall_obj))
    context = {
        "hall": hall_obj,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active="surveys"),
        "where": where,
        "results": found,
        "chart": selectors.chart_data(found),
        "export_query": request.GET.urlencode(),
        **selectors.filter_choices(hall=hall_obj),
    }
    return render_in_hall_time(request, "care/survey_results.html", context)


@login_required
@handles_application_errors
@never_cache
@require_GET
def results_export(request: HttpRequest, hall: str) -> HttpResponse:
    """The results as an Excel file: the figures per question, then the comments (every text cell neutralised)."""
    from openpyxl import Workbook  # noqa: PLC0415  (late: heavy, and only the export needs it)

    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.HANDLE_CARE)
    where = survey_filter(request.GET, hall_obj)
    found = selectors.survey_results(hall=hall_obj, where=where)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Results")[:31]
    write_row(sheet, [_("Hall"), hall_obj.name])
    write_row(sheet, [_("Survey"), found["template"].display_name if found["template"] else ""])
    write_row(sheet, [_("From"), where.first, _("To"), where.last])
    write_row(
        sheet, [_("Asked"), found["asked"], _("Answered"), found["responses"], _("Response rate %"), found["rate"]]
    )
    write_row(sheet)
    write_row(sheet, [_("Question"), _("Answers"), _("Mean (1–5)"), _("Top-2-box %"), "1", "2", "3", "4", "5"])
    for row in found["questions"]:
        write_row(sheet, [row["text"], row["count"], row["mean"], row["top2"], *row["distribution"]])
    comments = book.create_sheet(_("Comments")[:31])
    write_row(comments, [_("Answered at"), _("Business"), _("Channel"), _("Question"), _("Comment")])
    for comment in found["comments"]:
        at = timezone.localtime(comment["at"], hall_obj.tz).replace(tzinfo=None)
        write_row(comments, [at, comment["business"], comment["channel"], comment["question"], comment["text"]])
    buffer = io.BytesIO()
    book.save(buffer)
    audit_record(
        actor=request.user,
        action="care.survey_export",
        obj=hall_obj,
        hall=hall_obj,
        data={"from": where.first.isoformat(), "to": where.last.isoformat()},
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    name = f"surveys-{hall_obj.code}-{where.first.isoformat()}-{where.last.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
