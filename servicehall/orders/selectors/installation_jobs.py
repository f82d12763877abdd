"""Reads of installation and meter jobs (BT02, BT03, BT10, BT14): one job for a user, a hall's or an order's
jobs, and a job as pages and the API show it (masked). Their writes are `orders.services.installation_jobs`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.errors import Forbidden, NotFound
from servicehall.core.stored_notes import note_in_reader_language
from servicehall.org.models import Hall
from servicehall.org.selectors import memberships_for_user, user_can

from ..masked_parts import person_view, service_view
from ..models import JOB_OPEN_STATUSES, InstallationJob, WorkOrder


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
    """The hall's jobs, soonest appointment first; by default the open ones (scheduled, failed or customer absent)."""
    wanted = statuses if statuses is not None else JOB_OPEN_STATUSES
    return list(_job_queryset().filter(hall=hall, status__in=wanted).order_by("window_start", "id")[:limit])


def job_fresh(*, job: InstallationJob) -> InstallationJob:
    """The job as it is now, with what its view shows."""
    return _job_queryset().get(pk=job.pk)


def jobs_of_order(*, order: WorkOrder) -> list[Any]:
    return list(_job_queryset().filter(order=order).order_by("id"))


def job_view(job: InstallationJob) -> dict[str, Any]:
    """A job as pages and the API show it: the customer and number masked, the address by its region only."""
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
        "note": note_in_reader_language(job.note),
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
