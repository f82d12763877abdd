"""The change trail as the auditor reads it (PRIV04): the filters, the hall's records and their display.

Reads `core.ChangeRecord` of one hall; every label comes from the models themselves — the kind of record is
the model's verbose name, each field its verbose name, a choice its label, a time the hall's local time — so
no code or ISO timestamp reaches the screen or the export. Personal values were masked when written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from servicehall.core.change_audit import registry
from servicehall.core.dates import parse_day
from servicehall.core.errors import ApplicationError
from servicehall.core.models import ChangeRecord

from .models import Hall
from .presentation import staff_name

PAGE_SIZE = 50


@dataclass(frozen=True)
class TrailFilters:
    since: dt.date | None = None
    until: dt.date | None = None
    actor: int | None = None
    kind: str = ""
    action: str = ""
    object_id: str = ""


def kind_choices() -> list[tuple[str, str]]:
    """Every audited kind of record, by its translated name."""
    rows = [(entry.label, capfirst(str(entry.model._meta.verbose_name))) for entry in registry().values()]
    return sorted(rows, key=lambda row: row[1])


def actor_choices(*, hall: Hall) -> list[tuple[int, str]]:
    ids = ChangeRecord.objects.filter(hall=hall, actor__isnull=False).values_list("actor", flat=True).distinct()
    users = get_user_model().objects.filter(pk__in=ids)
    return sorted(((u.pk, staff_name(u)) for u in users), key=lambda row: row[1])


def filters_parse(params: Any) -> TrailFilters:
    """The page's filters from the query string; a bad one raises an ApplicationError saying what to fix."""

    def day(name: str) -> dt.date | None:
        raw = (params.get(name) or "").strip()
        if not raw:
            return None
        try:
            return parse_day(raw)
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0], code="bad_date") from exc

    since, until = day("since"), day("until")
    if since and until and since > until:
        raise ApplicationError(_("The first day must come before the last day."), code="bad_range")
    actor_raw = (params.get("actor") or "").strip()
    if actor_raw and not actor_raw.isdigit():
        raise ApplicationError(_("Choose the person from the list."), code="bad_actor")
    kind = (params.get("kind") or "").strip()
    if kind and kind not in dict(kind_choices()):
        raise ApplicationError(_("Choose the kind of record from the list."), code="bad_kind")
    action = (params.get("action") or "").strip()
    if action and action not in ChangeRecord.Action.values:
        raise ApplicationError(_("Choose the change from the list."), code="bad_action")
    object_id = (params.get("object") or "").strip()
    if len(object_id) > 64 or (object_id and not object_id.replace("-", "").isalnum()):
        raise ApplicationError(_("A record number has only letters, digits and dashes."), code="bad_object")
    return TrailFilters(
        since=since,
        until=until,
        actor=int(actor_raw) if actor_raw else None,
        kind=kind,
        action=action,
        object_id=object_id,
    )


def hall_change_records(*, hall: Hall, filters: TrailFilters) -> QuerySet[ChangeRecord]:
    """The hall's change records, newest first, filtered; days are the hall's local days."""
    rows = ChangeRecord.objects.filter(hall=hall).select_related("actor").order_by("-at", "-id")
    tz = hall.tz
    if filters.since:
        rows = rows.filter(at__gte=dt.datetime.combine(filters.since, dt.time.min, tzinfo=tz))
    if filters.until:
        rows = rows.filter(at__lt=dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if filters.actor:
        rows = rows.filter(actor_id=filters.actor)
    if filters.kind:
        rows = rows.filter(model=filters.kind)
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.object_id:
        rows = rows.filter(object_id=filters.object_id)
    return rows


# --- display -------------------------------------------------------------------------------------------


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def kind_label(label: str) -> str:
    model = _model(label)
    return capfirst(str(model._meta.verbose_name)) if model else _("Record no longer in use")


def _value(field: models.Field[Any, Any] | None, value: Any, tz: dt.tzinfo, people: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    person = _int(value) if field.is_relation and field.related_model is get_user_model() else None
    if person is not None and person in people:
        return people[person]  # a staff member by name, as every staff screen shows them
    if field.is_relation:
        return f"{field.related_model._meta.verbose_name} #{value}" if field.related_model else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DateTimeField):
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if timezone.is_aware(moment):
            moment = moment.astimezone(tz)
        return f"{moment:%Y-%m-%d %H:%M}"
    if isinstance(field, models.TimeField):
        return str(value)[:5]
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _people(records: Any) -> dict[int, str]:
    """The staff named in the records' user fields (clerk at a counter, who approved …), read in one query."""
    user_model = get_user_model()
    ids: set[int] = set()
    for record in records:
        model = _model(record.model)
        for name, pair in (record.changes or {}).items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is user_model:
                ids.update(number for number in map(_int, list(pair)) if number is not None)
    return {user.pk: staff_name(user) for user in user_model.objects.filter(pk__in=ids)} if ids else {}


def change_lines(record: ChangeRecord, *, tz: dt.tzinfo, people: dict[int, str] | None = None) -> list[dict[str, str]]:
    """Each changed field as "label: before → after", in the model's own words."""
    model = _model(record.model)
    people = people or {}
    lines = []
    for name, pair in (record.changes or {}).items():
        before, after = [*list(pair), None, None][:2]
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else name
        lines.append(
            {
                "label": label[:1].upper() + label[1:],
                "before": _value(field, before, tz, people),
                "after": _value(field, after, tz, people),
            }
        )
    return lines


def trail_rows(records: Any, *, hall: Hall) -> list[dict[str, Any]]:
    tz = hall.tz
    records = list(records)
    people = _people(records)
    return [
        {
            "id": record.pk,
            "at": f"{timezone.localtime(record.at, tz):%Y-%m-%d %H:%M:%S}",
            "actor": staff_name(record.actor) if record.actor else _("System"),
            "kind": kind_label(record.model),
            "action": record.get_action_display(),
            "action_code": record.action,
            "object_id": record.object_id,
            "lines": change_lines(record, tz=tz, people=people),
        }
        for record in records
    ]
