"""Payments under concurrency: throughput, latency and the idempotency and receipt rules (PAY01, PAY02).

How to run (from the repository root; PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python bench/payments.py [--orders 400] [--threads 8]

In one process against a fresh PostgreSQL database: one hall, `--orders` orders at the payment step,
then `--threads` threads pay them by bank card through `billing.services.payment_take`, every order
twice with the same Idempotency-Key (a double press that reaches two workers). It prints payments per
second, the latency of a call, and checks what must hold: one payment per order, receipt numbers
without gaps or repeats. Figures only, never a test; every payment in the hall goes through one receipt
counter row, which is what this measures against.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from bench.common import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    ROOT,
    VENV_BIN,
    django_env,
    ms,
    percentile,
    require_local,
    reset_database,
)


def main() -> None:
    parser = argparse.ArgumentParser(description="Card payments of many orders by many threads, each sent twice.")
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args()
    require_local(args.database_url, "--database-url")
    print(f"  resetting and migrating {args.database_url} …", flush=True)
    reset_database(args.database_url)
    env = django_env(args.database_url)
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)

    import django

    django.setup()
    from django.db import connection

    from servicehall.billing import services
    from servicehall.billing.models import Payment, Receipt
    from servicehall.billing.tests.helpers import order_at_payment
    from testsupport.world import build_world

    world = build_world("bp")
    print(f"  {args.orders} orders to the payment step …", flush=True)
    orders = [order_at_payment(world) for _ in range(args.orders)]
    connection.close()

    def pay(order) -> float:
        start = time.perf_counter()
        services.payment_take(
            hall=order.hall,
            actor=world.clerk,
            order=order,
            method="card",
            amount="30.00",
            idempotency_key=f"bench-{order.pk}",
            request_hash=services.payment_request_hash(order_id=order.pk, method="card", amount="30.00"),
        )
        elapsed = time.perf_counter() - start
        connection.close()
        return elapsed

    calls = [order for order in orders for _ in range(2)]  # each order twice: the same key, a retry
    random.Random(7).shuffle(calls)
    print(f"  {len(calls)} calls on {args.threads} threads …", flush=True)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        latencies = list(pool.map(pay, calls))
    wall = time.perf_counter() - start

    payments = Payment.objects.filter(hall=world.hall).count()
    numbers = sorted(int(n[1:]) for n in Receipt.objects.filter(hall=world.hall).values_list("number", flat=True))
    gapless = numbers == list(range(1, len(numbers) + 1))
    print(f"calls: {len(calls)} in {wall:.1f} s = {len(calls) / wall:.0f} calls/s ({payments / wall:.0f} payments/s)")
    print(f"latency per call: p50 {ms(percentile(latencies, 50))}  p99 {ms(percentile(latencies, 99))}")
    print(f"payments: {payments} for {len(orders)} orders (expected one each); receipts gapless: {gapless}")


if __name__ == "__main__":
    main()
