"""Q05: calls reach the hall's screens by push, after the commit and only then."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db import transaction

from servicehall.asgi import application
from servicehall.queueing import services


async def _listen(path: str, action, *, expect: int):
    communicator = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://127.0.0.1")])
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    await action()
    messages = []
    for _ in range(expect):
        messages.append(await communicator.receive_json_from(timeout=2))
    nothing_more = await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()
    return hello, messages, nothing_more


def listen(path, action, *, expect):
    from asgiref.sync import sync_to_async

    return async_to_sync(_listen)(path, sync_to_async(action), expect=expect)


@pytest.mark.django_db(transaction=True)
def test_q05_a_call_is_pushed_with_its_words_and_clips(world):
    ticket = services.ticket_issue(hall=world.hall, category=world.a)

    def call():
        services.ticket_call_next(counter=world.counter1, staff=world.clerk)

    hello, messages, nothing_more = listen(f"/ws/halls/{world.hall.code}/", call, expect=2)
    assert hello == {"type": "hello", "hall": world.hall.code}
    call_message = next(m for m in messages if m["type"] == "call")
    assert call_message["number"] == ticket.number == "A001"
    assert call_message["counter"] == 1
    assert call_message["text"] == "请A001号到1号窗口办理"
    assert call_message["clips"] == [
        "qing",
        "letter_A",
        "digit_0",
        "digit_0",
        "digit_1",
        "hao",
        "dao",
        "digit_1",
        "chuangkou_banli",
    ]
    assert "phone" not in call_message
    assert nothing_more


@pytest.mark.django_db(transaction=True)
def test_q05_a_rolled_back_call_is_never_shown(world):
    services.ticket_issue(hall=world.hall, category=world.a)

    def call_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.ticket_call_next(counter=world.counter1, staff=world.clerk)
            raise RuntimeError("the clerk's request failed after the call")

    _, messages, nothing_more = listen(f"/ws/halls/{world.hall.code}/", call_then_fail, expect=0)
    assert messages == [] and nothing_more


@pytest.mark.django_db(transaction=True)
def test_q05_an_unknown_hall_feed_is_refused(world):
    async def connect():
        communicator = WebsocketCommunicator(
            application, "/ws/halls/nowhere/", headers=[(b"origin", b"http://127.0.0.1")]
        )
        connected, code = await communicator.connect()
        return connected, code

    assert async_to_sync(connect)()[0] is False


@pytest.mark.django_db(transaction=True)
def test_q05_a_private_halls_feed_is_refused_to_anonymous_listeners(world):
    world.hall.public_kiosk = False
    world.hall.save()

    async def connect():
        communicator = WebsocketCommunicator(
            application, f"/ws/halls/{world.hall.code}/", headers=[(b"origin", b"http://127.0.0.1")]
        )
        connected, _ = await communicator.connect()
        if connected:
            await communicator.disconnect()
        return connected

    assert async_to_sync(connect)() is False
