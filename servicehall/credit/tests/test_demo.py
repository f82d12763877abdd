"""PAY05 demo: levels for the demo customers and one running plan; loading twice changes nothing."""

import pytest

from servicehall.credit.demo import credit_demo_load
from servicehall.credit.models import CreditApplication, Installment
from servicehall.credit.states import CreditStatus
from servicehall.customers.demo import customers_demo_load
from servicehall.customers.models import Customer
from servicehall.org.demo import demo_load

pytestmark = pytest.mark.django_db


def test_pay05_the_demo_gives_credit_levels_and_one_active_plan_idempotently():
    hall = demo_load()
    customers_demo_load(hall=hall)
    assert credit_demo_load(hall=hall) == 3
    levels = dict(Customer.objects.values_list("phone", "credit_level"))
    assert (levels["13901001001"], levels["13901001004"], levels["13901001005"]) == (5, 2, 1)
    assert set(levels.values()) >= {1, 2, 3, 5}
    plan = CreditApplication.objects.get()
    assert plan.status == CreditStatus.ACTIVE
    assert Installment.objects.filter(application=plan).count() == 12
    assert credit_demo_load(hall=hall) == 0
    assert dict(Customer.objects.values_list("phone", "credit_level")) == levels
    assert CreditApplication.objects.count() == 1
