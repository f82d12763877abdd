"""The hall's installation and meter jobs (BT02, BT03, BT10, BT14): list, report, reschedule."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import NotFound, Unprocessable
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.selectors import user_capabilities

from .. import forms, selectors, services
from ..models import JOB_OPEN_STATUSES, InstallationJob
from ._common import (
    C,
    _base_context,
    _hall,
    _run,
)

JOB_FILTERS: dict[str, tuple[str, ...]] = {
    "open": JOB_OPEN_STATUSES,
    "done": (InstallationJob.Status.DONE,),
    "cancelled": (InstallationJob.Status.CANCELLED,),
}


def _jobs_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    shown = request.GET.get("show", "open")
    shown = shown if shown in JOB_FILTERS else "open"
    rows = [selectors.job_view(job) for job in selectors.jobs_for_hall(hall=hall, statuses=JOB_FILTERS[shown])]
    return {
        "hall": hall,
        "rows": rows,
        "shown": shown,
        "filters": [
            ("open", pgettext("jobs filter", "To do")),
            ("done", pgettext("task", "Done")),
            ("cancelled", pgettext("task", "Cancelled")),
        ],
        "can_serve": C.SERVE in user_capabilities(user=request.user, hall=hall),
        "jobs_url": reverse("orders:jobs", kwargs={"hall": hall.code}),
    }


def _render_jobs(
    request: HttpRequest, hall: Hall, *, flash: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    context = _jobs_context(request, hall)
    context["flash"] = flash
    if is_htmx(request):
        return render_in_hall_time(request, "orders/jobs.html#list", context, status=status)
    context.update(_base_context(request, hall, "jobs"))
    return render_in_hall_time(request, "orders/jobs.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def jobs_list(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall's installation and meter jobs: appointments, technicians, results (未完工 until done)."""
    return _render_jobs(request, _hall(request, hall, C.VIEW_HALL))


def _job_for(request: HttpRequest, hall: Hall, job_id: int) -> InstallationJob:
    job = selectors.job_get_for_user(user=request.user, job_id=job_id, capability=C.SERVE)
    if job.hall_id != hall.pk:
        raise NotFound(_("There is no such installation job."))
    return job


def _report_job(request: HttpRequest, job: InstallationJob) -> str:
    form = forms.JobReportForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Report the job done, failed or customer absent."), code="bad_result")
    done = form.cleaned_data["result"] == "done"
    absent = form.cleaned_data["result"] == "absent"
    services.job_report(
        job=job,
        actor=request.user,
        done=done,
        absent=absent,
        note=form.cleaned_data["note"],
        early_reason=form.cleaned_data["early_reason"],
    )
    if absent:
        return _("Job of order %(number)s: the customer was absent; reschedule it.") % {"number": job.order.number}
    if done:
        return _("Job of order %(number)s reported done.") % {"number": job.order.number}
    return _("Job of order %(number)s reported failed; reschedule it.") % {"number": job.order.number}


def _reschedule_job(request: HttpRequest, job: InstallationJob) -> str:
    with timezone.override(job.hall.tz):
        form = forms.JobRescheduleForm(request.POST)
        valid = form.is_valid()
    if not valid:
        raise Unprocessable(_("Give the new appointment's start and end, such as 2026-12-03 09:00."), code="bad_window")
    data = form.cleaned_data
    moved = services.job_reschedule(
        job=job,
        actor=request.user,
        window_start=data["window_start"],
        window_end=data["window_end"],
        technician=data["technician"] or None,
        note=data["note"],
    )
    start = timezone.localtime(moved.window_start, job.hall.tz)
    return _("Job of order %(number)s rescheduled to %(when)s.") % {
        "number": job.order.number,
        "when": f"{start:%Y-%m-%d %H:%M}",
    }


def _job_action(handler: Callable[[HttpRequest, InstallationJob], str]) -> Callable[..., HttpResponse]:
    """The view of one action on a job: the job in the user's hall, the action, the list with the outcome."""

    @login_required
    @handles_application_errors
    @post_or_back_to("orders:jobs", kwargs=("hall",))
    @wraps(handler)
    def view(request: HttpRequest, hall: str, job_id: int) -> HttpResponse:
        hall_obj = _hall(request, hall, C.SERVE)
        job = _job_for(request, hall_obj, job_id)
        flash, status = _run(lambda: handler(request, job))
        return _render_jobs(request, hall_obj, flash=flash, status=status)

    return view


# Report a technician's result, or reschedule a job: one URL and one view each.
job_report = _job_action(_report_job)
job_reschedule = _job_action(_reschedule_job)
