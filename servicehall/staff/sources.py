"""Sources of the monthly score (STAFF05) read from the apps below staff, registered in `StaffConfig.ready()`.

Patrol findings (SITE02): every rectification a patrol opened with the clerk as its owner in the month costs
10 points of 100, and one that went past its deadline (escalated) another 10. Only clerks with findings get a
score from this source: a clean month adds nothing, so the other components decide the card.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from servicehall.premises.models import Rectification

FINDING_POINTS = 10
OVERDUE_POINTS = 10


def patrol_findings(*, hall: Any, start: dt.datetime, end: dt.datetime, clerk_ids: list[int]) -> dict[int, float]:
    rows = Rectification.objects.filter(
        hall=hall, owner_id__in=clerk_ids, created_at__gte=start, created_at__lt=end
    ).values_list("owner_id", "escalated_at")
    findings: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    for owner_id, escalated_at in rows:
        findings[owner_id] += 1
        overdue[owner_id] += escalated_at is not None
    return {
        clerk: float(max(0, 100 - FINDING_POINTS * findings[clerk] - OVERDUE_POINTS * overdue[clerk]))
        for clerk in findings
    }
