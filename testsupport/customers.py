"""Factories and number makers for tests of any app (customers, orders, billing …).

Numbers made here are valid (check characters computed) but fictitious. The
factories write straight to the database, bypassing the services' rules;
tests of a rule go through `services`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from servicehall.customers.models import Customer, IdDocument, NumberPoolEntry, Service
from servicehall.lib.identity import mod11_2_check_character, uscc_check_character
from servicehall.lib.names import name_initials
from testsupport.world import CompanyFactory, HallFactory

_sequence = itertools.count(1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "桂英"]


def make_resident_id(
    *,
    region: str = "110105",
    birth_date: dt.date = dt.date(1990, 1, 1),
    sequence: int | None = None,
    sex: str | None = None,
) -> str:
    """A valid 18-character resident ID number (GB 11643). A fresh sequence each call unless given.

    `sex` "M" or "F" fixes the parity of the sequence (odd for men).
    """
    seq = (next(_sequence) % 999) + 1 if sequence is None else sequence
    if sex == "M" and seq % 2 == 0:
        seq = seq - 1 if seq > 1 else 1
    elif sex == "F" and seq % 2 == 1:
        seq = seq + 1 if seq < 998 else 998
    first17 = f"{region}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + mod11_2_check_character(first17)


def make_uscc(*, serial: int | None = None, division: str = "310115") -> str:
    """A valid unified social credit code (GB 32100) of a company registered with market regulation."""
    number = next(_sequence) if serial is None else serial
    first17 = f"91{division}{number:09d}"
    return first17 + uscc_check_character(first17)


def make_mobile(n: int | None = None) -> str:
    """A valid mainland mobile number (139 + 8 digits)."""
    return f"139{(next(_sequence) if n is None else n) % 10**8:08d}"


def _birth_date(n: int) -> dt.date:
    return dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    company = factory.SubFactory(CompanyFactory)
    kind = Customer.Kind.INDIVIDUAL
    name = factory.Sequence(lambda n: SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)])
    name_initials = factory.LazyAttribute(lambda o: name_initials(o.name))
    phone = factory.LazyFunction(make_mobile)
    address_region = "上海市浦东新区"
    address_detail = factory.Sequence(lambda n: f"世纪大道{n + 1}号")

    class Params:
        enterprise = factory.Trait(
            kind=Customer.Kind.ENTERPRISE, name=factory.Sequence(lambda n: f"示范科技{n}有限公司")
        )


class IdDocumentFactory(factory.django.DjangoModelFactory):
    """A resident ID by default; `kind=IdDocument.Kind.BUSINESS_LICENCE` makes a valid credit code."""

    class Meta:
        model = IdDocument

    customer = factory.SubFactory(CustomerFactory)
    company = factory.SelfAttribute("customer.company")
    kind = IdDocument.Kind.RESIDENT_ID
    number = factory.LazyAttributeSequence(
        lambda o, n: (
            make_uscc() if o.kind == IdDocument.Kind.BUSINESS_LICENCE else make_resident_id(birth_date=_birth_date(n))
        )
    )
    holder_name = factory.SelfAttribute("customer.name")


def _service_number(kind: str, n: int) -> str:
    if kind == Service.Kind.MOBILE:
        return make_mobile()
    if kind == Service.Kind.FIXED_LINE:
        return f"021{60000000 + n:08d}"
    if kind == Service.Kind.BROADBAND:
        return f"AD{n + 1:010d}"
    return f"GAS{n + 1:08d}"


class ServiceFactory(factory.django.DjangoModelFactory):
    """A mobile number by default; pass `kind=` or use the per-kind factories below."""

    class Meta:
        model = Service

    customer = factory.SubFactory(CustomerFactory)
    company = factory.SelfAttribute("customer.company")
    kind = Service.Kind.MOBILE
    number = factory.LazyAttributeSequence(lambda o, n: _service_number(o.kind, n))
    status = Service.Status.ACTIVE
    balance = Decimal("50.00")
    opened_at = factory.LazyFunction(timezone.now)
    package_code = factory.LazyAttribute(lambda o: "basic-58" if o.kind == Service.Kind.MOBILE else "")
    sim_number = factory.LazyAttributeSequence(
        lambda o, n: f"898600{n + 1:013d}" if o.kind == Service.Kind.MOBILE else ""
    )
    address_region = factory.LazyAttribute(lambda o: "" if o.kind == Service.Kind.MOBILE else "上海市浦东新区")
    address_detail = factory.LazyAttributeSequence(
        lambda o, n: "" if o.kind == Service.Kind.MOBILE else f"张杨路{n + 1}弄{n % 20 + 1}号"
    )
    meter_number = factory.LazyAttributeSequence(lambda o, n: f"M{n + 1:09d}" if o.kind == Service.Kind.GAS else "")
    card_number = factory.LazyAttributeSequence(lambda o, n: f"C{n + 1:011d}" if o.kind == Service.Kind.GAS else "")


class MobileServiceFactory(ServiceFactory):
    kind = Service.Kind.MOBILE


class BroadbandServiceFactory(ServiceFactory):
    kind = Service.Kind.BROADBAND
    balance = Decimal("0.00")
    package_code = factory.LazyAttribute(lambda o: "broadband-300m")


class FixedLineServiceFactory(ServiceFactory):
    kind = Service.Kind.FIXED_LINE
    balance = Decimal("20.00")


class GasServiceFactory(ServiceFactory):
    kind = Service.Kind.GAS
    balance = Decimal("120.00")
    gas_volume = Decimal("35.00")


class NumberPoolEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NumberPoolEntry

    hall = factory.SubFactory(HallFactory)
    number = factory.LazyFunction(make_mobile)


def customer_with_id(*, company, name: str = "张三", **kwargs) -> tuple[Any, Any]:
    """A person with a resident ID card, the usual customer at the counter."""
    customer = CustomerFactory(company=company, name=name, **kwargs)
    return customer, IdDocumentFactory(customer=customer)
