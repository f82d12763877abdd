"""The statuses of drawer sessions, handovers and daily settlements as tables (CASH01, CASH03, CASH04).

    drawer session:  open → closed     (closed by its clerk, or by a handover signed by both)
    handover:        pending → signed  (a pending one may also be withdrawn: it is deleted, not moved)
    settlement:      open → closed     (a later change is a new correction, never a reopening)

None of them has a history model: what a move means is on the row itself (who closed, when, the counts)
and in the audit trail. The services move them with `core.states.transition`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable


class DrawerStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("drawer", "Open")
    CLOSED = "closed", pgettext_lazy("drawer", "Closed")


DRAWER_TABLE = StateTable(
    moves={DrawerStatus.OPEN: frozenset({DrawerStatus.CLOSED}), DrawerStatus.CLOSED: frozenset()},
)


class HandoverStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the second signature")
    SIGNED = "signed", _("Signed by both")


HANDOVER_TABLE = StateTable(
    moves={HandoverStatus.PENDING: frozenset({HandoverStatus.SIGNED}), HandoverStatus.SIGNED: frozenset()},
)


class SettlementStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("settlement", "Open")
    CLOSED = "closed", pgettext_lazy("settlement", "Closed")


SETTLEMENT_TABLE = StateTable(
    moves={SettlementStatus.OPEN: frozenset({SettlementStatus.CLOSED}), SettlementStatus.CLOSED: frozenset()},
)
