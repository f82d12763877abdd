from typing import Any

from django.test import Client

from servicehall.safety import services
from servicehall.safety.models import Key, KeyCopy


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def copy_of(key: Key, number: int) -> KeyCopy:
    return KeyCopy.objects.get(key=key, number=number)


def hand(copy: KeyCopy, giver: Any, receiver: Any) -> KeyCopy:
    """Issue a copy with both signatures."""
    handover = services.key_issue(copy=copy, actor=giver, receiver_id=receiver.pk)
    services.handover_confirm(handover=handover, actor=receiver)
    copy.refresh_from_db()
    return copy
