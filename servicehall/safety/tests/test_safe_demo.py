"""SAFE02–04 demo data: keys with holders, an extra copy waiting, an incident with a follow-up, one member
overdue; loading twice adds nothing."""

import pytest
from django.core.management import call_command

from servicehall.org.models import Hall
from servicehall.safety import selectors
from servicehall.safety.models import Incident, KeyCopy


@pytest.mark.django_db
def test_safe02_safe03_safe04_demo_data_loads_twice():
    call_command("load_demo")
    counts = (KeyCopy.objects.count(), Incident.objects.count())
    call_command("load_demo")
    assert (KeyCopy.objects.count(), Incident.objects.count()) == counts
    hall = Hall.objects.get(code="demo")
    assert KeyCopy.objects.filter(key__hall=hall, holder__isnull=False).count() == 4
    assert selectors.copy_requests_waiting(hall=hall).count() == 1
    assert selectors.handovers_pending(hall=hall).count() == 1
    incident = selectors.incidents(hall=hall).get()
    assert selectors.incident_entries(incident=incident).count() == 1
    overdue = {row.member.username for row in selectors.overdue(hall=hall)}
    assert overdue == {"clerk4"}
