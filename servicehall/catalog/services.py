from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from servicehall.core.actors import Actor
from servicehall.core.services import audit_record
from servicehall.org.models import Hall

from .models import (
    BusinessType,
    Checklist,
    ComplaintCategory,
    ExtraOffer,
    FaultKind,
    GasPriceTier,
    Package,
    Phrase,
    QueueCategory,
    RecommendationRule,
    ScriptStep,
    ServiceCommitment,
    SurveyQuestion,
    SurveyTemplate,
)
from .packs import Pack, PackError, pack_read


def _refuse_clashes_with_other_packs(*, pack: Pack, hall: Hall) -> None:
    """A code or ticket prefix another pack already uses in this hall is a problem in the file, named as such."""
    problems = []
    name = pack.path.name
    taken = QueueCategory.objects.filter(hall=hall).exclude(pack=pack.code)
    codes = {c.code: c.pack for c in taken}
    prefixes = {c.prefix: c.pack for c in taken}
    for index, category in enumerate(pack.categories):
        where = f"{name}: categories[{index}] ({category['code']})"
        if category["code"] in codes:
            problems.append(f"{where}.code: pack {codes[category['code']]!r} already uses it in hall {hall.code}")
        if category["prefix"] in prefixes:
            problems.append(
                f"{where}.prefix: pack {prefixes[category['prefix']]!r} already uses it in hall {hall.code}"
            )
    for section, model, entries in (
        ("business_types", BusinessType, pack.business_types),
        ("packages", Package, pack.packages),
        ("extras", ExtraOffer, pack.extras),
    ):
        used = dict(model.objects.filter(hall=hall).exclude(pack=pack.code).values_list("code", "pack"))
        for index, entry in enumerate(entries):
            if entry["code"] in used:
                problems.append(
                    f"{name}: {section}[{index}] ({entry['code']}).code: "
                    f"pack {used[entry['code']]!r} already uses it in hall {hall.code}"
                )
    if problems:
        raise PackError(problems)


def _without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def _load_by_code(*, model: Any, hall: Hall, pack: Pack, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Create or update rows matched by (hall, code); whether a row is active stays the hall's choice."""
    rows = {}
    for data in entries:
        values = {**_without(data, "code"), "pack": pack.code}
        rows[data["code"]], _ = model.objects.update_or_create(
            hall=hall, code=data["code"], defaults=values, create_defaults={**values, "active": True}
        )
    return rows


def _load_checklists(*, hall: Hall, pack: Pack) -> dict[str, Checklist]:
    rows = {}
    for data in pack.checklists:
        rows[data["code"]], _ = Checklist.objects.update_or_create(
            hall=hall, pack=pack.code, code=data["code"], defaults=_without(data, "code")
        )
    return rows


def _load_gas_prices(*, hall: Hall, pack: Pack) -> None:
    """The pack's price scheme replaces the hall's, tier by tier."""
    GasPriceTier.objects.filter(hall=hall, pack=pack.code, position__gt=len(pack.gas_prices)).delete()
    for tier in pack.gas_prices:
        GasPriceTier.objects.update_or_create(
            hall=hall, pack=pack.code, position=tier["position"], defaults=_without(tier, "position")
        )


def _load_recommendations(*, hall: Hall, pack: Pack, business_types: dict[str, BusinessType]) -> None:
    """Rules are the pack's to say: ones the file no longer has are removed; a switched-off rule stays off."""
    codes = [rule["code"] for rule in pack.recommendations]
    RecommendationRule.objects.filter(hall=hall, pack=pack.code).exclude(code__in=codes).delete()
    for rule in pack.recommendations:
        values = {**_without(rule, "code", "business"), "business_type": business_types[rule["business"]]}
        RecommendationRule.objects.update_or_create(
            hall=hall,
            pack=pack.code,
            code=rule["code"],
            defaults=values,
            create_defaults={**values, "active": True},
        )


@transaction.atomic
def _commitments_load(hall: Hall, pack: Pack) -> int:
    """New commitments of the pack are added; those the hall already has keep the target and words it set."""
    for position, entry in enumerate(pack.commitments):
        ServiceCommitment.objects.get_or_create(
            hall=hall,
            code=entry["code"],
            defaults={
                "pack": pack.code,
                "position": position,
                **{k: entry[k] for k in ("kind", "target", "text_zh", "text_en")},
            },
        )
    return len(pack.commitments)


@transaction.atomic
def _complaint_categories_load(hall: Hall, pack: Pack) -> int:
    """New complaint categories of the pack are added; those the hall has keep the hours it set."""
    for position, entry in enumerate(pack.complaint_categories):
        ComplaintCategory.objects.get_or_create(
            hall=hall,
            code=entry["code"],
            defaults={
                "pack": pack.code,
                "position": position,
                **{k: entry[k] for k in ("name_zh", "name_en", "acknowledge_hours", "resolve_hours")},
            },
        )
    return len(pack.complaint_categories)


@transaction.atomic
def _surveys_load(hall: Hall, pack: Pack) -> int:
    """New surveys and questions of the pack are added and the pack's wording is kept up to date; a question the
    pack no longer has stays (answers refer to it), and whether a survey is in use is the hall's choice."""
    for position, entry in enumerate(pack.surveys):
        names = {"name_zh": entry["name_zh"], "name_en": entry["name_en"]}
        template, _created = SurveyTemplate.objects.update_or_create(
            hall=hall,
            code=entry["code"],
            defaults=names,
            create_defaults={**names, "pack": pack.code, "position": position, "active": True},
        )
        for number, question in enumerate(entry["questions"]):
            SurveyQuestion.objects.update_or_create(
                template=template,
                code=question["code"],
                defaults={"position": number, **{k: question[k] for k in ("kind", "text_zh", "text_en", "required")}},
            )
    return len(pack.surveys)


def _fault_kinds_load(hall: Hall, pack: Pack) -> int:
    """New fault kinds of the pack are added; those the hall has keep the hours it set."""
    for position, entry in enumerate(pack.fault_kinds):
        FaultKind.objects.get_or_create(
            hall=hall,
            code=entry["code"],
            defaults={
                "pack": pack.code,
                "position": position,
                **{k: entry[k] for k in ("name_zh", "name_en", "service_kind", "repair_hours", "urgent")},
            },
        )
    return len(pack.fault_kinds)


def pack_load(*, hall: Hall, code: str, actor: Actor = None, path: Path | None = None) -> dict[str, int]:
    """Load or update one industry pack into a hall, whole or not at all.

    Rows are matched by their codes, so loading the same pack twice changes
    nothing and a revised pack updates names, fees and phrases in place.
    """
    pack = pack_read(code, path=path)
    _refuse_clashes_with_other_packs(pack=pack, hall=hall)
    # Whether a row is active is the hall's own choice: set on creation only.
    categories = _load_by_code(model=QueueCategory, hall=hall, pack=pack, entries=pack.categories)
    checklists = _load_checklists(hall=hall, pack=pack)
    business_types: dict[str, BusinessType] = {}
    for data in pack.business_types:
        row = {**_without(data, "code", "category", "checklists"), "category": categories[data["category"]]}
        row["pack"] = pack.code
        business, _ = BusinessType.objects.update_or_create(
            hall=hall, code=data["code"], defaults=row, create_defaults={**row, "active": True}
        )
        business.checklists.set([checklists[code] for code in data["checklists"]])
        business_types[data["code"]] = business
    _load_by_code(model=Package, hall=hall, pack=pack, entries=pack.packages)
    _load_by_code(model=ExtraOffer, hall=hall, pack=pack, entries=pack.extras)
    _load_gas_prices(hall=hall, pack=pack)
    _load_recommendations(hall=hall, pack=pack, business_types=business_types)
    counts = {
        "categories": len(categories),
        "business_types": len(business_types),
        "script_steps": 0,
        "phrases": 0,
        "packages": len(pack.packages),
        "extras": len(pack.extras),
        "gas_price_tiers": len(pack.gas_prices),
        "checklists": len(checklists),
        "recommendations": len(pack.recommendations),
    }
    for script, steps in pack.scripts.items():
        ScriptStep.objects.filter(hall=hall, pack=pack.code, script=script, position__gt=len(steps)).delete()
        for step in steps:
            ScriptStep.objects.update_or_create(
                hall=hall,
                pack=pack.code,
                script=script,
                position=step["position"],
                defaults={k: step[k] for k in ("title_zh", "title_en", "phrases")},
            )
            counts["script_steps"] += 1
    for moment, phrases in pack.phrases.items():
        Phrase.objects.filter(hall=hall, pack=pack.code, moment=moment, position__gte=len(phrases)).delete()
        for position, phrase in enumerate(phrases):
            Phrase.objects.update_or_create(
                hall=hall,
                pack=pack.code,
                moment=moment,
                position=position,
                defaults={"text_zh": phrase["zh"], "text_en": phrase["en"]},
            )
            counts["phrases"] += 1
    counts["commitments"] = _commitments_load(hall, pack)
    counts["complaint_categories"] = _complaint_categories_load(hall, pack)
    counts["surveys"] = _surveys_load(hall, pack)
    counts["fault_kinds"] = _fault_kinds_load(hall, pack)
    if pack.code not in hall.packs:
        # A pack's hall-wide settings are taken when it is first loaded; the hall may change them afterwards.
        hall.rating_details = hall.rating_details or pack.rating_details
        hall.packs = [*hall.packs, pack.code]
        hall.save(update_fields=["packs", "rating_details", "updated_at"])
    audit_record(actor=actor, action="pack.load", obj=hall, hall=hall, data={"pack": pack.code, **counts})
    return counts
