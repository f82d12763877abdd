"""The staff app's pages: exams to take and results (STAFF04), assessment cards (STAFF05), the service
manager's monthly assessment (SITE04). Thin: parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.core.errors import Unprocessable
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, hall_member_get, user_capabilities

from . import presentation, selectors, services
from .models import Question

C = Capability
NAV_KEY = "staff"


def _hall(request: HttpRequest, hall: str, capability: str = C.VIEW_HALL) -> Hall:
    return hall_get_for_user(user=request.user, code=hall, capability=capability)


def _base(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    return {
        "hall": hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall.code, active=NAV_KEY),
        "can_assess": C.ASSESS_STAFF in capabilities,
        "is_manager_assessor": selectors.is_manager_assessor(hall=hall, user=request.user),
    }


# --- exams (STAFF04) -------------------------------------------------------------------------------------


@login_required
@handles_application_errors
@never_cache
@require_GET
def exams(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall's exams and the signed-in member's own results."""
    hall_obj = _hall(request, hall)
    passed = selectors.passed_exam_ids(hall=hall_obj, person=request.user)
    requiring = selectors.businesses_requiring(hall=hall_obj)
    rows = [
        {
            "exam": exam,
            "name": presentation.bilingual(exam),
            "course": presentation.bilingual(exam.course),
            "passed": exam.pk in passed,
            "unlocks": [presentation.bilingual(b) for b in requiring.get(exam.pk, [])],
        }
        for exam in selectors.exams(hall=hall_obj)
    ]
    mine = [
        {"attempt": a, "name": presentation.bilingual(a.exam)}
        for a in selectors.results(hall=hall_obj, person=request.user)
    ]
    context = _base(request, hall_obj) | {"rows": rows, "mine": mine}
    return render_in_hall_time(request, "staff/exams.html", context)


@login_required
@handles_application_errors
@post_or_back_to("staff:exams", kwargs=("hall",))
def exam_start(request: HttpRequest, hall: str, exam: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    attempt = services.exam_start(
        hall=hall_obj, actor=request.user, exam=selectors.exam_get(hall=hall_obj, exam_id=exam)
    )
    return redirect("staff:attempt", hall=hall_obj.code, attempt=attempt.pk)


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def attempt(request: HttpRequest, hall: str, attempt: int) -> HttpResponse:
    """Take the exam (the questions drawn when it started), submit once, then read the result."""
    hall_obj = _hall(request, hall)
    row = selectors.attempt_get_for_user(hall=hall_obj, user=request.user, attempt_id=attempt)
    if request.method == "POST":
        answers = {k[2:]: v for k, v in request.POST.items() if k.startswith("q_")}
        row, new = services.exam_submit(attempt=row, actor=request.user, answers=answers)
        if not new:
            messages.info(request, _("This exam was submitted already; its result is kept as it was."))
        return redirect("staff:attempt", hall=hall_obj.code, attempt=row.pk)
    view = presentation.attempt_view(row, Question.objects.in_bulk(row.question_ids))
    return render_in_hall_time(request, "staff/attempt.html", _base(request, hall_obj) | {"attempt": view})


@login_required
@handles_application_errors
@never_cache
@require_GET
def results(request: HttpRequest, hall: str) -> HttpResponse:
    """Every member's exam results, for those who assess staff; one person's with ?person=."""
    hall_obj = _hall(request, hall, C.ASSESS_STAFF)
    person = None
    if request.GET.get("person"):
        try:
            person = hall_member_get(hall=hall_obj, user_id=int(request.GET["person"]))
        except ValueError:
            person = None
        if person is None:
            raise Unprocessable(_("Choose a member of this hall."), code="bad_person")
    rows = [
        {"attempt": a, "name": presentation.bilingual(a.exam), "person": presentation.person_name(a.person)}
        for a in selectors.results(hall=hall_obj, person=person)[:500]
    ]
    context = _base(request, hall_obj) | {"rows": rows, "person": person}
    return render_in_hall_time(request, "staff/results.html", context)


# --- assessment cards (STAFF05) ----------------------------------------------------------------------------


@login_required
@handles_application_errors
@never_cache
@require_GET
def assessment(request: HttpRequest, hall: str) -> HttpResponse:
    """The month's cards of every clerk (managers), the incentive table and the compute form."""
    hall_obj = _hall(request, hall, C.ASSESS_STAFF)
    default = selectors.latest_month(hall=hall_obj) or selectors.month_previous(hall_obj.local_date())
    month = selectors.parse_month(request.GET.get("month"), default=default) or default
    scheme = selectors.scheme_for(hall=hall_obj)
    rows = [presentation.card_row(c, scheme) for c in selectors.cards_of_month(hall=hall_obj, month=month)]
    context = _base(request, hall_obj) | {
        "month": month,
        "rows": rows,
        "incentives": presentation.incentive_table(scheme),
        "has_scheme": scheme is not None,
    }
    return render_in_hall_time(request, "staff/assessment.html", context)


@login_required
@handles_application_errors
@post_or_back_to("staff:assessment", kwargs=("hall",))
def assessment_compute(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.ASSESS_STAFF)
    month = selectors.parse_month(request.POST.get("month"))
    if month is None:
        raise Unprocessable(_("Please enter a month like 2026-11."), code="bad_month", extra={"field": "month"})
    cards = services.assessment_month_compute(
        hall=hall_obj, actor=request.user, month=month, recompute=request.POST.get("recompute") == "1"
    )
    messages.success(request, _("%(count)s assessment cards computed.") % {"count": len(cards)})
    return redirect(f"{_url('staff:assessment', hall_obj)}?month={month:%Y-%m}")


def _url(name: str, hall: Hall, **kwargs: Any) -> str:
    return reverse(name, kwargs={"hall": hall.code, **kwargs})


@login_required
@handles_application_errors
@never_cache
@require_GET
def my_cards(request: HttpRequest, hall: str) -> HttpResponse:
    """The signed-in member's own cards (a clerk sees only these)."""
    hall_obj = _hall(request, hall)
    scheme = selectors.scheme_for(hall=hall_obj)
    rows = [presentation.card_row(c, scheme) for c in selectors.cards_of_person(hall=hall_obj, person=request.user)]
    context = _base(request, hall_obj) | {"rows": rows, "incentives": presentation.incentive_table(scheme)}
    return render_in_hall_time(request, "staff/my_cards.html", context)


@login_required
@handles_application_errors
@never_cache
@require_GET
def card(request: HttpRequest, hall: str, card: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    row = selectors.card_get_for_user(hall=hall_obj, user=request.user, card_id=card)
    view = presentation.card_view(row, selectors.scheme_for(hall=hall_obj))
    context = _base(request, hall_obj) | {"card": view, "own": row.person_id == request.user.pk}
    return render_in_hall_time(request, "staff/card.html", context)


@login_required
@handles_application_errors
@post_or_back_to("staff:card", kwargs=("hall", "card"))
def card_adjust(request: HttpRequest, hall: str, card: int) -> HttpResponse:
    hall_obj = _hall(request, hall, C.ASSESS_STAFF)
    row = selectors.card_get_for_user(hall=hall_obj, user=request.user, card_id=card)
    services.card_adjust(
        card=row, actor=request.user, points=request.POST.get("points", ""), reason=request.POST.get("reason", "")
    )
    messages.success(request, _("The adjustment was recorded."))
    return redirect("staff:card", hall=hall_obj.code, card=row.pk)


# --- the service manager's assessment (SITE04) -----------------------------------------------------------


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def manager_assessments(request: HttpRequest, hall: str) -> HttpResponse:
    """The list (all for the duty manager, their own for a service manager) and the duty manager's form."""
    hall_obj = _hall(request, hall)
    base = _base(request, hall_obj)
    scheme = selectors.scheme_for(hall=hall_obj)
    if request.method == "POST":
        month = selectors.parse_month(request.POST.get("month"))
        if month is None:
            raise Unprocessable(_("Please enter a month like 2026-11."), code="bad_month", extra={"field": "month"})
        try:
            manager_id = int(request.POST.get("manager", ""))
        except ValueError:
            manager_id = None
        codes = [c["code"] for c in (scheme.manager_criteria if scheme else [])]
        row = services.manager_assessment_record(
            hall=hall_obj,
            actor=request.user,
            manager_id=manager_id,
            month=month,
            scores={code: request.POST.get(f"score_{code}") for code in codes},
            comments={code: request.POST.get(f"comment_{code}", "") for code in codes},
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("The assessment was recorded."))
        return redirect("staff:manager_assessment", hall=hall_obj.code, manager_assessment=row.pk)
    rows = [
        presentation.manager_assessment_view(r) for r in selectors.manager_assessments(hall=hall_obj, user=request.user)
    ]
    context = base | {
        "rows": rows,
        "criteria": presentation.criteria(scheme),
        "managers": [
            {"id": u.pk, "name": presentation.person_name(u)} for u in selectors.service_managers(hall=hall_obj)
        ]
        if base["is_manager_assessor"]
        else [],
        "default_month": selectors.month_previous(hall_obj.local_date()),
    }
    return render_in_hall_time(request, "staff/manager_assessments.html", context)


@login_required
@handles_application_errors
@never_cache
@require_GET
def manager_assessment(request: HttpRequest, hall: str, manager_assessment: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    row = selectors.manager_assessment_get_for_user(hall=hall_obj, user=request.user, assessment_id=manager_assessment)
    context = _base(request, hall_obj) | {"row": presentation.manager_assessment_view(row)}
    return render_in_hall_time(request, "staff/manager_assessment.html", context)
