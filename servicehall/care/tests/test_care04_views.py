"""CARE04 on the screens and the API: the complaints list (names and phones masked), the form (the summary read
back and agreed, once per form), the complaint's page (every opening logged, the phone shown only to roles that
may see it, logged), the steps of handling, and the duty manager's console; nothing of another hall."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from rest_framework.test import APIClient

from servicehall.care import services
from servicehall.care.models import Complaint, ComplaintCompensation, ComplaintLevel
from servicehall.care.services import ComplaintLinks
from servicehall.care.states import ComplaintStatus
from servicehall.core.models import AuditEntry
from servicehall.customers.models import PersonalDataAccess, Service
from servicehall.orders.tests.helpers import business, create, customer, mobile
from servicehall.org.roles import Role
from testsupport.world import make_member

from .test_care04_complaints import FRIDAY_13, FRIDAY_17, SHANGHAI, categories

pytestmark = pytest.mark.django_db

WORDS = "排队两个小时，窗口还关了一个。"
SUMMARY = "您反映的是等候时间太长、窗口没有全开，是吗？"


@pytest.fixture
def cats(world):
    return categories(world.hall)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(response) -> str:
    return html.unescape(response.content.decode())


def list_url(world) -> str:
    return reverse("care:complaints", kwargs={"hall": world.hall.code})


def new_url(world) -> str:
    return reverse("care:complaint_new", kwargs={"hall": world.hall.code})


def detail_url(complaint: Complaint) -> str:
    return reverse("care:complaint", kwargs={"hall": complaint.hall.code, "complaint": complaint.pk})


def act_url(complaint: Complaint, action: str) -> str:
    return reverse(
        "care:complaint_act", kwargs={"hall": complaint.hall.code, "complaint": complaint.pk, "action": action}
    )


def phone_url(complaint: Complaint) -> str:
    return reverse("care:complaint_phone", kwargs={"hall": complaint.hall.code, "complaint": complaint.pk})


def recorded(world, cats, **kwargs) -> Complaint:
    values = {
        "hall": world.hall,
        "actor": world.clerk,
        "category": cats["attitude"],
        "words": WORDS,
        "summary": SUMMARY,
        "confirmed": True,
    }
    values.update(kwargs)
    return services.complaint_record(**values)


def form_data(cats, **fields) -> dict[str, str]:
    data = {
        "category": str(cats["attitude"].pk),
        "channel": "counter",
        "severity": "normal",
        "words": WORDS,
        "summary": SUMMARY,
        "confirmed": "on",
        "contact_name": "王芳",
        "contact_phone": "13912345678",
        "request_key": "k-1",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


# --- recording through the form ------------------------------------------------------------------------


def test_care04_the_form_records_a_complaint_and_a_double_post_records_it_once(world, cats):
    clerk = signed_in(world.clerk)
    form = page(clerk.get(new_url(world)))
    assert "Record a complaint" in form and "Billing and charges" in form and "Service attitude" in form
    key = re.search(r'name="request_key" value="([0-9a-f]+)"', form).group(1)
    first = clerk.post(new_url(world), form_data(cats, request_key=key))
    second = clerk.post(new_url(world), form_data(cats, request_key=key))
    complaint = Complaint.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == detail_url(complaint)
    assert (complaint.words, complaint.summary, complaint.recorded_by) == (WORDS, SUMMARY, world.clerk)
    assert (complaint.status, complaint.contact_phone) == (ComplaintStatus.OPEN, "13912345678")
    shown = page(clerk.get(first["Location"]))
    assert f"Complaint {complaint.number} is recorded." in shown
    assert WORDS in shown and SUMMARY in shown
    assert "Waiting to be acknowledged" in shown
    assert "13912345678" not in shown and "139****5678" in shown


def test_care04_the_form_sent_again_after_the_back_button_records_it_once(world, cats):
    clerk = signed_in(world.clerk)
    first = clerk.post(new_url(world), form_data(cats, request_key="k-first"))
    # Back: the form is fetched again with a new key, the browser fills in what was typed, and it is sent again.
    again = clerk.post(new_url(world), form_data(cats, request_key="k-after-back"))
    complaint = Complaint.objects.get()
    assert first["Location"] == again["Location"] == detail_url(complaint)
    shown = page(clerk.get(again["Location"]))
    assert f"This complaint was recorded already as {complaint.number}; nothing new was recorded." in shown


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"category": ""}, "Choose what the complaint is about."),
        ({"category": "999999"}, "Choose what the complaint is about."),
        ({"words": "   "}, "Write down what the customer said."),
        ({"summary": ""}, "Write the summary you read back."),
        ({"confirmed": None}, "Read the summary back to the customer and tick that they agreed with it."),
        ({"contact_phone": "abc"}, "Enter a phone number of digits, or leave it empty."),
        ({"severity": "apocalyptic"}, "Choose how serious the complaint is."),
    ],
)
def test_care04_a_bad_form_is_shown_again_with_the_message_and_nothing_is_written(world, cats, fields, message):
    response = signed_in(world.clerk).post(new_url(world), form_data(cats, **fields))
    assert response.status_code == 422
    shown = page(response)
    assert message in shown
    assert 'data-testid="complaint-error"' in shown
    assert not Complaint.objects.exists()


def test_care04_the_form_refuses_a_category_of_another_hall(world, other_world, cats):
    foreign = categories(other_world.hall)["attitude"]
    response = signed_in(world.clerk).post(new_url(world), form_data(cats, category=str(foreign.pk)))
    assert response.status_code == 422
    assert "Choose what the complaint is about." in page(response)
    assert not Complaint.objects.exists()


def test_care04_the_form_opened_from_an_opinion_book_entry_carries_its_words_and_channel(world, cats):
    entry = services.opinion_write(hall=world.hall, text="大厅空调太冷了，没人管。")
    form = page(signed_in(world.manager).get(new_url(world), {"opinion": entry.pk}))
    assert '<option value="opinion_book" selected>' in form
    assert "大厅空调太冷了，没人管。</textarea>" in form
    assert f'<input type="hidden" name="opinion" value="{entry.pk}">' in form
    posted = signed_in(world.manager).post(
        new_url(world), form_data(cats, opinion=str(entry.pk), channel="opinion_book", words=entry.text)
    )
    assert posted.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.opinion, complaint.channel) == (entry, "opinion_book")


def test_care04_the_form_opened_from_an_opinion_does_not_show_the_writers_phone_in_full(world, cats):
    entry = services.opinion_write(hall=world.hall, text="空调太冷", contact_phone="13812345678")
    form = page(signed_in(world.guide).get(new_url(world), {"opinion": entry.pk}))
    assert "空调太冷" in form
    assert "13812345678" not in form


def test_care04_records_of_another_hall_are_not_found_from_the_form(world, other_world, cats):
    foreign_order = create(other_world, business(other_world), person=customer(other_world, phone="13700000001"))
    foreign_entry = services.opinion_write(hall=other_world.hall, text="elsewhere")
    clerk = signed_in(world.clerk)
    assert clerk.get(new_url(world), {"order": foreign_order.pk}).status_code == 404
    assert clerk.get(new_url(world), {"opinion": foreign_entry.pk}).status_code == 404
    assert clerk.get(new_url(world), {"order": "not-a-number"}).status_code == 404
    assert clerk.post(new_url(world), form_data(cats, order=str(foreign_order.pk))).status_code == 404
    assert not Complaint.objects.exists()
    own_order = create(world, business(world), person=customer(world))
    form = page(clerk.get(new_url(world), {"order": own_order.pk}))
    assert own_order.number in form and "张*" in form


# --- hall scoping --------------------------------------------------------------------------------------


def test_care04_staff_of_another_hall_see_and_do_nothing_with_the_halls_complaints(world, other_world, cats):
    complaint = recorded(world, cats, contact_phone="13912345678")
    stranger = signed_in(other_world.manager)
    assert stranger.get(list_url(world)).status_code == 404
    assert stranger.get(new_url(world)).status_code == 404
    assert stranger.get(detail_url(complaint)).status_code == 404
    for action in ("acknowledge", "note", "withdraw", "compensate"):
        assert stranger.post(act_url(complaint, action), {"note": "x", "words": "x"}).status_code == 404
    assert stranger.post(phone_url(complaint)).status_code == 404
    # Through their own hall's address: no such complaint there.
    wrong_hall = reverse("care:complaint", kwargs={"hall": other_world.hall.code, "complaint": complaint.pk})
    assert stranger.get(wrong_hall).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN
    assert not AuditEntry.objects.filter(action__in=["care.complaint_opened", "care.complaint_phone_shown"]).exists()


def test_care04_a_role_that_does_not_meet_customers_has_no_complaints_screen(world, cats):
    auditor = signed_in(make_member(world.hall, Role.AUDITOR, "auditor_ha"))
    assert auditor.get(list_url(world)).status_code == 403
    assert auditor.get(new_url(world)).status_code == 403
    assert not Complaint.objects.exists()


# --- the list and the page -----------------------------------------------------------------------------


def test_care04_the_list_masks_names_and_phones(world, cats):
    walk_in = recorded(world, cats, contact_name="王芳", contact_phone="13912345678")
    known = recorded(world, cats, links=ComplaintLinks(customer=customer(world, "张三", phone="13812345678")))
    shown = page(signed_in(world.manager).get(list_url(world)))
    assert f'data-testid="complaint-{walk_in.number}"' in shown
    assert f'data-testid="complaint-{known.number}"' in shown
    assert "王*" in shown and "139****5678" in shown
    assert "张*" in shown and "138****5678" in shown
    for secret in ("13912345678", "13812345678", "王芳", "张三"):
        assert secret not in shown
    assert "Service attitude" in shown


def test_care04_opening_a_complaint_is_logged_every_time_and_the_page_keeps_the_phone_masked(world, cats):
    complaint = recorded(world, cats, contact_name="王芳", contact_phone="13912345678")
    manager = signed_in(world.manager)
    for _ in range(2):
        shown = page(manager.get(detail_url(complaint)))
        assert WORDS in shown and "13912345678" not in shown and "王芳" not in shown
    opened = AuditEntry.objects.filter(action="care.complaint_opened", object_id=str(complaint.pk))
    assert opened.count() == 2
    assert {entry.actor for entry in opened} == {world.manager}
    assert 'data-testid="complaint-reveal"' in shown
    guide_page = page(signed_in(world.guide).get(detail_url(complaint)))
    assert 'data-testid="complaint-reveal"' not in guide_page  # no right to see personal data in full
    assert 'data-testid="complaint-acknowledge"' not in guide_page  # the managers handle it


def test_care04_showing_the_contact_phone_needs_the_right_and_is_logged(world, cats):
    complaint = recorded(world, cats, contact_phone="13912345678")
    refused = signed_in(world.guide).post(phone_url(complaint))
    assert refused.status_code == 403
    assert "13912345678" not in page(refused)
    assert not AuditEntry.objects.filter(action="care.complaint_phone_shown").exists()
    shown = signed_in(world.manager).post(phone_url(complaint), headers={"HX-Request": "true"})
    assert shown.status_code == 200 and "13912345678" in page(shown)
    logged = AuditEntry.objects.get(action="care.complaint_phone_shown")
    assert (logged.actor, logged.object_id) == (world.manager, str(complaint.pk))
    assert not PersonalDataAccess.objects.exists()


def test_care04_showing_the_customers_own_phone_is_written_to_the_access_log(world, cats):
    person = customer(world, "张三", phone="13812345678")
    complaint = recorded(world, cats, links=ComplaintLinks(customer=person))
    assert signed_in(world.guide).post(phone_url(complaint)).status_code == 403
    assert not PersonalDataAccess.objects.exists()
    shown = signed_in(world.manager).post(phone_url(complaint), headers={"HX-Request": "true"})
    assert shown.status_code == 200 and "13812345678" in page(shown)
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.customer, access.field) == (world.manager, person, "phone")
    assert complaint.number in access.reason


def test_care04_an_unknown_step_or_complaint_is_not_found(world, cats):
    complaint = recorded(world, cats)
    manager = signed_in(world.manager)
    assert manager.post(act_url(complaint, "explode"), {}).status_code == 404
    missing = reverse("care:complaint", kwargs={"hall": world.hall.code, "complaint": complaint.pk + 1000})
    assert manager.get(missing).status_code == 404
    # A GET of a step (a reload, a copied address) leads to the complaint's page and takes no step.
    back = manager.get(act_url(complaint, "acknowledge"))
    assert back.status_code == 302 and back.url == detail_url(complaint)
    assert manager.put(act_url(complaint, "acknowledge")).status_code == 405
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN


# --- handling on the page ------------------------------------------------------------------------------


def test_care04_the_manager_handles_a_complaint_to_closure_on_its_page(world, cats):
    complaint = recorded(world, cats)
    manager = signed_in(world.manager)
    wrong = page(manager.post(act_url(complaint, "resolve"), {"answer": "Sorry."}, follow=True))
    assert "This complaint is Waiting to be acknowledged; it cannot be changed that way." in wrong
    done = page(manager.post(act_url(complaint, "acknowledge"), {"note": ""}, follow=True))
    assert f"Complaint {complaint.number} is acknowledged." in done and "Being handled" in done
    noted = page(manager.post(act_url(complaint, "note"), {"note": "查看了当天排班表"}, follow=True))
    assert f"The note is added to complaint {complaint.number}." in noted and "查看了当天排班表" in noted
    empty = page(manager.post(act_url(complaint, "resolve"), {"answer": ""}, follow=True))
    assert "Write the answer given to the customer." in empty
    answered = page(manager.post(act_url(complaint, "resolve"), {"answer": "已增开窗口并致歉。"}, follow=True))
    assert "Ask the customer whether they are satisfied." in answered and "已增开窗口并致歉。" in answered
    reopened = page(manager.post(act_url(complaint, "satisfaction"), {"satisfaction": "dissatisfied"}, follow=True))
    assert f"Complaint {complaint.number} is reopened and handled again." in reopened
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reopened) == (ComplaintStatus.ACKNOWLEDGED, 1)
    manager.post(act_url(complaint, "resolve"), {"answer": "窗口已全部开放。"})
    closed = page(manager.post(act_url(complaint, "satisfaction"), {"satisfaction": "satisfied"}, follow=True))
    assert f"Complaint {complaint.number} is closed." in closed
    assert 'data-testid="complaint-acknowledge"' not in closed and 'data-testid="complaint-resolve"' not in closed
    complaint.refresh_from_db()
    assert (complaint.status, complaint.satisfaction) == (ComplaintStatus.CLOSED, "satisfied")


def test_care04_a_clerk_acknowledges_on_the_page_only_a_complaint_handed_to_them(world, cats):
    complaint = recorded(world, cats)
    clerk = signed_in(world.clerk)
    assert 'data-testid="complaint-acknowledge"' not in page(clerk.get(detail_url(complaint)))
    refused = page(clerk.post(act_url(complaint, "acknowledge"), {}, follow=True))
    assert "Only the duty or service manager handles complaints." in refused
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN
    handed = page(signed_in(world.manager).post(act_url(complaint, "assign"), {"to": world.clerk.pk}, follow=True))
    assert f"Complaint {complaint.number} is handed on." in handed
    assert 'data-testid="complaint-acknowledge"' in page(clerk.get(detail_url(complaint)))
    clerk.post(act_url(complaint, "acknowledge"), {})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.assigned_to) == (ComplaintStatus.ACKNOWLEDGED, world.clerk)


def test_care04_a_withdrawal_on_the_page_needs_the_customers_words(world, cats):
    complaint = recorded(world, cats)
    manager = signed_in(world.manager)
    refused = page(manager.post(act_url(complaint, "withdraw"), {"words": ""}, follow=True))
    assert "Write down what the customer said when withdrawing the complaint." in refused
    done = page(manager.post(act_url(complaint, "withdraw"), {"words": "不投诉了"}, follow=True))
    assert f"Complaint {complaint.number} is withdrawn at the customer's word." in done and "不投诉了" in done
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.WITHDRAWN
    late = page(manager.post(act_url(complaint, "resolve"), {"answer": "late"}, follow=True))
    assert "This complaint is Withdrawn; it cannot be changed that way." in late


def test_care04_compensation_on_the_page_credits_once_and_refuses_a_bad_amount(world, cats):
    person = customer(world, "张三", phone="13812345678")
    service = mobile(person, "13900007777", balance=Decimal("50.00"))
    complaint = recorded(world, cats, links=ComplaintLinks(customer=person, service=service))
    manager = signed_in(world.manager)
    form = page(manager.get(detail_url(complaint)))
    assert 'data-testid="complaint-compensate"' in form and "139****7777" in form
    assert 'data-testid="complaint-compensate"' not in page(signed_in(world.clerk).get(detail_url(complaint)))
    for amount in ("abc", "-1", "0", "1.234"):
        bad = page(
            manager.post(
                act_url(complaint, "compensate"), {"service": service.pk, "amount": amount, "reason": "x"}, follow=True
            )
        )
        assert "Enter an amount of money above zero, e.g. 20.00." in bad
    too_much = page(
        manager.post(
            act_url(complaint, "compensate"), {"service": service.pk, "amount": "500.01", "reason": "x"}, follow=True
        )
    )
    assert "A complaint's compensation is at most 500.00 yuan." in too_much
    assert Service.objects.get(pk=service.pk).balance == Decimal("50.00")
    done = page(
        manager.post(
            act_url(complaint, "compensate"),
            {"service": service.pk, "amount": "20.00", "reason": "等候过久"},
            follow=True,
        )
    )
    assert f"The compensation of complaint {complaint.number} is credited." in done
    assert "¥20.00" in done
    again = page(
        manager.post(
            act_url(complaint, "compensate"), {"service": service.pk, "amount": "20.00", "reason": "again"}, follow=True
        )
    )
    assert "This complaint has been compensated already." in again
    assert Service.objects.get(pk=service.pk).balance == Decimal("70.00")
    assert ComplaintCompensation.objects.count() == 1
    clerk_try = page(
        signed_in(world.clerk).post(
            act_url(complaint, "compensate"), {"service": service.pk, "amount": "5.00", "reason": "x"}, follow=True
        )
    )
    assert "Only the duty manager grants compensation." in clerk_try
    assert Service.objects.get(pk=service.pk).balance == Decimal("70.00")


# --- the duty manager's console ------------------------------------------------------------------------


def test_care04_the_duty_managers_console_lists_an_overdue_complaint(world, cats):
    complaint = recorded(world, cats, category=cats["billing"], now=FRIDAY_13)  # acknowledge by 17:00
    console = reverse("queueing:manager", kwargs={"hall": world.hall.code})
    marker = f'data-testid="care-complaint-{complaint.number}"'
    with time_machine.travel(dt.datetime(2026, 12, 4, 14, 0, tzinfo=SHANGHAI), tick=False):
        assert marker not in page(signed_in(world.manager).get(console))  # hours left
    with time_machine.travel(FRIDAY_17 + dt.timedelta(minutes=5), tick=False):
        response = signed_in(world.manager).get(console)
        assert response.status_code == 200
        shown = page(response)
    assert marker in shown and "Complaints needing attention" in shown
    assert services.complaints_check(now=FRIDAY_17 + dt.timedelta(minutes=5)) == 1
    complaint.refresh_from_db()
    assert complaint.level == ComplaintLevel.DUTY_MANAGER


def test_care04_a_serious_complaint_is_on_the_console_at_once(world, cats):
    complaint = recorded(world, cats, severity="serious")
    shown = page(signed_in(world.manager).get(reverse("queueing:manager", kwargs={"hall": world.hall.code})))
    assert f'data-testid="care-complaint-{complaint.number}"' in shown
    assert "Escalated to the duty manager" in shown


# --- the API -------------------------------------------------------------------------------------------


def api_url(name: str, **kwargs) -> str:
    try:
        return reverse(f"care_api:{name}", kwargs=kwargs)
    except NoReverseMatch:
        pytest.skip("the complaints API is not there yet")


def api_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def api_body(cats, **fields) -> dict:
    body = {
        "category": cats["attitude"].pk,
        "words": WORDS,
        "summary": SUMMARY,
        "confirmed": True,
        "contact_phone": "13912345678",
        "request_key": "api-1",
    }
    body.update(fields)
    return body


def test_care04_api_records_a_complaint_once_per_request_key(world, cats):
    url = api_url("complaints", hall=world.hall.code)
    first = api_for(world.clerk).post(url, api_body(cats), format="json")
    second = api_for(world.clerk).post(url, api_body(cats), format="json")
    assert first.status_code == 201, first.content
    assert second.status_code in (200, 201)
    assert first.json()["id"] == second.json()["id"]
    assert Complaint.objects.count() == 1
    body = first.json()
    assert (body["status"], body["words"], body["summary"]) == ("open", WORDS, SUMMARY)
    assert body["phone"] == "139****5678" and "13912345678" not in first.content.decode()


def test_care04_api_refuses_an_unconfirmed_summary_and_a_foreign_category(world, other_world, cats):
    url = api_url("complaints", hall=world.hall.code)
    unconfirmed = api_for(world.clerk).post(url, api_body(cats, confirmed=False), format="json")
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["message"] == "Read the summary back to the customer and tick that they agreed with it."
    foreign = categories(other_world.hall)["attitude"]
    wrong = api_for(world.clerk).post(url, api_body(cats, category=foreign.pk, request_key="api-2"), format="json")
    assert wrong.status_code == 422
    bad_phone = api_for(world.clerk).post(url, api_body(cats, contact_phone="abc", request_key="api-3"), format="json")
    assert bad_phone.status_code == 422
    assert not Complaint.objects.exists()


def test_care04_api_lists_and_reads_complaints_of_the_users_hall_only(world, other_world, cats):
    complaint = recorded(world, cats, contact_phone="13912345678")
    url = api_url("complaints", hall=world.hall.code)
    one = api_url("complaint", hall=world.hall.code, complaint=complaint.pk)
    assert APIClient().get(url).status_code == 401
    assert api_for(other_world.manager).get(url).status_code == 404
    assert api_for(other_world.manager).get(one).status_code == 404
    assert api_for(other_world.manager).post(url, api_body(cats), format="json").status_code == 404
    listed = api_for(world.manager).get(url)
    assert listed.status_code == 200
    [row] = listed.json()
    assert (row["number"], row["phone"]) == (complaint.number, "139****5678")
    assert "13912345678" not in listed.content.decode()
    read = api_for(world.manager).get(one)
    assert read.status_code == 200 and read.json()["words"] == WORDS
    assert AuditEntry.objects.filter(action="care.complaint_opened", object_id=str(complaint.pk)).count() == 1


# --- the notes the program wrote, in the reader's language -------------------------------------------------


def _timeline(complaint: Complaint, user, language: str) -> str:
    client = signed_in(user)
    client.cookies["django_language"] = language
    text = page(client.get(detail_url(complaint)))
    return text[text.index('data-testid="complaint-timeline"') :].split("</ol>", 1)[0]


@pytest.mark.parametrize(
    ("written_in", "read_in", "reads", "not_reads"),
    [
        ("en", "zh-hans", ["即将超时", "已升级至值班经理"], ["Time nearly up", "Escalated to"]),
        ("zh-hans", "en", ["Time nearly up", "Escalated to the duty manager"], ["即将超时", "已升级至"]),
    ],
)
def test_care04_the_clocks_entries_read_in_the_readers_language_and_a_typed_note_as_typed(
    world, cats, settings, written_in, read_in, reads, not_reads
):
    """The clock writes its warning and escalation in the language it runs in; the history reads them in the
    reader's language. A note a person typed stays as typed."""
    settings.CARE_COMPLAINT_WARN_HOURS = 1
    complaint = recorded(world, cats, category=cats["billing"], now=FRIDAY_13)  # acknowledged by 17:00
    with translation.override(written_in):
        services.complaints_check(now=FRIDAY_17 - dt.timedelta(minutes=50))
        services.complaints_check(now=FRIDAY_17)
    services.complaint_note(complaint=complaint, actor=world.manager, text="已致电客户 called back")
    timeline = _timeline(complaint, world.manager, read_in)
    assert all(text in timeline for text in reads) and not any(text in timeline for text in not_reads)
    assert "已致电客户 called back" in timeline
