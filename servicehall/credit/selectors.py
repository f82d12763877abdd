"""Reads of credit applications and plans, always within the user's hall (PAY05).

An application belongs to the hall that filed it: staff of another hall (of
any company) are told "not found", so its existence does not leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from servicehall.core.errors import Forbidden, NotFound
from servicehall.customers.models import Customer, IdDocument, Service
from servicehall.lib import identity, money
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import memberships_for_user, user_can
from servicehall.promotions.selectors import installment_offer_for

from .checks import DEFAULT_MONTHLY_FEE_RATE, RATE_PLACES
from .eligibility import (
    DEFAULT_MIN_CREDIT_LEVEL,
    DEFAULT_MIN_TENURE_MONTHS,
    CreditFacts,
    Eligibility,
    credit_eligibility,
)
from .models import ZERO, CreditApplication, Installment, InstallmentStatus
from .states import LIVE, REPAYABLE, CreditStatus


def min_tenure_months() -> int:
    return int(getattr(settings, "CREDIT_MIN_TENURE_MONTHS", DEFAULT_MIN_TENURE_MONTHS))


def min_credit_level() -> int:
    """The lowest credit level (stars, `Customer.credit_level`) that may buy on credit."""
    return int(getattr(settings, "CREDIT_MIN_LEVEL", DEFAULT_MIN_CREDIT_LEVEL))


def standard_monthly_fee_rate() -> Decimal:
    """The monthly fee rate of a plan no installment offer covers (setting `CREDIT_MONTHLY_FEE_RATE`).

    The setting is checked once when the server starts (`credit.checks`, check id credit.E001).
    """
    return Decimal(str(getattr(settings, "CREDIT_MONTHLY_FEE_RATE", DEFAULT_MONTHLY_FEE_RATE))).quantize(RATE_PLACES)


def _resident_birth_date(customer: Customer, today: dt.date) -> tuple[bool, dt.date | None]:
    """(a valid resident ID is on file, the birth date it carries)."""
    documents = IdDocument.objects.filter(customer=customer, kind=IdDocument.Kind.RESIDENT_ID).order_by("-id")
    for document in documents:
        if document.valid_until is not None and document.valid_until < today:
            continue
        try:
            parsed = identity.resident_id_parse(document.number, today=today)
        except identity.IdentityError:
            continue
        return True, parsed.birth_date
    return False, None


def credit_facts(*, customer: Customer, service: Service | None, tz: Any, today: dt.date) -> CreditFacts:
    id_valid, born = _resident_birth_date(customer, today)
    arrears = Service.objects.filter(customer=customer).aggregate(total=Sum("arrears"))["total"] or ZERO
    mobile_ok = (
        service is not None
        and service.customer_id == customer.pk
        and service.kind == Service.Kind.MOBILE
        and service.status == Service.Status.ACTIVE
    )
    opened = service.opened_at.astimezone(tz).date() if service is not None and service.opened_at else None
    return CreditFacts(
        individual=customer.kind == Customer.Kind.INDIVIDUAL,
        birth_date=born,
        id_valid=id_valid,
        service_is_mobile_active=mobile_ok,
        service_opened_on=opened,
        arrears_total=max(arrears, ZERO),
        credit_level=customer.credit_level,
        service_has_plan=service is not None and live_application_for_service(service=service) is not None,
    )


def eligibility_for(*, hall: Hall, customer: Customer, service: Service | None) -> Eligibility:
    """Whether the customer may buy on credit with this mobile number today (the hall's day), and why not."""
    today = hall.local_date()
    facts = credit_facts(customer=customer, service=service, tz=hall.tz, today=today)
    return credit_eligibility(
        facts, today=today, min_tenure_months=min_tenure_months(), min_credit_level=min_credit_level()
    )


def mobile_services_for(*, customer: Customer) -> QuerySet[Service]:
    return Service.objects.filter(customer=customer, kind=Service.Kind.MOBILE).order_by("status", "number")


# --- the fee rate (installment offers) ------------------------------------------------------------


@dataclass(frozen=True)
class FeeTerms:
    """The monthly fee rate a plan gets and the installment offer that set it (None: the standard rate)."""

    months: int
    rate: Decimal
    offer: Any  # promotions.InstallmentOffer | None


def fee_terms_for(*, hall: Hall, months: int, principal: Decimal, on: dt.date | None = None) -> FeeTerms:
    """The rate of a plan of `months` financing `principal`, filed on `on` (default: the hall's today)."""
    offer = installment_offer_for(hall=hall, months=months, principal=principal, on=on)
    rate = offer.monthly_fee_rate if offer is not None else standard_monthly_fee_rate()
    return FeeTerms(months=months, rate=rate, offer=offer)


@dataclass(frozen=True)
class TermRates:
    """What a term costs today: the rate for any amount, and a lower one from a financed amount (or None)."""

    months: int
    any_amount: FeeTerms
    from_amount: FeeTerms | None

    @property
    def min_amount(self) -> Decimal | None:
        return self.from_amount.offer.min_amount if self.from_amount is not None else None


# The largest minimum an offer can hold (12 digits, 2 places): the offer for "a large enough amount".
_ANY_MINIMUM = Decimal("9999999999.99")


def fee_rates_by_term(*, hall: Hall, on: dt.date | None = None) -> list[TermRates]:
    """For each term (3/6/12/24 months), the rate a plan filed today gets (the apply page's table).

    The price is not known yet: the rate for any amount is shown, and, when an offer with a minimum
    financed amount gives a lower rate, that offer with its minimum.
    """
    day = on or hall.local_date()
    rows = []
    for term in sorted(money.INSTALLMENT_TERMS):
        base = fee_terms_for(hall=hall, months=term, principal=Decimal("0.01"), on=day)
        best = fee_terms_for(hall=hall, months=term, principal=_ANY_MINIMUM, on=day)
        better = best if best.offer is not None and best.rate < base.rate else None
        rows.append(TermRates(months=term, any_amount=base, from_amount=better))
    return rows


# --- applications --------------------------------------------------------------------------------


def _pk(value: Any) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def _with_plan(queryset: QuerySet[CreditApplication]) -> QuerySet[CreditApplication]:
    return queryset.select_related(
        "hall", "customer", "service", "applied_by", "reviewed_by", "signed_by", "fee_offer"
    ).prefetch_related(
        Prefetch("installments", queryset=Installment.objects.order_by("number")),
        "history",
        "repayments",
    )


def application_get_for_user(
    *, user: Any, application_id: Any, capability: str = Capability.SERVE
) -> CreditApplication:
    """The application with its plan, if the user holds `capability` in its hall (404 for other halls)."""
    pk = _pk(application_id)
    application = _with_plan(CreditApplication.objects.filter(pk=pk)).first() if pk else None
    if application is None or not any(m.hall_id == application.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such credit application."))
    if not user_can(user=user, hall=application.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return application


def applications_to_review(*, hall: Hall) -> QuerySet[CreditApplication]:
    return (
        CreditApplication.objects.filter(hall=hall, status=CreditStatus.SUBMITTED)
        .select_related("customer", "service", "applied_by", "fee_offer")
        .order_by("applied_at", "id")
    )


def applications_recent(*, hall: Hall, limit: int = 50) -> list[CreditApplication]:
    return list(
        CreditApplication.objects.filter(hall=hall)
        .exclude(status=CreditStatus.SUBMITTED)
        .select_related("customer", "service", "applied_by", "reviewed_by", "fee_offer")
        .order_by("-applied_at", "-id")[:limit]
    )


def live_application_for_service(*, service: Service) -> CreditApplication | None:
    return CreditApplication.objects.filter(service=service, status__in=LIVE).first()


def services_with_live_plan(*, services: list[Service]) -> set[int]:
    """The ids of those services that already have a credit purchase under way (one query)."""
    ids = [service.pk for service in services]
    live = CreditApplication.objects.filter(service_id__in=ids, status__in=LIVE)
    return set(live.values_list("service_id", flat=True))


# --- installments ----------------------------------------------------------------------------------


def installment_status(installment: Installment, *, today: dt.date) -> str:
    """due, paid, or overdue (due and past its due date on the hall's day)."""
    if installment.status == InstallmentStatus.PAID:
        return InstallmentStatus.PAID
    return InstallmentStatus.OVERDUE if installment.due_date < today else InstallmentStatus.DUE


def days_late(installment: Installment, *, today: dt.date) -> int:
    if installment.status == InstallmentStatus.PAID or installment.due_date >= today:
        return 0
    return (today - installment.due_date).days


@dataclass(frozen=True)
class ScheduleRow:
    number: int
    due_date: dt.date
    principal_part: Decimal
    fee_part: Decimal
    amount: Decimal
    fee_waived: Decimal
    paid_amount: Decimal
    outstanding: Decimal
    paid_at: Any
    status: str
    status_label: str
    days_late: int


def schedule_rows(*, application: CreditApplication, today: dt.date) -> list[ScheduleRow]:
    rows = []
    for inst in application.installments.all():
        status = installment_status(inst, today=today)
        rows.append(
            ScheduleRow(
                number=inst.number,
                due_date=inst.due_date,
                principal_part=inst.principal_part,
                fee_part=inst.fee_part,
                amount=inst.amount,
                fee_waived=inst.fee_waived,
                paid_amount=inst.paid_amount,
                outstanding=inst.outstanding,
                paid_at=inst.paid_at,
                status=status,
                status_label=str(InstallmentStatus(status).label),
                days_late=days_late(inst, today=today),
            )
        )
    return rows


def outstanding_total(*, application: CreditApplication) -> Decimal:
    return sum((i.outstanding for i in application.installments.all()), ZERO)


def next_due_installment(*, application: CreditApplication) -> Installment | None:
    for inst in application.installments.all():
        if inst.status != InstallmentStatus.PAID:
            return inst
    return None


@dataclass(frozen=True)
class EarlyQuote:
    """What repaying everything today costs.

    Rule (written down once): every unpaid installment whose month has started
    (its period begins on the previous due date, or on the signing day for the
    first one, on or before today) is paid in full, fee included; installments
    whose month has not started yet are paid at their principal only, their
    fee is waived.
    """

    amount: Decimal
    fee_waived: Decimal
    allocations: list[dict[str, Any]]


def early_repayment_quote(
    *, application: CreditApplication, installments: list[Installment], today: dt.date
) -> EarlyQuote:
    amount = ZERO
    waived = ZERO
    allocations: list[dict[str, Any]] = []
    period_start = application.signed_on
    for inst in installments:
        started = period_start is not None and period_start <= today
        period_start = inst.due_date
        if inst.status == InstallmentStatus.PAID:
            continue
        fee_off = ZERO if started else max(inst.fee_part - inst.fee_waived, ZERO)
        # A part payment was booked against the whole installment: never waive more than is still unpaid.
        pay = inst.outstanding - fee_off
        if pay < 0:
            fee_off += pay
            pay = ZERO
        amount += pay
        waived += fee_off
        allocations.append({"number": inst.number, "amount": str(pay), "fee_waived": str(fee_off)})
    return EarlyQuote(amount=amount, fee_waived=waived, allocations=allocations)


# --- lists --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    application: CreditApplication
    installment: Installment
    days_late: int
    outstanding: Decimal


def overdue_installments(*, hall: Hall, today: dt.date | None = None) -> list[OverdueRow]:
    """The hall's installments past their due date and not fully paid, the latest first by days late."""
    day = today or hall.local_date()
    installments = (
        Installment.objects.filter(
            application__hall=hall,
            application__status__in=REPAYABLE,
            status=InstallmentStatus.DUE,
            due_date__lt=day,
        )
        .select_related(
            "application",
            "application__customer",
            "application__service",
            "application__applied_by",
            "application__fee_offer",
        )
        .order_by("due_date", "application_id", "number")
    )
    return [
        OverdueRow(
            application=i.application, installment=i, days_late=(day - i.due_date).days, outstanding=i.outstanding
        )
        for i in installments
    ]


@dataclass(frozen=True)
class PlanView:
    """A plan as the customer's service page shows it (no personal data)."""

    id: int
    number: str
    handset_name: str
    status: str
    status_display: str
    service_id: int
    months: int
    total: Decimal
    outstanding: Decimal
    schedule: list[ScheduleRow]


def plans_for_customer(*, customer: Customer, service: Service | None = None) -> list[PlanView]:
    """The customer's signed, running and paid-off plans with their schedules (for the service page).

    Include `credit/_plans.html` with `credit_plans` set to this list.
    """
    applications = (
        CreditApplication.objects.filter(
            customer=customer, status__in=(CreditStatus.SIGNED, CreditStatus.ACTIVE, CreditStatus.PAID_OFF)
        )
        .select_related("hall")
        .prefetch_related(Prefetch("installments", queryset=Installment.objects.order_by("number")))
        .order_by("-signed_at", "-id")
    )
    if service is not None:
        applications = applications.filter(service=service)
    return [
        PlanView(
            id=a.pk,
            number=a.number,
            handset_name=a.handset_name,
            status=a.status,
            status_display=str(CreditStatus(a.status).label),
            service_id=a.service_id,
            months=a.months,
            total=a.total_payable,
            outstanding=outstanding_total(application=a),
            schedule=schedule_rows(application=a, today=a.hall.local_date()),
        )
        for a in applications
    ]


# --- the customer's schedule page (no login) ---------------------------------------------------------

# Plans a customer may look up: the contract is signed and the plan was not cancelled.
LOOKUP_STATUSES: tuple[str, ...] = (CreditStatus.SIGNED, CreditStatus.ACTIVE, CreditStatus.PAID_OFF)


def application_for_schedule_lookup(*, number: Any, code: Any) -> CreditApplication | None:
    """The signed plan whose number and schedule code both match (the public schedule page); else None.

    Which of the two was wrong is not told: the caller answers one message for both.
    """
    code_text = identity.normalise(str(code or ""))[:32]
    number_text = identity.normalise(str(number or ""))[:32]
    if not code_text or not number_text:
        return None
    application = (
        CreditApplication.objects.filter(schedule_code=code_text, status__in=LOOKUP_STATUSES)
        .select_related("hall", "customer", "service")
        .prefetch_related(Prefetch("installments", queryset=Installment.objects.order_by("number")))
        .first()
    )
    if application is None or application.number != number_text:
        return None
    return application
