"""Installation jobs (BT02, BT03): the job services' rules, the hall's jobs page and the jobs API.

A job is booked by the broadband/fixed-line opening; the technician's result is
reported done (the service works, the order's outstanding work is done) or
failed (the job stays open until rescheduled). Staff of another hall see nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.customers.models import Service
from servicehall.orders import selectors, services
from servicehall.orders.models import InstallationJob, WorkOrder
from servicehall.orders.services import installation_jobs as jobs

from .helpers import at_the_appointment, customer
from .telecom_helpers import (
    MORNING,
    at_processing,
    installation_details,
    load_telecom,
    process,
    refresh,
    reload,
    settle,
    window,
)

D = Decimal
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def telecom(world):
    with time_machine.travel(MORNING, tick=False):
        load_telecom(world)
        yield


def booked(world, person=None, **overrides) -> WorkOrder:
    """A broadband opening processed and settled: its installation job is scheduled."""
    details = installation_details(world, **overrides)
    order = process(at_processing(world, "broadband_open", person=person, details=details), world)
    return settle(order, world)


def job_of(order: WorkOrder) -> InstallationJob:
    return InstallationJob.objects.select_related("hall", "order", "service").get(order=order)


def at(world, text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=world.hall.tz)


# --- the services' rules ------------------------------------------------------------------------------


def test_bt02_a_window_must_lie_ahead_end_after_it_starts_and_have_a_sane_length(world):
    order = booked(world)
    job = job_of(order)
    jobs.job_report(job=job, actor=world.clerk, done=False, note="no access")
    cases = {
        ("2026-11-30T09:00", "2026-11-30T12:00"): "window_start",
        ("2026-12-02T12:00", "2026-12-02T09:00"): "window_end",
        ("2026-12-02T09:00", "2026-12-02T09:10"): "window_end",
        ("2026-12-02T08:00", "2026-12-02T21:00"): "window_end",
        ("2027-06-01T09:00", "2027-06-01T12:00"): "window_start",
    }
    for (start, end), field in cases.items():
        with pytest.raises(Unprocessable) as refused:
            jobs.job_reschedule(job=job, actor=world.clerk, window_start=at(world, start), window_end=at(world, end))
        assert refused.value.extra["field"] == field, (start, end)
    assert job_of(order).status == InstallationJob.Status.FAILED
    # A naive time is the hall's wall time: 09:00 in Shanghai is 01:00 UTC.
    job = jobs.job_reschedule(
        job=job,
        actor=world.clerk,
        window_start=dt.datetime(2026, 12, 3, 9, 0),
        window_end=dt.datetime(2026, 12, 3, 11, 0),
        technician="李师傅",
    )
    assert (job.window_start, job.technician, job.status) == (
        dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC),
        "李师傅",
        "scheduled",
    )


def test_bt02_a_job_is_reported_once_and_a_failure_needs_a_note(world):
    job = job_of(booked(world))
    with pytest.raises(Unprocessable) as refused:
        jobs.job_report(job=job, actor=world.clerk, done=False, note="  ")
    assert refused.value.extra["field"] == "note"
    with at_the_appointment(job):
        jobs.job_report(job=job, actor=world.clerk, done=True)
    for done in (True, False):
        with pytest.raises(Conflict):
            jobs.job_report(job=job, actor=world.clerk, done=done, note="again")
    with pytest.raises(Conflict):
        jobs.job_reschedule(
            job=job,
            actor=world.clerk,
            window_start=at(world, "2026-12-03T09:00"),
            window_end=at(world, "2026-12-03T12:00"),
        )
    assert job_of(job.order).status == InstallationJob.Status.DONE


def test_bt02_staff_without_the_serve_role_or_of_another_hall_cannot_report(world, other_world):
    job = job_of(booked(world))
    for outsider in (world.guide, other_world.clerk):
        with pytest.raises(Forbidden):
            jobs.job_report(job=job, actor=outsider, done=True)
    assert job_of(job.order).status == InstallationJob.Status.SCHEDULED


def test_bt02_outstanding_work_is_not_marked_done_by_hand_while_a_job_is_open(world):
    order = booked(world)
    with pytest.raises(Conflict) as refused:
        services.order_mark_work_done(order=order, actor=world.clerk)
    assert refused.value.code == "job_open"
    assert reload(order).work_pending is True


def test_bt02_a_job_reported_before_the_customer_confirmed_still_finishes_the_work(world):
    order = process(at_processing(world, "broadband_open", details=installation_details(world)), world)
    with at_the_appointment(job_of(order)):
        jobs.job_report(job=job_of(order), actor=world.clerk, done=True)
    order = reload(order)
    assert (order.status, order.work_pending) == ("confirmation", False)
    assert refresh(order.service).status == Service.Status.ACTIVE
    assert order.pk in [o.pk for o in selectors.orders_unfinished(hall=world.hall)]  # still to confirm
    order = settle(order, world)
    assert order.pk not in [o.pk for o in selectors.orders_unfinished(hall=world.hall)]


def test_bt02_a_meter_removal_job_cancels_the_service_when_done(world):
    number = Service.objects.create(
        company=world.hall.company, customer=customer(world), kind="broadband", number="AD1", status="active"
    )
    order = booked(world)
    WorkOrder.objects.filter(pk=order.pk).update(work_pending=True)
    slot = window(world, days=2)
    removal = jobs.job_schedule(
        order=order,
        service=number,
        kind="meter_removal",
        window_start=dt.datetime.fromisoformat(slot["window_start"]),
        window_end=dt.datetime.fromisoformat(slot["window_end"]),
        technician="",
        actor=world.clerk,
    )
    with at_the_appointment(removal):
        jobs.job_report(job=removal, actor=world.clerk, done=True)
    assert refresh(number).status == Service.Status.CANCELLED
    assert reload(order).work_pending is True  # the installation job of the order is still open


# --- the jobs page ---------------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def jobs_url(world) -> str:
    return reverse("orders:jobs", kwargs={"hall": world.hall.code})


def job_url(world, job, action) -> str:
    return reverse(f"orders:job_{action}", kwargs={"hall": world.hall.code, "job_id": job.pk})


def test_bt02_the_jobs_page_lists_the_halls_open_jobs_masked_in_a_few_queries(world, django_assert_max_num_queries):
    person = customer(world, phone="13812345678")
    for _ in range(4):
        booked(world, person=person)
    client = client_for(world.manager)
    with django_assert_max_num_queries(6):
        page = client.get(jobs_url(world))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('data-testid="job-') >= 4
    assert "2026-12-02" in text and "09:00–12:00" in text
    assert "王师傅" in text and "上海市浦东新区" in text
    assert "张杨路" not in text and "13812345678" not in text and "138****5678" in text
    assert 'style="' not in text


def test_bt02_a_clerk_reports_done_on_the_page_and_the_service_works(world):
    order = booked(world)
    job = job_of(order)
    with at_the_appointment(job):
        client = client_for(world.clerk2)  # signed in on the day: a staff session ends after a shift
        response = client.post(job_url(world, job, "report"), {"result": "done", "note": "fibre in"}, headers=HX)
    assert response.status_code == 200
    assert "reported done" in response.content.decode()
    assert refresh(order.service).status == Service.Status.ACTIVE
    assert reload(order).work_pending is False
    assert f'data-testid="job-{job.pk}"' not in response.content.decode()  # no longer open


def test_bt02_a_failure_without_note_is_refused_then_reported_and_rescheduled_on_the_page(world):
    job = job_of(booked(world))
    client = client_for(world.clerk)
    refused = client.post(job_url(world, job, "report"), {"result": "failed"}, headers=HX)
    assert refused.status_code == 422
    assert "Say why the job failed" in refused.content.decode()
    assert (
        client.post(job_url(world, job, "report"), {"result": "failed", "note": "no key"}, headers=HX).status_code
        == 200
    )
    assert job_of(job.order).status == "failed"
    listed = client.get(jobs_url(world)).content.decode()
    assert f'data-testid="job-{job.pk}"' in listed and "no key" in listed
    past = client.post(
        job_url(world, job, "reschedule"), {"window_start": "2026-11-30T09:00", "window_end": "2026-11-30T10:00"}
    )
    assert past.status_code == 422
    moved = client.post(
        job_url(world, job, "reschedule"),
        {"window_start": "2026-12-04T14:00", "window_end": "2026-12-04T17:00", "technician": "赵师傅"},
        headers=HX,
    )
    assert moved.status_code == 200
    assert "rescheduled to 2026-12-04 14:00" in moved.content.decode()
    job = job_of(job.order)
    assert (job.status, job.technician, job.window_start) == ("scheduled", "赵师傅", at(world, "2026-12-04T14:00"))


def test_bt02_staff_of_another_hall_see_no_jobs_page_and_cannot_act(world, other_world):
    job = job_of(booked(world))
    outsider = client_for(other_world.manager)
    assert outsider.get(jobs_url(world)).status_code == 404
    other_hall_url = reverse("orders:job_report", kwargs={"hall": other_world.hall.code, "job_id": job.pk})
    assert outsider.post(other_hall_url, {"result": "done"}).status_code == 404
    assert job_of(job.order).status == "scheduled"


def test_bt02_the_order_page_shows_its_job_with_window_and_status(world):
    order = booked(world)
    text = client_for(world.clerk).get(reverse("orders:detail", kwargs={"order_id": order.pk})).content.decode()
    assert 'data-testid="order-jobs"' in text
    assert "Broadband installation" in text and "Scheduled" in text
    assert "2026-12-02 09:00–12:00" in text
    assert 'data-testid="work-done"' not in text  # the job's report finishes the work, not a button


# --- the jobs API -------------------------------------------------------------------------------------------


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_bt02_the_api_lists_jobs_and_reports_a_result(world, other_world):
    order = booked(world, person=customer(world, phone="13812345678"))
    job = job_of(order)
    client = api_for(world.clerk)
    listed = client.get(f"/api/v1/halls/{world.hall.code}/jobs")
    assert listed.status_code == 200
    row = listed.json()["results"][0]
    assert (row["id"], row["status"], row["kind"], row["address_region"]) == (
        job.pk,
        "scheduled",
        "broadband_install",
        "上海市浦东新区",
    )
    assert row["customer"]["phone"] == "138****5678"
    assert "张杨路" not in listed.content.decode()
    assert client.get(f"/api/v1/halls/{world.hall.code}/jobs?show=nonsense").status_code == 400
    refused = client.post(f"/api/v1/jobs/{job.pk}/report", {"done": False}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "note_required")
    assert (
        api_for(other_world.clerk).post(f"/api/v1/jobs/{job.pk}/report", {"done": True}, format="json").status_code
        == 404
    )
    with at_the_appointment(job):
        done = client.post(f"/api/v1/jobs/{job.pk}/report", {"done": True, "note": "ok"}, format="json")
    assert (done.status_code, done.json()["status"]) == (200, "done")
    again = client.post(f"/api/v1/jobs/{job.pk}/report", {"done": True}, format="json")
    assert again.status_code == 409
    shown = client.get(f"/api/v1/orders/{order.pk}").json()
    assert shown["work_pending"] is False
    assert shown["jobs"][0]["status"] == "done"
    assert client.get(f"/api/v1/halls/{world.hall.code}/jobs?show=done").json()["count"] == 1


def test_bt02_the_api_reschedules_a_failed_job_in_the_halls_time(world):
    job = job_of(booked(world))
    client = api_for(world.clerk)
    client.post(f"/api/v1/jobs/{job.pk}/report", {"done": False, "note": "ill"}, format="json")
    body = {"window_start": "2026-12-05T09:00:00", "window_end": "2026-12-05T11:00:00"}
    moved = client.post(f"/api/v1/jobs/{job.pk}/reschedule", body, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["status"] == "scheduled"
    assert job_of(job.order).window_start == dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.UTC)
    past = client.post(
        f"/api/v1/jobs/{job.pk}/reschedule",
        {"window_start": "2026-11-05T09:00:00+08:00", "window_end": "2026-11-05T11:00:00+08:00"},
        format="json",
    )
    assert (past.status_code, past.json()["field"]) == (422, "window_start")
