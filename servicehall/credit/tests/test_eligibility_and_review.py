"""PAY05: who may buy on credit, and the duty manager's review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.credit import selectors, services
from servicehall.credit.models import CreditApplication, CreditStatusChange
from servicehall.credit.states import CreditStatus
from servicehall.customers.models import CreditLevel, IdDocument
from testsupport.customers import BroadbandServiceFactory

from .helpers import eligible_customer, submit

pytestmark = pytest.mark.django_db


def _reasons(world, customer, service):
    return selectors.eligibility_for(hall=world.hall, customer=customer, service=service).codes


def _refused_submit(world, customer, service):
    with pytest.raises(Unprocessable) as exc:
        submit(world, customer_service=(customer, service))
    assert exc.value.code == "not_eligible"
    assert CreditApplication.objects.count() == 0
    return exc.value


def test_pay05_an_eligible_customer_has_no_reasons(world):
    customer, service = eligible_customer(world.hall)
    assert _reasons(world, customer, service) == []


def test_pay05_an_owner_under_18_is_refused_with_that_reason(world):
    today = world.hall.local_date()
    born = dt.date(today.year - 17, 1, 1)
    customer, service = eligible_customer(world.hall, born=born)
    assert _reasons(world, customer, service) == ["under_18"]
    error = _refused_submit(world, customer, service)
    assert error.extra["reasons"][0]["message"] == "The owner must be at least 18 years old."


def test_pay05_an_owner_turning_18_today_is_old_enough(world):
    today = world.hall.local_date()
    born = (
        today.replace(year=today.year - 18)
        if not (today.month == 2 and today.day == 29)
        else dt.date(today.year - 18, 2, 28)
    )
    customer, service = eligible_customer(world.hall, born=born)
    assert "under_18" not in _reasons(world, customer, service)


def test_pay05_arrears_on_any_service_is_named(world):
    customer, service = eligible_customer(world.hall)
    BroadbandServiceFactory(customer=customer, arrears=Decimal("12.50"))
    assert _reasons(world, customer, service) == ["arrears"]
    error = _refused_submit(world, customer, service)
    assert "12.50 yuan in arrears" in str(error.message)


def test_pay05_a_number_open_less_than_six_months_is_short_tenure(world):
    customer, service = eligible_customer(world.hall, opened_days_ago=100)
    assert _reasons(world, customer, service) == ["short_tenure"]
    error = _refused_submit(world, customer, service)
    assert "at least 6 months" in str(error.message)


def test_pay05_tenure_months_are_configurable(world, settings):
    settings.CREDIT_MIN_TENURE_MONTHS = 2
    customer, service = eligible_customer(world.hall, opened_days_ago=100)
    assert _reasons(world, customer, service) == []


def test_pay05_a_credit_level_below_the_minimum_is_refused_with_its_stars_named(world):
    customer, service = eligible_customer(world.hall, level=CreditLevel.TWO)
    result = selectors.eligibility_for(hall=world.hall, customer=customer, service=service)
    assert result.codes == ["low_credit_level"]
    assert result.reasons[0].message == "The customer's credit level is 2 of 5 stars; at least 3 are needed."
    _refused_submit(world, customer, service)
    assert not CreditApplication.objects.filter(customer=customer).exists()


def test_pay05_a_new_customer_has_3_stars_which_is_enough_by_default(world):
    customer, service = eligible_customer(world.hall, level=CreditLevel.THREE)
    customer.refresh_from_db()
    assert customer.credit_level == 3
    assert _reasons(world, customer, service) == []


def test_pay05_the_minimum_credit_level_is_a_setting(world, settings):
    settings.CREDIT_MIN_LEVEL = 5
    customer, service = eligible_customer(world.hall, level=CreditLevel.FOUR)
    assert _reasons(world, customer, service) == ["low_credit_level"]
    settings.CREDIT_MIN_LEVEL = 4
    assert _reasons(world, customer, service) == []


def test_pay05_no_valid_resident_id_on_file_is_named(world):
    customer, service = eligible_customer(world.hall, with_id=False)
    assert _reasons(world, customer, service) == ["no_valid_id"]
    expired, service2 = eligible_customer(world.hall)
    IdDocument.objects.filter(customer=expired).update(valid_until=dt.date(2000, 1, 1))
    assert _reasons(world, expired, service2) == ["no_valid_id"]
    _refused_submit(world, customer, service)


def test_pay05_every_failing_condition_is_named_at_once(world):
    today = world.hall.local_date()
    customer, service = eligible_customer(
        world.hall, born=dt.date(today.year - 16, 1, 1), opened_days_ago=10, arrears="5.00", level=CreditLevel.ONE
    )
    assert _reasons(world, customer, service) == ["under_18", "short_tenure", "arrears", "low_credit_level"]


def test_pay05_an_eligible_application_is_filed_with_history_and_audit(world):
    application = submit(world, price="3999.00", down="999.00", months=12, rate="0.005")
    assert application.status == CreditStatus.SUBMITTED
    assert application.number == f"CR{application.pk:08d}"
    assert application.principal == Decimal("3000.00")
    assert application.fee_total == Decimal("180.00")  # 3000 × 0.5 % × 12
    assert list(CreditStatusChange.objects.values_list("to_status", flat=True)) == ["submitted"]
    assert AuditEntry.objects.filter(action="credit.submitted", object_id=str(application.pk)).exists()


@pytest.mark.parametrize(
    ("price", "down", "months", "code"),
    [
        ("3999", "999", 5, "bad_months"),
        ("3999", "-1", 12, "bad_amount"),
        ("3999", "3999", 12, "down_payment_too_high"),
        ("3999", "4500", 12, "down_payment_too_high"),
        ("0", "0", 12, "bad_amount"),
        ("12.345", "0", 12, "bad_amount"),
        ("abc", "0", 12, "bad_amount"),
    ],
)
def test_pay05_bad_input_is_refused_and_nothing_is_written(world, price, down, months, code):
    with pytest.raises(Unprocessable) as exc:
        submit(world, price=price, down=down, months=months)
    assert exc.value.code == code
    assert CreditApplication.objects.count() == 0
    assert CreditStatusChange.objects.count() == 0


def test_pay05_a_second_live_plan_on_one_number_is_refused(world):
    first = submit(world)
    with pytest.raises(Conflict):
        submit(world, customer_service=(first.customer, first.service))
    assert CreditApplication.objects.count() == 1


def test_pay05_the_clerk_who_filed_cannot_review(world):
    application = submit(world, actor=world.manager)
    with pytest.raises(Forbidden) as exc:
        services.application_review(application=application, actor=world.manager, approve=True)
    assert exc.value.code == "same_person"
    application.refresh_from_db()
    assert application.status == CreditStatus.SUBMITTED


def test_pay05_a_clerk_without_approve_money_cannot_review(world):
    application = submit(world)
    with pytest.raises(Forbidden) as exc:
        services.application_review(application=application, actor=world.clerk2, approve=True)
    assert exc.value.code == "not_reviewer"


def test_pay05_the_duty_manager_approves_or_rejects_with_a_reason(world):
    application = submit(world)
    with pytest.raises(Unprocessable):
        services.application_review(application=application, actor=world.manager, approve=False, note="")
    services.application_review(application=application, actor=world.manager, approve=False, note="income unclear")
    application.refresh_from_db()
    assert application.status == CreditStatus.REJECTED
    assert application.reviewed_by == world.manager
    assert application.review_note == "income unclear"
    with pytest.raises(Conflict):
        services.application_review(application=application, actor=world.manager, approve=True)


def test_pay05_hall_b_manager_cannot_review_hall_a(world, other_world):
    application = submit(world)
    with pytest.raises(Forbidden):
        services.application_review(application=application, actor=other_world.manager, approve=True)
    application.refresh_from_db()
    assert application.status == CreditStatus.SUBMITTED
