"""The hall's premises (SITE01, SITE02, SAFE01): checklists from the pack, the patrol schedule, patrols with
their ticked items, missed rounds, and the rectifications (整改) every failed item opens; the equipment register
(SITE03) with its faults and repairs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from servicehall.core.models import StatusMove

from .states import EquipmentStatus, RectificationStatus


def _localized(obj: object, field: str) -> str:
    """The Chinese name in a Chinese page, the English one otherwise (the pack gives both)."""
    zh = (get_language() or "").lower().startswith("zh")
    return str(getattr(obj, f"{field}_zh" if zh else f"{field}_en") or getattr(obj, f"{field}_zh"))


class ChecklistKind(models.TextChoices):
    SITE = "site", pgettext_lazy("checklist", "Hall floor")
    SAFETY = "safety", pgettext_lazy("checklist", "Safety")


class ChecklistFrequency(models.TextChoices):
    ROUND = "round", pgettext_lazy("checklist", "Every patrol round")
    DAILY = "daily", pgettext_lazy("checklist", "Daily")
    WEEKLY = "weekly", pgettext_lazy("checklist", "Weekly")


class Computed(models.TextChoices):
    """Items the system checks itself rather than the patroller."""

    NONE = "", "—"
    DRAWER_CASH = "drawer_cash", _("Cash in the open drawers within the limit")


class ChecklistTemplate(models.Model):
    """A checklist of the hall, loaded from its industry pack (`premises_load`)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=32)
    kind = models.CharField(_("kind"), max_length=8, choices=ChecklistKind.choices)
    frequency = models.CharField(_("frequency"), max_length=8, choices=ChecklistFrequency.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["hall", "kind", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="premises_template_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localized(self, "name")


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.SlugField(_("code"), max_length=32)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    how_zh = models.CharField(_("how to check (Chinese)"), max_length=200, blank=True)
    how_en = models.CharField(_("how to check (English)"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    # Hours the owner has to put a failure right; 0: the PREMISES_RECTIFICATION_HOURS setting.
    deadline_hours = models.PositiveSmallIntegerField(_("hours to put right"), default=0)
    computed = models.CharField(_("checked by the system"), max_length=16, choices=Computed.choices, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="premises_item_code_unique"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="premises_item_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localized(self, "name")

    @property
    def how(self) -> str:
        return _localized(self, "how")


class PatrolRound(models.Model):
    """A scheduled patrol of the hall (e.g. opening, midday, closing): at `time` (the hall's local time), every
    day the hall opens or on one weekday, with one checklist. Not done within the window, it is a finding."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=40)
    time = models.TimeField(_("time"))
    # 0 = Monday … 6 = Sunday; empty: every day.
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True, validators=[MaxValueValidator(6)])
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="rounds"
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("patrol round")
        verbose_name_plural = _("patrol rounds")
        ordering = ["hall", "time", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localized(self, "name")


class Patrol(models.Model):
    """One patrol (巡检) walked and submitted at once: its items ticked pass or fail, its score in %."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="patrols"
    )
    round = models.ForeignKey(
        PatrolRound,
        verbose_name=_("patrol round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patrols",
    )
    day = models.DateField(_("day"))
    patroller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("patroller"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    passed_weight = models.PositiveIntegerField(_("passed weight"))
    total_weight = models.PositiveIntegerField(_("total weight"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    request_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "request_key"], condition=~Q(request_key=""), name="premises_patrol_request_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} {self.day}"


class PatrolResult(models.Model):
    """One item of a patrol: passed or failed, with a note and perhaps a photo when failed."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    weight = models.PositiveSmallIntegerField(_("weight"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.FileField(_("photo"), upload_to="premises/patrols/%Y/%m/", blank=True)
    photo_type = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("patrol item")
        verbose_name_plural = _("patrol items")
        ordering = ["patrol", "item__position", "id"]
        constraints = [models.UniqueConstraint(fields=["patrol", "item"], name="premises_result_item_unique")]

    def __str__(self) -> str:
        return str(self.item)


class MissedPatrol(models.Model):
    """A scheduled round not done within its window: a finding of its own, recorded once per round and day."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(
        PatrolRound, verbose_name=_("patrol round"), on_delete=models.PROTECT, related_name="missed"
    )
    day = models.DateField(_("day"))
    due_at = models.DateTimeField(_("due at"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("missed patrol")
        verbose_name_plural = _("missed patrols")
        ordering = ["-due_at"]
        constraints = [models.UniqueConstraint(fields=["round", "day"], name="premises_missed_round_day_unique")]

    def __str__(self) -> str:
        return f"{self.round} {self.day}"


class RectificationLevel(models.IntegerChoices):
    """Who is chasing it (the values of `org.hours`' levels)."""

    OWNER = 0, _("Owner")
    DUTY_MANAGER = 1, _("Escalated to the duty manager")
    SERVICE_MANAGER = 2, _("Escalated to the service manager")


class Rectification(models.Model):
    """整改: what a failed item asks to be put right, by whom and by when."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=24)
    result = models.OneToOneField(
        PatrolResult, verbose_name=_("patrol item"), on_delete=models.PROTECT, related_name="rectification"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=RectificationLevel.choices, default=RectificationLevel.OWNER
    )
    warned_for = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    evidence_note = models.CharField(_("what was done"), max_length=500, blank=True)
    evidence_photo = models.FileField(_("photo"), upload_to="premises/rectifications/%Y/%m/", blank=True)
    evidence_type = models.CharField(max_length=32, blank=True)
    submitted_at = models.DateTimeField(_("closed by the owner at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason sent back"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("opened at"))

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "id"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="premises_rectification_number_unique")]
        indexes = [models.Index(fields=["hall", "status", "deadline"], name="premises_rect_due_idx")]

    def __str__(self) -> str:
        return self.number


class RectificationMove(StatusMove):
    rectification = models.ForeignKey(
        Rectification, verbose_name=_("rectification"), on_delete=models.CASCADE, related_name="moves"
    )
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=16, choices=RectificationStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=RectificationStatus.choices)

    class Meta(StatusMove.Meta):
        verbose_name = _("rectification move")
        verbose_name_plural = _("rectification moves")


# --- the equipment register (SITE03) ----------------------------------------------------------------


class EquipmentKind(models.TextChoices):
    PC = "pc", pgettext_lazy("equipment", "PC")
    PRINTER = "printer", pgettext_lazy("equipment", "Printer")
    RECEIPT_PRINTER = "receipt_printer", pgettext_lazy("equipment", "Receipt printer")
    KIOSK = "kiosk", pgettext_lazy("equipment", "Ticket kiosk")
    BOARD = "board", pgettext_lazy("equipment", "Display board")
    ID_READER = "id_reader", pgettext_lazy("equipment", "ID card reader")
    POS = "pos", pgettext_lazy("equipment", "POS terminal")
    CARD_WRITER = "card_writer", pgettext_lazy("equipment", "Card writer")
    RATING_PAD = "rating_pad", pgettext_lazy("equipment", "Rating pad")
    EXTINGUISHER = "extinguisher", pgettext_lazy("equipment", "Fire extinguisher")
    AED = "aed", pgettext_lazy("equipment", "AED")
    CCTV = "cctv", pgettext_lazy("equipment", "CCTV camera")
    OTHER = "other", pgettext_lazy("equipment", "Other")


# Kinds with an expiry date (the warning before it), and the public screens that report a heartbeat (the
# queue's screen kind each one is).
EXPIRING_KINDS = frozenset({EquipmentKind.EXTINGUISHER, EquipmentKind.AED})
SCREEN_KINDS = {EquipmentKind.KIOSK: "kiosk", EquipmentKind.BOARD: "board", EquipmentKind.RATING_PAD: "pad"}


class Equipment(models.Model):
    """One item of the hall's equipment register: where it is, its asset number, its status."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(pgettext_lazy("equipment", "kind"), max_length=16, choices=EquipmentKind.choices)
    asset_number = models.CharField(_("asset number"), max_length=32)
    name = models.CharField(_("name or model"), max_length=80)
    location = models.CharField(_("location"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EquipmentStatus.choices, default=EquipmentStatus.IN_SERVICE
    )
    # Extinguishers and AEDs: the day it must be refilled, inspected or replaced.
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    # Kiosk and board: the screen's own name (`?screen=`, "main" by default); rating pad: its counter number.
    screen = models.CharField(_("screen"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["hall", "kind", "asset_number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "asset_number"], name="premises_equipment_asset_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_number} {self.name}"

    @property
    def screen_kind(self) -> str:
        return SCREEN_KINDS.get(self.kind, "")  # type: ignore[call-overload]


class EquipmentMove(StatusMove):
    equipment = models.ForeignKey(
        Equipment, verbose_name=_("equipment"), on_delete=models.CASCADE, related_name="moves"
    )
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=16, choices=EquipmentStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=EquipmentStatus.choices)

    class Meta(StatusMove.Meta):
        verbose_name = _("equipment move")
        verbose_name_plural = _("equipment moves")


class EquipmentFault(models.Model):
    """A fault reported on an item, its repair (vendor, dates, cost) and its return to service."""

    equipment = models.ForeignKey(
        Equipment, verbose_name=_("equipment"), on_delete=models.PROTECT, related_name="faults"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))
    description = models.CharField(_("what is wrong"), max_length=500)
    photo = models.FileField(_("photo"), upload_to="premises/equipment/%Y/%m/", blank=True)
    photo_type = models.CharField(max_length=32, blank=True)
    vendor = models.CharField(_("repaired by"), max_length=80, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    expected_back = models.DateField(_("expected back"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=10, decimal_places=2, null=True, blank=True)
    repair_notes = models.CharField(_("repair notes"), max_length=500, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    back_at = models.DateTimeField(_("back in service at"), null=True, blank=True)
    back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("back in service by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    back_note = models.CharField(_("note on return"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("equipment fault")
        verbose_name_plural = _("equipment faults")
        ordering = ["-reported_at", "-id"]
        constraints = [
            # One open fault per item at a time.
            models.UniqueConstraint(
                fields=["equipment"], condition=Q(back_at__isnull=True), name="premises_fault_one_open"
            ),
            models.CheckConstraint(condition=Q(cost__isnull=True) | Q(cost__gte=0), name="premises_fault_cost_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.equipment} {self.reported_at:%Y-%m-%d}"
