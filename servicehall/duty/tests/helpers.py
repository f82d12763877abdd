"""Small builders for the duty tests (STAFF01, STAFF03)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from servicehall.duty import selectors
from servicehall.duty.models import Shift

HTML = {"HTTP_ACCEPT": "text/html"}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"duty:{name}", kwargs=kwargs)


def api(name: str, **kwargs: Any) -> str:
    return reverse(f"duty_api:{name}", kwargs=kwargs)


def take(client: Client, world: Any, counter: Any) -> Any:
    return client.post(reverse("queueing:workbench_take", kwargs={"hall": world.hall.code}), {"counter": counter.pk})


def all_steps(hall: Any) -> list[str]:
    return [step.code for step in selectors.steps(hall=hall)]


def shift(hall: Any, code: str) -> Shift:
    return Shift.objects.get(hall=hall, code=code)
