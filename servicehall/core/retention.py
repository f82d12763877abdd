"""Storage limitation (PRIV02): how long each kind of personal data is kept, and what happens when it is due.

Core sits below every app that holds personal data, so each app registers its kinds here in its
`AppConfig.ready()`: `register(kind, label=…, setting=…, default=…, due=…, apply=…, action=…)`.

* `due(cutoff)` answers the rows whose time is up (a queryset): rows older than `cutoff` and not yet done, so a
  second run finds nothing new and the command is idempotent.
* `apply(rows, now)` deletes files or clears the personal fields of those rows and answers how many it changed.
  Rows are kept (anonymised), never deleted, wherever a report counts them or a money record points at them.

`retention_run(dry_run=…)` (`manage.py retention_run`, in `core.schedule`) works kind by kind, each in its own
transaction, and writes one audit row per kind that did something: counts only, never a name or a number.
The days come from the setting `RETENTION_<KIND>_DAYS`, the default written in `settings.py` and
docs/privacy.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEntry

RETENTION_APPLIED = "retention.applied"
# What an anonymised person is called wherever a name was (customers, visitors, bookings).
ANONYMISED_NAME = "已匿名"
# What stands where a person's own words were and the field may not be empty (a complaint's words, a refund's
# reason): the record stays, what the person said is gone.
ERASED_TEXT = "（已删除）"


@dataclass(frozen=True)
class RetentionKind:
    kind: str
    label: Any  # a lazy translation
    setting: str
    default: int
    due: Callable[[dt.datetime], QuerySet[Any]]
    apply: Callable[[QuerySet[Any], dt.datetime], int]
    action: Any  # what happens to a due row, a lazy translation ("scan deleted", "anonymised")

    @property
    def days(self) -> int:
        return int(getattr(settings, self.setting, self.default))


@dataclass(frozen=True)
class RetentionOutcome:
    kind: str
    label: str
    action: str
    days: int
    due: int
    done: int


_KINDS: dict[str, RetentionKind] = {}


def register(
    kind: str,
    *,
    label: Any,
    setting: str,
    default: int,
    due: Callable[[dt.datetime], QuerySet[Any]],
    apply: Callable[[QuerySet[Any], dt.datetime], int],
    action: Any,
) -> None:
    """Add (or replace, on a second `ready()`) one kind of personal data and its retention rule."""
    _KINDS[kind] = RetentionKind(
        kind=kind, label=label, setting=setting, default=default, due=due, apply=apply, action=action
    )


def kinds() -> list[RetentionKind]:
    return sorted(_KINDS.values(), key=lambda k: k.kind)


def retention_run(*, dry_run: bool, now: dt.datetime | None = None) -> list[RetentionOutcome]:
    """Every kind's due rows counted and, unless `dry_run`, deleted or anonymised; one transaction per kind."""
    now = now or timezone.now()
    outcomes = []
    for kind in kinds():
        days = kind.days
        cutoff = now - dt.timedelta(days=days)
        with transaction.atomic():
            rows = kind.due(cutoff)
            due = rows.count()
            done = 0
            if due and not dry_run:
                done = kind.apply(rows, now)
                AuditEntry.objects.create(
                    actor=None,
                    action=RETENTION_APPLIED,
                    object_type="core.retention",
                    object_id=kind.kind,
                    data={"days": days, "due": due, "done": done},
                )
        outcomes.append(
            RetentionOutcome(
                kind=kind.kind, label=str(kind.label), action=str(kind.action), days=days, due=due, done=done
            )
        )
    return outcomes
