"""The demo hall that `make run` starts with. Running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from servicehall.catalog.models import QueueCategory
from servicehall.catalog.services import pack_load

from .models import Company, Counter, CounterCategory, Hall, Membership
from .roles import Role

DEMO_PASSWORD = "demo12345"  # noqa: S105 - the published demo password, listed in the README
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


@transaction.atomic
def demo_load(*, code: str = "demo") -> Hall:
    company, _ = Company.objects.get_or_create(name="示范通信公司")
    hall, _ = Hall.objects.get_or_create(
        code=code,
        defaults={
            "company": company,
            "name": "示范营业厅",
            "address": "上海市浦东新区世纪大道100号",
            "public_kiosk": True,
        },
    )
    pack_load(hall=hall, code="telecom")
    # The demo takes numbers around the clock, so it can be tried at any hour;
    # a real hall keeps the pack's issuing hours.
    QueueCategory.objects.filter(hall=hall).update(issue_from=None, issue_until=None)
    categories = {c.code: c for c in QueueCategory.objects.filter(hall=hall)}
    for number, (name, codes) in DEMO_COUNTERS.items():
        counter, created = Counter.objects.get_or_create(hall=hall, number=number, defaults={"name": name})
        if created:
            for priority, category_code in enumerate(codes, start=1):
                CounterCategory.objects.create(counter=counter, category=categories[category_code], priority=priority)
    user_model: Any = get_user_model()
    for username, full_name, role, _counter in DEMO_USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username, first_name=full_name, is_staff=(role == Role.HALL_ADMIN))
            user.is_superuser = username == "admin"
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, hall=hall, role=role)
    return hall
