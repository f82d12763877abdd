"""Visitor records kept only as long as needed (PRIV02), registered in `ReceptionConfig.ready()`.

`RETENTION_VISITORS_DAYS` after a visit ended its visitors are anonymised: the name becomes
`customers.services.ANONYMISED_NAME`, the position and the identity document are cleared. The visitor rows stay
(the company they came from too), so the visits' head counts and the reports do not change. On a customer's
erasure the visitors registered with one of the customer's identity documents are anonymised the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from servicehall.core.retention import ANONYMISED_NAME
from servicehall.customers.subject_rights import document_numbers_of

from .models import Visitor


def visitors_due(cutoff: dt.datetime) -> QuerySet[Visitor]:
    return Visitor.objects.filter(visit__ends_at__lt=cutoff).exclude(name=ANONYMISED_NAME)


def visitors_anonymise(rows: QuerySet[Visitor], now: dt.datetime) -> int:
    ids = list(rows.values_list("pk", flat=True))
    return Visitor.objects.filter(pk__in=ids).update(name=ANONYMISED_NAME, position="", id_kind="", id_number="")


def customer_erase(customer: Any, now: dt.datetime) -> int:
    """The visitors registered with the customer's identity documents anonymised; rows changed."""
    numbers = document_numbers_of(customer)
    if not numbers:
        return 0
    return visitors_anonymise(Visitor.objects.filter(id_number__in=numbers), now)
