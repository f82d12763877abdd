"""Roles and what each may do (ORG02).

A capability is checked together with the hall: holding a role in hall A gives
nothing in hall B.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    LOBBY_GUIDE = "lobby_guide", _("Lobby guide")
    DUTY_MANAGER = "duty_manager", _("Duty manager")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    SAFETY_OFFICER = "safety_officer", _("Safety officer")
    HALL_ADMIN = "hall_admin", _("Hall administrator")
    AUDITOR = "auditor", _("Head-office auditor")
    HOUSEKEEPING = "housekeeping", _("Housekeeping")


class Capability(models.TextChoices):
    SERVE = "serve", _("Serve customers at a counter")
    ISSUE = "issue", _("Issue tickets for customers")
    GUIDE = "guide", _("Guide the lobby")
    MANAGE_QUEUE = "manage_queue", _("Manage counters and queue alerts")
    VIEW_HALL = "view_hall", _("View the hall's queue and figures")
    ADMINISTER = "administer", _("Administer the hall's master data")
    REVEAL_PERSONAL_DATA = "reveal_personal_data", _("See personal data in full (logged)")
    APPROVE_MONEY = "approve_money", _("Approve refunds and credit, settle the day's money")
    HANDLE_CARE = "handle_care", _("Handle dissatisfied customers, complaints and follow-ups")
    APPROVE_RECEPTION = "approve_reception", _("Approve business visits and their expenses over the allowance")
    PATROL = "patrol", _("Inspect the hall and follow up rectifications")
    MANAGE_SAFETY = "manage_safety", _("Keep the key register, safety checks, drills and incidents")
    ASSESS_STAFF = "assess_staff", _("Assess staff and adjust their monthly scores")
    HOUSEKEEP = "housekeep", _("Clean rooms, take them out of order and do guests' requests")
    DATA_REQUESTS = "data_requests", _("Export or erase a customer's personal data on their request")
    VIEW_CHANGE_TRAIL = "view_change_trail", _("Read the trail of every change (who, when, before and after)")


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset({C.SERVE, C.ISSUE, C.VIEW_HALL, C.REVEAL_PERSONAL_DATA}),
    Role.LOBBY_GUIDE: frozenset({C.ISSUE, C.GUIDE, C.VIEW_HALL}),
    Role.DUTY_MANAGER: frozenset(
        {C.SERVE, C.ISSUE, C.GUIDE, C.MANAGE_QUEUE, C.VIEW_HALL, C.REVEAL_PERSONAL_DATA, C.APPROVE_MONEY, C.HANDLE_CARE}
        | {C.APPROVE_RECEPTION, C.PATROL, C.MANAGE_SAFETY, C.ASSESS_STAFF, C.HOUSEKEEP}
    ),
    # The service manager calls customers back (follow-ups, complaints): the number to call, shown in full, logged.
    Role.SERVICE_MANAGER: frozenset(
        {C.ISSUE, C.GUIDE, C.VIEW_HALL, C.HANDLE_CARE, C.PATROL, C.ASSESS_STAFF, C.REVEAL_PERSONAL_DATA}
        | {C.DATA_REQUESTS}
    ),
    Role.SAFETY_OFFICER: frozenset({C.VIEW_HALL, C.PATROL, C.MANAGE_SAFETY}),
    Role.HALL_ADMIN: frozenset(
        {C.MANAGE_QUEUE, C.ADMINISTER, C.VIEW_HALL, C.ISSUE, C.APPROVE_RECEPTION, C.MANAGE_SAFETY, C.ASSESS_STAFF}
        | {C.DATA_REQUESTS, C.VIEW_CHANGE_TRAIL}
    ),
    # The head-office auditor reads the hall and its change trail (PRIV04), changes nothing.
    Role.AUDITOR: frozenset({C.VIEW_HALL, C.VIEW_CHANGE_TRAIL}),
    # The hotel's housekeeping (HOTEL03): the room board and the guests' requests, nothing of the counters.
    Role.HOUSEKEEPING: frozenset({C.VIEW_HALL, C.HOUSEKEEP}),
}


def capabilities_of(roles: set[str]) -> frozenset[str]:
    caps: set[str] = set()
    for role in roles:
        caps |= ROLE_CAPABILITIES.get(role, frozenset())
    return frozenset(caps)
