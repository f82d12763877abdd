"""Patrol photos kept only as long as needed (PRIV02), registered in `PremisesConfig.ready()`.

A photo taken on a patrol (a failed item's, `PatrolResult.photo`) or as a rectification's evidence is deleted
`RETENTION_PATROL_PHOTOS_DAYS` after the patrol, or after the rectification was verified; the row stays with its
note, score and weights (so the patrol scores and finding counts do not change) and `PHOTO_REMOVED` as the
photo's type, so the page says why there is no photo.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import PatrolResult, Rectification
from .states import RectificationStatus

PHOTO_REMOVED = "removed"


def patrol_photos_due(cutoff: dt.datetime) -> QuerySet[PatrolResult]:
    return PatrolResult.objects.exclude(photo="").filter(patrol__submitted_at__lt=cutoff)


def patrol_photos_delete(rows: QuerySet[PatrolResult], now: dt.datetime) -> int:
    done = 0
    for result in rows.select_for_update(of=("self",)).order_by("pk"):
        result.photo.delete(save=False)
        result.photo = ""
        result.photo_type = PHOTO_REMOVED
        result.save(update_fields=["photo", "photo_type"])
        done += 1
    return done


def evidence_photos_due(cutoff: dt.datetime) -> QuerySet[Rectification]:
    return Rectification.objects.exclude(evidence_photo="").filter(
        status=RectificationStatus.VERIFIED, verified_at__lt=cutoff
    )


def evidence_photos_delete(rows: QuerySet[Rectification], now: dt.datetime) -> int:
    done = 0
    for rectification in rows.select_for_update(of=("self",)).order_by("pk"):
        rectification.evidence_photo.delete(save=False)
        rectification.evidence_photo = ""
        rectification.evidence_type = PHOTO_REMOVED
        rectification.save(update_fields=["evidence_photo", "evidence_type"])
        done += 1
    return done
