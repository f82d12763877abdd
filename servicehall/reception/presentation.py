"""What the screens and the API show of visits and visitors (APT04). Document numbers are masked here."""

from __future__ import annotations

from typing import Any

from servicehall.core.masking import mask_id_number
from servicehall.customers.models import IdDocument

from .models import ChecklistItem, Visit, Visitor


def visitor_row(visitor: Visitor) -> dict[str, Any]:
    return {
        "id": visitor.pk,
        "name": visitor.name,
        "company": visitor.company,
        "position": visitor.position,
        "id_kind": visitor.id_kind,
        "id_kind_label": document_label(visitor.id_kind),
        "id_number": mask_id_number(visitor.id_number),
        "signed_in_at": visitor.signed_in_at,
        "badges_printed": visitor.badges_printed,
        "visitor": visitor,
    }


def checklist_rows(visit: Visit) -> list[dict[str, Any]]:
    done = set(visit.checklist)
    return [{"item": value, "label": label, "done": value in done} for value, label in ChecklistItem.choices]


def host_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def document_label(kind: str) -> str:
    return str(IdDocument.Kind(kind).label) if kind in IdDocument.Kind.values else ""
