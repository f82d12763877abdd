"""The reports' summary tables (RPT02): what the daily and monthly reports read instead of the raw rows.

`reports_rollup` (`services.rollup_rebuild`) writes them one hall and business day at a time, replacing that
day's rows in one transaction: a late change (a ticket finished after the night's run) is picked up by running
it again. Nothing else writes them; the pages only read them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketDayRollup(models.Model):
    """A hall's tickets of one business day, for one category, counter, clerk and hour of issue.

    Wait: issue to first call, of tickets called. Service: the finished stretches of service of a served
    ticket. `*_minutes` are histograms per whole minute (index = minutes, rounded down; the last index holds
    everything from `HISTOGRAM_MINUTES` on), from which the bands, the median and p90 are read."""

    # No index of the hall alone: (hall, day) serves it, and beside it PostgreSQL's planner took the hall's
    # index for a month's rows (the rows lie in hall order) and filtered a year of them (25 ms, not 3).
    hall = models.ForeignKey(
        "org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField(_("business day"))
    hour = models.PositiveSmallIntegerField(_("hour of issue"))
    category = models.ForeignKey(
        "catalog.QueueCategory", verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    counter = models.ForeignKey(
        "org.Counter", verbose_name=_("counter"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    issued = models.PositiveIntegerField(_("issued"), default=0)
    called = models.PositiveIntegerField(_("called"), default=0)
    served = models.PositiveIntegerField(pgettext_lazy("tickets", "served"), default=0)
    abandoned = models.PositiveIntegerField(_("left without service"), default=0)
    no_show = models.PositiveIntegerField(_("no-shows"), default=0)
    wait_seconds = models.BigIntegerField(_("wait (seconds, total)"), default=0)
    wait_max = models.PositiveIntegerField(_("longest wait (seconds)"), default=0)
    wait_minutes = models.JSONField(_("waits per minute"), default=list)
    service_count = models.PositiveIntegerField(_("services timed"), default=0)
    service_seconds = models.BigIntegerField(_("service (seconds, total)"), default=0)
    service_max = models.PositiveIntegerField(_("longest service (seconds)"), default=0)
    service_minutes = models.JSONField(_("services per minute"), default=list)

    class Meta:
        verbose_name = _("tickets of a day (rollup)")
        verbose_name_plural = _("tickets of a day (rollups)")
        indexes = [models.Index(fields=["hall", "day"], name="reports_ticket_day_idx")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day} {self.hour:02d}h"


class FigureKind(models.TextChoices):
    ORDERS = "orders", _("Work orders")
    REVERTED = "reverted", _("Reverted orders")
    MONEY = "money", _("Money taken")
    RATINGS = "ratings", _("Ratings")
    COMPLAINTS = "complaints", _("Complaints")
    BOOKINGS = "bookings", _("Appointments")


class DayFigureRollup(models.Model):
    """One of a hall's other figures of a local day: orders by business type and status, orders reverted, money
    by method (from the daily settlement), ratings by score, complaints by category, bookings by status.
    `key` is the business type's or complaint category's id, the method, score or status; `outcome` the
    order's status."""

    hall = models.ForeignKey(  # indexed with the day (as the ticket rollup's)
        "org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))
    kind = models.CharField(pgettext_lazy("figure", "kind"), max_length=12, choices=FigureKind.choices)
    key = models.CharField(pgettext_lazy("figure", "key"), max_length=48)
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("figure of a day (rollup)")
        verbose_name_plural = _("figures of a day (rollups)")
        indexes = [models.Index(fields=["hall", "day"], name="reports_figure_day_idx")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day} {self.kind} {self.key}"


class RollupRun(models.Model):
    """When a hall's day was last rolled up (the page says how fresh its figures are)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("rolled up at"))

    class Meta:
        verbose_name = _("rollup run")
        verbose_name_plural = _("rollup runs")
        constraints = [models.UniqueConstraint(fields=["hall", "day"], name="reports_rollup_run_unique")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day}"


class ReportMail(models.Model):
    """The end-of-day mail of one hall and day, recorded when sent: it goes out once."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("end-of-day report mail")
        verbose_name_plural = _("end-of-day report mails")
        constraints = [models.UniqueConstraint(fields=["hall", "day"], name="reports_mail_once_per_hall_day")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day}"
