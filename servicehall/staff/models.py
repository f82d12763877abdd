"""Training and exams (岗前培训, STAFF04), the monthly assessment of clerks (考核与激励, STAFF05) and the duty
manager's monthly assessment of the service manager (SITE04).

Courses, questions, exams, the exams a business type requires and the hall's assessment scheme are loaded from
the staff pack files (`servicehall/staff/packs/*.yaml`) by `services.staff_pack_load`. A hall without them is
not affected by any rule of this app.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    """A training course (培训课程) with its bank of questions."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["hall", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="staff_course_code_unique")]

    def __str__(self) -> str:
        return self.name_zh


class Question(models.Model):
    """A single-choice question of a course's bank: texts, options and the index of the right option."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="questions")
    code = models.SlugField(_("code"), max_length=40)
    text_zh = models.CharField(_("Chinese text"), max_length=300)
    text_en = models.CharField(_("English text"), max_length=300)
    # [{"name_zh": …, "name_en": …}, …]
    options = models.JSONField(_("options"), default=list)
    answer = models.PositiveSmallIntegerField(_("right option"))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["course", "code"]
        constraints = [models.UniqueConstraint(fields=["course", "code"], name="staff_question_code_unique")]

    def __str__(self) -> str:
        return self.code


class Exam(models.Model):
    """An exam on a course: how many questions are drawn, the pass mark and an optional time limit."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="exams")
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    question_count = models.PositiveSmallIntegerField(_("questions"))
    minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), null=True, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["hall", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="staff_exam_code_unique"),
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="staff_exam_pass_mark_percent"),
            models.CheckConstraint(condition=Q(question_count__gte=1), name="staff_exam_has_questions"),
        ]

    def __str__(self) -> str:
        return self.name_zh


class ExamRequirement(models.Model):
    """A business type a clerk may accept only after passing the exam (the pack's `exam_required`)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    business_code = models.SlugField(_("business type code"), max_length=40)
    exam = models.ForeignKey(Exam, verbose_name=_("exam"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("exam required for a business")
        verbose_name_plural = _("exams required for businesses")
        constraints = [
            models.UniqueConstraint(fields=["hall", "business_code"], name="staff_exam_required_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.business_code}: {self.exam_id}"


class ExamAttempt(models.Model):
    """One sitting of an exam by one member: the questions drawn when it started (fixed for the attempt), the
    answers, and the result once submitted. Submitted once: a second submit finds the result already kept."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    exam = models.ForeignKey(Exam, verbose_name=_("exam"), on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    question_ids = models.JSONField(_("questions drawn"), default=list)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("time up at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    correct = models.PositiveSmallIntegerField(_("right answers"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["hall", "person", "submitted_at"], name="staff_attempt_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True, score__isnull=True, passed__isnull=True)
                | Q(submitted_at__isnull=False, score__isnull=False, passed__isnull=False),
                name="staff_attempt_result_when_submitted",
            ),
            models.UniqueConstraint(
                fields=["exam", "person"], condition=Q(submitted_at__isnull=True), name="staff_attempt_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exam_id}/{self.person_id} {self.started_at:%Y-%m-%d}"


class AssessmentScheme(models.Model):
    """The hall's assessment rules from its pack: weights, thresholds, incentive bands and the criteria of the
    service manager's assessment. Copied into each card's components when a month is computed."""

    hall = models.OneToOneField("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    pack = models.CharField(_("pack"), max_length=20)
    weights = models.JSONField(_("weights"), default=dict)
    thresholds = models.JSONField(_("thresholds"), default=dict)
    # [{"min": 90, "name_zh": …, "name_en": …, "amount": "800.00"}, …] best first
    incentives = models.JSONField(_("incentive bands"), default=list)
    # [{"code": …, "name_zh": …, "name_en": …, "max": 20}, …]
    manager_criteria = models.JSONField(_("service manager criteria"), default=list)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return f"{self.hall_id} {self.pack}"


class AssessmentCard(models.Model):
    """A clerk's monthly assessment card (考核卡): a snapshot of the month's components when it was computed.

    Later changes to tickets or ratings do not change it; computing the month again is an explicit, audited
    action. Adjustments by the duty manager are rows of their own and add to the computed score.
    """

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))  # the first day of the month
    # [{"code", "value", "score", "weight"}, …] as computed
    components = models.JSONField(_("components"), default=list)
    computed_score = models.DecimalField(_("computed score"), max_digits=5, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assessment card")
        verbose_name_plural = _("assessment cards")
        ordering = ["-month", "person__username"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "person", "month"], name="staff_card_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="staff_card_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}"


class AssessmentAdjustment(models.Model):
    """A commented adjustment of a card's score (+/- points) by the duty manager; never edited."""

    card = models.ForeignKey(
        AssessmentCard, verbose_name=_("card"), on_delete=models.PROTECT, related_name="adjustments"
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("assessment adjustment")
        verbose_name_plural = _("assessment adjustments")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=Decimal("-100")) & Q(points__lte=Decimal("100")) & ~Q(points=0),
                name="staff_adjustment_points_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.points:+}"


class ManagerAssessment(models.Model):
    """The duty manager's monthly assessment of a service manager (SITE04): a score and a comment per criterion
    of the pack; one per service manager per month."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("service manager"), on_delete=models.PROTECT, related_name="+"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), on_delete=models.PROTECT, related_name="+"
    )
    # [{"code", "name_zh", "name_en", "max", "score", "comment"}, …]
    scores = models.JSONField(_("scores"), default=list)
    total = models.PositiveSmallIntegerField(_("total"))
    out_of = models.PositiveSmallIntegerField(_("out of"))
    comment = models.CharField(_("overall comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("service manager assessment")
        verbose_name_plural = _("service manager assessments")
        ordering = ["-month", "manager__username"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "manager", "month"], name="staff_manager_assessment_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="staff_manager_assessment_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.month:%Y-%m}"
