"""Care's personal data kept only as long as needed, and cleared on a customer's erasure (PRIV02), registered in
`CareConfig.ready()`.

Retention (`core.retention`):

* follow-up call notes (`follow_up_notes`): a note typed during a follow-up call (and the copy on the order's
  follow-up task) is cleared `RETENTION_FOLLOW_UP_NOTES_DAYS` after the call; the call row stays with its
  outcome, so the follow-up rates and counts of the reports do not change;
* closed complaints (`complaints`): `RETENTION_COMPLAINTS_DAYS` after a complaint was closed, the caller's name
  and phone are cleared, the customer's words and the summary become `core.retention.ERASED_TEXT` and the
  entries' texts (callbacks' notes, answers) are cleared; the complaint keeps its number, category, severity,
  times, levels, satisfaction and compensations, so every count, due time and commitment is unchanged;
* opinion book entries (`opinions`): `RETENTION_OPINIONS_DAYS` after an entry was answered, its writer's name
  and phone are cleared and its text and answer become `ERASED_TEXT`; the entry stays with its times, so the
  opinion book commitment (answered in time) is unchanged.

Erasure (`customers.subject_rights.register_erasure`): the same for the customer's complaints (theirs, about
their orders or services, or given with their phone) at once, whatever their status, for the opinion book
entries left with their phone, for follow-up call notes on their orders and for the words of their surveys.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from servicehall.core.retention import ERASED_TEXT
from servicehall.customers.subject_rights import phones_of
from servicehall.orders.models import FollowUpTask, WorkOrder

from .models import Complaint, ComplaintEntry, FollowUpCall, OpinionEntry, SurveyAnswer
from .states import ComplaintStatus, OpinionStatus

# --- follow-up call notes ----------------------------------------------------------------------------------


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


# --- complaints --------------------------------------------------------------------------------------------


def _complaints_clear(ids: list[int]) -> int:
    done = (
        Complaint.objects.filter(pk__in=ids)
        .exclude(words=ERASED_TEXT, summary=ERASED_TEXT, contact_name="", contact_phone="")
        .update(words=ERASED_TEXT, summary=ERASED_TEXT, contact_name="", contact_phone="")
    )
    # The entries are append-only for the business; clearing their text is the one change privacy makes.
    ComplaintEntry.objects.filter(complaint_id__in=ids).exclude(text="").update(text="")
    return done


def complaints_due(cutoff: dt.datetime) -> QuerySet[Complaint]:
    return Complaint.objects.filter(status=ComplaintStatus.CLOSED, closed_at__lt=cutoff).exclude(
        words=ERASED_TEXT, contact_name="", contact_phone=""
    )


def complaints_clear(rows: QuerySet[Complaint], now: dt.datetime) -> int:
    return _complaints_clear(list(rows.values_list("pk", flat=True)))


# --- the opinion book ----------------------------------------------------------------------------------------


def _opinions_clear(rows: QuerySet[OpinionEntry]) -> int:
    ids = list(rows.values_list("pk", flat=True))
    entries = OpinionEntry.objects.filter(pk__in=ids)
    answered = entries.filter(status=OpinionStatus.ANSWERED).update(
        text=ERASED_TEXT, answer=ERASED_TEXT, contact_name="", contact_phone=""
    )
    # One still waiting keeps the empty answer the hall has to write.
    waiting = entries.exclude(status=OpinionStatus.ANSWERED).update(text=ERASED_TEXT, contact_name="", contact_phone="")
    return answered + waiting


def opinions_due(cutoff: dt.datetime) -> QuerySet[OpinionEntry]:
    return OpinionEntry.objects.filter(status=OpinionStatus.ANSWERED, answered_at__lt=cutoff).exclude(text=ERASED_TEXT)


def opinions_clear(rows: QuerySet[OpinionEntry], now: dt.datetime) -> int:
    return _opinions_clear(rows)


# --- a customer's erasure ------------------------------------------------------------------------------------


def customer_erase(customer: Any, now: dt.datetime) -> int:
    """Everything care holds of this customer's words and contact cleared; rows changed."""
    phones = phones_of(customer)
    orders = WorkOrder.objects.filter(customer=customer)
    mine = Q(customer=customer) | Q(order__in=orders) | Q(service__customer=customer)
    if phones:
        mine |= Q(contact_phone__in=phones)
    done = _complaints_clear(list(Complaint.objects.filter(mine).values_list("pk", flat=True)))
    if phones:
        done += _opinions_clear(OpinionEntry.objects.filter(contact_phone__in=phones))
    done += FollowUpCall.objects.filter(task__order__in=orders).exclude(note="").update(note="")
    done += (
        SurveyAnswer.objects.filter(Q(response__order__in=orders) | Q(response__follow_up__order__in=orders))
        .exclude(text="")
        .update(text="")
    )
    return done
