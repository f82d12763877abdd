from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicehall.core.errors import NotFound
from servicehall.org.models import Hall

from .models import BusinessType, Phrase, QueueCategory, ScriptStep


def categories_for_hall(*, hall: Hall) -> QuerySet[QueueCategory]:
    return QueueCategory.objects.filter(hall=hall, active=True).order_by("sort_order", "code")


def category_get(*, hall: Hall, code: str) -> QueueCategory:
    category = QueueCategory.objects.filter(hall=hall, code=code).first()
    if category is None:
        raise NotFound(_("There is no queue category %(code)s in this hall.") % {"code": code})
    return category


def script_steps(*, hall: Hall, script: str) -> list[ScriptStep]:
    return list(ScriptStep.objects.filter(hall=hall, script=script).order_by("pack", "position"))


def phrases_for(*, hall: Hall, moment: str) -> list[str]:
    return [p.text for p in Phrase.objects.filter(hall=hall, moment=moment).order_by("pack", "position")]


def business_types_for_category(*, category: QueueCategory) -> QuerySet[BusinessType]:
    return BusinessType.objects.filter(category=category, active=True).order_by("sort_order")


def documents_for_category(*, category: QueueCategory) -> list[str]:
    """The documents to bring for any business of this category, without repeats."""
    seen: dict[str, str] = {}
    for business in business_types_for_category(category=category):
        for code, name in zip(
            (d["code"] for d in business.required_documents), business.documents_display(), strict=True
        ):
            seen.setdefault(code, name)
    return list(seen.values())
