from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from servicehall.core.services import audit_record
from servicehall.org.models import Hall

from .models import BusinessType, Phrase, QueueCategory, ScriptStep
from .packs import pack_read


@transaction.atomic
def pack_load(*, hall: Hall, code: str, actor: Any = None, path: Path | None = None) -> dict[str, int]:
    """Load or update one industry pack into a hall, whole or not at all.

    Rows are matched by their codes, so loading the same pack twice changes
    nothing and a revised pack updates names, fees and phrases in place.
    """
    pack = pack_read(code, path=path)
    counts = {"categories": 0, "business_types": 0, "script_steps": 0, "phrases": 0}
    categories: dict[str, QueueCategory] = {}
    for data in pack.categories:
        values = {k: v for k, v in data.items() if k != "code"}
        category, _ = QueueCategory.objects.update_or_create(
            hall=hall, code=data["code"], defaults={**values, "pack": pack.code, "active": True}
        )
        categories[data["code"]] = category
        counts["categories"] += 1
    for data in pack.business_types:
        values = {k: v for k, v in data.items() if k not in ("code", "category")}
        BusinessType.objects.update_or_create(
            hall=hall,
            code=data["code"],
            defaults={**values, "category": categories[data["category"]], "pack": pack.code, "active": True},
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
