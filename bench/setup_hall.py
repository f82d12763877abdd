"""Create the benchmark hall in an empty, migrated database and print it as JSON.

Run by `bench/queue.py` as `python -m bench.setup_hall --counters N` from the
repository root, with `DATABASE_URL` pointing at the benchmark database. It
creates hall `bench` (public kiosk), category A with no daily cap and no
issuing hours, N closed counters serving A, and N clerks with API tokens. The
last line of output is JSON: hall, category, counters with id, number, clerk
id and token.
"""

from __future__ import annotations

import argparse
import json
import os


def build(counters: int) -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from servicehall.catalog.models import QueueCategory
    from servicehall.org.models import Company, Counter, CounterCategory, Hall, Membership
    from servicehall.org.roles import Role

    user_model = get_user_model()
    with transaction.atomic():
        company = Company.objects.create(name="Bench company")
        hall = Hall.objects.create(company=company, code="bench", name="Bench hall", public_kiosk=True)
        category = QueueCategory.objects.create(
            hall=hall,
            pack="bench",
            code="A",
            prefix="A",
            name_zh="缴费充值",
            name_en="Payments",
            daily_cap=None,
            issue_from=None,
            issue_until=None,
        )
        rows = []
        for number in range(1, counters + 1):
            counter = Counter.objects.create(hall=hall, number=number, name=f"Counter {number}", status="closed")
            CounterCategory.objects.create(counter=counter, category=category, priority=1)
            # An unusable password: the clerks sign in with their token only (and no slow hashing here).
            clerk = user_model(username=f"bench_clerk{number}")
            clerk.set_unusable_password()
            clerk.save()
            Membership.objects.create(user=clerk, hall=hall, role=Role.CLERK)
            token = Token.objects.create(user=clerk)
            rows.append({"id": counter.pk, "number": number, "clerk_id": clerk.pk, "token": token.key})
    return {
        "hall": hall.code,
        "hall_id": hall.pk,
        "category": category.code,
        "category_id": category.pk,
        "counters": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counters", type=int, default=32)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicehall.settings")
    import django

    django.setup()
    print(json.dumps(build(args.counters)))


if __name__ == "__main__":
    main()
