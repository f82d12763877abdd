"""The reports at volume (RPT02): a year of history for 50 halls, the rollups, and the report pages' times.

How to run (from the repository root; PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python bench/reports_volume.py [--halls 50] [--days 365] [--runs 20]
    .venv/bin/python bench/reports_volume.py --halls 3 --days 40 --runs 5     # a quick check

In one process against a fresh PostgreSQL database (`--database-url`, dropped and created again; its name
must contain `bench`): `--halls` halls of 6 categories and 12 counters, each with its clerk, and one manager of
every hall; then `--days` days of tickets up to today written by SQL (`INSERT … SELECT generate_series`, about
550 a hall and day on average: busier halls and weekdays, morning and afternoon peaks, waits longer at the
peaks, service times per category, 88 % served, 4 % no-shows, 8 % left) with their serving and calling
stretches; the tables' secondary indexes and foreign keys are dropped for the load and built again after it.
Then the rollups: `rollup_day` (what the nightly run does) on a sample of hall-days, giving its hall-days/s,
and `rollup_rebuild_bulk` for every hall and day, with a check that both write the same rows. Then, warm,
`--runs` times each: the last full month's and the month in progress' report as the page computes it
(the selectors, the view's context, and the page through Django's test client as a logged-in manager), and
the company dashboard of all the halls. It prints sizes, times (median and p95) and query counts; nothing
is asserted. `--keep` leaves the database for a look afterwards (drop it yourself: the disk is shared).
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from bench.common import ROOT, VENV_BIN, django_env, percentile, require_local, reset_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench16_reports"
CATEGORIES = [  # code, name, share of the tickets, mean service in minutes
    ("A", "缴费充值", 0.34, 4),
    ("B", "业务办理", 0.24, 9),
    ("C", "宽带装机", 0.14, 12),
    ("D", "终端售后", 0.12, 7),
    ("E", "政企业务", 0.08, 16),
    ("V", "贵宾服务", 0.08, 10),
]
COUNTERS = 12
# Share of the day's tickets issued in each hour (08:30–18:00).
HOURS = {8: 0.04, 9: 0.12, 10: 0.15, 11: 0.13, 12: 0.08, 13: 0.07, 14: 0.11, 15: 0.12, 16: 0.11, 17: 0.07}
MEAN_PER_HALL_DAY = 550
WEEKEND = 0.6
TABLES = ("queueing_ticket", "queueing_ticketinterval")


# --- the halls ---------------------------------------------------------------------------------------


def build_halls(halls: int) -> dict[str, Any]:
    """The halls, their categories, counters (counter k serves two categories) and clerks, and one manager
    of every hall; plain ORM, a few thousand rows."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from servicehall.catalog.models import QueueCategory
    from servicehall.org.models import Company, Counter, CounterCategory, Hall, Membership
    from servicehall.org.roles import Role

    user_model = get_user_model()
    with transaction.atomic():
        company = Company.objects.create(name="Bench company")
        manager = user_model(username="bench_manager", email="manager@bench.invalid")
        manager.set_unusable_password()
        manager.save()
        for h in range(1, halls + 1):
            hall = Hall.objects.create(company=company, code=f"h{h:03d}", name=f"营业厅 {h:03d}")
            Membership.objects.create(user=manager, hall=hall, role=Role.DUTY_MANAGER)
            categories = [
                QueueCategory.objects.create(
                    hall=hall,
                    pack="bench",
                    code=code,
                    prefix=code,
                    name_zh=name,
                    name_en=code,
                    sort_order=index,
                    typical_handle_minutes=minutes,
                    daily_cap=None,
                    issue_from=None,
                    issue_until=None,
                )
                for index, (code, name, _share, minutes) in enumerate(CATEGORIES)
            ]
            clerks = []
            for k in range(COUNTERS):
                counter = Counter.objects.create(hall=hall, number=k + 1, name=f"{k + 1}号窗口", status="open")
                for c in {k % len(CATEGORIES), (k + 1) % len(CATEGORIES)}:
                    CounterCategory.objects.create(counter=counter, category=categories[c], priority=1)
                clerk = user_model(username=f"bench_{hall.code}_clerk{k + 1:02d}", first_name=f"柜员{k + 1}")
                clerk.set_unusable_password()
                clerk.save()
                Membership.objects.create(user=clerk, hall=hall, role=Role.CLERK)
                clerks.append((counter.pk, clerk.pk))
    return {"manager": manager}


# --- the history, by SQL ---------------------------------------------------------------------------


def _detach(cur: Any, table: str) -> list[str]:
    """Drop the table's foreign keys, unique constraints and secondary indexes; the statements that put them
    back (indexes first, then constraints)."""
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u', 'p')",
        [table],
    )
    constraints = cur.fetchall()
    constraint_names = {name for name, _d, _t in constraints}
    cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
    indexes = [(name, definition) for name, definition in cur.fetchall() if name not in constraint_names]
    restore = [definition for _name, definition in indexes]
    for name, definition, kind in constraints:
        if kind == "p":
            continue
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    return restore


# Waits: exponential, longer in the busy hours; services: a shifted exponential around the category's mean;
# counter: one of the four that serve the category (counter k serves categories k mod 6 and k + 1 mod 6).
GENERATE = """
CREATE UNLOGGED TABLE bench_t AS
WITH hd AS (
    SELECT h.id AS hall_id, d::date AS day,
           greatest(1, round(%(base)s * (0.5 + (h.rn - 1)::float / greatest(%(halls)s - 1, 1))
                 * CASE WHEN extract(isodow FROM d) >= 6 THEN %(weekend)s ELSE 1 END
                 * (0.85 + 0.3 * random())))::int AS n
    FROM (SELECT id, row_number() OVER (ORDER BY code) AS rn FROM org_hall) h,
         generate_series(%(first)s::date, %(last)s::date, interval '1 day') d
), t AS (
    SELECT hd.hall_id, hd.day, g AS seq, random() AS r_hour, random() AS r_minute, random() AS r_cat,
           random() AS r_status, random() AS r_wait, random() AS r_service, random() AS r_counter,
           random() AS r_clerk
    FROM hd, generate_series(1, hd.n) g
), h AS (
    SELECT t.*, {hour_case} AS hour, {category_case} AS cat FROM t
)
SELECT gen_random_uuid() AS id, h.hall_id, h.day, h.seq, c.category_id, c.prefix || h.seq::text AS number,
       ((h.day + make_interval(hours => h.hour,
            mins => CASE WHEN h.hour = 8 THEN 30 + (h.r_minute * 30)::int ELSE (h.r_minute * 59)::int END,
            secs => (h.r_minute * 997)::int %% 60)) AT TIME ZONE 'Asia/Shanghai') AS issued_at,
       CASE WHEN h.r_status < 0.08 THEN 'abandoned' WHEN h.r_status < 0.12 THEN 'no_show' ELSE 'done' END
           AS status,
       least(-ln(1 - h.r_wait) * (120 + 4000 * bh.share), 4 * 3600)::int AS wait,
       greatest(30, (c.minutes * 30 + -ln(1 - h.r_service) * c.minutes * 30))::int AS service,
       (c.idx - floor(h.r_counter * 4)::int %% 2 + 6 * (floor(h.r_counter * 4)::int / 2) + %(counters)s)
           %% %(counters)s AS counter_idx,
       h.r_clerk < 0.05 AS relief
FROM h JOIN bench_category c ON c.idx = h.cat AND c.hall_id = h.hall_id JOIN bench_hour bh ON bh.hour = h.hour
"""


def _case(column: str, shares: dict[int, float]) -> str:
    """A CASE that draws a key with the given shares from a uniform random `column`."""
    total, running, arms = sum(shares.values()), 0.0, []
    for key, share in list(shares.items())[:-1]:
        running += share / total
        arms.append(f"WHEN {column} < {running:.6f} THEN {int(key)}")
    return f"CASE {' '.join(arms)} ELSE {int(list(shares)[-1])} END"


def generate_history(days: int) -> dict[str, Any]:
    """Tickets and their stretches for every hall and day, up to today (Asia/Shanghai); what it took."""
    from django.db import connection
    from django.utils import timezone

    from servicehall.catalog.models import QueueCategory
    from servicehall.org.models import Counter, Hall, Membership

    today = dt.datetime.now(tz=ZoneInfo("Asia/Shanghai")).date()
    first = today - dt.timedelta(days=days - 1)
    now = timezone.now()
    timings: dict[str, Any] = {}
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_hour (hour int, share float, upto float)")
        running = 0.0
        for hour, share in HOURS.items():
            running += share
            cur.execute("INSERT INTO bench_hour VALUES (%s, %s, %s)", [hour, share, running / sum(HOURS.values())])
        cur.execute("UPDATE bench_hour SET upto = 2 WHERE hour = %s", [max(HOURS)])
        cur.execute(
            "CREATE TEMP TABLE bench_category (hall_id int, idx int, category_id int, prefix text, "
            "minutes int, upto float)"
        )
        cur.execute("CREATE TEMP TABLE bench_counter (hall_id int, idx int, counter_id int, clerk_id int)")
        clerk_of = {
            (m.hall_id, m.user.username): m.user_id
            for m in Membership.objects.filter(user__username__contains="_clerk").select_related("user")
        }
        total_share = sum(share for _c, _n, share, _m in CATEGORIES)
        for hall in Hall.objects.order_by("code"):
            running = 0.0
            by_code = {c.code: c for c in QueueCategory.objects.filter(hall=hall)}
            for index, (code, _name, share, minutes) in enumerate(CATEGORIES):
                running += share / total_share
                upto = 2.0 if index == len(CATEGORIES) - 1 else running
                cur.execute(
                    "INSERT INTO bench_category VALUES (%s, %s, %s, %s, %s, %s)",
                    [hall.pk, index, by_code[code].pk, code, minutes, upto],
                )
            for counter in Counter.objects.filter(hall=hall).order_by("number"):
                clerk = clerk_of[(hall.pk, f"bench_{hall.code}_clerk{counter.number:02d}")]
                cur.execute(
                    "INSERT INTO bench_counter VALUES (%s, %s, %s, %s)",
                    [hall.pk, counter.number - 1, counter.pk, clerk],
                )
        restore = {table: _detach(cur, table) for table in TABLES}
        started = time.perf_counter()
        cur.execute(
            GENERATE.replace("{hour_case}", _case("t.r_hour", HOURS)).replace(
                "{category_case}", _case("t.r_cat", {i: c[2] for i, c in enumerate(CATEGORIES)})
            ),
            {
                "base": MEAN_PER_HALL_DAY / ((5 + 2 * WEEKEND) / 7),
                "halls": Hall.objects.count(),
                "weekend": WEEKEND,
                "first": first,
                "last": today,
                "counters": COUNTERS,
            },
        )
        timings["draw"] = time.perf_counter() - started
        started = time.perf_counter()
        # Today: what has not been called by now still waits (no counter, no stretches); nothing later.
        cur.execute("DELETE FROM bench_t WHERE issued_at > %s", [now])
        cur.execute(
            """
            INSERT INTO queueing_ticket (id, hall_id, category_id, service_date, sequence, number, channel, kind,
                status, rank, issued_at, queued_at, counter_id, target_counter_id, staff_id, phone, call_count,
                script_step, outcome, closed_at)
            SELECT t.id, t.hall_id, t.category_id, t.day, t.seq, t.number, 'kiosk', 'normal',
                   CASE WHEN w.waiting THEN 'waiting' ELSE t.status END,
                   extract(epoch FROM t.issued_at)::bigint, t.issued_at, t.issued_at,
                   CASE WHEN w.waiting OR t.status = 'abandoned' THEN NULL ELSE k.counter_id END, NULL,
                   CASE WHEN w.waiting OR t.status = 'abandoned' THEN NULL
                        WHEN t.relief THEN r.clerk_id ELSE k.clerk_id END,
                   '', CASE WHEN w.waiting OR t.status = 'abandoned' THEN 0 ELSE 1 END, 1,
                   CASE WHEN t.status = 'done' AND NOT w.waiting THEN 'completed' ELSE '' END,
                   CASE WHEN w.waiting THEN NULL
                        WHEN t.status = 'done' THEN t.issued_at + make_interval(secs => t.wait + t.service)
                        ELSE t.issued_at + make_interval(secs => t.wait + 60) END
            FROM bench_t t
            JOIN bench_counter k ON k.hall_id = t.hall_id AND k.idx = t.counter_idx
            JOIN bench_counter r ON r.hall_id = t.hall_id AND r.idx = (t.counter_idx + 3) %% %s
            CROSS JOIN LATERAL (SELECT t.issued_at + make_interval(secs => t.wait) > %s AS waiting) w
            """,
            [COUNTERS, now],
        )
        timings["tickets"] = time.perf_counter() - started
        started = time.perf_counter()
        cur.execute(
            """
            INSERT INTO queueing_ticketinterval (ticket_id, status, counter_id, actor_id, started_at, ended_at, note)
            SELECT t.id, CASE WHEN t.status = 'done' THEN 'serving' ELSE 'called' END, q.counter_id, q.staff_id,
                   t.issued_at + make_interval(secs => t.wait),
                   t.issued_at + make_interval(secs => t.wait + CASE WHEN t.status = 'done' THEN t.service
                                                                 ELSE 60 END), ''
            FROM bench_t t JOIN queueing_ticket q ON q.id = t.id
            WHERE q.status IN ('done', 'no_show')
            """
        )
        timings["stretches"] = time.perf_counter() - started
        cur.execute("DROP TABLE bench_t")
        started = time.perf_counter()
        for table in TABLES:
            for statement in restore[table]:
                cur.execute(statement)
        timings["indexes"] = time.perf_counter() - started
        started = time.perf_counter()
        for table in TABLES:
            cur.execute(f"VACUUM ANALYZE {table}")
        timings["analyze"] = time.perf_counter() - started
    timings["first_day"] = first
    timings["today"] = today
    return timings


# --- figures ---------------------------------------------------------------------------------------


def table_sizes() -> list[tuple[str, int, float]]:
    from django.db import connection

    names = [*TABLES, "reports_ticketdayrollup", "reports_dayfigurerollup", "reports_rolluprun"]
    rows = []
    with connection.cursor() as cur:
        for name in names:
            cur.execute(f"SELECT count(*), pg_total_relation_size('{name}') FROM {name}")
            count, size = cur.fetchone()
            rows.append((name, count, size / 2**20))
    return rows


def timed(work: Callable[[], Any], runs: int) -> tuple[list[float], int]:
    """Wall times in ms of `runs` warm runs (one untimed run first) and the queries of one run."""
    from django.db import connection

    count = [0]

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times, count[0]


def line(label: str, times: list[float], queries: int, target: float | None = None) -> None:
    median = statistics.median(times)
    p95 = percentile(times, 95) or 0.0
    verdict = "" if target is None else ("  met" if p95 <= target else "  MISSED")
    goal = "" if target is None else f"  target ≤ {target:.0f} ms"
    print(f"  {label:<52} median {median:8.1f} ms  p95 {p95:8.1f} ms  queries {queries:4d}{goal}{verdict}")


def rollup_rows(hall: Any, day: dt.date) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    from servicehall.reports.models import DayFigureRollup, TicketDayRollup

    fields = [f.attname for f in TicketDayRollup._meta.concrete_fields if f.attname != "id"]
    tickets = sorted(
        tuple(str(v) for v in row) for row in TicketDayRollup.objects.filter(hall=hall, day=day).values_list(*fields)
    )
    figure_fields = [f.attname for f in DayFigureRollup._meta.concrete_fields if f.attname != "id"]
    figures = sorted(
        tuple(str(v) for v in row)
        for row in DayFigureRollup.objects.filter(hall=hall, day=day).values_list(*figure_fields)
    )
    return tickets, figures


def load_and_roll_up(args: argparse.Namespace) -> tuple[Any, list[Any], dt.date]:
    """The halls, the history and the rollups, timed; the manager, the halls and today."""
    from django.db import connection

    from servicehall.org.models import Hall
    from servicehall.reports.services import rollup_day, rollup_rebuild_bulk

    started = time.perf_counter()
    manager = build_halls(args.halls)["manager"]
    print(f"  halls, counters, clerks: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    gen = generate_history(args.days)
    generation = time.perf_counter() - started
    first, today = gen["first_day"], gen["today"]
    print(
        f"  history {first} … {today}: {generation:.1f} s (draw {gen['draw']:.1f}, tickets {gen['tickets']:.1f}, "
        f"stretches {gen['stretches']:.1f}, indexes and keys {gen['indexes']:.1f}, analyze {gen['analyze']:.1f})",
        flush=True,
    )
    halls = list(Hall.objects.order_by("code"))
    rng = random.Random(16)
    sample = [(rng.choice(halls), first + dt.timedelta(days=rng.randrange(args.days))) for _ in range(args.sample)]
    started = time.perf_counter()
    for hall, day in sample:
        rollup_day(hall=hall, day=day)
    per_day = time.perf_counter() - started
    rate = len(sample) / per_day
    all_days = len(halls) * args.days
    print(
        f"  rollup_day on {len(sample)} hall-days: {per_day:.1f} s = {rate:.1f} hall-days/s "
        f"(all {all_days} hall-days would take ≈ {all_days / rate / 60:.1f} min)",
        flush=True,
    )
    before = {(h.pk, d): rollup_rows(h, d) for h, d in sample}
    started = time.perf_counter()
    written = rollup_rebuild_bulk(day_from=first, day_to=today)
    bulk = time.perf_counter() - started
    print(
        f"  rollup_rebuild_bulk, all {all_days} hall-days: {bulk:.1f} s = {all_days / bulk:.1f} hall-days/s, "
        f"{written} rows",
        flush=True,
    )
    same = sum(before[(h.pk, d)] == rollup_rows(h, d) for h, d in sample)
    print(f"  the bulk rows equal rollup_day's on {same} of {len(sample)} sampled hall-days")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE reports_ticketdayrollup")
        cur.execute("VACUUM ANALYZE reports_dayfigurerollup")

    return manager, halls, today


def main() -> None:
    parser = argparse.ArgumentParser(description="The reports at volume: history, rollups, page times.")
    parser.add_argument("--halls", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sample", type=int, default=40, help="hall-days rolled up one by one by rollup_day")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="leave the database behind")
    parser.add_argument(
        "--reuse", action="store_true", help="time the pages on a database left by --keep (no history, no rollups)"
    )
    args = parser.parse_args()
    require_local(args.database_url, "--database-url")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"reports at volume: {args.halls} halls × {args.days} days, commit {commit}")
    print(f"  machine: {platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    env = django_env(args.database_url)
    if not args.reuse:
        print(f"  resetting and migrating {args.database_url} …", flush=True)
        reset_database(args.database_url)
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
    # The manager signs in with the test client's force_login: no second factor to enrol (the middleware
    # still runs on every request).
    env["SECOND_FACTOR_REQUIRED"] = "0"
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.urls import reverse

    from servicehall.org.models import Hall
    from servicehall.reports import selectors_reports, views_reports
    from servicehall.reports.selectors_dashboard import hall_dashboard

    try:
        if args.reuse:
            from django.contrib.auth import get_user_model

            manager = get_user_model().objects.get(username="bench_manager")
            halls = list(Hall.objects.order_by("code"))
            today = dt.datetime.now(tz=ZoneInfo("Asia/Shanghai")).date()
        else:
            manager, halls, today = load_and_roll_up(args)
        print("  sizes:")
        for name, count, size in table_sizes():
            print(f"    {name:<28} {count:>12,} rows {size:>10.1f} MB")
        hall = halls[len(halls) // 2]
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        months = [("last full month", last_month), ("month in progress", today)]
        print(f"  warm timings, {args.runs} runs each, hall {hall.code}:")
        for label, day in months:
            line(
                f"report_bundle, {label}",
                *timed(
                    lambda day=day: selectors_reports.report_bundle(
                        hall=hall, period=selectors_reports.PERIOD_MONTH, day=day
                    ),
                    args.runs,
                ),
            )
            line(
                f"page context, {label}",
                *timed(
                    lambda day=day: views_reports.report_context(hall, selectors_reports.PERIOD_MONTH, day), args.runs
                ),
                target=300,
            )
        settings.ALLOWED_HOSTS = ["*"]
        client = Client()
        client.force_login(manager)
        for label, day in months:
            url = reverse("reports:reports", kwargs={"hall": hall.code})

            def page(url: str = url, day: dt.date = day) -> None:
                response = client.get(url, {"period": "month", "day": day.isoformat()}, secure=True)
                if response.status_code != 200:  # pragma: no cover - a benchmark's sanity check
                    raise SystemExit(f"report page answered {response.status_code}")

            line(f"report page over HTTP (test client), {label}", *timed(page, args.runs), target=300)
        line("hall_dashboard, one hall", *timed(lambda: hall_dashboard(hall=hall), args.runs))

        def company() -> None:
            response = client.get(reverse("reports:company_dashboard"), secure=True)
            if response.status_code != 200:  # pragma: no cover
                raise SystemExit(f"company dashboard answered {response.status_code}")

        line(f"company dashboard page, {len(halls)} halls", *timed(company, args.runs), target=1000)
        reset_queries()
        print(f"  load average at the end {os.getloadavg()[0]:.2f}")
    finally:
        connection.close()
        if not args.keep:
            drop_database(args.database_url)


def drop_database(url: str) -> None:
    import psycopg

    from bench.common import _conninfo, _database_name

    name = _database_name(url)
    parts = _conninfo(url).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(parts, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"  dropped {name}")


if __name__ == "__main__":
    main()
