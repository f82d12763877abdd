from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from servicehall.appointments.demo import appointments_demo_load
from servicehall.billing.demo import money_demo_load
from servicehall.care.demo import care_demo_load
from servicehall.credit.demo import credit_demo_load
from servicehall.customers.demo import customers_demo_load
from servicehall.duty.demo import duty_demo_load
from servicehall.hotel.demo import hotel_demo_load
from servicehall.org.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_USERS,
    GAS_DEMO_USERS,
    HOTEL_DEMO_USERS,
    demo_load,
    gas_demo_load,
)
from servicehall.org.demo import hotel_demo_load as hotel_hall_load
from servicehall.premises.demo import premises_demo_load
from servicehall.promotions.demo import promotions_demo_load
from servicehall.reception.demo import reception_demo_load
from servicehall.reports.demo import reports_demo_load, staffing_demo_load
from servicehall.safety.demo import safety_demo_load
from servicehall.staff.demo import staff_demo_load


class Command(BaseCommand):
    help = "Create (or leave as it is) the demo telecom and gas halls with counters, staff accounts and demo customers."

    def handle(self, *args: Any, **options: Any) -> None:
        hall = demo_load()
        customers_demo_load(hall=hall)
        # Promotions first: the demo credit plan takes its fee from the hall's installment offers.
        promotions_demo_load(hall=hall)
        credit_demo_load(hall=hall)
        # The money scenes last: two orders to pay together, a payment whose refund needs approval (issue 10).
        money_demo_load(hall=hall)
        # This morning's ratings at the counters, one 不满意 waiting on the duty manager's console (CARE01).
        accounts = get_user_model().objects.in_bulk([u[0] for u in DEMO_USERS if u[3]], field_name="username")
        care_demo_load(hall=hall, clerks={int(u[3]): accounts[u[0]] for u in DEMO_USERS if u[3]})
        appointments_demo_load(hall=hall)
        # Business visitors today and tomorrow (APT04): 孙丽 hosts, the hall administrator is the office.
        staff = get_user_model().objects.in_bulk(["service1", "admin", "guide1"], field_name="username")
        reception_demo_load(hall=hall, host=staff["service1"], office=staff["admin"], reception=staff["guide1"])
        # The premises (SITE01, SITE02): last week's patrols, a rectification open and one overdue.
        premises_demo_load(hall=hall)
        # Keys with holders, an extra copy waiting, an incident, drills with 刘芳 overdue (SAFE02–04).
        people = get_user_model().objects.in_bulk([u[0] for u in DEMO_USERS], field_name="username")
        safety_demo_load(hall=hall, keeper=people["safety1"], approver=people["manager1"], staff=people)
        # Exam results (one failed), last month's assessment cards and the service manager's (STAFF04/05, SITE04).
        staff_demo_load(hall=hall)
        gas_hall = gas_demo_load()
        customers_demo_load(hall=gas_hall)
        appointments_demo_load(hall=gas_hall)
        premises_demo_load(hall=gas_hall)
        staff_demo_load(hall=gas_hall)
        # Last: the seven steps, shifts, this week's roster and this morning's meeting (STAFF01, STAFF03). Every
        # counter person has ticked today's steps except clerk1 (gclerk1), whom the workbench refuses until then.
        duty_demo_load(hall=hall)
        duty_demo_load(hall=gas_hall)
        # Four weeks of finished tickets, so the staffing planner plans tomorrow from history (RPT03).
        staffing_demo_load(hall=hall)
        # The same history rolled up, so the daily and monthly reports show it at once (RPT02).
        reports_demo_load(hall=hall)
        hotel_hall = hotel_hall_load()
        hotel_demo_load(hall=hotel_hall)
        # The hotel's own checklists and rounds (the premises' hotel pack) and its equipment register.
        premises_demo_load(hall=hotel_hall)
        # The desk's shifts around the clock, a night shift among them, and its handover checklist.
        duty_demo_load(hall=hotel_hall)
        users = ", ".join(u[0] for u in [*DEMO_USERS, *GAS_DEMO_USERS, *HOTEL_DEMO_USERS])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo halls '{hall.code}', '{gas_hall.code}' and '{hotel_hall.code}' ready. "
                f"Accounts: {users} (password {DEMO_PASSWORD})."
            )
        )
        if settings.SECOND_FACTOR_REQUIRED:
            # Managers, the auditor and the administrator sign in with a code too (ASVS V6): say how, once.
            self.stdout.write(
                f"Managers, auditor1 and admin then give a code from an authenticator app with the demo key "
                f"'{DEMO_TOTP_SECRET}' (or start with SECOND_FACTOR_REQUIRED=0)."
            )
