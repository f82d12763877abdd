"""Personas and builders for tests: staff of hall A, and a clerk of hall B who must see nothing of A."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory
from django.contrib.auth import get_user_model

from servicehall.catalog.models import QueueCategory
from servicehall.org.models import Company, Counter, CounterCategory, Hall, Membership
from servicehall.org.roles import Role

PASSWORD = "pass-for-tests-1"  # noqa: S105 - test accounts only


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Company {n}")


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall
        django_get_or_create = ("code",)

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"hall{n}")
    name = factory.Sequence(lambda n: f"Hall {n}")
    public_kiosk = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QueueCategory

    hall = factory.SubFactory(HallFactory)
    pack = "test"
    code = factory.Sequence(lambda n: "ABCDEFGHJKLMNPRSTUWXYZ"[n % 22])
    prefix = factory.LazyAttribute(lambda o: o.code[0])
    name_zh = factory.LazyAttribute(lambda o: f"类别{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Category {o.code}")


def make_counter(
    hall: Hall, number: int, categories: list[QueueCategory], *, status: str = "open", staff: Any = None
) -> Counter:
    counter = Counter.objects.create(hall=hall, number=number, name=f"Counter {number}", status=status, staff=staff)
    for priority, category in enumerate(categories, start=1):
        CounterCategory.objects.create(counter=counter, category=category, priority=priority)
    return counter


def make_member(hall: Hall, role: str, username: str | None = None) -> Any:
    user = UserFactory(username=username or f"{role}_{hall.code}")
    Membership.objects.get_or_create(user=user, hall=hall, role=role)
    return user


@dataclass
class HallWorld:
    """A small hall: categories A (payments), B (business), V (VIP) and three open counters.

    Counter 1 is worked by `clerk`, counter 2 by `clerk2`; counter 3 is open but
    unattended (only the duty manager may call there).
    """

    hall: Hall
    a: QueueCategory
    b: QueueCategory
    v: QueueCategory
    counter1: Counter
    counter2: Counter
    counter3: Counter
    clerk: Any
    clerk2: Any
    guide: Any
    manager: Any


def build_world(code: str = "ha") -> HallWorld:
    hall: Hall = HallFactory(code=code, name=f"Hall {code}")
    clerk = make_member(hall, Role.CLERK, f"clerk_{code}")
    clerk2 = make_member(hall, Role.CLERK, f"clerk2_{code}")
    # A, B and V are the telecom pack's categories, so tests may load that pack over them.
    a: QueueCategory = CategoryFactory(hall=hall, pack="telecom", code="A", name_zh="缴费充值", name_en="Payments")
    b: QueueCategory = CategoryFactory(
        hall=hall, pack="telecom", code="B", name_zh="业务办理", name_en="Business", typical_handle_minutes=8
    )
    v: QueueCategory = CategoryFactory(hall=hall, pack="telecom", code="V", name_zh="VIP服务", name_en="VIP")
    return HallWorld(
        hall=hall,
        a=a,
        b=b,
        v=v,
        counter1=make_counter(hall, 1, [a, b], staff=clerk),
        counter2=make_counter(hall, 2, [b, a], staff=clerk2),
        counter3=make_counter(hall, 3, [v, b]),
        clerk=clerk,
        clerk2=clerk2,
        guide=make_member(hall, Role.LOBBY_GUIDE, f"guide_{code}"),
        manager=make_member(hall, Role.DUTY_MANAGER, f"manager_{code}"),
    )


def result_or_refusal(work: Any) -> Any:
    """What `work()` answers, or the ApplicationError it raised: threads of a concurrency test report
    their refusals as values, so the test can count who won and why the others lost."""
    from servicehall.core.errors import ApplicationError

    try:
        return work()
    except ApplicationError as exc:
        return exc
