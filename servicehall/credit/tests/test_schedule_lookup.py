"""PAY05 for the customer: the installment schedule by the plan number and the code on the contract.

No login: the customer types the plan number and the schedule code printed on the contract and sees
the plan and its schedule with the personal data masked. A wrong number and a wrong code get the same
answer, the code is never shown back, and guessing is throttled per client address.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import zoneinfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from servicehall.core.masking import mask_name, mask_phone
from servicehall.credit import services
from servicehall.credit.models import CreditApplication
from servicehall.customers.models import IdDocument

from .helpers import approved, signed, submit

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
URL = "/credit/schedule/"
NOT_FOUND = "No plan matches this number and code. Check both and try again."
CODE_RE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$")


def _lookup(client, number, code, **extra):
    return client.post(URL, {"number": number, "code": code}, **extra)


def _no_inline_code(html: str) -> None:
    assert ' style="' not in html
    assert not re.search(r"\son[a-z]+=", html)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag


def _personal(application):
    customer = application.customer
    id_number = IdDocument.objects.filter(customer=customer).values_list("number", flat=True).first()
    return {
        "name": customer.name,
        "phone": customer.phone,
        "id_number": id_number,
        "service": application.service.number,
    }


def _assert_no_personal_data(html: str, application) -> None:
    for label, value in _personal(application).items():
        if value:
            assert value not in html, f"{label} shown in full"


def test_pay05_the_schedule_page_lives_at_credit_schedule():
    assert reverse("credit:schedule_lookup") == URL


def test_pay05_the_empty_form_needs_no_login(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the plan number and the schedule code" in html
    assert 'name="viewport"' in html
    _no_inline_code(html)


def test_pay05_the_right_number_and_code_show_the_plan_and_schedule_masked(client, world):
    with time_machine.travel(dt.datetime(2027, 1, 15, 10, tzinfo=SHANGHAI), tick=False):
        application = signed(world, price="3999.00", down="999.00", months=3)
        services.installment_pay(
            application=application,
            actor=world.clerk,
            method="card",
            amount="1000.00",
            idempotency_key="first",
            early=False,
        )
    application.refresh_from_db()
    assert CODE_RE.match(application.schedule_code)
    # The second installment (due 2027-03-15) is 5 days late on 2027-03-20.
    with time_machine.travel(dt.datetime(2027, 3, 20, 10, tzinfo=SHANGHAI), tick=False):
        response = _lookup(client, application.number, application.schedule_code)
    assert response.status_code == 200
    html = response.content.decode()
    assert application.number in html
    assert "Huawei Mate 70" in html
    assert "¥3000.00" in html  # total
    assert re.search(r'data-testid="schedule-paid">¥1000\.00<', html)
    assert re.search(r'data-testid="schedule-owed"><strong>¥2000\.00<', html)
    assert "2027-02-15" in html and "2027-03-15" in html and "2027-04-15" in html
    assert 'data-testid="installment-2-late">5 days late<' in html
    assert "installment-3-late" not in html
    # Personal data only masked: the name and the mobile number, never the ID number or the phone.
    people = _personal(application)
    assert mask_name(people["name"]) in html
    assert mask_phone(people["service"]) in html
    _assert_no_personal_data(html, application)
    # The code is not shown back on the result page either.
    assert application.schedule_code not in html
    _no_inline_code(html)


def test_pay05_lower_case_and_spaces_in_what_the_customer_types_are_accepted(client, world):
    application = signed(world)
    code = application.schedule_code
    typed = f" {code[:5].lower()} {code[5:].lower()} "
    assert _lookup(client, application.number.lower(), typed).status_code == 200


def test_pay05_a_wrong_code_and_a_wrong_number_get_the_same_answer_and_leak_nothing(client, world):
    application = signed(world)
    other = signed(world)
    wrong_code = _lookup(client, application.number, "ABCDEFGHJK")
    wrong_number = _lookup(client, "CR99999999", application.schedule_code)
    # The other plan's code with this plan's number: both exist, they do not belong together.
    crossed = _lookup(client, application.number, other.schedule_code)
    answers = [wrong_code, wrong_number, crossed]
    assert [a.status_code for a in answers] == [404, 404, 404]
    bodies = [a.content.decode() for a in answers]
    for html in bodies:
        assert NOT_FOUND in html
        assert "Huawei Mate 70" not in html
        assert 'data-testid="credit-schedule"' not in html
        assert application.schedule_code not in html
        assert other.schedule_code not in html
        assert "ABCDEFGHJK" not in html
        _assert_no_personal_data(html, application)
    # Which of the two was wrong is not told: the pages differ only by the number typed back.
    assert bodies[0].count(NOT_FOUND) == 1
    strip = re.compile(r'value="[^"]*"|"X-CSRFToken": "[^"]*"')
    assert strip.sub("", bodies[0]) == strip.sub("", bodies[1])


def test_pay05_empty_or_absurd_input_is_a_plain_404_not_an_error(client, world):
    signed(world)
    for data in ({}, {"number": "", "code": ""}, {"number": "X" * 500, "code": "Y" * 500}, {"number": "'; --"}):
        response = client.post(URL, data)
        assert response.status_code == 404
        assert NOT_FOUND in response.content.decode()


def test_pay05_the_code_typed_is_never_echoed_back(client, world):
    application = signed(world)
    typed = application.schedule_code[:-1] + ("2" if application.schedule_code[-1] != "2" else "3")
    response = _lookup(client, application.number, typed)
    assert response.status_code == 404
    html = response.content.decode()
    assert typed not in html
    assert re.search(r'<input[^>]*name="code"(?![^>]*value=)[^>]*>', html)


def test_pay05_guessing_codes_is_throttled_per_client_address(client, world, settings):
    settings.SCHEDULE_LOOKUP_PER_MINUTE = 3
    application = signed(world)
    answers = [_lookup(client, application.number, f"GUESS{n:05d}").status_code for n in range(3)]
    assert answers == [404, 404, 404]
    blocked = _lookup(client, application.number, application.schedule_code)
    assert blocked.status_code == 429
    html = blocked.content.decode()
    assert "Too many attempts" in html
    assert "Huawei Mate 70" not in html
    # Another address is not held back by this one.
    assert _lookup(client, application.number, application.schedule_code, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_pay05_the_limit_defaults_to_ten_a_minute(client, world, settings):
    if hasattr(settings, "SCHEDULE_LOOKUP_PER_MINUTE"):
        del settings.SCHEDULE_LOOKUP_PER_MINUTE
    application = signed(world)
    answers = [_lookup(client, application.number, "WRONGCODE2").status_code for _ in range(11)]
    assert answers == [404] * 10 + [429]


def test_pay05_the_code_and_the_page_address_are_printed_on_the_contract(client, world):
    application = signed(world)
    client.force_login(world.clerk)
    html = client.get(reverse("credit:contract", kwargs={"application_id": application.pk})).content.decode()
    assert re.search(rf'data-testid="schedule-code">{application.schedule_code}<', html)
    assert f"http://testserver{URL}" in html


def test_pay05_a_plan_not_yet_signed_has_no_code_and_cannot_be_looked_up(client, world):
    submitted = submit(world)
    approved_plan = approved(world)
    assert submitted.schedule_code == "" and approved_plan.schedule_code == ""
    for plan in (submitted, approved_plan):
        assert CreditApplication.objects.get(pk=plan.pk).schedule_code == ""
        response = _lookup(client, plan.number, "")
        assert response.status_code == 404
    client.force_login(world.clerk)
    html = client.get(reverse("credit:contract", kwargs={"application_id": approved_plan.pk})).content.decode()
    assert 'data-testid="schedule-code"' not in html
    assert "The schedule code is given when the contract is signed." in html


def test_pay05_a_cancelled_plan_cannot_be_looked_up(client, world):
    application = signed(world)
    services.application_cancel(application=application, actor=world.clerk, reason="Changed mind")
    response = _lookup(client, application.number, application.schedule_code)
    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


def test_pay05_every_signed_plan_gets_its_own_code(world):
    codes = {signed(world).schedule_code for _ in range(4)}
    assert len(codes) == 4
    assert all(CODE_RE.match(code) for code in codes)


def test_pay05_two_plans_cannot_share_a_code_but_many_may_have_none(world):
    first, second = signed(world), signed(world)
    submit(world), submit(world)
    assert CreditApplication.objects.filter(schedule_code="").count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditApplication.objects.filter(pk=second.pk).update(schedule_code=first.schedule_code)


def test_pay05_the_migration_gives_plans_signed_before_it_a_code(world):
    migration = importlib.import_module("servicehall.credit.migrations.0002_schedule_code")
    running, kept = signed(world), signed(world)
    cancelled_after_signing = signed(world)
    services.application_cancel(application=cancelled_after_signing, actor=world.clerk, reason="Changed mind")
    waiting = submit(world)
    # As they were before the field existed.
    CreditApplication.objects.filter(pk__in=[running.pk, cancelled_after_signing.pk]).update(schedule_code="")
    migration.fill_schedule_codes(django_apps, None)
    after = {a.pk: a.schedule_code for a in CreditApplication.objects.all()}
    assert CODE_RE.match(after[running.pk])
    assert CODE_RE.match(after[cancelled_after_signing.pk])
    assert after[kept.pk] == kept.schedule_code  # a code already given is kept
    assert after[waiting.pk] == ""  # not signed: no code
    assert len({after[running.pk], after[cancelled_after_signing.pk], after[kept.pk]}) == 3
    # Running it again changes nothing.
    migration.fill_schedule_codes(django_apps, None)
    assert {a.pk: a.schedule_code for a in CreditApplication.objects.all()} == after


def test_pay05_the_looked_up_plan_is_as_of_today_in_the_halls_time_zone(client, world):
    with time_machine.travel(dt.datetime(2027, 1, 15, 10, tzinfo=SHANGHAI), tick=False):
        application = signed(world, months=3)
    # 2027-02-15 23:30 in Shanghai is 15:30 UTC: the first installment is due today, not late.
    with time_machine.travel(dt.datetime(2027, 2, 15, 23, 30, tzinfo=SHANGHAI), tick=False):
        html = _lookup(client, application.number, application.schedule_code).content.decode()
    assert "installment-1-late" not in html
    with time_machine.travel(dt.datetime(2027, 2, 16, 0, 30, tzinfo=SHANGHAI), tick=False):
        html = _lookup(client, application.number, application.schedule_code).content.decode()
    assert 'data-testid="installment-1-late">1 day late<' in html
