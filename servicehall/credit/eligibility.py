"""Who may buy a handset on credit (PAY05). A pure function over the facts a selector gathers.

Conditions, each named when it fails:

* `not_individual` – only a person can sign a credit contract;
* `no_valid_id` – the owner's resident identity card must be on file and not expired;
* `under_18` – the owner is at least 18 on the day (birth date from the resident ID);
* `not_mobile` – the plan binds one of the customer's own active mobile numbers;
* `service_has_plan` – that number has no credit purchase under way (submitted, approved,
  signed or active): one plan per number. The application answers this one alone with
  409 `service_has_plan`, every other reason with 422 `not_eligible`;
* `short_tenure` – that number was opened at least `min_tenure_months` ago (default 6,
  setting `CREDIT_MIN_TENURE_MONTHS`);
* `arrears` – none of the customer's services is in arrears;
* `low_credit_level` – the customer's credit level (`Customer.credit_level`, 1–5 stars, 5 best)
  is at least `min_credit_level` (default 3, setting `CREDIT_MIN_LEVEL`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicehall.lib.money import add_months

ADULT_AGE = 18
DEFAULT_MIN_TENURE_MONTHS = 6
DEFAULT_MIN_CREDIT_LEVEL = 3
SERVICE_HAS_PLAN = "service_has_plan"


@dataclass(frozen=True)
class CreditFacts:
    """What eligibility looks at, read from the database by `selectors.credit_facts`."""

    individual: bool
    birth_date: dt.date | None  # from a valid resident ID on file; None when there is none
    id_valid: bool
    service_is_mobile_active: bool
    service_opened_on: dt.date | None
    arrears_total: Decimal
    credit_level: int  # Customer.credit_level: 1 to 5 stars, 5 best
    service_has_plan: bool = False  # the number already has a live credit purchase


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass
class Eligibility:
    reasons: list[Reason] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


def age_on(birth_date: dt.date, today: dt.date) -> int:
    """Whole years; a person born on Feb 29 turns a year older on Mar 1 in common years."""
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def credit_eligibility(
    facts: CreditFacts,
    *,
    today: dt.date,
    min_tenure_months: int = DEFAULT_MIN_TENURE_MONTHS,
    min_credit_level: int = DEFAULT_MIN_CREDIT_LEVEL,
) -> Eligibility:
    """Every failing condition with its reason (an empty list: eligible)."""
    result = Eligibility()
    add = result.reasons.append
    if not facts.individual:
        add(Reason("not_individual", _("Only an individual customer can buy on credit.")))
    if not facts.id_valid or facts.birth_date is None:
        add(Reason("no_valid_id", _("The owner's valid resident identity card is not on file.")))
    elif age_on(facts.birth_date, today) < ADULT_AGE:
        add(Reason("under_18", _("The owner must be at least 18 years old.")))
    if facts.service_has_plan:
        add(Reason(SERVICE_HAS_PLAN, _("This mobile number already has a credit purchase under way.")))
    if not facts.service_is_mobile_active:
        add(Reason("not_mobile", _("The plan must bind one of the customer's active mobile numbers.")))
    elif facts.service_opened_on is None or add_months(facts.service_opened_on, min_tenure_months) > today:
        add(
            Reason(
                "short_tenure",
                ngettext(
                    "The mobile number must have been open for at least %(months)d month.",
                    "The mobile number must have been open for at least %(months)d months.",
                    min_tenure_months,
                )
                % {"months": min_tenure_months},
            )
        )
    if facts.arrears_total > 0:
        add(
            Reason(
                "arrears",
                _("The customer has %(amount)s yuan in arrears; it must be paid first.")
                % {"amount": f"{facts.arrears_total:.2f}"},
            )
        )
    if facts.credit_level < min_credit_level:
        add(
            Reason(
                "low_credit_level",
                _("The customer's credit level is %(level)d of 5 stars; at least %(min)d are needed.")
                % {"level": facts.credit_level, "min": min_credit_level},
            )
        )
    return result
