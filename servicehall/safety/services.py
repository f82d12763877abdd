"""Every write of safety production: the key register (SAFE02), incidents (SAFE03), drills (SAFE04).

Keys: a copy changes hands only when both sides signed, each with their own login (as the cash drawer's
handover, cashdesk.services.handovers): the giver starts the handover, the receiver confirms it. Starting one
locks the copy's row (`select_for_update`), so two issues of the same copy at once give one handover and the
other is refused. The history (`KeyMove`) is only ever added to.

Incidents are append-only: there is no service that edits or deletes one (the models refuse it too); later
facts, follow-up actions and the conclusion are entries. Their free text may name people, so nothing of it
goes to the audit log or the push.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_member_get, user_can
from servicehall.queueing.events import send_on_commit

from .models import (
    CopyRequest,
    CopyStatus,
    Drill,
    DrillKind,
    DrillResult,
    EntryKind,
    HandoverKind,
    HandoverStatus,
    Incident,
    IncidentEntry,
    IncidentKind,
    IncidentSequence,
    Key,
    KeyCopy,
    KeyHandover,
    KeyKind,
    KeyMove,
    LockChange,
    RequestStatus,
)

C = Capability
PACKS_DIR = Path(__file__).resolve().parent / "packs"
DEFAULT_PACK = "telecom"
# The push the duty manager's console and the safety page listen for: ids only, never names or text.
INCIDENT_REPORTED = "safety_incident"
KEYS_CHANGED = "safety_keys"
MAX_NEW_COPIES = 20


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    raw = str(value or "")
    text = "\n".join(" ".join(line.split()) for line in raw.strip().splitlines()).strip()
    if required and not text:
        raise Unprocessable(_("Please fill in: %(field)s.") % {"field": label}, code="required", extra={"field": field})
    if len(text) > max_length:
        raise Unprocessable(
            _("%(field)s is too long (at most %(max)s characters).") % {"field": label, "max": max_length},
            code="too_long",
            extra={"field": field},
        )
    return text


def _user(actor: Actor) -> Any:
    user = acting_user(actor)
    if user is None:
        raise Forbidden(_("Please sign in."), code="not_authenticated")
    return user


def _require_safety(actor: Actor, hall: Hall, message: str | None = None) -> None:
    require_capability(
        actor,
        hall,
        C.MANAGE_SAFETY,
        message=message or _("Only the hall's safety managers may do this."),
        code="not_safety_manager",
    )


# --- keys (SAFE02) ------------------------------------------------------------------------------


@transaction.atomic
def key_create(*, hall: Hall, actor: Actor, kind: str, name: str, place: str = "", copies: Any = 1) -> Key:
    """A new key in the register with its first copies (numbered 1…n), all in the key cabinet."""
    _require_safety(actor, hall)
    if kind not in KeyKind.values:
        raise Unprocessable(_("Please choose what the key opens."), code="bad_kind", extra={"field": "kind"})
    label = _text(name, field="name", label=_("Name"), max_length=60, required=True)
    where = _text(place, field="place", label=_("Where the lock is"), max_length=100)
    count = _count(copies)
    if Key.objects.filter(hall=hall, name=label).exists():
        raise Conflict(
            _("A key with this name is already in the register."), code="key_exists", extra={"field": "name"}
        )
    key = Key.objects.create(hall=hall, kind=kind, name=label, place=where)
    now = timezone.now()
    for number in range(1, count + 1):
        _copy_make(key, number, now)
    audit_record(actor=actor, action="safety.key_create", obj=key, hall=hall, data={"copies": count})
    return key


def _count(value: Any) -> int:
    try:
        count = int(str(value).strip())
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_NEW_COPIES:
        raise Unprocessable(
            _("Copies: a number from 1 to %(max)s.") % {"max": MAX_NEW_COPIES},
            code="bad_count",
            extra={"field": "copies"},
        )
    return count


def _copy_make(key: Key, number: int, at: dt.datetime) -> KeyCopy:
    copy = KeyCopy.objects.create(key=key, number=number)
    KeyMove.objects.create(copy=copy, at=at, holder=None)
    return copy


def _locked_copy(copy: KeyCopy) -> KeyCopy:
    locked = KeyCopy.objects.select_for_update(of=("self",)).select_related("key__hall").filter(pk=copy.pk).first()
    if locked is None:
        raise NotFound(_("No such key copy in this hall."))
    return locked


def _refuse_void(copy: KeyCopy) -> None:
    if copy.status == CopyStatus.VOID:
        raise Conflict(_("This copy is void: its lock was changed."), code="copy_void")


def key_issue(*, copy: KeyCopy, actor: Actor, receiver_id: int | None) -> KeyHandover:
    """A safety manager hands a copy from the cabinet to a member of the hall and signs; the member confirms."""
    hall = copy.key.hall
    _require_safety(actor, hall, _("Keys are issued by the hall's safety managers."))
    giver = _user(actor)
    receiver = hall_member_get(hall=hall, user_id=receiver_id)
    if receiver is None:
        raise Unprocessable(
            _("Please choose who receives the key among the hall's staff."),
            code="bad_receiver",
            extra={"field": "receiver"},
        )
    if receiver.pk == giver.pk:
        raise Unprocessable(
            _("An issue needs a second person: the receiver signs with their own login."), code="same_signer"
        )
    return _handover_start(copy, HandoverKind.ISSUE, giver=giver, receiver=receiver, actor=actor)


def key_return(*, copy: KeyCopy, actor: Actor, receiver_id: int | None) -> KeyHandover:
    """The holder gives a copy back to a safety manager and signs; the safety manager confirms."""
    hall = copy.key.hall
    giver = _user(actor)
    if copy.holder_id != giver.pk:
        raise Forbidden(_("Only the person holding this copy can give it back."), code="not_holder")
    receiver = hall_member_get(hall=hall, user_id=receiver_id)
    if receiver is None or not user_can(user=receiver, hall=hall, capability=C.MANAGE_SAFETY):
        raise Unprocessable(
            _("Please choose the safety manager who takes the key back."),
            code="bad_receiver",
            extra={"field": "receiver"},
        )
    if receiver.pk == giver.pk:
        raise Unprocessable(_("A return needs a second person: choose who takes the key back."), code="same_signer")
    return _handover_start(copy, HandoverKind.RETURN, giver=giver, receiver=receiver, actor=actor)


def _handover_start(copy: KeyCopy, kind: str, *, giver: Any, receiver: Any, actor: Actor) -> KeyHandover:
    try:
        with transaction.atomic():
            locked = _locked_copy(copy)
            _refuse_void(locked)
            if kind == HandoverKind.ISSUE and locked.holder_id is not None:
                raise Conflict(_("This copy is already held by someone: it must be returned first."), code="copy_held")
            if kind == HandoverKind.RETURN and locked.holder_id != giver.pk:
                raise Forbidden(_("Only the person holding this copy can give it back."), code="not_holder")
            if KeyHandover.objects.filter(copy=locked, status=HandoverStatus.PENDING).exists():
                raise Conflict(
                    _("A handover of this copy is already waiting for a signature."), code="handover_pending"
                )
            handover = KeyHandover.objects.create(
                copy=locked, kind=kind, giver=giver, receiver=receiver, giver_signed_at=timezone.now()
            )
            audit_record(
                actor=actor,
                action=f"safety.key_{kind}_start",
                obj=handover,
                hall=locked.key.hall,
                data={"copy": locked.pk},
            )
            send_on_commit(locked.key.hall.code, {"type": KEYS_CHANGED, "copy": locked.pk})
    except IntegrityError as exc:  # the database's own guard: one pending handover per copy
        raise Conflict(
            _("A handover of this copy is already waiting for a signature."), code="handover_pending"
        ) from exc
    return handover


def _locked_pending(handover: KeyHandover) -> KeyHandover:
    locked = KeyHandover.objects.select_for_update().filter(pk=handover.pk).first()
    if locked is None:
        raise NotFound(_("There is no such key handover."))
    if locked.status != HandoverStatus.PENDING:
        raise Conflict(_("This handover is no longer waiting for a signature."), code="handover_done")
    return locked


@transaction.atomic
def handover_confirm(*, handover: KeyHandover, actor: Actor) -> KeyHandover:
    """The receiver signs with their own login: the copy changes hands and the history gets its row."""
    signer = _user(actor)
    if signer.pk == handover.giver_id:
        raise Forbidden(
            _("The same person cannot sign both sides: the receiver signs with their own login."), code="same_signer"
        )
    if signer.pk != handover.receiver_id:
        raise Forbidden(_("This key handover waits for another person's signature."), code="not_receiver")
    copy = _locked_copy(handover.copy)
    locked = _locked_pending(handover)
    _refuse_void(copy)
    now = timezone.now()
    holder = locked.receiver if locked.kind == HandoverKind.ISSUE else None
    KeyHandover.objects.filter(pk=locked.pk).update(status=HandoverStatus.SIGNED, receiver_signed_at=now)
    KeyCopy.objects.filter(pk=copy.pk).update(holder=holder)
    KeyMove.objects.create(copy=copy, at=now, holder=holder, handover=locked)
    locked.refresh_from_db()
    audit_record(
        actor=actor, action=f"safety.key_{locked.kind}_sign", obj=locked, hall=copy.key.hall, data={"copy": copy.pk}
    )
    send_on_commit(copy.key.hall.code, {"type": KEYS_CHANGED, "copy": copy.pk})
    return locked


@transaction.atomic
def handover_withdraw(*, handover: KeyHandover, actor: Actor) -> KeyHandover:
    """The giver takes back a handover nobody confirmed; the copy stays where it was."""
    user = _user(actor)
    if user.pk != handover.giver_id:
        raise Forbidden(_("Only the giver can withdraw the handover."), code="not_giver")
    locked = _locked_pending(handover)
    KeyHandover.objects.filter(pk=locked.pk).update(status=HandoverStatus.WITHDRAWN)
    locked.refresh_from_db()
    audit_record(actor=actor, action="safety.key_handover_withdraw", obj=locked, hall=handover.copy.key.hall)
    return locked


@transaction.atomic
def copy_request(*, key: Key, actor: Actor, reason: str) -> CopyRequest:
    """Ask for an extra copy (3.3.7: no copy is made without approval); it exists only once approved."""
    _require_safety(actor, key.hall, _("Extra copies are requested by the hall's safety managers."))
    text = _text(reason, field="reason", label=_("Reason"), max_length=200, required=True)
    request = CopyRequest.objects.create(key=key, reason=text, requested_by=_user(actor))
    audit_record(actor=actor, action="safety.copy_request", obj=request, hall=key.hall)
    return request


@transaction.atomic
def copy_request_decide(*, request: CopyRequest, actor: Actor, approve: bool) -> CopyRequest:
    """Another safety manager approves (the copy is made, numbered after the key's last) or refuses."""
    hall = request.key.hall
    _require_safety(actor, hall, _("Extra copies are approved by the hall's safety managers."))
    user = _user(actor)
    if user.pk == request.requested_by_id:
        raise Forbidden(
            _("An extra copy is approved by a safety manager other than who asked for it."), code="four_eyes"
        )
    locked = CopyRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.WAITING:
        raise Conflict(_("This request was already decided."), code="request_decided")
    key = Key.objects.select_for_update().get(pk=locked.key_id)
    if approve and LockChange.objects.filter(key=key, done_at__isnull=True).exists():
        raise Conflict(_("The lock of this key is being changed: record the new lock first."), code="lock_change_open")
    now = timezone.now()
    copy = None
    if approve:
        last = KeyCopy.objects.filter(key=key).aggregate(m=Max("number"))["m"] or 0
        copy = _copy_make(key, last + 1, now)
    CopyRequest.objects.filter(pk=locked.pk).update(
        status=RequestStatus.APPROVED if approve else RequestStatus.REJECTED, decided_by=user, decided_at=now, copy=copy
    )
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action="safety.copy_approve" if approve else "safety.copy_reject",
        obj=locked,
        hall=hall,
    )
    return locked


@transaction.atomic
def copy_report_lost(*, copy: KeyCopy, actor: Actor, note: str = "") -> LockChange:
    """A lost copy: every copy of the key is void at once (handovers waiting are withdrawn) and a lock change
    task opens. Its holder or a safety manager reports it."""
    hall = copy.key.hall
    user = _user(actor)
    if copy.holder_id != user.pk and not user_can(user=actor, hall=hall, capability=C.MANAGE_SAFETY):
        raise Forbidden(_("A lost key is reported by its holder or a safety manager."), code="not_holder")
    text = _text(note, field="note", label=_("How it was lost"), max_length=200)
    key = Key.objects.select_for_update().get(pk=copy.key_id)
    locked = _locked_copy(copy)
    _refuse_void(locked)
    now = timezone.now()
    copies = list(KeyCopy.objects.select_for_update().filter(key=key, status=CopyStatus.ACTIVE).order_by("pk"))
    KeyHandover.objects.filter(copy__in=copies, status=HandoverStatus.PENDING).update(status=HandoverStatus.WITHDRAWN)
    for each in copies:
        KeyMove.objects.create(copy=each, at=now, holder=None, voided=True)
    KeyCopy.objects.filter(pk__in=[c.pk for c in copies]).update(status=CopyStatus.VOID, holder=None)
    task = LockChange.objects.create(key=key, lost_copy=locked, reported_by=user, reported_at=now, note=text)
    audit_record(actor=actor, action="safety.copy_lost", obj=task, hall=hall, data={"voided": len(copies)})
    send_on_commit(hall.code, {"type": KEYS_CHANGED, "key": key.pk})
    return task


@transaction.atomic
def lock_change_done(*, task: LockChange, actor: Actor, copies: Any, note: str = "") -> LockChange:
    """The new lock is in and its copies are made: the task is done, the key has new copies in the cabinet."""
    hall = task.key.hall
    _require_safety(actor, hall)
    count = _count(copies)
    text = _text(note, field="note", label=_("New lock"), max_length=200, required=True)
    locked = LockChange.objects.select_for_update().get(pk=task.pk)
    if locked.done_at is not None:
        raise Conflict(_("This lock change is already recorded."), code="lock_change_done")
    key = Key.objects.select_for_update().get(pk=locked.key_id)
    now = timezone.now()
    last = KeyCopy.objects.filter(key=key).aggregate(m=Max("number"))["m"] or 0
    for number in range(last + 1, last + count + 1):
        _copy_make(key, number, now)
    Key.objects.filter(pk=key.pk).update(lock_generation=key.lock_generation + 1)
    LockChange.objects.filter(pk=locked.pk).update(done_at=now, done_by=_user(actor), new_copies=count, done_note=text)
    locked.refresh_from_db()
    audit_record(actor=actor, action="safety.lock_change_done", obj=locked, hall=hall, data={"copies": count})
    return locked


# --- incidents (SAFE03) -------------------------------------------------------------------------


def incident_report(
    *, hall: Hall, actor: Actor, kind: str, occurred_at: dt.datetime | None, place: str, description: str
) -> Incident:
    """Any member reports at once (4.4 即时上报); the duty managers' consoles chime."""
    require_capability(actor, hall, C.VIEW_HALL)
    user = _user(actor)
    if kind not in IncidentKind.values:
        raise Unprocessable(_("Please choose what kind of incident it is."), code="bad_kind", extra={"field": "kind"})
    if occurred_at is None:
        raise Unprocessable(_("Please give when it happened."), code="required", extra={"field": "occurred_at"})
    now = timezone.now()
    if occurred_at > now + dt.timedelta(minutes=5):
        raise Unprocessable(
            _("An incident is reported once it happened, not before."), code="future", extra={"field": "occurred_at"}
        )
    where = _text(place, field="place", label=_("Place"), max_length=100, required=True)
    what = _text(
        description, field="description", label=pgettext("incident", "What happened"), max_length=2000, required=True
    )
    with transaction.atomic():
        day = hall.local_date()
        number = sequence_next(model=IncidentSequence, key={"hall": hall, "day": day})
        incident = Incident.objects.create(
            hall=hall,
            number=f"SG{day:%Y%m%d}{number:03d}",
            kind=kind,
            occurred_at=occurred_at,
            place=where,
            description=what,
            reported_by=user,
            reported_at=now,
        )
        # The audit row names the kind only: the text may name people.
        audit_record(actor=actor, action="safety.incident_report", obj=incident, hall=hall, data={"kind": kind})
        send_on_commit(hall.code, {"type": INCIDENT_REPORTED, "incident": incident.pk, "chime": True})
    return incident


def incident_is_closed(incident: Incident) -> bool:
    return IncidentEntry.objects.filter(incident=incident, kind=EntryKind.CONCLUSION).exists()


def incident_add_entry(*, incident: Incident, actor: Actor, kind: str, text: str) -> IncidentEntry:
    """A later fact or a follow-up action, by any member of the hall; a conclusion closes the incident and
    is written by a safety manager. Nothing is added after the conclusion."""
    hall = incident.hall
    require_capability(actor, hall, C.VIEW_HALL)
    if kind not in EntryKind.values:
        raise Unprocessable(_("Please choose what you are adding."), code="bad_kind", extra={"field": "kind"})
    if kind == EntryKind.CONCLUSION:
        _require_safety(actor, hall, _("An incident is closed by the hall's safety managers."))
    body = _text(
        text,
        field="text",
        label=_("Conclusion") if kind == EntryKind.CONCLUSION else _("Text"),
        max_length=2000,
        required=True,
    )
    try:
        with transaction.atomic():
            # The incident row is only read: lock it so an entry never lands after a concurrent conclusion.
            Incident.objects.select_for_update().filter(pk=incident.pk).first()
            if incident_is_closed(incident):
                raise Conflict(_("This incident is closed: nothing can be added."), code="incident_closed")
            entry = IncidentEntry.objects.create(
                incident=incident, kind=kind, text=body, written_by=_user(actor), written_at=timezone.now()
            )
            audit_record(actor=actor, action=f"safety.incident_{kind}", obj=entry, hall=hall, data={"kind": kind})
            send_on_commit(hall.code, {"type": INCIDENT_REPORTED, "incident": incident.pk})
    except IntegrityError as exc:
        raise Conflict(_("This incident is closed: nothing can be added."), code="incident_closed") from exc
    return entry


# --- drills and training (SAFE04) ---------------------------------------------------------------


def _pack_kinds(code: str) -> list[dict[str, Any]]:
    path = PACKS_DIR / f"{code}.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("drill_kinds") or [])


@transaction.atomic
def drill_kinds_load(*, hall: Hall) -> list[DrillKind]:
    """The hall's drill and training kinds from its packs (telecom when it has none); loading again
    updates names and intervals and adds nothing twice."""
    codes = list(hall.packs or []) or [DEFAULT_PACK]
    loaded: dict[str, DrillKind] = {}
    for pack in codes:
        for item in _pack_kinds(pack):
            kind, _created = DrillKind.objects.update_or_create(
                hall=hall,
                code=item["code"],
                defaults={
                    "name_zh": item["name"]["zh"],
                    "name_en": item["name"]["en"],
                    "interval_months": int(item["interval_months"]),
                    "required": bool(item.get("required", True)),
                },
            )
            loaded[kind.code] = kind
    return list(loaded.values())


def drill_record(
    *,
    hall: Hall,
    actor: Actor,
    kind_id: int | None,
    held_on: dt.date | None,
    topic: str,
    results: dict[int, bool],
) -> Drill:
    """A drill or training held, with pass/fail per participant (all of the hall's staff)."""
    _require_safety(actor, hall, _("Drills and trainings are recorded by the hall's safety managers."))
    kind = DrillKind.objects.filter(hall=hall, pk=kind_id).first() if kind_id else None
    if kind is None:
        raise Unprocessable(_("Please choose the kind of drill or training."), code="bad_kind", extra={"field": "kind"})
    if held_on is None:
        raise Unprocessable(_("Please give the date it was held."), code="required", extra={"field": "held_on"})
    if held_on > hall.local_date():
        raise Unprocessable(
            _("A drill is recorded once it is held, not before."), code="future", extra={"field": "held_on"}
        )
    subject = _text(topic, field="topic", label=_("Topic"), max_length=120, required=True)
    if not results:
        raise Unprocessable(
            _("Please tick at least one participant and their result."),
            code="no_participants",
            extra={"field": "results"},
        )
    members = {}
    for user_id in results:
        member = hall_member_get(hall=hall, user_id=user_id)
        if member is None:
            raise Unprocessable(
                _("Participants must be staff of this hall."), code="bad_participant", extra={"field": "results"}
            )
        members[user_id] = member
    with transaction.atomic():
        drill = Drill.objects.create(hall=hall, kind=kind, held_on=held_on, topic=subject, recorded_by=_user(actor))
        DrillResult.objects.bulk_create(
            [DrillResult(drill=drill, member=members[uid], passed=bool(passed)) for uid, passed in results.items()]
        )
        audit_record(
            actor=actor, action="safety.drill_record", obj=drill, hall=hall, data={"participants": len(results)}
        )
    return drill
