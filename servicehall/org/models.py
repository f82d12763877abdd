from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice

from servicehall.core.models import TimeStampedModel

from .recovery_codes import recovery_code_digests
from .roles import Role


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value}) from exc


class Company(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


# The hall's hours by default, as callables: Django's check fields.W161 takes a fixed time within ten seconds
# of the clock for a mistaken now(), so `check --deploy` failed when run at 08:30 or 18:00.
def default_opens_at() -> dt.time:
    return dt.time(8, 30)


def default_closes_at() -> dt.time:
    return dt.time(18, 0)


class Hall(TimeStampedModel):
    """A service hall (营业厅) with its own numbering, hours and queue rules (ORG01)."""

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="halls")
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=255, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone])
    opens_at = models.TimeField(_("opens at"), default=default_opens_at)
    closes_at = models.TimeField(_("closes at"), default=default_closes_at)
    packs = models.JSONField(_("industry packs"), default=list, blank=True)
    # The counter's rating pad also asks for 1–5 scores of attitude, quality, efficiency and integrity
    # (态度/质量/效率/廉洁); set from the hall's first pack that asks for it (CARE01).
    rating_details = models.BooleanField(_("rating pad asks for detailed scores"), default=False)
    public_kiosk = models.BooleanField(
        _("kiosk and board open without sign-in"),
        default=False,
        help_text=_(
            "The kiosk, display board and ticket API run on the hall's own screens without a staff sign-in. "
            "Expose them only on the hall's network."
        ),
    )
    screen_key_version = models.PositiveIntegerField(
        _("screen key version"),
        default=1,
        editable=False,
        help_text=_('Raised by "Unpair all screens": every board or kiosk paired before must be paired again.'),
    )
    # Managers, auditors and administrators always sign in with a second factor; this asks it of every role
    # of the hall, clerks included (ASVS V6, issue 18).
    second_factor_all_staff = models.BooleanField(
        _("every role signs in with a second factor"),
        default=False,
        help_text=_(
            "Clerks, lobby guides, safety officers and housekeeping also sign in with a code from an "
            "authenticator app. Managers, auditors and administrators always do."
        ),
    )
    close_open_tickets_at_day_end = models.BooleanField(_("close open tickets at the end of the day"), default=True)
    alert_waiting_over_target = models.PositiveIntegerField(
        _("alert when more tickets than this wait longer than the target"), default=5
    )
    category_step_minutes = models.PositiveIntegerField(
        _("minutes a counter's next category is behind the one before"),
        default=10,
        help_text=_("Ageing: a ticket of a lower-priority category overtakes once it has waited this much longer."),
    )
    transfer_keeps_place = models.BooleanField(
        _("a transferred ticket keeps its place"),
        default=True,
        help_text=_("Otherwise it joins the new queue as if it had just arrived (plus the transfer priority)."),
    )
    no_show_return_minutes = models.PositiveIntegerField(_("minutes a skipped customer may come back"), default=30)
    voice_clips_url = models.CharField(
        _("own voice recordings URL"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use the bundled clips. Files are named like the bundled ones."),
    )

    class Meta:
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_now(self) -> dt.datetime:
        return timezone.now().astimezone(self.tz)

    def local_date(self) -> dt.date:
        """The hall's business day: numbering restarts at the hall's own midnight."""
        return self.local_now().date()


class Counter(TimeStampedModel):
    """A counter/window (窗口) of a hall and the categories it calls."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="counters")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CLOSED)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk at the counter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counters",
    )
    categories = models.ManyToManyField(
        "catalog.QueueCategory", through="CounterCategory", related_name="counters", verbose_name=_("categories")
    )

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["hall", "number"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="counter_number_unique_in_hall")]

    def __str__(self) -> str:
        return f"{self.hall.code} #{self.number}"


class CounterCategory(models.Model):
    """A category a counter serves; `priority` 1 is called first."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="served")
    category = models.ForeignKey("catalog.QueueCategory", on_delete=models.CASCADE, related_name="+")
    priority = models.PositiveSmallIntegerField(_("priority"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("served category")
        verbose_name_plural = _("served categories")
        ordering = ["priority"]
        constraints = [models.UniqueConstraint(fields=["counter", "category"], name="counter_category_unique")]

    def __str__(self) -> str:
        return f"{self.counter} {self.category_id} ({self.priority})"


class Membership(TimeStampedModel):
    """A person's role in a hall. Every screen and API call checks one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # 工号: shown on the counter's rating pad and beside the clerk's name; the same on each of a person's roles.
    job_number = models.CharField(_("job number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "hall", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.hall.code}: {self.get_role_display()}"


class HallClosedDay(TimeStampedModel):
    """A day the hall does not open although it is a working day: a public holiday or a blackout (APT01). The
    hall administrator keeps the calendar; working-hours limits (org.hours) and bookable slots skip these days."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        BLACKOUT = "blackout", _("Blackout")

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HOLIDAY)
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["hall", "date"]
        constraints = [models.UniqueConstraint(fields=["hall", "date"], name="hall_closed_day_unique")]

    def __str__(self) -> str:
        return f"{self.hall.code} {self.date:%Y-%m-%d}"


class RecoveryCodeDevice(StaticDevice):
    """A person's recovery codes (ASVS V6): django-otp's static device whose tokens are keyed digests of the
    codes (`recovery_codes`), so the database never holds a code that works. A code is checked by its digest
    and, as with django-otp, deleted when used: it works once."""

    class Meta:
        proxy = True
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def verify_token(self, token: Any) -> bool:
        verify_allowed, _reason = self.verify_is_allowed()
        if not verify_allowed:
            return False
        match = self.token_set.filter(token__in=recovery_code_digests(str(token))).first()
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True
