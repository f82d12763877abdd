"""RPT03: the demo hall has four weeks of history, so the planner plans tomorrow from it."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from servicehall.org.models import Hall
from servicehall.queueing.models import Ticket


def test_rpt03_demo_history_feeds_the_planner(db, client):
    call_command("load_demo", verbosity=0)
    hall = Hall.objects.get(code="demo")
    past = Ticket.objects.filter(hall=hall, service_date__lt=hall.local_date()).count()
    assert past > 1000
    call_command("load_demo", verbosity=0)  # again: the history stays as it is
    assert Ticket.objects.filter(hall=hall, service_date__lt=hall.local_date()).count() == past
    client.force_login(get_user_model().objects.get(username="manager1"))
    html = client.get(reverse("reports:staffing", kwargs={"hall": "demo"})).content.decode()
    assert 'data-testid="planner-table"' in html
    needed = [int(n) for n in re.findall(r'data-testid="needed-\d{4}"><strong>(\d+)<', html)]
    assert max(needed) >= 3
