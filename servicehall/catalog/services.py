from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from servicehall.core.services import audit_record
from servicehall.org.models import Hall

from .models import BusinessType, Phrase, QueueCategory, ScriptStep
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
    business = dict(BusinessType.objects.filter(hall=hall).exclude(pack=pack.code).values_list("code", "pack"))
    for index, entry in enumerate(pack.business_types):
        if entry["code"] in business:
            problems.append(
                f"{name}: business_types[{index}] ({entry['code']}).code: "
                f"pack {business[entry['code']]!r} already uses it in hall {hall.code}"
            )
    if problems:
        raise PackError(problems)


@transaction.atomic
def pack_load(*, hall: Hall, code: str, actor: Any = None, path: Path | None = None) -> dict[str, int]:
    """Load or update one industry pack into a hall, whole or not at all.

    Rows are matched by their codes, so loading the same pack twice changes
    nothing and a revised pack updates names, fees and phrases in place.
    """
    pack = pack_read(code, path=path)
    _refuse_clashes_with_other_packs(pack=pack, hall=hall)
    counts = {"categories": 0, "business_types": 0, "script_steps": 0, "phrases": 0}
    categories: dict[str, QueueCategory] = {}
    for data in pack.categories:
        values = {k: v for k, v in data.items() if k != "code"}
        # Whether a row is active is the hall's own choice: set on creation only.
        category, _ = QueueCategory.objects.update_or_create(
            hall=hall,
            code=data["code"],
            defaults={**values, "pack": pack.code},
            create_defaults={**values, "pack": pack.code, "active": True},
        )
        categories[data["code"]] = category
        counts["categories"] += 1
    for data in pack.business_types:
        values = {k: v for k, v in data.items() if k not in ("code", "category")}
        row = {**values, "category": categories[data["category"]], "pack": pack.code}
        BusinessType.objects.update_or_create(
            hall=hall, code=data["code"], defaults=row, create_defaults={**row, "active": True}
        )
        counts["business_types"] += 1
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
    if pack.code not in hall.packs:
        hall.packs = [*hall.packs, pack.code]
        hall.save(update_fields=["packs", "updated_at"])
    audit_record(actor=actor, action="pack.load", obj=hall, hall=hall, data={"pack": pack.code, **counts})
    return counts
