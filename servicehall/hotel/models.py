"""The hotel front desk (HOTEL01): room types with rates by date, rooms, rate plans and reservations.

A reservation holds one room of a type for its nights; the nights' prices are kept on it as quoted, so a later
change of rates does not change what the guest was told. Card data is never stored: only the payment
provider's token (reference) and the card's last four digits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.catalog.models import pick_language
from servicehall.core.models import StatusMove, TimeStampedModel

from .states import RequestStatus, ReservationStatus


class RoomType(models.Model):
    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="room_types")
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    capacity = models.PositiveSmallIntegerField(
        _("guests"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    base_rate = models.DecimalField(
        _("rate per night"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    # [{"zh": …, "en": …}, …] from the pack: what the guest is told before booking.
    facilities = models.JSONField(_("facilities"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort position", "order"), default=0)

    class Meta:
        verbose_name = _("room type")
        verbose_name_plural = _("room types")
        ordering = ["hall", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="room_type_code_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    def facilities_display(self) -> list[str]:
        return [pick_language(f.get("zh", ""), f.get("en", "")) for f in self.facilities]


class RoomRate(models.Model):
    """The rate of a room type on one night, where it differs from the type's base rate (season, holiday)."""

    room_type = models.ForeignKey(RoomType, verbose_name=_("room type"), on_delete=models.CASCADE, related_name="rates")
    night = models.DateField(_("night"))
    rate = models.DecimalField(
        _("rate per night"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("rate of a night")
        verbose_name_plural = _("rates of nights")
        constraints = [models.UniqueConstraint(fields=["room_type", "night"], name="room_rate_night_unique")]

    def __str__(self) -> str:
        return f"{self.room_type_id} {self.night}: {self.rate}"


class RatePlan(models.Model):
    """How a night is priced: the room type's rate adjusted by a percentage, plus breakfast per guest."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="rate_plans")
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    adjust_percent = models.SmallIntegerField(
        _("adjustment (%)"), default=0, validators=[MinValueValidator(-90), MaxValueValidator(200)]
    )
    breakfast_per_guest = models.DecimalField(
        _("breakfast per guest"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort position", "order"), default=0)

    class Meta:
        verbose_name = _("rate plan")
        verbose_name_plural = _("rate plans")
        ordering = ["hall", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="rate_plan_code_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    @property
    def breakfast(self) -> bool:
        return self.breakfast_per_guest > 0


class Room(models.Model):
    class Housekeeping(models.TextChoices):
        VACANT_CLEAN = "vacant_clean", _("Vacant, clean")
        VACANT_DIRTY = "vacant_dirty", _("Vacant, dirty")
        OCCUPIED = "occupied", _("Occupied")
        OUT_OF_ORDER = "out_of_order", _("Out of order")

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(_("room number"), max_length=10)
    floor = models.SmallIntegerField(_("floor"))
    room_type = models.ForeignKey(RoomType, verbose_name=_("room type"), on_delete=models.PROTECT, related_name="rooms")
    housekeeping = models.CharField(
        _("housekeeping status"), max_length=16, choices=Housekeeping.choices, default=Housekeeping.VACANT_CLEAN
    )
    # Cleaned rooms are inspected before a guest gets one (HOTEL02): cleared whenever the room is used again.
    inspected = models.BooleanField(_("inspected"), default=False)
    # Why the room is out of order (HOTEL03): shown on the housekeeping board until it is back in order.
    out_of_order_reason = models.CharField(_("why out of order"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["hall", "number"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="room_number_unique")]

    def __str__(self) -> str:
        return self.number


class Reservation(TimeStampedModel):
    class Channel(models.TextChoices):
        PHONE = "phone", _("By phone")
        WALK_IN = "walk_in", _("Walk-in")
        ONLINE = "online", _("Online")

    class Guarantee(models.TextChoices):
        NONE = "none", _("No guarantee (held until 18:00)")
        DEPOSIT = "deposit", pgettext_lazy("guarantee", "Deposit")
        CARD = "card", _("Card guarantee")

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="reservations")
    code = models.CharField(_("reservation code"), max_length=12, unique=True)
    room_type = models.ForeignKey(
        RoomType, verbose_name=_("room type"), on_delete=models.PROTECT, related_name="reservations"
    )
    rate_plan = models.ForeignKey(
        RatePlan, verbose_name=_("rate plan"), on_delete=models.PROTECT, related_name="reservations"
    )
    arrival = models.DateField(_("arrival"), db_index=True)
    departure = models.DateField(_("departure"))
    guests = models.PositiveSmallIntegerField(_("guests"), validators=[MinValueValidator(1)])
    guest_name = models.CharField(_("guest's name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20)
    channel = models.CharField(_("booked through"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ReservationStatus.choices, default=ReservationStatus.BOOKED
    )
    vip = models.BooleanField(_("VIP"), default=False)
    requests = models.CharField(_("special requests"), max_length=300, blank=True)
    total = models.DecimalField(_("quoted total"), max_digits=12, decimal_places=2)
    guarantee = models.CharField(_("guarantee"), max_length=10, choices=Guarantee.choices, default=Guarantee.NONE)
    deposit = models.DecimalField(_("deposit"), max_digits=12, decimal_places=2, default=Decimal("0"))
    # The payment provider's reference for a card guarantee, and the card's last four digits: never the card.
    card_token = models.CharField(_("card reference"), max_length=64, blank=True)
    card_last4 = models.CharField(
        _("card's last four digits"), max_length=4, blank=True, validators=[RegexValidator(r"^\d{4}$")]
    )
    cancel_fee = models.DecimalField(_("cancellation fee"), max_digits=12, decimal_places=2, default=Decimal("0"))
    # Not stored: the fee of the change just made by `services.reservation_change` (the fee itself is a bill line).
    change_fee: Decimal = Decimal("0")
    # Not stored: how much the deposit asked rose by the change just made (the policy's rule on the new quote).
    deposit_raised: Decimal = Decimal("0")
    # Arrival (HOTEL02): the room given, the room card issued, when the guests were registered.
    room = models.ForeignKey(
        Room, verbose_name=_("room"), null=True, blank=True, on_delete=models.PROTECT, related_name="reservations"
    )
    room_card = models.CharField(_("room card number"), max_length=32, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    request_key = models.CharField(_("request key"), max_length=64, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["arrival", "id"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "request_key"], name="reservation_request_key_unique"),
            models.CheckConstraint(condition=Q(departure__gt=models.F("arrival")), name="reservation_departs_after"),
        ]
        indexes = [models.Index(fields=["room_type", "arrival", "departure", "status"])]

    def __str__(self) -> str:
        return self.code

    @property
    def nights(self) -> int:
        return (self.departure - self.arrival).days


class ReservationNight(models.Model):
    """One night of a reservation at the price quoted when it was booked (or last changed)."""

    reservation = models.ForeignKey(
        Reservation, verbose_name=_("reservation"), on_delete=models.CASCADE, related_name="nights_quoted"
    )
    night = models.DateField(_("night"))
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("night of a reservation")
        verbose_name_plural = _("nights of reservations")
        ordering = ["night"]
        constraints = [models.UniqueConstraint(fields=["reservation", "night"], name="reservation_night_unique")]

    def __str__(self) -> str:
        return f"{self.reservation_id} {self.night}: {self.price}"


class ReservationMove(StatusMove):
    reservation = models.ForeignKey(
        Reservation, verbose_name=_("reservation"), on_delete=models.CASCADE, related_name="moves"
    )

    class Meta(StatusMove.Meta):
        verbose_name = _("reservation status change")
        verbose_name_plural = _("reservation status changes")


class GuestRegistration(models.Model):
    """Each guest of a stay registered with an identity document checked at arrival (HOTEL02); the number is
    shown masked (PRIV01)."""

    reservation = models.ForeignKey(
        Reservation, verbose_name=_("reservation"), on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=60)
    document_kind = models.CharField(_("document type"), max_length=24)
    document_number = models.CharField(_("document number"), max_length=32)
    registered_at = models.DateTimeField(_("registered at"))

    class Meta:
        verbose_name = _("guest registration")
        verbose_name_plural = _("guest registrations")
        ordering = ["reservation", "id"]

    def __str__(self) -> str:
        return f"{self.reservation_id}: {self.name}"


# --- Stay (HOTEL03) ---


class GuestRequest(models.Model):
    """Something an in-house guest asked for (extra towels, a meal, a wake-up call): the kind's name, department
    and target minutes are copied from the hotel pack when it is logged, so a later change of the pack does not
    change what was promised."""

    class Department(models.TextChoices):
        HOUSEKEEPING = "housekeeping", _("Housekeeping")
        FRONT_DESK = "front_desk", _("Front desk")
        KITCHEN = "kitchen", pgettext_lazy("hotel department", "Kitchen")

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    reservation = models.ForeignKey(
        Reservation, verbose_name=_("reservation"), on_delete=models.PROTECT, related_name="guest_requests"
    )
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="guest_requests")
    kind = models.SlugField(_("kind"), max_length=40)
    kind_zh = models.CharField(_("name (Chinese)"), max_length=60)
    kind_en = models.CharField(_("name (English)"), max_length=60)
    department = models.CharField(_("department"), max_length=16, choices=Department.choices)
    target_minutes = models.PositiveSmallIntegerField(_("target minutes"))
    # A wake-up call's time; the target counts from it rather than from when it was asked for.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    request_key = models.CharField(_("request key"), max_length=64, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("guest request")
        verbose_name_plural = _("guest requests")
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["hall", "request_key"], name="guest_request_key_unique")]
        indexes = [models.Index(fields=["hall", "status"])]

    def __str__(self) -> str:
        return f"{self.room_id}: {self.kind}"

    @property
    def display_name(self) -> str:
        return pick_language(self.kind_zh, self.kind_en)


class GuestRequestMove(StatusMove):
    request = models.ForeignKey(
        GuestRequest, verbose_name=_("guest request"), on_delete=models.CASCADE, related_name="moves"
    )

    class Meta(StatusMove.Meta):
        verbose_name = _("guest request status change")
        verbose_name_plural = _("guest request status changes")


class RoomChange(models.Model):
    """An in-house guest moved to another room (HOTEL03): the nights keep the price quoted."""

    reservation = models.ForeignKey(
        Reservation, verbose_name=_("reservation"), on_delete=models.PROTECT, related_name="room_changes"
    )
    from_room = models.ForeignKey(Room, verbose_name=_("from room"), on_delete=models.PROTECT, related_name="+")
    to_room = models.ForeignKey(Room, verbose_name=_("to room"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("room change")
        verbose_name_plural = _("room changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.reservation_id}: {self.from_room_id} -> {self.to_room_id}"


class StayComplaint(models.Model):
    """A complaint recorded in the care app's complaint system during a stay (HOTEL03): the link between the
    stay and the one complaint, nothing of the complaint copied."""

    reservation = models.ForeignKey(
        Reservation, verbose_name=_("reservation"), on_delete=models.PROTECT, related_name="stay_complaints"
    )
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="+")
    complaint = models.OneToOneField(
        "care.Complaint", verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("complaint during a stay")
        verbose_name_plural = _("complaints during stays")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.reservation_id}: {self.complaint_id}"


# --- Folio (HOTEL04) ---


class FolioCharge(models.Model):
    """One line of a stay's bill (folio): a room night posted by the night audit, or minibar, a meal, a service,
    laundry, a no-show or cancellation fee posted by the front desk. Never changed or deleted: a correction is a
    new row of the negated amount that names the row it reverses (at most one reversal per row)."""

    class Kind(models.TextChoices):
        ROOM_NIGHT = "room_night", _("Room night")
        MINIBAR = "minibar", _("Minibar")
        MEAL = "meal", _("Meal")
        SERVICE = "service", pgettext_lazy("folio charge", "Service")
        LAUNDRY = "laundry", _("Laundry")
        NO_SHOW_FEE = "no_show_fee", _("No-show fee")
        CANCELLATION_FEE = "cancel_fee", _("Cancellation fee")
        CHANGE_FEE = "change_fee", _("Change fee")

    reservation = models.ForeignKey(
        Reservation, verbose_name=_("reservation"), on_delete=models.PROTECT, related_name="folio_charges"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=120, blank=True)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # A room night's night (the night audit's business date); empty for other charges.
    night = models.DateField(_("night"), null=True, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    business_date = models.DateField(_("business date"))
    posted_at = models.DateTimeField(_("posted at"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    request_key = models.CharField(_("request key"), max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = _("folio charge")
        verbose_name_plural = _("folio charges")
        ordering = ["reservation", "posted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reservation", "night"],
                condition=Q(kind="room_night", reverses__isnull=True),
                name="folio_room_night_once",
            ),
            models.UniqueConstraint(fields=["reservation", "request_key"], name="folio_charge_request_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reservation_id} {self.kind}: {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("folio charges are never changed: post a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("folio charges are never deleted: post a reversal")


class Departure(models.Model):
    """A stay's check-out (HOTEL04): once per reservation (the database refuses a second), with the queue ticket
    the guest was served on, if any, whose rating and survey care offers."""

    reservation = models.OneToOneField(
        Reservation, verbose_name=_("reservation"), on_delete=models.PROTECT, related_name="departure_record"
    )
    checked_out_at = models.DateTimeField(_("checked out at"))
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked out by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    total = models.DecimalField(_("bill total"), max_digits=12, decimal_places=2)
    ticket = models.ForeignKey(
        "queueing.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("departure")
        verbose_name_plural = _("departures")

    def __str__(self) -> str:
        return f"{self.reservation_id} {self.checked_out_at}"


class NightAuditDay(models.Model):
    """The night audit of one hall's business date: run once (the database refuses a second), with the day's
    figures as counted then: occupancy, average daily rate (ADR) and revenue per available room (RevPAR)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    business_date = models.DateField(_("business date"))
    rooms_available = models.PositiveIntegerField(_("rooms available"))
    rooms_sold = models.PositiveIntegerField(_("rooms sold"))
    room_revenue = models.DecimalField(_("room revenue"), max_digits=14, decimal_places=2)
    occupancy = models.DecimalField(_("occupancy (%)"), max_digits=5, decimal_places=2)
    adr = models.DecimalField(_("average daily rate"), max_digits=12, decimal_places=2)
    revpar = models.DecimalField(_("revenue per available room"), max_digits=12, decimal_places=2)
    no_shows = models.PositiveIntegerField(_("no-shows"), default=0)
    no_show_fees = models.DecimalField(_("no-show fees"), max_digits=12, decimal_places=2, default=Decimal("0"))
    run_at = models.DateTimeField(_("run at"))
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("night audit")
        verbose_name_plural = _("night audits")
        ordering = ["hall", "-business_date"]
        constraints = [models.UniqueConstraint(fields=["hall", "business_date"], name="night_audit_once_per_day")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.business_date}"
