"""Every write of appointments (APT01): book, change and cancel a booking, and the public page's phone check.

The rules of a booking, checked on each path: the type is active, the slot lies on the type's grid within the
hall's opening hours on an open day (Monday to Friday, not a holiday or blackout), at least `lead_minutes` ahead
and within `horizon_days`; a person (phone) holds at most `max_open_per_person` open bookings in the hall and
is refused for a while after `APT_NO_SHOW_LIMIT` no-shows; changes and cancellations end `cancel_cutoff_minutes`
before the slot. The last place of a slot cannot be taken twice: every booking and change locks the type's
row (`SELECT … FOR UPDATE`) before it counts the places taken.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from servicehall.catalog.models import BusinessType, QueueCategory
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.messaging import message_send
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.core.throttling import TooManyRequests
from servicehall.lib.phones import PhoneError, phone_normalise
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .models import AppointmentType, Booking, PhoneCheck
from .slots import is_open_day, last_bookable_day, slot_starts, type_capacity
from .states import BOOKING_TABLE, HOLDING_STATUSES, BookingStatus

SMS_CODE = "apt_code"
SMS_BOOKED = "apt_booked"
SMS_CHANGED = "apt_changed"
SMS_CANCELLED = "apt_cancelled"
SMS_REMINDER = "apt_reminder"
# Reminders (APT01): one when a day is left (for bookings made at least a day ahead), one when an hour is left.
REMIND_DAY_BEFORE = dt.timedelta(hours=24)
REMIND_HOUR_BEFORE = dt.timedelta(hours=1)

# Booking codes: no 0/O, 1/I/L, so a code read out on the phone is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CHECK_ATTEMPTS = 5

S = BookingStatus


def _local(moment: dt.datetime, appointment_type: AppointmentType) -> str:
    return formats.date_format(moment.astimezone(appointment_type.hall.tz), "Y-m-d H:i")


def _clean_name(name: Any) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise Unprocessable(_("Enter the name of the person who comes."), code="name_missing")
    if len(text) > 60:
        raise Unprocessable(_("The name is too long (at most 60 characters)."), code="name_too_long")
    return text


def _clean_phone(phone: Any) -> str:
    try:
        return phone_normalise(str(phone or ""), mobile_only=True)
    except PhoneError as exc:
        raise Unprocessable(
            _("Enter a mobile number in mainland China (11 digits): the codes are sent to it."), code="bad_phone"
        ) from exc


def _clean_notes(notes: Any) -> str:
    text = str(notes or "").strip()
    if len(text) > 300:
        raise Unprocessable(_("The notes are too long (at most 300 characters)."), code="notes_too_long")
    return text


def slot_check(appointment_type: AppointmentType, starts_at: dt.datetime, *, now: dt.datetime) -> dt.datetime:
    """Refuse a slot the type does not offer now; the slot's end otherwise."""
    if not appointment_type.active:
        raise Unprocessable(_("This business cannot be booked at the moment."), code="type_inactive")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, appointment_type.hall.tz)
    day = starts_at.astimezone(appointment_type.hall.tz).date()
    if starts_at < now + dt.timedelta(minutes=appointment_type.lead_minutes):
        raise Unprocessable(
            _("This time is too soon: book at least %(minutes)s minutes ahead.")
            % {"minutes": appointment_type.lead_minutes},
            code="too_soon",
        )
    if day > last_bookable_day(appointment_type, now=now):
        raise Unprocessable(
            _("Bookings are open for the next %(days)s days only.") % {"days": appointment_type.horizon_days},
            code="beyond_horizon",
        )
    if not is_open_day(appointment_type, day):
        raise Unprocessable(_("The hall is closed on that day."), code="hall_closed")
    if starts_at not in slot_starts(appointment_type, day):
        raise Unprocessable(_("Choose one of the times offered."), code="not_a_slot")
    return starts_at + dt.timedelta(minutes=appointment_type.slot_minutes)


def no_show_check(*, hall: Any, phone: str, now: dt.datetime) -> None:
    """Refuse a person who did not come `APT_NO_SHOW_LIMIT` times in `APT_NO_SHOW_WINDOW_DAYS` days, until
    `APT_NO_SHOW_BLOCK_DAYS` days after the last of them."""
    limit = settings.APT_NO_SHOW_LIMIT
    if limit <= 0:
        return
    window_start = now - dt.timedelta(days=settings.APT_NO_SHOW_WINDOW_DAYS)
    missed = list(
        Booking.objects.filter(hall=hall, phone=phone, status=S.NO_SHOW, starts_at__gte=window_start)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
    )
    if len(missed) >= limit:
        until = missed[0] + dt.timedelta(days=settings.APT_NO_SHOW_BLOCK_DAYS)
        if now < until:
            raise Unprocessable(
                _(
                    "This phone number missed %(count)s bookings recently; it can book again from %(day)s. "
                    "Please come without a booking or ask the hall."
                )
                % {"count": len(missed), "day": formats.date_format(until.astimezone(hall.tz), "Y-m-d")},
                code="no_show_block",
            )


def _open_count(*, hall: Any, phone: str, now: dt.datetime, exclude: int | None = None) -> int:
    rows = Booking.objects.filter(hall=hall, phone=phone, status=S.BOOKED, starts_at__gte=now)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.count()


def _max_open_check(appointment_type: AppointmentType, *, phone: str, now: dt.datetime) -> None:
    if _open_count(hall=appointment_type.hall, phone=phone, now=now) >= appointment_type.max_open_per_person:
        raise Conflict(
            _("This phone number already holds %(count)s open bookings here, as many as allowed.")
            % {"count": appointment_type.max_open_per_person},
            code="too_many_open",
        )


def _capacity_check(appointment_type: AppointmentType, starts_at: dt.datetime) -> None:
    """Run with the type's row locked: the places taken cannot change while this counts them."""
    taken = Booking.objects.filter(type=appointment_type, starts_at=starts_at, status__in=HOLDING_STATUSES).count()
    if taken >= type_capacity(appointment_type):
        raise Conflict(_("This time is fully booked. Please choose another one."), code="slot_full")


def _lock_type(appointment_type: AppointmentType) -> AppointmentType:
    # Only the type's row: the hall's is taken before, FOR NO KEY UPDATE (`_lock_hall_bookings`), where needed.
    return AppointmentType.objects.select_for_update(of=("self",)).select_related("hall").get(pk=appointment_type.pk)


def _lock_hall_bookings(appointment_type: AppointmentType) -> None:
    """Serialise new bookings in the hall, before the type is locked: one phone's open bookings are counted over
    every type of the hall, so two types' locks alone would let one phone book two types at once past its limit.
    FOR NO KEY UPDATE: the hall's other writes (tickets, orders) that only reference the hall are not held up."""
    list(Hall.objects.select_for_update(no_key=True).filter(pk=appointment_type.hall_id).values_list("pk", flat=True))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _staff_check(actor: Actor, appointment_type: AppointmentType, channel: str) -> None:
    """Staff book, change and cancel for customers with the right to issue tickets; the public page acts
    without a user (the booking code or the phone's one-time code stands for the customer)."""
    if channel != Booking.Channel.PUBLIC or getattr(actor, "is_authenticated", False):
        require_capability(
            actor,
            appointment_type.hall,
            Capability.ISSUE,
            message=_("Your role cannot book for customers in this hall."),
            code="cannot_book",
        )


def _send(booking: Booking, purpose: str, text: str) -> None:
    message_send(hall=booking.hall, phone=booking.phone, body=text, purpose=purpose)


def _booked_text(booking: Booking) -> str:
    return _("%(hall)s: your booking %(code)s for %(business)s at %(time)s. Address: %(address)s") % {
        "hall": booking.hall.name,
        "code": booking.code,
        "business": booking.type.display_name,
        "time": _local(booking.starts_at, booking.type),
        "address": booking.hall.address,
    }


def booking_create(
    *,
    appointment_type: AppointmentType,
    starts_at: dt.datetime,
    name: Any,
    phone: Any,
    channel: str,
    actor: Actor = None,
    notes: Any = "",
    request_key: str | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book a place; sending the same `request_key` again answers the booking it made."""
    now = now or timezone.now()
    if channel not in Booking.Channel.values:
        raise Unprocessable(_("Unknown booking channel."), code="bad_channel")
    _staff_check(actor, appointment_type, channel)
    hall = appointment_type.hall
    request_key = (request_key or "").strip()[:64] or None
    if request_key:
        existing = Booking.objects.filter(hall=hall, request_key=request_key).first()
        if existing is not None:
            return existing
    clean_name, clean_phone, clean_notes = _clean_name(name), _clean_phone(phone), _clean_notes(notes)
    ends_at = slot_check(appointment_type, starts_at, now=now)
    starts_at = ends_at - dt.timedelta(minutes=appointment_type.slot_minutes)
    no_show_check(hall=hall, phone=clean_phone, now=now)
    try:
        with transaction.atomic():
            _lock_hall_bookings(appointment_type)
            locked = _lock_type(appointment_type)
            if request_key and (existing := Booking.objects.filter(hall=hall, request_key=request_key).first()):
                return existing
            _max_open_check(locked, phone=clean_phone, now=now)
            _capacity_check(locked, starts_at)
            booking = Booking.objects.create(
                hall=hall,
                type=locked,
                starts_at=starts_at,
                ends_at=ends_at,
                name=clean_name,
                phone=clean_phone,
                code=_new_code(),
                channel=channel,
                notes=clean_notes,
                request_key=request_key,
                created_by=acting_user(actor),
            )
            BOOKING_TABLE.record(booking, from_status="", to_status=S.BOOKED, actor=actor, at=now)
            audit_record(
                actor=actor,
                action="appointments.booking_create",
                obj=booking,
                hall=hall,
                data={"type": locked.pk, "starts_at": starts_at.isoformat(), "channel": channel},
            )
            _send(booking, SMS_BOOKED, _booked_text(booking))
            return booking
    except IntegrityError as exc:  # the same request key committed by a twin request, or a code collision
        if request_key and (existing := Booking.objects.filter(hall=hall, request_key=request_key).first()):
            return existing
        raise Conflict(_("The booking could not be saved. Please try again."), code="retry") from exc


def _cutoff_check(booking: Booking, *, now: dt.datetime) -> None:
    if booking.status != S.BOOKED:
        raise Conflict(
            _("This booking is %(status)s and cannot be changed.") % {"status": booking.get_status_display()},
            code="not_open",
        )
    cutoff = booking.starts_at - dt.timedelta(minutes=booking.type.cancel_cutoff_minutes)
    if now > cutoff:
        raise Conflict(
            _("Bookings can be changed or cancelled until %(time)s only. Please call the hall.")
            % {"time": _local(cutoff, booking.type)},
            code="past_cutoff",
        )


def booking_change(
    *, booking: Booking, starts_at: dt.datetime, actor: Actor = None, now: dt.datetime | None = None
) -> Booking:
    """Move a booking to another slot of its type, with the same rules as a new booking, until the cut-off."""
    now = now or timezone.now()
    _cutoff_check(booking, now=now)
    _staff_check(actor, booking.type, Booking.Channel.PUBLIC)
    ends_at = slot_check(booking.type, starts_at, now=now)
    starts_at = ends_at - dt.timedelta(minutes=booking.type.slot_minutes)
    if starts_at == booking.starts_at:
        return booking
    old = booking.starts_at
    with transaction.atomic():
        locked = _lock_type(booking.type)
        _capacity_check(locked, starts_at)
        moved = Booking.objects.filter(pk=booking.pk, status=S.BOOKED, starts_at=old).update(
            starts_at=starts_at,
            ends_at=ends_at,
            change_count=F("change_count") + 1,
            updated_at=now,
            # The new time gets its own reminders; the change's text stands for the day-before one when the new
            # time is less than a day away.
            reminded_day_before_at=now if starts_at - now <= REMIND_DAY_BEFORE else None,
            reminded_hour_before_at=None,
        )
        if moved != 1:
            raise Conflict(_("This booking was changed meanwhile. Please open it again."), code="stale")
        booking.refresh_from_db()
        audit_record(
            actor=actor,
            action="appointments.booking_change",
            obj=booking,
            hall=booking.hall,
            data={"from": old.isoformat(), "to": starts_at.isoformat()},
        )
        _send(
            booking,
            SMS_CHANGED,
            _("%(hall)s: your booking %(code)s is moved to %(time)s.")
            % {"hall": booking.hall.name, "code": booking.code, "time": _local(starts_at, booking.type)},
        )
    return booking


def booking_cancel(*, booking: Booking, actor: Actor = None, now: dt.datetime | None = None) -> Booking:
    """Cancel a booking until the cut-off; its place is free again."""
    now = now or timezone.now()
    _staff_check(actor, booking.type, Booking.Channel.PUBLIC)
    _cutoff_check(booking, now=now)
    with transaction.atomic():
        transition(
            booking,
            S.CANCELLED,
            table=BOOKING_TABLE,
            refuse=lambda status: Conflict(_("This booking cannot be cancelled any more."), code="not_open"),
            actor=actor,
            now=now,
        )
        audit_record(actor=actor, action="appointments.booking_cancel", obj=booking, hall=booking.hall)
        _send(
            booking,
            SMS_CANCELLED,
            _("%(hall)s: your booking %(code)s at %(time)s is cancelled.")
            % {"hall": booking.hall.name, "code": booking.code, "time": _local(booking.starts_at, booking.type)},
        )
    return booking


# --- what a hall lets customers book (the hall administrator) ---------------------------------------------


def appointment_type_save(
    *, hall: Hall, actor: Actor, values: dict[str, Any], instance: AppointmentType | None = None, what: str = ""
) -> AppointmentType:
    """Add a bookable business or queue category to the hall (`what`: "business:<code>" or "category:<code>"),
    or change an existing one's rules. Audited; a business or category offered twice is refused."""
    require_capability(
        actor, hall, Capability.ADMINISTER, message=_("Only the hall administrator changes what can be booked.")
    )
    if instance is None:
        instance = AppointmentType(hall=hall, **_what_to_book(hall, what))
    elif instance.hall_id != hall.pk:
        raise NotFound(_("No such appointment type in this hall."), code="type_unknown")
    for field, value in values.items():
        setattr(instance, field, value)
    duplicate = AppointmentType.objects.filter(
        hall=hall, category=instance.category, business_type=instance.business_type
    ).exclude(pk=instance.pk)
    if duplicate.exists():
        raise Conflict(_("%(what)s can be booked already.") % {"what": instance.display_name}, code="duplicate")
    with transaction.atomic():
        instance.save()
        audit_record(
            actor=actor,
            action="appointments.type_save",
            obj=instance,
            hall=hall,
            data={field: str(getattr(instance, field)) for field in values},
        )
    return instance


def _what_to_book(hall: Hall, what: str) -> dict[str, Any]:
    kind, _sep, code = str(what or "").partition(":")
    if kind == "business":
        business = BusinessType.objects.filter(hall=hall, code=code).select_related("category").first()
        if business is not None:
            return {"business_type": business, "category": business.category}
    elif kind == "category":
        category = QueueCategory.objects.filter(hall=hall, code=code).first()
        if category is not None:
            return {"business_type": None, "category": category}
    raise Unprocessable(_("Choose a business or a queue category."), code="what_unknown")


# --- the public page: a one-time code to the phone before the booking is made ----------------------------


def phone_checks_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the public page's phone checks an hour past their expiry: the name, phone and code hash they hold
    are needed only while the code may be typed (PRIV02). Returns how many were deleted."""
    now = now or timezone.now()
    deleted, _by_model = PhoneCheck.objects.filter(expires_at__lt=now - dt.timedelta(hours=1)).delete()
    return deleted


def _code_hash(token: Any, code: str) -> str:
    return salted_hmac("appointments.phone-check", f"{token}:{code}", algorithm="sha256").hexdigest()


def phone_check_start(
    *,
    appointment_type: AppointmentType,
    starts_at: dt.datetime,
    name: Any,
    phone: Any,
    now: dt.datetime | None = None,
) -> PhoneCheck:
    """Check what the customer asked for and text a six-digit code to the phone; the booking waits for it."""
    now = now or timezone.now()
    clean_name, clean_phone = _clean_name(name), _clean_phone(phone)
    ends_at = slot_check(appointment_type, starts_at, now=now)
    starts_at = ends_at - dt.timedelta(minutes=appointment_type.slot_minutes)
    no_show_check(hall=appointment_type.hall, phone=clean_phone, now=now)
    _max_open_check(appointment_type, phone=clean_phone, now=now)
    # However many addresses ask, one phone gets only a few codes an hour (no text-message bombing).
    recent = PhoneCheck.objects.filter(phone=clean_phone, created_at__gte=now - dt.timedelta(hours=1)).count()
    if recent >= settings.APT_CODES_PER_PHONE_HOUR:
        raise TooManyRequests(
            _("Too many codes were sent to this number in the last hour. Please try again later."),
            code="too_many_codes",
        )
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        check = PhoneCheck(
            hall=appointment_type.hall,
            type=appointment_type,
            starts_at=starts_at,
            name=clean_name,
            phone=clean_phone,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=settings.APT_CODE_MINUTES),
        )
        check.code_hash = _code_hash(check.token, code)
        check.save()
        message_send(
            hall=appointment_type.hall,
            phone=clean_phone,
            body=_("%(hall)s booking check code: %(code)s (valid for %(minutes)s minutes).")
            % {"hall": appointment_type.hall.name, "code": code, "minutes": settings.APT_CODE_MINUTES},
            purpose=SMS_CODE,
        )
    return check


def phone_check_get(*, token: Any) -> PhoneCheck:
    unknown = NotFound(_("This booking request is unknown. Please start again."), code="check_unknown")
    try:
        key = uuid.UUID(str(token))
    except ValueError as exc:
        raise unknown from exc
    check = (
        PhoneCheck.objects.select_related("type__hall", "type__category", "type__business_type", "booking")
        .filter(token=key)
        .first()
    )
    if check is None:
        raise unknown
    return check


def phone_check_confirm(*, token: Any, code: Any, now: dt.datetime | None = None) -> Booking:
    """Make the booking once the code from the text message is entered; entering it again answers the same
    booking. Five wrong codes end the request."""
    now = now or timezone.now()
    check = phone_check_get(token=token)
    if check.booking_id is not None:
        return check.booking  # type: ignore[return-value]
    if now > check.expires_at:
        raise Conflict(_("The code has expired. Please ask for a new one."), code="code_expired")
    if check.attempts >= CHECK_ATTEMPTS:
        raise Conflict(_("Too many wrong codes. Please ask for a new one."), code="code_locked")
    entered = "".join(str(code or "").split())
    if not hmac.compare_digest(_code_hash(check.token, entered), check.code_hash):
        PhoneCheck.objects.filter(pk=check.pk).update(attempts=F("attempts") + 1)
        raise Unprocessable(_("The code is not right. Check the text message and try again."), code="code_wrong")
    booking = booking_create(
        appointment_type=check.type,
        starts_at=check.starts_at,
        name=check.name,
        phone=check.phone,
        channel=Booking.Channel.PUBLIC,
        request_key=f"web-{check.token}",
        now=now,
    )
    PhoneCheck.objects.filter(pk=check.pk).update(booking=booking)
    return booking


def new_request_key() -> str:
    """A key for a booking form: sending the form twice books once."""
    return secrets.token_urlsafe(16)


def _reminder_text(booking: Booking) -> str:
    return _("%(hall)s reminds you: %(business)s at %(time)s, booking code %(code)s. Address: %(address)s") % {
        "hall": booking.hall.name,
        "business": booking.type.display_name,
        "time": _local(booking.starts_at, booking.type),
        "code": booking.code,
        "address": booking.hall.address,
    }


def bookings_remind(*, now: dt.datetime | None = None) -> int:
    """Text the reminders that are due (APT01): a day before (bookings made at least a day ahead) and an hour
    before. Each is sent once: the booking's reminder time is set by a compare-and-set before the text is queued,
    so a second scheduler or a run that overlaps sends nothing twice. Run every few minutes
    (`manage.py appointment_reminders`, in `core.schedule`). Returns the number of texts queued."""
    now = now or timezone.now()
    booked = Booking.objects.filter(status=S.BOOKED, starts_at__gt=now).select_related("hall", "type")
    day_before = booked.filter(
        reminded_day_before_at__isnull=True,
        starts_at__lte=now + REMIND_DAY_BEFORE,
        starts_at__gt=now + REMIND_HOUR_BEFORE,
        created_at__lte=F("starts_at") - REMIND_DAY_BEFORE,
    )
    hour_before = booked.filter(reminded_hour_before_at__isnull=True, starts_at__lte=now + REMIND_HOUR_BEFORE)
    sent = 0
    for field, due in (("reminded_day_before_at", day_before), ("reminded_hour_before_at", hour_before)):
        for booking in due:
            with transaction.atomic():
                claimed = Booking.objects.filter(pk=booking.pk, status=S.BOOKED, **{f"{field}__isnull": True}).update(
                    **{field: now}
                )
                if claimed != 1:
                    continue
                with translation.override(settings.LANGUAGE_CODE):  # the customer's text, in the hall's language
                    _send(booking, SMS_REMINDER, _reminder_text(booking))
                sent += 1
    return sent
