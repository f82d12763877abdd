"""Every change audited (PRIV04): who, when, what before and after, in the change's own transaction.

Each app registers, in its `AppConfig.ready()`, the models that hold personal data, money or hall settings:
`register(model, personal={field: kind}, ignore=(…), only=(…), hall="lookup")`. Core imports no higher app.

* A save (create or update) and a delete of a registered model write one `ChangeRecord`: the actor (from
  `acting_as` / the request's user through `ChangeActorMiddleware`; None is the system), the hall (the model's
  `hall` lookup), the model, the object's id and each changed field's `[before, after]`. An update records only
  the fields that changed; a save that changes nothing writes nothing.
* Same transaction: a registered model's `save()` runs inside `transaction.atomic()` when no transaction is open
  (deletes already run in one), so a failing audit write rolls the change back.
* `QuerySet.update()`, `bulk_create()` and `bulk_update()` of a registered model are audited too (`install()`
  wraps them once): an update locks and reads the rows it changes first (`SELECT … FOR UPDATE`), so a
  compare-and-set stays one winner and every changed row gets its record. `QuerySet.delete()` goes through
  the delete signals.
* Personal fields are stored masked with `core.masking` (kind `phone`, `id_number`, `name`, `card`, `hidden`):
  the trail never becomes a second copy of ID numbers, phones or addresses. Nothing here is logged.
* A hot-path model may be registered with `only=` its personal fields (the queue's ticket and its phone): then
  only a write touching those fields costs a record, and the ticket's other moves cost no query.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import re
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models, router, transaction
from django.db.models import signals
from django.db.models.expressions import Combinable
from django.db.models.query import QuerySet
from django.utils import timezone

from . import masking
from .models import ChangeRecord

_MISSING = object()
SNAPSHOT = "_change_audit_before"

MASKERS: dict[str, Callable[[Any], str]] = {
    "phone": lambda v: masking.mask_phone(str(v)),
    "id_number": lambda v: masking.mask_id_number(str(v)),
    "name": lambda v: masking.mask_name(str(v)),
    "card": lambda v: masking.MASK * 4 + str(v)[-4:] if len(str(v)) > 4 else masking.MASK * 4,
    "hidden": lambda v: masking.MASK * 4,
}


@dataclass(frozen=True)
class Audited:
    model: type[models.Model]
    personal: dict[str, str]  # field name -> masking kind
    fields: tuple[models.Field[Any, Any], ...]  # the concrete fields recorded
    hall: str | None  # a lookup from the model to the hall's id ("hall", "order__hall", "pk")
    partial: bool = False  # registered with `only=`: a create without any of those fields is not recorded

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def field(self, name: str) -> models.Field[Any, Any] | None:
        for field in self.fields:
            if name in (field.name, field.attname):
                return field
        return None


_REGISTRY: dict[type[models.Model], Audited] = {}


# Words people type (a note, a reason, a complaint's words …) may name a customer, a phone or an address:
# the trail records that they changed, never what they said, unless a registration gives the field a kind.
FREE_TEXT_NAME = re.compile(
    r"(^|_)(note|notes|reason|remark|remarks|comment|comments|description|words|text|summary|answer|message)$"
)


def _free_text_hidden(model: type[models.Model]) -> dict[str, str]:
    hidden = {}
    for field in model._meta.concrete_fields:
        free = isinstance(field, models.TextField | models.JSONField)
        if free or (isinstance(field, models.CharField) and FREE_TEXT_NAME.search(field.name) and not field.choices):
            hidden[field.name] = "hidden"
    return hidden


def register(
    model: type[models.Model],
    *,
    personal: dict[str, str] | None = None,
    ignore: tuple[str, ...] = (),
    only: tuple[str, ...] | None = None,
    hall: str | None = "",
) -> None:
    """Audit every create, update and delete of `model` (again on a second `ready()`: replaces)."""
    personal = {**_free_text_hidden(model), **(personal or {})}
    for name, kind in personal.items():
        if kind not in MASKERS:
            raise ValueError(f"unknown masking kind {kind!r} for {model.__name__}.{name}")
    recorded = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in ignore:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if only is not None and field.name not in only:
            continue
        recorded.append(field)
    if hall == "":
        names = {f.name for f in model._meta.concrete_fields}
        hall = "hall" if "hall" in names else None
    _REGISTRY[model] = Audited(
        model=model, personal=personal, fields=tuple(recorded), hall=hall, partial=only is not None
    )
    uid = f"change_audit:{model._meta.label_lower}"
    signals.post_init.connect(_post_init, sender=model, dispatch_uid=uid)
    signals.post_save.connect(_post_save, sender=model, dispatch_uid=uid)
    signals.pre_delete.connect(_pre_delete, sender=model, dispatch_uid=uid)
    signals.post_delete.connect(_post_delete, sender=model, dispatch_uid=uid)
    if not getattr(model.save, "_change_audit_atomic", False):
        model.save = _atomic_save(model.save)  # type: ignore[method-assign]


def registry() -> dict[type[models.Model], Audited]:
    return dict(_REGISTRY)


def audited(model: type[models.Model]) -> Audited | None:
    return _REGISTRY.get(model._meta.concrete_model or model)


def audited_by_label(label: str) -> Audited | None:
    for entry in _REGISTRY.values():
        if entry.label == label:
            return entry
    return None


def money_labels() -> list[str]:
    """The audited models that hold money (a `DecimalField`): their trail is kept as long as money records."""
    return sorted(
        e.label for e in _REGISTRY.values() if any(isinstance(f, models.DecimalField) for f in e.model._meta.fields)
    )


def trail_due(cutoff: dt.datetime) -> QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(at__lt=cutoff).exclude(model__in=money_labels())


def money_trail_due(cutoff: dt.datetime) -> QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(at__lt=cutoff, model__in=money_labels())


def trail_delete(rows: QuerySet[ChangeRecord], now: dt.datetime) -> int:
    return ChangeRecord.objects.filter(pk__in=rows.values("pk")).delete()[0]


# --- who -----------------------------------------------------------------------------------------------

_ACTOR: ContextVar[Any] = ContextVar("change_audit_actor", default=None)


def _actor_id() -> int | None:
    actor = _ACTOR.get()
    if callable(actor):  # the request's user, read only when a change is written (no query otherwise)
        actor = actor()
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor.pk


@contextlib.contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Changes written inside are recorded as `user`'s (a user, a callable answering one, or None: the system)."""
    token = _ACTOR.set(user)
    try:
        yield
    finally:
        _ACTOR.reset(token)


class ChangeActorMiddleware:
    """The request's user is the actor of every change its view writes (read lazily: no query of its own)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with acting_as(lambda: getattr(request, "user", None)):
            return self.get_response(request)


# --- what ----------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a field's value."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict | list):
        return value
    if hasattr(value, "name"):  # a file
        return value.name or ""
    return str(value)


def _stored(entry: Audited, field: models.Field[Any, Any], value: Any) -> Any:
    kind = entry.personal.get(field.name)
    if kind is None:
        return _plain(value)
    if value in (None, "", [], {}):
        return "" if value is None else _plain(value)
    return MASKERS[kind](value)


def _values(entry: Audited, instance: models.Model) -> dict[str, Any]:
    """The recorded fields' loaded values (a deferred field is left out: reading it would cost a query)."""
    loaded = instance.__dict__
    return {f.attname: loaded[f.attname] for f in entry.fields if f.attname in loaded}


def _hall_id(entry: Audited, instance: models.Model) -> int | None:
    if entry.hall is None:
        return None
    target: Any = instance
    parts = entry.hall.split("__")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    last = parts[-1]
    if last == "pk":
        return target.pk
    field = target._meta.get_field(last)
    return getattr(target, getattr(field, "attname", last), None)


def _record(
    entry: Audited, action: str, object_id: Any, hall_id: int | None, changes: dict[str, list[Any]]
) -> ChangeRecord:
    return ChangeRecord(
        at=timezone.now(),
        actor_id=_actor_id(),
        hall_id=hall_id,
        action=action,
        model=entry.label,
        object_id="" if object_id is None else str(object_id),
        changes=changes,
    )


def _create_changes(entry: Audited, after: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {}
    for field in entry.fields:
        value = after.get(field.attname)
        if value is None or value == "":
            continue
        changes[field.name] = [None, _stored(entry, field, value)]
    return changes


def _update_changes(
    entry: Audited, before: dict[str, Any], after: dict[str, Any], names: set[str] | None = None
) -> dict[str, list[Any]]:
    changes = {}
    for field in entry.fields:
        if names is not None and field.name not in names and field.attname not in names:
            continue
        if field.attname not in after:
            continue
        old, new = before.get(field.attname, _MISSING), after[field.attname]
        if old is not _MISSING and _plain(old) == _plain(new):
            continue
        changes[field.name] = [None if old is _MISSING else _stored(entry, field, old), _stored(entry, field, new)]
    return changes


def _post_init(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    entry = _REGISTRY.get(sender)
    if entry is not None:
        instance.__dict__[SNAPSHOT] = _values(entry, instance)


def _post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    entry = _REGISTRY.get(sender)
    if entry is None:
        return
    after = _values(entry, instance)
    if created:
        changes = _create_changes(entry, after)
        keep = bool(changes) or not entry.partial
        action = ChangeRecord.Action.CREATE
    else:
        update_fields = kwargs.get("update_fields")
        changes = _update_changes(
            entry, instance.__dict__.get(SNAPSHOT, {}), after, set(update_fields) if update_fields else None
        )
        keep = bool(changes)
        action = ChangeRecord.Action.UPDATE
    if keep:
        _record(entry, action, instance.pk, _hall_id(entry, instance), changes).save(using=kwargs.get("using"))
    instance.__dict__[SNAPSHOT] = {**instance.__dict__.get(SNAPSHOT, {}), **after}


def _pre_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    entry = _REGISTRY.get(sender)
    if entry is not None:
        instance.__dict__["_change_audit_hall"] = _hall_id(entry, instance)


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    entry = _REGISTRY.get(sender)
    if entry is None:
        return
    before = _values(entry, instance)
    changes = {f.name: [_stored(entry, f, before[f.attname]), None] for f in entry.fields if f.attname in before}
    hall_id = instance.__dict__.get("_change_audit_hall")
    _record(entry, ChangeRecord.Action.DELETE, instance.pk, hall_id, changes).save(using=kwargs.get("using"))


def _atomic_save(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def save(self: models.Model, *args: Any, **kwargs: Any) -> Any:
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        if transaction.get_connection(using).in_atomic_block:
            return method(self, *args, **kwargs)
        with transaction.atomic(using=using):
            return method(self, *args, **kwargs)

    save._change_audit_atomic = True  # type: ignore[attr-defined]
    return save


# --- queryset writes -----------------------------------------------------------------------------------

_original_update = QuerySet.update
# Set while bulk_update records its own rows: the updates it runs underneath are not recorded twice.
_INSIDE_BULK_UPDATE: ContextVar[bool] = ContextVar("change_audit_inside_bulk_update", default=False)
_original_bulk_create = QuerySet.bulk_create
_original_bulk_update = QuerySet.bulk_update


def _hall_lookup(entry: Audited) -> str | None:
    """The `values()` name of the hall's id: `hall_id`, `order__hall`; None for none or the row's own pk."""
    if entry.hall in (None, "pk"):
        return None
    assert entry.hall is not None
    return entry.hall if "__" in entry.hall else f"{entry.hall}_id"


def _is_plain(value: Any) -> bool:
    return not isinstance(value, Combinable) and not hasattr(value, "resolve_expression")


def _audited_update(self: QuerySet[Any], **kwargs: Any) -> int:
    entry = None if _INSIDE_BULK_UPDATE.get() else _REGISTRY.get(self.model._meta.concrete_model)
    fields = [] if entry is None else [f for name in kwargs if (f := entry.field(name)) is not None]
    if entry is None or not fields:
        return _original_update(self, **kwargs)
    assert entry is not None
    names = [f.attname for f in fields]
    hall = _hall_lookup(entry)
    with transaction.atomic(using=self.db, savepoint=False):
        locked = self.select_for_update(of=("self",)) if self.query.select_for_update is False else self
        rows = list(locked.order_by().values("pk", *names, *([hall] if hall else [])))
        if not rows:
            return 0
        pks = [row["pk"] for row in rows]
        count = _original_update(self.filter(pk__in=pks), **kwargs)
        plain = {f.attname: kwargs.get(f.name, kwargs.get(f.attname)) for f in fields}
        if all(_is_plain(v) for v in plain.values()):
            after = {pk: {a: (v.pk if isinstance(v, models.Model) else v) for a, v in plain.items()} for pk in pks}
        else:
            manager = self.model._base_manager.using(self.db)
            after = {row.pop("pk"): row for row in manager.filter(pk__in=pks).values("pk", *names)}
        records = []
        for row in rows:
            changes = _update_changes(entry, row, {a: _to_python(entry, a, v) for a, v in after[row["pk"]].items()})
            if changes:
                hall_id = row["pk"] if entry.hall == "pk" else row.get(hall) if hall else None
                records.append(_record(entry, ChangeRecord.Action.UPDATE, row["pk"], hall_id, changes))
        if records:
            _original_bulk_create(ChangeRecord.objects.using(self.db).all(), records)
    return count


def _to_python(entry: Audited, attname: str, value: Any) -> Any:
    field = entry.field(attname)
    if field is None or value is None:
        return value
    try:
        return field.to_python(value)
    except Exception:
        return value


def _audited_bulk_create(self: QuerySet[Any], objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
    entry = _REGISTRY.get(self.model._meta.concrete_model)
    if entry is None:
        return _original_bulk_create(self, objs, *args, **kwargs)
    with transaction.atomic(using=self.db, savepoint=False):
        created = _original_bulk_create(self, objs, *args, **kwargs)
        records = []
        for obj in created:
            changes = _create_changes(entry, _values(entry, obj))
            if changes or not entry.partial:
                records.append(_record(entry, ChangeRecord.Action.CREATE, obj.pk, _hall_id(entry, obj), changes))
            obj.__dict__[SNAPSHOT] = _values(entry, obj)
        if records:
            _original_bulk_create(ChangeRecord.objects.using(self.db).all(), records)
    return created


def _audited_bulk_update(self: QuerySet[Any], objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
    entry = _REGISTRY.get(self.model._meta.concrete_model)
    objs = list(objs)
    recorded = [] if entry is None else [f for name in fields if (f := entry.field(name)) is not None]
    if entry is None or not recorded or not objs:
        return _original_bulk_update(self, objs, fields, *args, **kwargs)
    assert entry is not None
    names = [f.attname for f in recorded]
    with transaction.atomic(using=self.db, savepoint=False):
        manager = self.model._base_manager.using(self.db)
        before = {
            row.pop("pk"): row
            for row in manager.select_for_update(of=("self",)).filter(pk__in=[o.pk for o in objs]).values("pk", *names)
        }
        token = _INSIDE_BULK_UPDATE.set(True)
        try:
            count = _original_bulk_update(self, objs, fields, *args, **kwargs)
        finally:
            _INSIDE_BULK_UPDATE.reset(token)
        records = []
        for obj in objs:
            after = {a: obj.__dict__[a] for a in names if a in obj.__dict__}
            changes = _update_changes(entry, before.get(obj.pk, {}), after)
            if changes:
                records.append(_record(entry, ChangeRecord.Action.UPDATE, obj.pk, _hall_id(entry, obj), changes))
            obj.__dict__[SNAPSHOT] = {**obj.__dict__.get(SNAPSHOT, {}), **after}
        if records:
            _original_bulk_create(ChangeRecord.objects.using(self.db).all(), records)
    return count


def install() -> None:
    """Wrap the queryset writes once (from `CoreConfig.ready()`); models not registered pass straight through."""
    if getattr(QuerySet.update, "_change_audit", False):
        return
    for name, wrapper in (
        ("update", _audited_update),
        ("bulk_create", _audited_bulk_create),
        ("bulk_update", _audited_bulk_update),
    ):
        wrapper._change_audit = True  # type: ignore[union-attr]
        wrapper.__doc__ = getattr(QuerySet, name).__doc__
        setattr(QuerySet, name, wrapper)


__all__ = [
    "Audited",
    "ChangeActorMiddleware",
    "acting_as",
    "audited",
    "audited_by_label",
    "install",
    "register",
    "registry",
]
