"""Shifts and pre-shift preparation (STAFF01, STAFF03): the pack's seven steps (班前准备七步) each person ticks
once a business day, the morning meeting (晨会) with its attendance, the hall's shifts and the day's roster."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def _pick(zh: str, en: str) -> str:
    """The Chinese name in a Chinese interface, else the English one (falling back to Chinese)."""
    return zh if (get_language() or "zh-hans").startswith("zh") else (en or zh)


class DutySettings(models.Model):
    """What the hall's pack says about opening counters and rosters (one row per hall, from the pack)."""

    hall = models.OneToOneField("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    checklist_required = models.BooleanField(
        _("a counter opens only after the pre-shift checklist"),
        default=True,
        help_text=_("Otherwise the checklist only reminds: the counter opens all the same."),
    )
    late_opening_minutes = models.PositiveSmallIntegerField(
        _("minutes after a shift's start a closed rostered counter is late"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(240)],
    )

    class Meta:
        verbose_name = _("duty settings")
        verbose_name_plural = _("duty settings")

    def __str__(self) -> str:
        return str(self.hall_id)


class PreShiftStep(models.Model):
    """One of the pack's pre-shift steps (班前准备七步), with how to check it."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=32)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort position", "order"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    how_zh = models.CharField(_("how to check (Chinese)"), max_length=200, blank=True)
    how_en = models.CharField(_("how to check (English)"), max_length=300, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("pre-shift step")
        verbose_name_plural = _("pre-shift steps")
        ordering = ["hall", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="duty_step_code_unique")]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def display_name(self) -> str:
        return _pick(self.name_zh, self.name_en)

    @property
    def display_how(self) -> str:
        return _pick(self.how_zh, self.how_en)


class PreShiftCheck(models.Model):
    """One person's checklist of one business day (the hall's own date): one row, whatever is ticked twice."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("business day"))
    steps = models.JSONField(_("steps ticked"), default=list, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pre-shift checklist")
        verbose_name_plural = _("pre-shift checklists")
        ordering = ["-day", "staff"]
        constraints = [models.UniqueConstraint(fields=["hall", "staff", "day"], name="duty_check_once_a_day")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.day}"


class MorningMeeting(models.Model):
    """A morning meeting (晨会): who led it, what was said, who was there."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    led_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("led by"), on_delete=models.PROTECT, related_name="+"
    )
    topics = models.TextField(_("topics"), max_length=2000)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("morning meeting")
        verbose_name_plural = _("morning meetings")
        ordering = ["-day", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day}"


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(
        MorningMeeting, verbose_name=_("morning meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(pgettext_lazy("attendance", "present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "-present", "member__username"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="duty_attendance_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.member_id}"


class Shift(models.Model):
    """A shift of the hall (早班, 晚班, 夜班 …): its hours and break, in the hall's local time.

    A shift whose end is not after its start ends on the next day (a night shift, 23:00–07:00): the roster
    entry's day is the day the shift starts.
    """

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=32)
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    break_start = models.TimeField(_("break starts at"), null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(_("break minutes"), default=0, validators=[MaxValueValidator(240)])
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("work shift", "shift")
        verbose_name_plural = pgettext_lazy("work shift", "shifts")
        ordering = ["hall", "starts_at", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="duty_shift_code_unique"),
            models.CheckConstraint(condition=~Q(ends_at=F("starts_at")), name="duty_shift_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def display_name(self) -> str:
        return _pick(self.name_zh, self.name_en)

    @property
    def overnight(self) -> bool:
        """Ends on the day after it starts."""
        return self.ends_at <= self.starts_at

    @property
    def length_minutes(self) -> int:
        return self.offset_minutes(self.ends_at) or MINUTES_A_DAY

    def offset_minutes(self, at: dt.time) -> int:
        """Minutes from the shift's start to `at` (a time after midnight in a night shift counts from the day
        before)."""
        return (_minutes(at) - _minutes(self.starts_at)) % MINUTES_A_DAY

    def covers(self, at: dt.time) -> bool:
        """`at` falls within the shift (its end excluded)."""
        return self.offset_minutes(at) < self.length_minutes

    def span(self, day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        """When the shift starting on `day` begins and ends, as aware datetimes in the hall's zone."""
        begins = dt.datetime.combine(day, self.starts_at, tzinfo=tz)
        ends_day = day + dt.timedelta(days=1) if self.overnight else day
        return begins, dt.datetime.combine(ends_day, self.ends_at, tzinfo=tz)

    @property
    def hours_label(self) -> str:
        """ "08:30–13:00", or "23:00–次日07:00" for a night shift."""
        return hours_label(self.starts_at, self.ends_at)


MINUTES_A_DAY = 24 * 60


def _minutes(at: dt.time) -> int:
    return at.hour * 60 + at.minute


def hours_label(starts_at: dt.time, ends_at: dt.time) -> str:
    start, end = starts_at.strftime("%H:%M"), ends_at.strftime("%H:%M")
    if ends_at <= starts_at:
        end = _("next day %(time)s") % {"time": end}
    return f"{start}–{end}"


class RosterEntry(models.Model):
    """Who works which shift at which counter on one day: never two people at one counter in one shift, never
    one person twice in a shift."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    shift = models.ForeignKey(
        Shift, verbose_name=pgettext_lazy("work shift", "shift"), on_delete=models.PROTECT, related_name="entries"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    counter = models.ForeignKey("org.Counter", verbose_name=_("counter"), on_delete=models.PROTECT, related_name="+")
    # The person's own break, when it differs from the shift's (breaks are staggered so counters stay open).
    break_start = models.TimeField(_("break starts at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["day", "shift__starts_at", "counter__number"]
        constraints = [
            models.UniqueConstraint(fields=["day", "shift", "counter"], name="duty_roster_one_per_counter"),
            models.UniqueConstraint(fields=["day", "shift", "member"], name="duty_roster_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.shift_id} {self.counter_id}"


class LateOpening(models.Model):
    """A rostered counter found still closed after the late-opening minutes: noticed once (the console chimes
    once), kept as a record of the day."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField(
        RosterEntry, verbose_name=_("roster entry"), on_delete=models.CASCADE, related_name="late_opening"
    )
    noticed_at = models.DateTimeField(_("noticed at"))

    class Meta:
        verbose_name = _("late opening")
        verbose_name_plural = _("late openings")
        ordering = ["-noticed_at"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.noticed_at:%Y-%m-%d %H:%M}"
