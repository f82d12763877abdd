"""What credit adds to the customers' personal data rights (PRIV02), registered in `CreditConfig.ready()`.

Unpaid installments hold an erasure (the contract and its money are kept by law); a plan that is not finished
keeps a customer from being inactive; the export lists the customer's plans. On erasure the reviewers' notes
and the plans' history notes are cleared; the contract number, amounts, months and installments stay.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from .models import CreditApplication, CreditStatusChange, Installment, InstallmentStatus
from .states import CreditStatus

FINISHED = (CreditStatus.REJECTED, CreditStatus.PAID_OFF, CreditStatus.CANCELLED)


def unpaid_installments_hold(customer: Any) -> list[str]:
    count = Installment.objects.filter(application__customer=customer, status=InstallmentStatus.DUE).count()
    if not count:
        return []
    return [_("Unpaid installments: %(count)s.") % {"count": count}]


def credit_activity(since: dt.datetime) -> Q:
    recent = CreditApplication.objects.filter(
        Q(applied_at__gte=since) | Q(ended_at__gte=since) | ~Q(status__in=FINISHED)
    )
    return Q(pk__in=recent.values("customer_id"))


def customer_erase(customer: Any, now: dt.datetime) -> int:
    """The customer's credit plans without the words typed about them; rows changed."""
    plans = CreditApplication.objects.filter(customer=customer)
    done = plans.exclude(review_note="").update(review_note="")
    done += CreditStatusChange.objects.filter(application__in=plans).exclude(note="").update(note="")
    return done


def export_section(customer: Any) -> tuple[str, list[list[tuple[str, Any]]]]:
    plans = CreditApplication.objects.filter(customer=customer).order_by("id")
    rows = [
        [
            (_("Contract number"), plan.number),
            (_("Handset"), plan.handset_name),
            (_("Months"), plan.months),
            (_("Financed principal"), str(plan.principal)),
            (_("Status"), plan.get_status_display()),
        ]
        for plan in plans
    ]
    return _("Credit plans"), rows
