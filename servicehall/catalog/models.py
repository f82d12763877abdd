"""What a hall offers, loaded from industry packs (ORG03)."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
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
    # [{"code", "name_zh", "name_en"}]: what to bring for any business of this queue (the slip's general list).
    documents = models.JSONField(_("documents to bring"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort position", "order"), default=0)

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
    # How a work order of this type is handled (issue 3). `action` names the
    # business action its processing step runs (see orders.actions); empty means
    # the order records the business without changing a service.
    action = models.SlugField(_("business action"), max_length=48, blank=True)
    service_kind = models.CharField(_("service it acts on"), max_length=16, blank=True)
    identity_required = models.BooleanField(_("identity check needed"), default=True)
    owner_only = models.BooleanField(_("owner only"), default=False)
    risky = models.BooleanField(_("anti-fraud warning"), default=False)
    revertible = models.BooleanField(_("can be reverted"), default=True)
    follow_up_days = models.PositiveSmallIntegerField(_("follow-up after (days)"), null=True, blank=True)
    # Documents needed on top of `required_documents` when a proxy (代办人) acts for the customer.
    proxy_documents = models.JSONField(_("documents for a proxy"), default=list, blank=True)
    # Checklists the clerk walks with the customer (anti-fraud for risky business, gas connection …).
    checklists: models.ManyToManyField[Checklist, Any] = models.ManyToManyField(
        "Checklist", verbose_name=_("checklists"), blank=True, related_name="business_types"
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort position", "order"), default=0)

    class Meta:
        verbose_name = _("business type")
        verbose_name_plural = _("business types")
        ordering = ["hall", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="business_type_code_unique_in_hall")]

    def documents_display(self) -> list[str]:
        return [pick_language(doc["name_zh"], doc["name_en"]) for doc in self.required_documents]

    def documents_for(self, *, by_proxy: bool) -> list[dict[str, str]]:
        """The documents to see for this business: the proxy's own ones are added when a proxy acts (ACC03)."""
        documents = list(self.required_documents)
        return documents + list(self.proxy_documents) if by_proxy else documents


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


class ServiceCommitment(TimeStampedModel):
    """One of the hall's published service commitments (服务承诺, CARE07), e.g. "called within 15 minutes".

    Loaded from the pack; the hall may change the target and the words in the admin: loading the pack again
    adds new commitments but keeps what the hall changed."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    pack = models.CharField(_("pack"), max_length=32)
    code = models.SlugField(_("code"), max_length=48)
    kind = models.CharField(_("what it measures"), max_length=32)
    target = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1)])
    text_zh = models.CharField(_("text (Chinese)"), max_length=200)
    text_en = models.CharField(_("text (English)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("service commitment")
        verbose_name_plural = _("service commitments")
        ordering = ["hall", "position"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="commitment_code_unique_in_hall")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick_language(self.text_zh, self.text_en)


class ComplaintCategory(Bilingual, TimeStampedModel):
    """A kind of complaint (投诉) and how fast the hall answers it, in working hours (CARE04).

    Loaded from the pack; the hall may change the hours in the admin: loading the pack again adds new
    categories but keeps what the hall changed."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    pack = models.CharField(_("pack"), max_length=32)
    code = models.SlugField(_("code"), max_length=48)
    acknowledge_hours = models.PositiveIntegerField(
        _("acknowledge within (working hours)"), validators=[MinValueValidator(1)]
    )
    resolve_hours = models.PositiveIntegerField(_("resolve within (working hours)"), validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["hall", "position"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="complaint_category_code_unique_in_hall"),
            models.CheckConstraint(
                condition=models.Q(resolve_hours__gte=models.F("acknowledge_hours")),
                name="complaint_category_resolve_after_acknowledge",
            ),
        ]


class FaultKind(Bilingual, TimeStampedModel):
    """A kind of fault a customer reports on a service (故障报修, CARE05) and how fast it is repaired.

    Loaded from the pack's `faults:`; `repair_hours` is the repair's due time in working hours after it was
    reported. Loading the pack again adds new kinds but keeps what the hall changed."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    pack = models.CharField(_("pack"), max_length=32)
    code = models.SlugField(_("code"), max_length=48)
    # As customers.Service.Kind: mobile, broadband, fixed_line, gas.
    service_kind = models.CharField(_("service it applies to"), max_length=16)
    repair_hours = models.PositiveIntegerField(_("repair within (working hours)"), validators=[MinValueValidator(1)])
    urgent = models.BooleanField(_("urgent"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("fault kind")
        verbose_name_plural = _("fault kinds")
        ordering = ["hall", "position"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="fault_kind_code_unique_in_hall")]


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


class Package(Bilingual, TimeStampedModel):
    """A tariff package (套餐) for a mobile number, a broadband account or a fixed line (BT01–BT03, BT09)."""

    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        BROADBAND = "broadband", _("Broadband")
        FIXED_LINE = "fixed_line", _("Fixed line")

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="packages")
    pack = models.CharField(_("pack"), max_length=32)
    code = models.SlugField(_("code"), max_length=48)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    monthly_fee = models.DecimalField(
        _("monthly fee"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description_zh = models.CharField(_("description (Chinese)"), max_length=255, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort position", "order"), default=0)

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["hall", "kind", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="package_code_unique_in_hall")]

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)


class ExtraOffer(Bilingual, TimeStampedModel):
    """A value-added service (增值业务) a customer may subscribe on a service (BT04)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="extra_offers")
    pack = models.CharField(_("pack"), max_length=32)
    code = models.SlugField(_("code"), max_length=48)
    service_kind = models.CharField(_("for service kind"), max_length=16, choices=Package.Kind.choices)
    monthly_fee = models.DecimalField(
        _("monthly fee"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description_zh = models.CharField(_("description (Chinese)"), max_length=255, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort position", "order"), default=0)

    class Meta:
        verbose_name = _("value-added service offer")
        verbose_name_plural = _("value-added service offers")
        ordering = ["hall", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="extra_offer_code_unique_in_hall")]

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)


class GasPriceTier(TimeStampedModel):
    """One tier of the residential tiered gas price (阶梯气价, BT11): yearly volume up to a bound, price per m³."""

    hall = models.ForeignKey(
        "org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="gas_price_tiers"
    )
    pack = models.CharField(_("pack"), max_length=32)
    position = models.PositiveSmallIntegerField(_("tier"))
    # None: the last tier, without an upper bound.
    up_to_m3 = models.DecimalField(
        _("yearly volume up to (m³)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    price_per_m3 = models.DecimalField(
        _("price per m³"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        verbose_name = _("gas price tier")
        verbose_name_plural = _("gas price tiers")
        ordering = ["hall", "pack", "position"]
        constraints = [models.UniqueConstraint(fields=["hall", "pack", "position"], name="gas_price_tier_unique")]

    def __str__(self) -> str:
        bound = f"≤ {self.up_to_m3} m³" if self.up_to_m3 is not None else "∞"
        return f"{self.position}: {bound}, {self.price_per_m3}/m³"


class Checklist(TimeStampedModel):
    """Questions the clerk walks with the customer (PRIV03 anti-fraud, gas-connection preconditions …).

    `items` is a list of {"code", "text_zh", "text_en", "safe_answer", "unsafe_answer"}; the answers
    are "yes" or "no", and an answer other than the safe one is a warning.
    """

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="checklists")
    pack = models.CharField(_("pack"), max_length=32)
    code = models.SlugField(_("code"), max_length=48)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    warning_zh = models.CharField(_("warning (Chinese)"), max_length=500, blank=True)
    warning_en = models.CharField(_("warning (English)"), max_length=500, blank=True)
    items = models.JSONField(_("items"), default=list)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["hall", "pack", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "pack", "code"], name="checklist_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)

    @property
    def warning(self) -> str:
        return pick_language(self.warning_zh, self.warning_en)

    def items_display(self) -> list[dict[str, str]]:
        """The questions in the current language with their safe answer ("yes" or "no")."""
        return [
            {
                "code": item["code"],
                "text": pick_language(item["text_zh"], item["text_en"]),
                "safe_answer": item["safe_answer"],
                "unsafe_answer": item["unsafe_answer"],
            }
            for item in self.items
        ]


class RecommendationRule(TimeStampedModel):
    """业务推荐 (ACC07): when the customer lacks a kind of service, or has one without an extra, offer a business."""

    hall = models.ForeignKey(
        "org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="recommendation_rules"
    )
    pack = models.CharField(_("pack"), max_length=32)
    code = models.SlugField(_("code"), max_length=48)
    business_type = models.ForeignKey(
        BusinessType, verbose_name=_("business offered"), on_delete=models.CASCADE, related_name="+"
    )
    lacks_service = models.CharField(_("when the customer has no"), max_length=16, blank=True)
    has_service = models.CharField(_("when the customer has"), max_length=16, blank=True)
    lacks_extra = models.CharField(_("but not the extra"), max_length=48, blank=True)
    reason_zh = models.CharField(_("reason (Chinese)"), max_length=255)
    reason_en = models.CharField(_("reason (English)"), max_length=255)
    phrase_zh = models.CharField(_("phrase (Chinese)"), max_length=255)
    phrase_en = models.CharField(_("phrase (English)"), max_length=255)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort position", "order"), default=0)

    class Meta:
        verbose_name = _("recommendation rule")
        verbose_name_plural = _("recommendation rules")
        ordering = ["hall", "pack", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "pack", "code"], name="recommendation_rule_unique")]

    def __str__(self) -> str:
        return self.code

    @property
    def reason(self) -> str:
        return pick_language(self.reason_zh, self.reason_en)

    @property
    def phrase(self) -> str:
        return pick_language(self.phrase_zh, self.phrase_en)

    def applies_to(self, *, service_kinds: Collection[str], extra_codes: Collection[str]) -> bool:
        if self.lacks_service:
            return self.lacks_service not in service_kinds
        return self.has_service in service_kinds and self.lacks_extra not in extra_codes


class SurveyTemplate(Bilingual, TimeStampedModel):
    """A satisfaction survey (满意度调查, CARE03): its questions, asked from the ticket's page (QR code on the slip)
    or on a follow-up call. Loaded from the pack; a hall's first active template is the one it asks."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    pack = models.CharField(_("pack"), max_length=32)
    code = models.SlugField(_("code"), max_length=48)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["hall", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="survey_template_code_unique_in_hall")]


class SurveyQuestion(TimeStampedModel):
    """One question of a survey: a 1–5 scale (5 best) or free text."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale of 1 to 5")
        TEXT = "text", _("Free text")

    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    code = models.SlugField(_("code"), max_length=48)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text_zh = models.CharField(_("text (Chinese)"), max_length=255)
    text_en = models.CharField(_("text (English)"), max_length=255)
    required = models.BooleanField(_("an answer is required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["template", "position"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="survey_question_code_unique")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick_language(self.text_zh, self.text_en)
