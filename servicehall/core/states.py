"""Status machines: a declared table of moves per model, and the one way to take a move.

Each app declares its tables in `<app>/states.py` as `StateTable`s; its services
move an object with `transition()`, which

1. refuses a move the table does not list (with the caller's own error: the
   messages name the object, so they stay with each app);
2. moves the status with a compare-and-set update,
   `Model.objects.filter(pk=…, status=old).update(status=to, **changes)`, whose
   row count is checked: of two writers that read the same status only one
   wins, the other is refused;
3. brings the instance up to date (from the database when a change is an
   expression such as `F("call_count") + 1`);
4. appends the table's history row (from, to, actor, at, note) when the model
   has one.

Audit rows, pushes and whatever else a move means stay with the caller: they
differ from model to model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from .actors import Actor, acting_user
from .errors import ApplicationError

# Builds the refusal of an illegal move from the status the object is in.
Refusal = Callable[[str], ApplicationError]


@dataclass(frozen=True)
class StateTable:
    """The moves of one model's status, and where its history rows go.

    `history` is the history model as "app_label.Model" (a label, not the class,
    because the apps' `states.py` are imported by their `models.py`);
    `history_fk` is the history row's foreign key to the object. Without them
    a move writes no history row.
    """

    moves: Mapping[str, frozenset[str]]
    history: str = ""
    history_fk: str = ""
    field: str = "status"

    def allows(self, current: str, to: str) -> bool:
        return to in self.moves.get(current, frozenset())

    def record(
        self, obj: models.Model, *, from_status: str, to_status: str, actor: Actor, at: Any, note: str = ""
    ) -> Any:
        """Append one history row; also for the first status of a new object (`from_status=""`)."""
        model = apps.get_model(self.history)
        return model._default_manager.create(
            **{self.history_fk: obj},
            from_status=from_status,
            to_status=to_status,
            actor=acting_user(actor),
            at=at,
            note=note,
        )


def transition[M: models.Model](
    obj: M,
    to: str,
    *,
    table: StateTable,
    refuse: Refusal,
    lost: Callable[[], ApplicationError] | None = None,
    expected_from: str | None = None,
    changes: Mapping[str, Any] | None = None,
    actor: Actor = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> M:
    """Move `obj` to `to` along `table`, or raise the caller's `ApplicationError`.

    * `refuse(status)`: the error for a move the table does not list from `status`.
    * `lost()`: the error when another writer changed the status first. Without
      it the status is read again and the move refused with `refuse(current)`,
      so the message names the status the object really is in.
    * `expected_from`: the status the row must be in, when the caller's
      instance may be stale and the database decides (default: the instance's).
    * `changes`: other fields written in the same update.
    * `actor`, `note`, `now`: for the history row (`now` defaults to this moment).

    Run it inside the caller's transaction, so a refusal later on rolls the move back.
    """
    old = expected_from if expected_from is not None else getattr(obj, table.field)
    if not table.allows(old, to):
        raise refuse(old)
    changes = dict(changes or {})
    model = type(obj)
    moved = model._default_manager.filter(pk=obj.pk, **{table.field: old}).update(**{table.field: to}, **changes)
    if moved != 1:
        if lost is not None:
            raise lost()
        current = model._default_manager.values_list(table.field, flat=True).get(pk=obj.pk)
        raise refuse(current)
    if table.history:
        table.record(obj, from_status=old, to_status=to, actor=actor, at=now or timezone.now(), note=note)
    if any(hasattr(value, "resolve_expression") for value in changes.values()):
        obj.refresh_from_db()  # the database computed the new values
    else:
        setattr(obj, table.field, to)
        for name, value in changes.items():
            setattr(obj, name, value)
    return obj
