"""CARE06: the opinion book. The customer writes from the QR code and reads the answer by code; staff
transcribe the paper book; every entry is due within a working day and overdue ones are marked."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from servicehall.care import services
from servicehall.care.models import OpinionChannel, OpinionEntry, OpinionMove
from servicehall.care.states import OpinionStatus
from servicehall.core.dates import add_working_days
from servicehall.core.errors import Conflict, Unprocessable

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def book_url(world) -> str:
    return reverse("care:opinions", kwargs={"hall": world.hall.code})


def test_care06_a_customer_writes_gets_a_code_and_reads_the_answer_with_it(world):
    customer = Client()
    write = reverse("care:opinion_write", kwargs={"hall": world.hall.code})
    assert "Opinion book" in customer.get(write).content.decode()
    sent = customer.post(write, {"text": "The queue screen was hard to read.", "contact_phone": "138 1234 5678"})
    entry = OpinionEntry.objects.get()
    assert sent.status_code == 302 and sent["Location"].startswith(f"/care/opinions/{entry.code}/")
    page = customer.get(sent["Location"]).content.decode()
    assert entry.code in page and "Keep this code" in page and "The hall answers by" in page
    assert (entry.channel, entry.contact_phone, entry.status) == (OpinionChannel.QR, "13812345678", "open")

    manager = staff(world.manager)
    book = manager.get(book_url(world)).content.decode()
    assert f'data-testid="opinion-{entry.code}"' in book
    assert "13812345678" not in book and "138****5678" in book  # the phone is masked in the book
    answer = reverse("care:opinion_answer", kwargs={"hall": world.hall.code, "entry": entry.pk})
    manager.post(answer, {"answer": "We made the screen brighter. Thank you!"})
    entry.refresh_from_db()
    assert (entry.status, entry.answered_by) == (OpinionStatus.ANSWERED, world.manager)
    shown = customer.get(reverse("care:opinion_read", kwargs={"code": entry.code.lower()})).content.decode()
    assert "We made the screen brighter. Thank you!" in shown
    assert list(OpinionMove.objects.filter(entry=entry).values_list("to_status", flat=True)) == ["open", "answered"]
    again = manager.post(answer, {"answer": "Once more"}, follow=True)
    assert "This entry has been answered already." in again.content.decode()


def test_care06_bad_entries_are_refused_with_a_message_and_nothing_is_written(world):
    customer = Client()
    write = reverse("care:opinion_write", kwargs={"hall": world.hall.code})
    empty = customer.post(write, {"text": "   "})
    assert empty.status_code == 422 and "Write your opinion or suggestion." in empty.content.decode()
    phone = customer.post(write, {"text": "ok", "contact_phone": "12345"})
    assert phone.status_code == 422 and "Enter a mobile number of 11 digits" in phone.content.decode()
    long = customer.post(write, {"text": "x" * 1001})
    assert long.status_code == 422 and "within 1000 characters" in long.content.decode()
    assert not OpinionEntry.objects.exists()
    assert customer.get(reverse("care:opinion_read", kwargs={"code": "NOPE2345"})).status_code == 404
    assert Client().get(reverse("care:opinion_write", kwargs={"hall": "no-such-hall"})).status_code == 404


def test_care06_writing_is_limited_per_client_address(world, settings):
    settings.CARE_OPINION_PER_MINUTE = 2
    customer = Client()
    write = reverse("care:opinion_write", kwargs={"hall": world.hall.code})
    assert [customer.post(write, {"text": f"note {n}"}).status_code for n in range(3)] == [302, 302, 429]
    assert OpinionEntry.objects.count() == 2


def test_care06_an_entry_is_due_one_working_day_later_and_overdue_ones_are_marked(world, settings):
    settings.CARE_OPINION_ANSWER_DAYS = 1
    friday_evening = dt.datetime(2026, 12, 4, 17, 0, tzinfo=SHANGHAI)
    assert add_working_days(friday_evening, 1, tz=SHANGHAI) == dt.datetime(2026, 12, 7, 17, 0, tzinfo=SHANGHAI)
    saturday = dt.datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI)
    assert add_working_days(saturday, 1, tz=SHANGHAI).date() == dt.date(2026, 12, 8)  # counts from Monday
    with time_machine.travel(friday_evening):
        entry = services.opinion_write(hall=world.hall, text="Please add more seats.")
    assert entry.due_at == dt.datetime(2026, 12, 7, 17, 0, tzinfo=SHANGHAI)
    with time_machine.travel(dt.datetime(2026, 12, 7, 16, 0, tzinfo=SHANGHAI)):
        assert 'data-testid="opinions-overdue"' not in staff(world.manager).get(book_url(world)).content.decode()
    with time_machine.travel(dt.datetime(2026, 12, 7, 18, 0, tzinfo=SHANGHAI)):
        book = staff(world.manager).get(book_url(world)).content.decode()
    assert "1 entry is past its answer time." in book
    assert "is-overdue" in book


def test_care06_staff_transcribe_the_paper_book_and_only_managers_answer(world, other_world):
    guide = staff(world.guide)
    guide.post(
        reverse("care:opinion_transcribe", kwargs={"hall": world.hall.code}), {"text": "纸质意见簿：希望延长营业时间"}
    )
    entry = OpinionEntry.objects.get()
    assert (entry.channel, entry.recorded_by) == (OpinionChannel.STAFF, world.guide)
    book = guide.get(book_url(world)).content.decode()
    assert f'data-testid="opinion-{entry.code}"' in book
    assert 'data-testid="opinion-answer-send"' not in book  # a guide reads, the managers answer
    answer = reverse("care:opinion_answer", kwargs={"hall": world.hall.code, "entry": entry.pk})
    assert guide.post(answer, {"answer": "ok"}).status_code == 403
    assert staff(other_world.manager).post(answer, {"answer": "ok"}).status_code == 404
    assert staff(other_world.manager).get(book_url(world)).status_code == 404
    entry.refresh_from_db()
    assert entry.status == OpinionStatus.OPEN


def test_care06_services_refuse_an_empty_answer_and_a_second_one(world):
    entry = services.opinion_write(hall=world.hall, text="Clean the glasses more often.")
    with pytest.raises(Unprocessable):
        services.opinion_answer(entry=entry, actor=world.manager, answer=" ")
    services.opinion_answer(entry=entry, actor=world.manager, answer="Done, thank you.")
    with pytest.raises(Conflict):
        services.opinion_answer(entry=entry, actor=world.manager, answer="Again")
