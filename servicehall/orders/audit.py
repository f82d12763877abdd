"""PRIV04: which of orders\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED = {
    "OrderSequence": "sequence: the day's last order number",
    "RepairSequence": "sequence: the day's last repair number",
    "OrderMove": "history: a work order's append-only status moves",
    "IdentityCheck": "history: the append-only record of an identity check",
    "ReviewDecision": "history: the append-only record of a review's decision",
    "RecommendationRecord": "history: the append-only record of a recommendation's outcome",
    "CustomerDataChange": "trail: the append-only record of a customer's data changed by an order (and reverted)",
    "FollowUpTask": "workflow: a call to make, no personal data or money (the calls are care's)",
    "InstallationJob": "workflow: a visit's time window and state, no personal data or money",
    "RepairTicket": "workflow: a repair's state and due time, no personal data or money",
}


def register_audited() -> None:
    # An order's details hold what the customer asked (addresses, numbers): stored hidden.
    register(m.WorkOrder, personal={"details": "hidden"})
    register(m.OrderDocument, personal={"file": "hidden"}, hall="order__hall")
    register(m.FeeLine, hall="order__hall")
    register(m.Confirmation, personal={"summary": "hidden", "signature": "hidden"}, hall="order__hall")
