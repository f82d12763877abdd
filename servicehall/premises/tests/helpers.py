"""Builders for the premises' tests: the telecom pack loaded into the world's hall, answers, a tiny PNG."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from servicehall.org.models import Hall
from servicehall.premises import services
from servicehall.premises.models import ChecklistTemplate

# A Tuesday in May, 09:00 in the hall (Asia/Shanghai): within opening hours (08:30–18:00).
TUESDAY = dt.date(2026, 5, 12)


def at(hall: Hall, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=hall.tz)


def loaded(hall: Hall, pack: str = "telecom") -> Hall:
    hall.packs = [pack]
    hall.save(update_fields=["packs"])
    services.premises_load(hall=hall)
    return hall


def template(hall: Hall, code: str = "site") -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(hall=hall, code=code)


def all_pass(tpl: ChecklistTemplate, **failed: services.ItemAnswer) -> dict[int, services.ItemAnswer]:
    """Every item passed except those given by code."""
    return {
        item.pk: failed.get(item.code, services.ItemAnswer(passed=True))
        for item in tpl.items.all()
        if not item.computed
    }


def png_bytes() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def png(name: str = "floor.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def post_form(
    tpl: ChecklistTemplate, *, failed: dict[str, dict[str, Any]] | None = None, key: str = "k1"
) -> dict[str, Any]:
    """The patrol form's POST: every item passed except `failed` (code → {"note", "photo", "owner"})."""
    failed = failed or {}
    data: dict[str, Any] = {"template": str(tpl.pk), "request_key": key}
    for item in tpl.items.all():
        if item.computed:
            continue
        if item.code in failed:
            data[f"item-{item.pk}"] = "fail"
            data[f"note-{item.pk}"] = failed[item.code].get("note", "")
            if "photo" in failed[item.code]:
                data[f"photo-{item.pk}"] = failed[item.code]["photo"]
            if "owner" in failed[item.code]:
                data[f"owner-{item.pk}"] = str(failed[item.code]["owner"])
        else:
            data[f"item-{item.pk}"] = "pass"
    return data
