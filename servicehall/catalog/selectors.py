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
    """The steps of one script, from the first of the hall's packs that has it.

    A hall with a telecom and a gas pack follows one 业务受理八步, not both mixed.
    """
    steps = list(ScriptStep.objects.filter(hall=hall, script=script).order_by("position"))
    packs = [p for p in hall.packs if any(step.pack == p for step in steps)] or sorted({s.pack for s in steps})
    return [step for step in steps if packs and step.pack == packs[0]]


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


def business_types_for_hall(*, hall: Hall) -> QuerySet[BusinessType]:
    """The hall's active business types of active categories, in one query, grouped by category order."""
    return (
        BusinessType.objects.filter(hall=hall, active=True, category__active=True)
        .select_related("category")
        .order_by("category__sort_order", "category__code", "sort_order", "code")
    )


def business_type_get(*, hall: Hall, code: str) -> BusinessType:
    """An active business type of the hall by its code, with its category."""
    business = business_types_for_hall(hall=hall).filter(code=code).first()
    if business is None:
        raise NotFound(_("There is no such business type in this hall."))
    return business
