"""What a hall offers, loaded from industry packs (ORG03)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from servicehall.core.models import TimeStampedModel


class Bilingual(models.Model):
    """Rows whose visible name comes in Chinese and English."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


def pick_language(zh: str, en: str) -> str:
    language = (get_language() or "zh-hans").lower()
    return en if language.startswith("en") and en else zh


class QueueCategory(Bilingual, TimeStampedModel):
    """A queue of the hall: tickets of a category share a prefix and a sequence."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="categories")
    pack = models.CharField(_("pack"), max_length=32)
    code = models.CharField(
        _("code"), max_length=8, validators=[RegexValidator(r"^[A-Z][A-Z0-9]*$", _("Upper-case letters and digits."))]
    )
    prefix = models.CharField(
        _("ticket prefix"), max_length=1, validators=[RegexValidator(r"^[A-Z]$", _("One upper-case letter."))]
    )
    target_wait_minutes = models.PositiveIntegerField(_("target wait (minutes)"), default=15)
    alert_queue_length = models.PositiveIntegerField(_("alert when this many wait"), default=20)
    typical_handle_minutes = models.PositiveIntegerField(
        _("typical handling time (minutes)"), default=5, validators=[MinValueValidator(1)]
    )
    daily_cap = models.PositiveIntegerField(_("daily cap"), null=True, blank=True)
    issue_from = models.TimeField(_("issuing from"), null=True, blank=True)
    issue_until = models.TimeField(_("issuing until"), null=True, blank=True)
    self_service = models.BooleanField(_("self-service can do it"), default=False)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("queue category")
        verbose_name_plural = _("queue categories")
        ordering = ["hall", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="category_code_unique_in_hall"),
            models.UniqueConstraint(fields=["hall", "prefix"], name="category_prefix_unique_in_hall"),
        ]


class BusinessType(Bilingual, TimeStampedModel):
    hall = models.ForeignKey(
        "org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="business_types"
    )
    pack = models.CharField(_("pack"), max_length=32)
    code = models.SlugField(_("code"), max_length=48)
    category = models.ForeignKey(
        QueueCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="business_types"
    )
    required_documents = models.JSONField(_("required documents"), default=list, blank=True)
    self_service = models.BooleanField(_("self-service allowed"), default=False)
    review_required = models.BooleanField(_("needs manager review"), default=False)
    standard_fee = models.DecimalField(
        _("standard fee"), max_digits=12, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(0)]
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("business type")
        verbose_name_plural = _("business types")
        ordering = ["hall", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="business_type_code_unique_in_hall")]

    def documents_display(self) -> list[str]:
        return [pick_language(doc["name_zh"], doc["name_en"]) for doc in self.required_documents]


class ScriptStep(TimeStampedModel):
    """A step of a standard script (导购六步, 业务受理八步 …) with its phrases."""

    class Script(models.TextChoices):
        GUIDE = "guide", _("Guide six steps")
        ACCEPTANCE = "acceptance", _("Acceptance eight steps")
        PRESHIFT = "preshift", _("Pre-shift seven steps")

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="script_steps")
    pack = models.CharField(_("pack"), max_length=32)
    script = models.CharField(_("script"), max_length=16, choices=Script.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    phrases = models.JSONField(_("phrases"), default=list, blank=True)

    class Meta:
        verbose_name = _("script step")
        verbose_name_plural = _("script steps")
        ordering = ["hall", "script", "position"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "pack", "script", "position"], name="script_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)

    def phrases_display(self) -> list[str]:
        return [pick_language(p["zh"], p["en"]) for p in self.phrases]


class Phrase(TimeStampedModel):
    """A standard phrase (服务用语) for a moment of service: greeting, waiting …"""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="phrases")
    pack = models.CharField(_("pack"), max_length=32)
    moment = models.SlugField(_("moment"), max_length=32)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_zh = models.CharField(_("text (Chinese)"), max_length=255)
    text_en = models.CharField(_("text (English)"), max_length=255)

    class Meta:
        verbose_name = _("standard phrase")
        verbose_name_plural = _("standard phrases")
        ordering = ["hall", "moment", "position"]
        constraints = [models.UniqueConstraint(fields=["hall", "pack", "moment", "position"], name="phrase_unique")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick_language(self.text_zh, self.text_en)
