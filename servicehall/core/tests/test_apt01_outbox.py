"""The message outbox (APT01): text messages are written first, handed to the SMS backend on commit, and shown
to the hall's managers with the phone masked."""

import pytest
from django.urls import reverse

from servicehall.core.messaging import MessageNotSent, message_send
from servicehall.core.models import OutgoingMessage
from servicehall.org.roles import Role
from testsupport.world import make_member

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


class RefusingGateway:
    def send(self, message):
        raise MessageNotSent("quota used up")


def test_apt01_a_message_is_queued_and_the_outbox_backend_marks_it_sent_on_commit(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(hall=world.hall, phone=PHONE, body="Your code is 123456", purpose="apt_code")
        assert OutgoingMessage.objects.get(pk=message.pk).status == "queued"
    message.refresh_from_db()
    assert message.status == "sent" and message.sent_at is not None


def test_apt01_a_gateway_that_refuses_leaves_the_message_failed_with_the_reason(
    world, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "servicehall.core.tests.test_apt01_outbox.RefusingGateway"
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(hall=world.hall, phone=PHONE, body="Your code is 123456", purpose="apt_code")
    message.refresh_from_db()
    assert (message.status, message.error, message.sent_at) == ("failed", "quota used up", None)


def test_apt01_the_outbox_page_shows_the_text_with_the_phone_masked_to_managers_only(world, other_world, client):
    message_send(hall=world.hall, phone=PHONE, body="验证码 654321", purpose="apt_code")
    message_send(hall=other_world.hall, phone="13700001111", body="验证码 999999", purpose="apt_code")
    url = reverse("outbox", kwargs={"hall": world.hall.code})
    client.force_login(world.manager)
    page = client.get(url).content.decode()
    assert "验证码 654321" in page and "139****5678" in page
    assert PHONE not in page and "999999" not in page
    client.force_login(make_member(world.hall, Role.HALL_ADMIN))
    assert client.get(url).status_code == 200
    client.force_login(world.clerk)
    assert client.get(url).status_code == 403
    client.force_login(other_world.manager)
    assert client.get(url).status_code == 404
