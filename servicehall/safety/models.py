"""Safety production (营业厅安全生产管理规定): the key register (SAFE02), incidents (SAFE03), training and
drills (SAFE04).

History is never rewritten here: a key's issue/return history (`KeyMove`), an incident and its entries are
written once; later facts are new rows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class KeyKind(models.TextChoices):
    SAFE = "safe", pgettext_lazy("key", "Safe")
    CASH_ROOM = "cash_room", _("Cash room")
    DOOR = "door", pgettext_lazy("key", "Door")
    CABINET = "cabinet", _("Cabinet")
    DRAWER = "drawer", _("Cash drawer")
    OTHER = "other", pgettext_lazy("key", "Other")


class Key(models.Model):
    """A key of the hall (the lock it opens); its copies are the physical keys handed out."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=KeyKind.choices)
    name = models.CharField(_("name"), max_length=60)
    place = models.CharField(_("where the lock is"), max_length=100, blank=True)
    # Raised when the lock is changed after a loss: copies of an older lock are void.
    lock_generation = models.PositiveSmallIntegerField(_("lock number"), default=1)

    class Meta:
        verbose_name = _("key")
        verbose_name_plural = _("keys")
        ordering = ["hall", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["hall", "name"], name="safety_key_name_unique")]

    def __str__(self) -> str:
        return self.name


class CopyStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("key copy", "In use")
    VOID = "void", pgettext_lazy("key copy", "Void")


class KeyCopy(models.Model):
    """One physical copy of a key, numbered; `holder` is who has it now (empty: in the key cabinet)."""

    key = models.ForeignKey(Key, verbose_name=_("key"), on_delete=models.PROTECT, related_name="copies")
    number = models.PositiveSmallIntegerField(_("copy number"))
    status = models.CharField(_("status"), max_length=8, choices=CopyStatus.choices, default=CopyStatus.ACTIVE)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("key copy")
        verbose_name_plural = _("key copies")
        ordering = ["key", "number"]
        constraints = [
            models.UniqueConstraint(fields=["key", "number"], name="safety_key_copy_number_unique"),
            models.CheckConstraint(
                condition=Q(status="active") | Q(holder__isnull=True), name="safety_void_copy_has_no_holder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} #{self.number}"


class HandoverKind(models.TextChoices):
    ISSUE = "issue", pgettext_lazy("key", "Issue")
    RETURN = "return", pgettext_lazy("key", "Return")


class HandoverStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiver's signature")
    SIGNED = "signed", _("Signed by both")
    WITHDRAWN = "withdrawn", pgettext_lazy("key handover", "Withdrawn")


class KeyHandover(models.Model):
    """A copy handed from one person to another: the giver signs when starting, the receiver signs with
    their own login; only then the copy changes hands (like the cash drawer's handover)."""

    copy = models.ForeignKey(KeyCopy, verbose_name=_("key copy"), on_delete=models.PROTECT, related_name="handovers")
    kind = models.CharField(_("kind"), max_length=8, choices=HandoverKind.choices)
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("giver"), on_delete=models.PROTECT, related_name="+"
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("receiver"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=HandoverStatus.choices, default=HandoverStatus.PENDING
    )
    giver_signed_at = models.DateTimeField(_("giver signed at"))
    receiver_signed_at = models.DateTimeField(_("receiver signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("key handover")
        verbose_name_plural = _("key handovers")
        ordering = ["-giver_signed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(giver=models.F("receiver")), name="safety_handover_two_people"),
            # At most one handover of a copy waits at a time.
            models.UniqueConstraint(
                fields=["copy"], condition=Q(status="pending"), name="safety_one_pending_handover_per_copy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.copy} {self.kind}"


class KeyMove(models.Model):
    """The history of a copy (written once, never edited): from `at` on, `holder` has it (empty: back in
    the cabinet); a void copy gets a last row with `voided`."""

    copy = models.ForeignKey(KeyCopy, verbose_name=_("key copy"), on_delete=models.PROTECT, related_name="moves")
    at = models.DateTimeField(_("at"))
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided = models.BooleanField(_("voided"), default=False)
    handover = models.OneToOneField(
        KeyHandover, verbose_name=_("key handover"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("key history row")
        verbose_name_plural = _("key history")
        ordering = ["copy", "at", "id"]
        indexes = [models.Index(fields=["copy", "at"], name="safety_key_move_copy_at_idx")]

    def __str__(self) -> str:
        return f"{self.copy} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A key history row is never changed.")
        super().save(*args, **kwargs)


class RequestStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("copy request", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("copy request", "Approved")
    REJECTED = "rejected", pgettext_lazy("copy request", "Not approved")


class CopyRequest(models.Model):
    """A request for an extra copy of a key: it exists only once another safety manager approves it."""

    key = models.ForeignKey(Key, verbose_name=_("key"), on_delete=models.PROTECT, related_name="copy_requests")
    reason = models.CharField(_("reason"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    copy = models.OneToOneField(
        KeyCopy, verbose_name=_("copy made"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("extra copy request")
        verbose_name_plural = _("extra copy requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="safety_copy_request_four_eyes",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} +1"


class LockChange(models.Model):
    """Opened when a copy is lost (all copies of the key are void): done when the new lock and its new
    copies are recorded."""

    key = models.ForeignKey(Key, verbose_name=_("key"), on_delete=models.PROTECT, related_name="lock_changes")
    lost_copy = models.ForeignKey(KeyCopy, verbose_name=_("lost copy"), on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))
    note = models.CharField(_("how it was lost"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_copies = models.PositiveSmallIntegerField(_("new copies"), null=True, blank=True)
    done_note = models.CharField(_("new lock"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lock change")
        verbose_name_plural = _("lock changes")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(done_at__isnull=True), name="safety_one_open_lock_change_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.reported_at:%Y-%m-%d})"


# --- incidents (SAFE03) -------------------------------------------------------------------------------


class IncidentKind(models.TextChoices):
    ROBBERY = "robbery", _("Robbery")
    FIRE = "fire", pgettext_lazy("incident", "Fire")
    INJURY = "injury", _("Injury")
    CONFLICT = "conflict", _("Customer conflict")
    EQUIPMENT = "equipment", _("Equipment failure")
    FRAUD = "fraud", _("Suspected fraud")
    OTHER = "other", pgettext_lazy("incident", "Other")


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk changes are refused too: the record is never edited or deleted."""

    def update(self, **kwargs: Any) -> int:
        raise ValueError("This record is append-only: add an entry instead.")

    def delete(self) -> Any:
        raise ValueError("This record is append-only: it is never deleted.")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("This record is append-only: add an entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("This record is append-only: it is never deleted.")


class Incident(AppendOnly):
    """An incident as first reported (营业厅安全生产管理规定 4.4): written once; what is learned later and what
    is done about it are entries; the conclusion is the closing entry."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("happened at"))
    place = models.CharField(_("place"), max_length=100)
    description = models.TextField(_("what happened"), max_length=2000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="safety_incident_number_unique")]

    def __str__(self) -> str:
        return self.number


class EntryKind(models.TextChoices):
    FACT = "fact", _("Later fact")
    ACTION = "action", _("Follow-up action")
    CONCLUSION = "conclusion", _("Conclusion")


class IncidentEntry(AppendOnly):
    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    text = models.TextField(_("text"), max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("incident entry")
        verbose_name_plural = _("incident entries")
        ordering = ["written_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"], condition=Q(kind="conclusion"), name="safety_incident_one_conclusion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident} {self.kind}"


class IncidentSequence(models.Model):
    hall = models.ForeignKey("org.Hall", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "day"], name="safety_incident_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


# --- training and drills (SAFE04) ---------------------------------------------------------------------


class DrillKind(models.Model):
    """A kind of drill or training from the hall's pack, with how often each member must pass it."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=30)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    interval_months = models.PositiveSmallIntegerField(
        _("due every (months)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    required = models.BooleanField(_("required for every member"), default=True)

    class Meta:
        verbose_name = _("drill or training kind")
        verbose_name_plural = _("drill and training kinds")
        ordering = ["hall", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="safety_drill_kind_unique")]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class Drill(models.Model):
    """A fire drill or safety training held on a day, with a result per participant."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(DrillKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="drills")
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=120)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("drill or training")
        verbose_name_plural = _("drills and trainings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.held_on}"


class DrillResult(models.Model):
    drill = models.ForeignKey(Drill, verbose_name=_("drill"), on_delete=models.PROTECT, related_name="results")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="+"
    )
    passed = models.BooleanField(_("passed"))

    class Meta:
        verbose_name = _("drill result")
        verbose_name_plural = _("drill results")
        ordering = ["drill", "member"]
        constraints = [models.UniqueConstraint(fields=["drill", "member"], name="safety_drill_result_unique")]

    def __str__(self) -> str:
        return f"{self.drill} {self.member_id}"
