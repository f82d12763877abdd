"""Follow-up call notes kept only as long as needed (PRIV02), registered in `CareConfig.ready()`.

A note typed during a follow-up call (and the copy on the order's follow-up task) is cleared
`RETENTION_FOLLOW_UP_NOTES_DAYS` after the call; the call row stays with its outcome, so the follow-up rates
and counts of the reports do not change.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from servicehall.orders.models import FollowUpTask

from .models import FollowUpCall


def notes_due(cutoff: dt.datetime) -> QuerySet[FollowUpCall]:
    return FollowUpCall.objects.exclude(note="").filter(at__lt=cutoff)


def notes_clear(rows: QuerySet[FollowUpCall], now: dt.datetime) -> int:
    task_ids = list(rows.values_list("task_id", flat=True).distinct())
    # The call is append-only for the business; clearing its note is the one change retention makes.
    done = rows.update(note="")
    FollowUpTask.objects.filter(pk__in=task_ids).exclude(status=FollowUpTask.Status.OPEN).exclude(note="").update(
        note=""
    )
    return done
