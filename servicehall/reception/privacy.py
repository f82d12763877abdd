"""Visitor records kept only as long as needed (PRIV02), registered in `ReceptionConfig.ready()`.

`RETENTION_VISITORS_DAYS` after a visit ended its visitors are anonymised: the name becomes
`customers.services.ANONYMISED_NAME`, the position and the identity document are cleared. The visitor rows stay
(the company they came from too), so the visits' head counts and the reports do not change.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from servicehall.customers.services import ANONYMISED_NAME

from .models import Visitor


def visitors_due(cutoff: dt.datetime) -> QuerySet[Visitor]:
    return Visitor.objects.filter(visit__ends_at__lt=cutoff).exclude(name=ANONYMISED_NAME)


def visitors_anonymise(rows: QuerySet[Visitor], now: dt.datetime) -> int:
    ids = list(rows.values_list("pk", flat=True))
    return Visitor.objects.filter(pk__in=ids).update(name=ANONYMISED_NAME, position="", id_kind="", id_number="")
