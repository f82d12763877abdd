"""The demo hall that `make run` starts with. Running it twice changes nothing."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from servicehall.catalog.models import QueueCategory
from servicehall.catalog.services import pack_load

from .models import Company, Counter, CounterCategory, Hall, Membership
from .roles import Role
from .second_factor import ROLES_ALWAYS, demo_enrol

DEMO_PASSWORD = "demo12345"  # noqa: S105 - the published demo password, listed in the README
# The authenticator key of every demo account that signs in with a second factor (managers, auditor, admin):
# published in docs/second_factor.md, so the demo can be tried with any authenticator app or `oathtool`.
DEMO_TOTP_SECRET = "SERV ICEH ALLD EMOS ECON DFAC TORT OTP2"  # noqa: S105 - the published demo key
DEMO_USERS: list[tuple[str, str, str, str]] = [
    # username, Chinese name, role, counter number (for clerks)
    ("clerk1", "王晓燕", Role.CLERK, "1"),
    ("clerk2", "李明", Role.CLERK, "2"),
    ("clerk3", "张伟", Role.CLERK, "3"),
    ("clerk4", "刘芳", Role.CLERK, "4"),
    ("guide1", "陈静", Role.LOBBY_GUIDE, ""),
    ("manager1", "赵强", Role.DUTY_MANAGER, ""),
    ("service1", "孙丽", Role.SERVICE_MANAGER, ""),
    ("safety1", "周磊", Role.SAFETY_OFFICER, ""),
    ("auditor1", "吴敏", Role.AUDITOR, ""),
    ("admin", "系统管理员", Role.HALL_ADMIN, ""),
]
# Counter number -> (name, categories in calling order)
DEMO_COUNTERS: dict[int, tuple[str, list[str]]] = {
    1: ("缴费窗口", ["A", "B"]),
    2: ("综合业务", ["B", "A"]),
    3: ("宽带固话", ["C", "B"]),
    4: ("VIP窗口", ["V", "B", "C"]),
}

# The gas utility's demo hall: another company, so its staff and customers are apart.
GAS_DEMO_USERS: list[tuple[str, str, str, str]] = [
    ("gclerk1", "何丽", Role.CLERK, "1"),
    ("gclerk2", "郑浩", Role.CLERK, "2"),
    ("gmanager1", "冯军", Role.DUTY_MANAGER, ""),
]
GAS_DEMO_COUNTERS: dict[int, tuple[str, list[str]]] = {
    1: ("购气窗口", ["G", "H"]),
    2: ("综合业务", ["H", "K", "G"]),
    3: ("维修补卡", ["K", "H"]),
}

# The demo hotel's front desk (酒店前台): another company again.
HOTEL_DEMO_USERS: list[tuple[str, str, str, str]] = [
    ("hclerk1", "林小雨", Role.CLERK, "1"),
    ("hclerk2", "高翔", Role.CLERK, "2"),
    ("hmanager1", "许蕾", Role.DUTY_MANAGER, ""),
    ("hkeeper1", "孙洁", Role.HOUSEKEEPING, ""),
]
HOTEL_DEMO_COUNTERS: dict[int, tuple[str, list[str]]] = {
    1: ("前台一", ["R", "S"]),
    2: ("前台二", ["R", "S"]),
}


@transaction.atomic
def demo_load(*, code: str = "demo") -> Hall:
    """The telecom demo hall (示范营业厅) with one account per role."""
    return _hall_load(
        company="示范通信公司",
        code=code,
        name="示范营业厅",
        address="上海市浦东新区世纪大道100号",
        pack="telecom",
        counters=DEMO_COUNTERS,
        users=DEMO_USERS,
    )


@transaction.atomic
def gas_demo_load(*, code: str = "gas") -> Hall:
    """The gas utility's demo hall (示范燃气营业厅): clerks and a duty manager."""
    return _hall_load(
        company="示范燃气公司",
        code=code,
        name="示范燃气营业厅",
        address="上海市黄浦区西藏中路200号",
        pack="gas",
        counters=GAS_DEMO_COUNTERS,
        users=GAS_DEMO_USERS,
    )


@transaction.atomic
def hotel_demo_load(*, code: str = "hotel") -> Hall:
    """The demo hotel (示范酒店): its front desk clerks and a duty manager."""
    return _hall_load(
        company="示范酒店管理公司",
        code=code,
        name="示范酒店",
        address="上海市静安区南京西路300号",
        pack="hotel",
        counters=HOTEL_DEMO_COUNTERS,
        users=HOTEL_DEMO_USERS,
    )


def _hall_load(
    *,
    company: str,
    code: str,
    name: str,
    address: str,
    pack: str,
    counters: dict[int, tuple[str, list[str]]],
    users: list[tuple[str, str, str, str]],
) -> Hall:
    owner, _ = Company.objects.get_or_create(name=company)
    hall, _ = Hall.objects.get_or_create(
        code=code, defaults={"company": owner, "name": name, "address": address, "public_kiosk": True}
    )
    pack_load(hall=hall, code=pack)
    # The demo takes numbers around the clock, so it can be tried at any hour;
    # a real hall keeps the pack's issuing hours.
    QueueCategory.objects.filter(hall=hall).update(issue_from=None, issue_until=None)
    categories = {c.code: c for c in QueueCategory.objects.filter(hall=hall)}
    for number, (counter_name, codes) in counters.items():
        counter, created = Counter.objects.get_or_create(hall=hall, number=number, defaults={"name": counter_name})
        if created:
            for priority, category_code in enumerate(codes, start=1):
                CounterCategory.objects.create(counter=counter, category=categories[category_code], priority=priority)
    user_model: Any = get_user_model()
    for index, (username, full_name, role, _counter) in enumerate(users, start=1):
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username, first_name=full_name, is_staff=(role == Role.HALL_ADMIN))
            user.is_superuser = username == "admin"
            user.password = _demo_password_hash(tuple(settings.PASSWORD_HASHERS))
            user.save()
        # 工号: the hall's code letter and the person's place in the list, shown on the rating pad.
        job_number = f"{hall.code[:1].upper()}{index:03d}"
        Membership.objects.get_or_create(user=user, hall=hall, role=role, defaults={"job_number": job_number})
        if role in ROLES_ALWAYS or user.is_superuser:
            demo_enrol(user=user, secret_base32=DEMO_TOTP_SECRET)
    return hall


@functools.cache
def _demo_password_hash(hashers: tuple[str, ...]) -> str:
    """One hash of the demo password for every demo user: a strong hash takes a third of a second, and the
    demo has a dozen and a half people (keyed by the hashers so a changed setting hashes again)."""
    return make_password(DEMO_PASSWORD)
