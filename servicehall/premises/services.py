"""Every write of the hall's premises (SITE01, SITE02, SAFE01): loading the pack's checklists into a hall, the
patrol schedule, submitting a patrol (all or nothing), the rectifications it opens and their steps, and the
clock that escalates overdue rectifications and records missed rounds.

A patrol is submitted in one transaction after every answer was checked (each failure has a note, every
photo is a real JPEG or PNG of acceptable size): a refused patrol writes nothing. The same `request_key`
again answers the first patrol, so a double tap on "Submit" records one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.core.uploads import PHOTO_TYPES, check_upload
from servicehall.org import hours
from servicehall.org.models import Hall, Membership
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability, Role
from servicehall.org.selectors import hall_member_get, user_can
from servicehall.queueing.events import send_on_commit

from . import selectors
from .models import (
    ChecklistItem,
    ChecklistTemplate,
    Computed,
    MissedPatrol,
    Patrol,
    PatrolResult,
    PatrolRound,
    Rectification,
)
from .states import RECTIFICATION_TABLE, RectificationStatus

C = Capability
R = RectificationStatus
PACKS_DIR = Path(__file__).resolve().parent / "packs"
# Pushes (ids only): the rectifications page and the duty manager's console refresh on them.
RECTIFICATION_CHANGED = "rectification_changed"
MAX_NOTE = 500


def _user(actor: Actor) -> Any:
    """The signed-in staff member behind a write that must name one."""
    user = acting_user(actor)
    if user is None:
        raise Forbidden(_("Please sign in."), code="not_signed_in")
    return user


# --- the pack ------------------------------------------------------------------------------------


@cache
def pack_data(code: str) -> dict[str, Any]:
    """The premises part of an industry pack; {} for a pack without one."""
    path = PACKS_DIR / f"{code}.yaml"
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@transaction.atomic
def premises_load(*, hall: Hall) -> None:
    """Load the checklists of the hall's packs, and its first patrol schedule; again, it changes nothing that
    is already there except the items' texts and weights (a patrol keeps the weight it was scored with)."""
    for pack in hall.packs or []:
        data = pack_data(pack)
        templates: dict[str, ChecklistTemplate] = {}
        for spec in data.get("templates", []):
            template, _created = ChecklistTemplate.objects.update_or_create(
                hall=hall,
                code=spec["code"],
                defaults={
                    "kind": spec["kind"],
                    "frequency": spec["frequency"],
                    "name_zh": spec["name"]["zh"],
                    "name_en": spec["name"]["en"],
                },
            )
            templates[template.code] = template
            for position, item in enumerate(spec.get("items", []), start=1):
                ChecklistItem.objects.update_or_create(
                    template=template,
                    code=item["code"],
                    defaults={
                        "position": position,
                        "name_zh": item["name"]["zh"],
                        "name_en": item["name"]["en"],
                        "how_zh": item.get("how", {}).get("zh", ""),
                        "how_en": item.get("how", {}).get("en", ""),
                        "weight": int(item["weight"]),
                        "deadline_hours": int(item.get("deadline_hours", 0)),
                        "computed": item.get("computed", ""),
                    },
                )
        if PatrolRound.objects.filter(hall=hall).exists():
            continue
        for spec in data.get("rounds", []):
            PatrolRound.objects.create(
                hall=hall,
                name_zh=spec["name"]["zh"],
                name_en=spec["name"]["en"],
                time=dt.time.fromisoformat(spec["time"]),
                weekday=spec.get("weekday"),
                template=templates[spec["template"]],
            )


# --- the schedule --------------------------------------------------------------------------------


def _require_scheduler(actor: Actor, hall: Hall) -> None:
    """The hall administrator or whoever patrols (the duty manager) keeps the schedule."""
    if not (
        user_can(user=actor, hall=hall, capability=C.PATROL) or user_can(user=actor, hall=hall, capability=C.ADMINISTER)
    ):
        raise Forbidden(_("Only the duty manager or the hall administrator keeps the patrol schedule."))


@transaction.atomic
def round_add(
    *, hall: Hall, actor: Actor, name: str, time: dt.time | None, template_id: Any, weekday: int | None = None
) -> PatrolRound:
    _require_scheduler(actor, hall)
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise Unprocessable(_("Give the round a name of at most 40 characters."), code="bad_name")
    if time is None:
        raise Unprocessable(_("Please enter a time like 09:30."), code="bad_time")
    if weekday is not None and not 0 <= weekday <= 6:
        raise Unprocessable(_("Choose a day of the week."), code="bad_weekday")
    template = selectors.template_get(hall=hall, template_id=template_id)
    patrol_round = PatrolRound.objects.create(
        hall=hall, name_zh=name, name_en=name, time=time, weekday=weekday, template=template
    )
    audit_record(actor=actor, action="premises.round_add", obj=patrol_round, hall=hall, data={"time": str(time)})
    return patrol_round


@transaction.atomic
def round_remove(*, hall: Hall, actor: Actor, round_id: Any) -> None:
    """Take a round off the schedule (its past patrols and findings stay)."""
    _require_scheduler(actor, hall)
    patrol_round = selectors.round_get(hall=hall, round_id=round_id)
    patrol_round.active = False
    patrol_round.save(update_fields=["active"])
    audit_record(actor=actor, action="premises.round_remove", obj=patrol_round, hall=hall)


# --- the patrol ----------------------------------------------------------------------------------


@dataclass
class ItemAnswer:
    """What the patroller ticked for one item: passed or not, and for a failure the note, a photo, the owner
    of its rectification (a hall member; the duty manager when not given)."""

    passed: bool | None
    note: str = ""
    photo: UploadedFile | None = None
    owner_id: int | None = None


@dataclass
class _Checked:
    item: ChecklistItem
    passed: bool
    note: str
    photo: UploadedFile | None
    photo_kind: tuple[str, str] | None
    owner: Any


def duty_manager_of(hall: Hall, *, fallback: Any) -> Any:
    """Who owns a failure nobody was named for: the hall's duty manager (the first by user name)."""
    membership = (
        Membership.objects.filter(hall=hall, role=Role.DUTY_MANAGER)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership is not None else fallback


def _photo_kind(upload: UploadedFile | None) -> tuple[str, str] | None:
    if upload is None:
        return None
    return check_upload(upload, max_bytes=int(settings.PREMISES_PHOTO_MAX_BYTES), allowed=PHOTO_TYPES)


def _computed_answer(hall: Hall, item: ChecklistItem) -> tuple[bool, str]:
    """The system's own check of an item: the open cash drawers against the limit (SAFE01)."""
    if item.computed == Computed.DRAWER_CASH:
        over = [row for row in selectors.drawer_cash_rows(hall=hall) if row["over"]]
        if not over:
            return True, ""
        limit = selectors.drawer_cash_limit()
        counters = ", ".join(
            _("counter %(number)s: ¥%(amount)s") % {"number": row["counter"], "amount": row["expected"]} for row in over
        )
        return False, _("Above the limit of ¥%(limit)s (%(counters)s): deposit now.") % {
            "limit": limit,
            "counters": counters,
        }
    return True, ""


def _check_answers(
    hall: Hall, actor: Actor, items: list[ChecklistItem], answers: dict[int, ItemAnswer]
) -> list[_Checked]:
    unknown = set(answers) - {item.pk for item in items}
    if unknown:
        raise Unprocessable(_("The patrol names an item that is not on its checklist."), code="unknown_item")
    default_owner = duty_manager_of(hall, fallback=acting_user(actor))
    checked = []
    for item in items:
        answer = answers.get(item.pk) or ItemAnswer(passed=None)
        if item.computed:
            passed, note = _computed_answer(hall, item)
            checked.append(_Checked(item, passed, note, None, None, default_owner))
            continue
        if answer.passed is None:
            raise Unprocessable(
                _("Tick pass or fail for “%(item)s”.") % {"item": item.name},
                code="item_unanswered",
                extra={"field": f"item-{item.pk}"},
            )
        note = (answer.note or "").strip()
        if len(note) > MAX_NOTE:
            raise Unprocessable(
                _("The note for “%(item)s” is too long (at most %(max)s characters).")
                % {"item": item.name, "max": MAX_NOTE},
                code="note_too_long",
                extra={"field": f"note-{item.pk}"},
            )
        if answer.passed:
            checked.append(_Checked(item, True, note, None, None, None))
            continue
        if not note:
            raise Unprocessable(
                _("“%(item)s” failed: write down what is wrong.") % {"item": item.name},
                code="note_required",
                extra={"field": f"note-{item.pk}"},
            )
        owner = default_owner
        if answer.owner_id is not None:
            owner = hall_member_get(hall=hall, user_id=answer.owner_id)
            if owner is None:
                raise Unprocessable(
                    _("The owner chosen for “%(item)s” is not a member of this hall.") % {"item": item.name},
                    code="bad_owner",
                    extra={"field": f"owner-{item.pk}"},
                )
        try:
            kind = _photo_kind(answer.photo)
        except Unprocessable as exc:
            raise Unprocessable(
                _("The photo for “%(item)s”: %(problem)s") % {"item": item.name, "problem": exc.message},
                code=exc.code,
                extra={"field": f"photo-{item.pk}"},
            ) from None
        checked.append(_Checked(item, False, note, answer.photo, kind, owner))
    return checked


def score_of(passed_weight: int, total_weight: int) -> Decimal:
    """Passed weights over all weights, in % with one decimal."""
    if total_weight <= 0:
        return Decimal("100.0")
    return (Decimal(passed_weight) * 100 / Decimal(total_weight)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def deadline_for(item: ChecklistItem, *, start: dt.datetime) -> dt.datetime:
    hours_given = item.deadline_hours or int(settings.PREMISES_RECTIFICATION_HOURS)
    return start + dt.timedelta(hours=hours_given)


def patrol_submit(
    *,
    hall: Hall,
    actor: Actor,
    template_id: Any,
    answers: dict[int, ItemAnswer],
    round_id: Any = None,
    request_key: str = "",
) -> Patrol:
    """Record a patrol and open a rectification for every failed item; all or nothing."""
    require_capability(
        actor, hall, C.PATROL, message=_("Only the duty manager, the service manager or a safety officer patrols.")
    )
    key = (request_key or "").strip()
    if len(key) > 64:
        raise Unprocessable(_("The request key is too long."), code="bad_request_key")
    if key:
        existing = Patrol.objects.filter(hall=hall, request_key=key).first()
        if existing is not None:
            return existing
    template = selectors.template_get(hall=hall, template_id=template_id)
    patrol_round = None
    if round_id not in (None, ""):
        patrol_round = selectors.round_get(hall=hall, round_id=round_id)
        if patrol_round.template_id != template.pk:
            raise Unprocessable(_("This round uses another checklist."), code="round_template")
    items = list(template.items.filter(active=True).order_by("position", "id"))
    if not items:
        raise Unprocessable(_("This checklist has no items."), code="empty_checklist")
    checked = _check_answers(hall, actor, items, answers)
    try:
        with transaction.atomic():
            return _write_patrol(hall, actor, template, patrol_round, checked, key)
    except IntegrityError:
        if key:
            existing = Patrol.objects.filter(hall=hall, request_key=key).first()
            if existing is not None:
                return existing
        raise


def _write_patrol(
    hall: Hall,
    actor: Actor,
    template: ChecklistTemplate,
    patrol_round: PatrolRound | None,
    checked: list[_Checked],
    key: str,
) -> Patrol:
    now = timezone.now()
    total = sum(c.item.weight for c in checked)
    passed = sum(c.item.weight for c in checked if c.passed)
    patrol = Patrol.objects.create(
        hall=hall,
        template=template,
        round=patrol_round,
        day=hall.local_date(),
        patroller=_user(actor),
        submitted_at=now,
        passed_weight=passed,
        total_weight=total,
        score=score_of(passed, total),
        request_key=key,
    )
    opened = []
    for c in checked:
        result = PatrolResult(patrol=patrol, item=c.item, passed=c.passed, weight=c.item.weight, note=c.note)
        if c.photo is not None and c.photo_kind is not None:
            result.photo.save(f"finding.{c.photo_kind[1]}", c.photo, save=False)
            result.photo_type = c.photo_kind[0]
        result.save()
        if not c.passed:
            opened.append(_open_rectification(hall, actor, result, c.owner, now))
    audit_record(
        actor=actor,
        action="premises.patrol_submit",
        obj=patrol,
        hall=hall,
        data={"template": template.code, "score": str(patrol.score), "failed": len(opened)},
    )
    send_on_commit(hall.code, {"type": "patrol_submitted", "patrol": patrol.pk})
    return patrol


def _open_rectification(hall: Hall, actor: Actor, result: PatrolResult, owner: Any, now: dt.datetime) -> Rectification:
    rectification = Rectification.objects.create(
        hall=hall,
        number=f"ZG{timezone.localtime(now, hall.tz):%Y%m%d}-{result.pk}",
        result=result,
        owner=owner,
        deadline=deadline_for(result.item, start=now),
        created_at=now,
    )
    RECTIFICATION_TABLE.record(rectification, from_status="", to_status=R.OPEN, actor=actor, at=now)
    send_on_commit(hall.code, {"type": RECTIFICATION_CHANGED, "rectification": rectification.pk})
    return rectification


# --- the rectification ---------------------------------------------------------------------------


def _locked(rectification: Rectification) -> Rectification:
    return Rectification.objects.select_for_update().select_related("hall", "result__patrol").get(pk=rectification.pk)


def _refused(status: str) -> Conflict:
    return Conflict(
        _("This rectification is %(status)s; that step is not open to it.") % {"status": R(status).label},
        code="rectification_state",
    )


@transaction.atomic
def rectification_close(
    *, rectification: Rectification, actor: Actor, note: str, photo: UploadedFile | None = None
) -> Rectification:
    """The owner says it is put right, with what was done and perhaps a photo."""
    rectification = _locked(rectification)
    if acting_user(actor) != rectification.owner:
        raise Forbidden(_("Only the owner of this rectification closes it."), code="not_owner")
    if rectification.status != R.OPEN:
        raise _refused(rectification.status)
    note = (note or "").strip()
    if not note:
        raise Unprocessable(_("Write down what was done."), code="note_required", extra={"field": "note"})
    if len(note) > MAX_NOTE:
        raise Unprocessable(_("The note is too long (at most 500 characters)."), code="note_too_long")
    kind = _photo_kind(photo)
    now = timezone.now()
    changes: dict[str, Any] = {"evidence_note": note, "submitted_at": now, "reject_reason": ""}
    if photo is not None and kind is not None:
        rectification.evidence_photo.save(f"evidence.{kind[1]}", photo, save=False)
        changes |= {"evidence_photo": rectification.evidence_photo.name, "evidence_type": kind[0]}
    transition(
        rectification,
        R.SUBMITTED,
        table=RECTIFICATION_TABLE,
        refuse=_refused,
        actor=actor,
        changes=changes,
        note=note[:200],
    )
    audit_record(actor=actor, action="premises.rectification_close", obj=rectification, hall=rectification.hall)
    send_on_commit(rectification.hall.code, {"type": RECTIFICATION_CHANGED, "rectification": rectification.pk})
    return rectification


def _require_verifier(actor: Actor, rectification: Rectification) -> None:
    if acting_user(actor) == rectification.result.patrol.patroller:
        return
    require_capability(
        actor,
        rectification.hall,
        C.PATROL,
        message=_("Only the patroller or someone who patrols verifies a rectification."),
    )


@transaction.atomic
def rectification_verify(*, rectification: Rectification, actor: Actor) -> Rectification:
    """The patroller (or another who patrols) saw it put right."""
    rectification = _locked(rectification)
    _require_verifier(actor, rectification)
    if rectification.status != R.SUBMITTED:
        raise _refused(rectification.status)
    now = timezone.now()
    transition(
        rectification,
        R.VERIFIED,
        table=RECTIFICATION_TABLE,
        refuse=_refused,
        actor=actor,
        changes={"verified_by": acting_user(actor), "verified_at": now},
    )
    audit_record(actor=actor, action="premises.rectification_verify", obj=rectification, hall=rectification.hall)
    send_on_commit(rectification.hall.code, {"type": RECTIFICATION_CHANGED, "rectification": rectification.pk})
    return rectification


@transaction.atomic
def rectification_reject(*, rectification: Rectification, actor: Actor, reason: str) -> Rectification:
    """Not put right: back to the owner with the reason (the deadline stands)."""
    rectification = _locked(rectification)
    _require_verifier(actor, rectification)
    if rectification.status != R.SUBMITTED:
        raise _refused(rectification.status)
    reason = (reason or "").strip()
    if not reason:
        raise Unprocessable(_("Say why it is not put right."), code="reason_required", extra={"field": "reason"})
    if len(reason) > MAX_NOTE:
        raise Unprocessable(_("The reason is too long (at most 500 characters)."), code="reason_too_long")
    transition(
        rectification,
        R.OPEN,
        table=RECTIFICATION_TABLE,
        refuse=_refused,
        actor=actor,
        changes={"reject_reason": reason},
        note=reason[:200],
    )
    audit_record(actor=actor, action="premises.rectification_reject", obj=rectification, hall=rectification.hall)
    send_on_commit(rectification.hall.code, {"type": RECTIFICATION_CHANGED, "rectification": rectification.pk})
    return rectification


# --- the clock -----------------------------------------------------------------------------------


def rectifications_escalate(*, now: dt.datetime | None = None) -> int:
    """Warn before, and escalate at and after, the deadline of every open rectification; returns the steps
    written. The duty manager's console chimes when one becomes overdue."""
    now = now or timezone.now()
    steps = 0
    ids = list(
        Rectification.objects.filter(status=R.OPEN, deadline__lte=now + dt.timedelta(days=7)).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            rectification = (
                Rectification.objects.select_for_update().select_related("hall").filter(pk=pk, status=R.OPEN).first()
            )
            if rectification is None:
                continue
            step = hours.hall_time_limit_step(
                rectification.hall,
                due=rectification.deadline,
                now=now,
                level=rectification.level,
                escalated_at=rectification.escalated_at,
                warned_for=rectification.warned_for,
                warn_hours=float(settings.PREMISES_WARN_HOURS),
                second_escalation_hours=float(settings.PREMISES_SECOND_ESCALATION_HOURS),
            )
            if step is None:
                continue
            kind, level = step
            if kind == hours.WARNING:
                rectification.warned_for = rectification.deadline
                rectification.save(update_fields=["warned_for"])
            else:
                rectification.level, rectification.escalated_at = level, now
                rectification.save(update_fields=["level", "escalated_at"])
            audit_record(
                actor=None,
                action=f"premises.rectification_{kind}",
                obj=rectification,
                hall=rectification.hall,
                data={"level": level},
            )
            payload: dict[str, Any] = {"type": RECTIFICATION_CHANGED, "rectification": rectification.pk}
            if kind == hours.ESCALATION:
                payload["chime"] = True
            send_on_commit(rectification.hall.code, payload)
            steps += 1
    return steps


def missed_patrols_record(*, now: dt.datetime | None = None) -> int:
    """Record, once, every scheduled round of today not done within its window; returns how many."""
    now = now or timezone.now()
    window = dt.timedelta(minutes=int(settings.PREMISES_ROUND_WINDOW_MINUTES))
    recorded = 0
    for patrol_round in PatrolRound.objects.filter(active=True).select_related("hall"):
        hall = patrol_round.hall
        day = timezone.localtime(now, hall.tz).date()
        if patrol_round.weekday is not None and patrol_round.weekday != day.weekday():
            continue
        due = dt.datetime.combine(day, patrol_round.time, tzinfo=hall.tz) + window
        if now < due or hours.hall_is_closed_on(hall, day):
            continue
        if Patrol.objects.filter(round=patrol_round, day=day).exists():
            continue
        if MissedPatrol.objects.filter(round=patrol_round, day=day).exists():
            continue
        try:
            with transaction.atomic():
                missed = MissedPatrol.objects.create(
                    hall=hall, round=patrol_round, day=day, due_at=due, recorded_at=now
                )
                audit_record(actor=None, action="premises.patrol_missed", obj=missed, hall=hall)
                send_on_commit(hall.code, {"type": "patrol_missed", "round": patrol_round.pk, "chime": True})
        except IntegrityError:
            continue
        recorded += 1
    return recorded
