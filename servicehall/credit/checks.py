"""System checks of the credit settings (`manage.py check`, and every `runserver`/`migrate`).

`CREDIT_MONTHLY_FEE_RATE` is checked once here, when the server starts, not at
every read: a wrong rate stops the deployment with a message that says what
is allowed instead of failing the first credit purchase of the day.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import checks

from servicehall.lib.money import MONTHLY_FEE_RATE_MAX

from .models import ZERO

RATE_PLACES = Decimal("0.0001")
# The rate without the setting; `selectors.standard_monthly_fee_rate` reads the setting with this default too.
DEFAULT_MONTHLY_FEE_RATE = Decimal("0.0050")


def monthly_fee_rate_problem(raw: Any) -> str | None:
    """Why `raw` cannot be the standard monthly fee rate, or None when it can."""
    try:
        rate = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return f"CREDIT_MONTHLY_FEE_RATE must be a decimal number, got {raw!r}"
    if not rate.is_finite() or not ZERO <= rate <= MONTHLY_FEE_RATE_MAX or rate != rate.quantize(RATE_PLACES):
        limit = MONTHLY_FEE_RATE_MAX
        return f"CREDIT_MONTHLY_FEE_RATE must be between 0 and {limit} with at most 4 places, got {raw!r}"
    return None


@checks.register(checks.Tags.compatibility)
def check_credit_monthly_fee_rate(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problem = monthly_fee_rate_problem(getattr(settings, "CREDIT_MONTHLY_FEE_RATE", DEFAULT_MONTHLY_FEE_RATE))
    if problem is None:
        return []
    return [
        checks.Error(
            problem,
            hint="Set CREDIT_MONTHLY_FEE_RATE to the monthly share of the financed amount, e.g. 0.0050 for 0.5%.",
            id="credit.E001",
        )
    ]
