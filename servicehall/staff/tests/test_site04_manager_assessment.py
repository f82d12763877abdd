"""SITE04: the duty manager's monthly assessment of the service manager, on the pack's criteria."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from servicehall.core.models import AuditEntry
from servicehall.org.roles import Role
from servicehall.staff import services
from servicehall.staff.models import ManagerAssessment
from testsupport.world import make_member

from .helpers import NOW

SCORES = {"outside_area": 25, "corrections": 20, "guidance": 18, "environment": 12, "discipline": 10}


@pytest.fixture
def service_manager(world):
    services.staff_pack_load(hall=world.hall, pack="telecom")
    return make_member(world.hall, Role.SERVICE_MANAGER, "service_ha")


def _form(manager, month="2026-11", **override):
    data = {"manager": manager.pk, "month": month, "comment": "现场管理到位"}
    data |= {f"score_{k}": v for k, v in SCORES.items()}
    data |= {f"comment_{k}": "好" for k in SCORES}
    data |= override
    return data


@time_machine.travel(NOW, tick=False)
def test_site04_the_duty_manager_assesses_the_service_manager_once_a_month(world, service_manager, client):
    client.force_login(world.manager)
    url = reverse("staff:manager_assessments", kwargs={"hall": "ha"})
    response = client.post(url, _form(service_manager))
    assert response.status_code == 302
    row = ManagerAssessment.objects.get()
    assert row.total == 85 and row.out_of == 100 and row.assessor == world.manager
    assert AuditEntry.objects.filter(action="manager_assessment.record", object_id=str(row.pk)).exists()
    again = client.post(url, _form(service_manager))
    assert again.status_code == 409
    assert "assessed for that month already" in again.content.decode()
    # The service manager sees their own assessment, with every criterion.
    client.force_login(service_manager)
    page = client.get(reverse("staff:manager_assessment", kwargs={"hall": "ha", "manager_assessment": row.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Site management outside the service area" in text and "85 / 100" in text
    listed = client.get(reverse("staff_api:manager_assessments", kwargs={"hall": "ha"})).json()
    assert [r["total"] for r in listed] == [85]


@time_machine.travel(NOW, tick=False)
def test_site04_only_a_duty_manager_and_only_valid_scores(world, service_manager, client):
    url = reverse("staff:manager_assessments", kwargs={"hall": "ha"})
    # The service manager (who may assess clerks) cannot assess a service manager, nor can a clerk.
    client.force_login(service_manager)
    assert client.post(url, _form(service_manager)).status_code == 403
    client.force_login(world.clerk)
    assert client.post(url, _form(service_manager)).status_code == 403
    client.force_login(world.manager)
    over = client.post(url, _form(service_manager, score_discipline=11))
    assert over.status_code == 422 and "between 0 and the criterion&#x27;s maximum (10)" in over.content.decode()
    missing = client.post(url, _form(service_manager, score_guidance=""))
    assert missing.status_code == 422 and "Give a score for every criterion." in missing.content.decode()
    not_a_manager = client.post(url, _form(world.clerk))
    assert (
        not_a_manager.status_code == 422 and "Choose a service manager of this hall." in not_a_manager.content.decode()
    )
    assert client.post(url, _form(service_manager, month="2027-03")).status_code == 422
    assert not ManagerAssessment.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_site04_another_service_manager_and_another_hall_see_nothing(world, other_world, service_manager, client):
    row = services.manager_assessment_record(
        hall=world.hall, actor=world.manager, manager_id=service_manager.pk, month=NOW.date(), scores=SCORES
    )
    other = make_member(world.hall, Role.SERVICE_MANAGER, "service2_ha")
    client.force_login(other)
    url = reverse("staff:manager_assessment", kwargs={"hall": "ha", "manager_assessment": row.pk})
    assert client.get(url).status_code == 404
    assert client.get(reverse("staff_api:manager_assessments", kwargs={"hall": "ha"})).json() == []
    client.force_login(other_world.manager)
    assert client.get(url).status_code == 404
