"""The staff screens' top navigation: one list for every app, filtered by the user's role in the hall and by
the hall's industry packs; and the screen each role lands on after signing in.

Packs: a screen or offer that belongs to one industry (gas card writes, a handset bought on credit) shows only
in halls that loaded that pack. A hall without any pack (a fresh installation, the tests' halls) shows all.

Landing screens (every one has the top bar with the menu and "Sign out"): duty manager and hall administrator
→ duty manager screen; clerk → counter workbench; lobby guide and service manager → lobby guide; safety officer
→ installation jobs (read-only: the hall's installations and gas connections; in a hall without field work,
the safety page); housekeeping → the hotel's
room board; head-office auditor and any other role that may only look → order archive (read-only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Hall
from .roles import Capability as C
from .roles import Role


@dataclass(frozen=True)
class Screen:
    key: str
    url_name: str
    label: Promise
    # The screen shows for a user holding any of these capabilities in the hall.
    capabilities: frozenset[str]
    hall_in_query: bool = False  # pages that take the hall as ?hall= rather than in the path
    external: bool = False  # opens in a new tab (the board runs on its own screen)
    # The industry packs the screen belongs to (empty: every hall).
    packs: frozenset[str] = frozenset()


# What belongs to one industry only, by the packs that offer it.
PACK_FEATURES: dict[str, frozenset[str]] = {
    "card_writes": frozenset({"gas"}),
    "credit_purchase": frozenset({"telecom"}),
    "hotel": frozenset({"hotel"}),
    # Work out in the field (installation jobs, repair visits): a utility's or a carrier's, not a hotel's.
    "field_work": frozenset({"telecom", "gas"}),
}


def hall_offers(*, packs: list[str] | None, feature: str) -> bool:
    """Whether a hall with these packs offers `feature` (a hall without packs offers everything)."""
    wanted = PACK_FEATURES.get(feature, frozenset())
    return not packs or not wanted or bool(wanted & set(packs))


SCREENS: tuple[Screen, ...] = (
    Screen("workbench", "queueing:workbench", _("Counter workbench"), frozenset({C.SERVE})),
    Screen("guide", "queueing:guide", _("Lobby guide"), frozenset({C.GUIDE})),
    Screen(
        "customers",
        "customers:search",
        _("Customers"),
        frozenset({C.SERVE, C.GUIDE, C.DATA_REQUESTS}),
        hall_in_query=True,
    ),
    Screen("manager", "queueing:manager", _("Duty manager"), frozenset({C.MANAGE_QUEUE})),
    Screen("care", "care:alerts", _("Ratings"), frozenset({C.HANDLE_CARE})),
    Screen("follow_ups", "care:follow_ups", _("Follow-up calls"), frozenset({C.HANDLE_CARE})),
    Screen("surveys", "care:surveys", _("Surveys"), frozenset({C.HANDLE_CARE})),
    Screen("commitments", "care:commitments", _("Service commitments"), frozenset({C.HANDLE_CARE, C.MANAGE_QUEUE})),
    Screen("opinions", "care:opinions", _("Opinion book"), frozenset({C.HANDLE_CARE, C.SERVE, C.GUIDE})),
    Screen("complaints", "care:complaints", _("Complaints"), frozenset({C.HANDLE_CARE, C.SERVE, C.ISSUE, C.GUIDE})),
    Screen("visits", "reception:visits", _("Business visitors"), frozenset({C.VIEW_HALL})),
    Screen("hotel", "hotel:arrivals", _("Front desk"), frozenset({C.VIEW_HALL}), packs=PACK_FEATURES["hotel"]),
    # The stay (HOTEL03): the guests' requests and the room board, for the front desk and housekeeping.
    Screen(
        "guest_requests",
        "hotel:requests",
        _("Guest requests"),
        frozenset({C.ISSUE, C.HOUSEKEEP}),
        packs=PACK_FEATURES["hotel"],
    ),
    Screen(
        "housekeeping",
        "hotel:housekeeping",
        _("Housekeeping"),
        frozenset({C.ISSUE, C.HOUSEKEEP}),
        packs=PACK_FEATURES["hotel"],
    ),
    Screen("patrols", "premises:patrols", _("Patrols"), frozenset({C.VIEW_HALL})),
    # The equipment register (SITE03): every member reports a fault; warnings of quiet screens and expiry.
    Screen("equipment", "premises:equipment", _("Equipment"), frozenset({C.VIEW_HALL})),
    # Shifts and pre-shift preparation (STAFF01, STAFF03): the roster, with tabs for the checklist and meetings.
    Screen("duty", "duty:roster", _("Roster and pre-shift"), frozenset({C.VIEW_HALL})),
    # Keys, incidents, drills (SAFE02–04): every member reports incidents and signs for keys.
    Screen("safety", "safety:page", _("Safety"), frozenset({C.VIEW_HALL})),
    Screen("staff", "staff:exams", _("Training and assessment"), frozenset({C.VIEW_HALL})),
    # The duty manager's order lists (to review, in progress, unfinished) are tabs of one screen.
    Screen("review", "orders:review_list", _("Orders"), frozenset({C.MANAGE_QUEUE})),
    Screen(
        "card_writes",
        "customers:card_writes",
        _("Gas card writes"),
        frozenset({C.SERVE}),
        hall_in_query=True,
        packs=PACK_FEATURES["card_writes"],
    ),
    # Read-only for those who only look (the safety officer lands here).
    Screen(
        "repairs",
        "orders:repairs",
        _("Repairs"),
        frozenset({C.SERVE, C.MANAGE_QUEUE}),
        packs=PACK_FEATURES["field_work"],
    ),
    Screen(
        "jobs",
        "orders:jobs",
        _("Installation jobs"),
        frozenset({C.SERVE, C.MANAGE_QUEUE, C.VIEW_HALL}),
        packs=PACK_FEATURES["field_work"],
    ),
    Screen("drawer", "cashdesk:drawer", _("Cash drawer"), frozenset({C.SERVE})),
    Screen("invoices", "invoicing:list", _("Invoices"), frozenset({C.SERVE})),
    Screen("money", "cashdesk:console", _("Money"), frozenset({C.APPROVE_MONEY})),
    Screen("archive", "orders:archive", _("Order archive"), frozenset({C.VIEW_HALL})),
    Screen("sign_in_locks", "sign_in_locks", _("Locked sign-ins"), frozenset({C.ADMINISTER})),
    Screen("second_factor_staff", "second_factor_staff", _("Second factor"), frozenset({C.ADMINISTER})),
    Screen("appointments", "appointments:day", _("Appointments"), frozenset({C.VIEW_HALL})),
    Screen("closed_days", "closed_days", _("Closed days"), frozenset({C.ADMINISTER})),
    Screen("outbox", "outbox", _("Outbox"), frozenset({C.MANAGE_QUEUE})),
    # Every change audited (PRIV04): the head-office auditor and the hall administrator.
    Screen("change_trail", "change_trail", _("Change trail"), frozenset({C.VIEW_CHANGE_TRAIL})),
    # Counters needed per half hour by Erlang C, against the roster (RPT03): the hall's managers.
    # The live dashboard (RPT01): the queue, counters, day and alerts at a glance, for the same managers.
    Screen("dashboard", "reports:dashboard", _("Live dashboard"), frozenset({C.MANAGE_QUEUE, C.HANDLE_CARE})),
    # The daily and monthly reports (RPT02), from the rollups, with Excel and PDF: the same managers.
    Screen("reports", "reports:reports", _("Reports"), frozenset({C.MANAGE_QUEUE, C.HANDLE_CARE})),
    Screen("staffing", "reports:staffing", _("Staffing planner"), frozenset({C.MANAGE_QUEUE, C.HANDLE_CARE})),
    Screen("board", "queueing:board", _("Display board"), frozenset(), external=True),
    Screen("screens", "queueing:screens_pair", _("Pair this screen"), frozenset({C.MANAGE_QUEUE, C.ADMINISTER})),
)


def _url(screen: Screen, hall_code: str) -> str | None:
    try:
        if screen.hall_in_query:
            return f"{reverse(screen.url_name)}?{urlencode({'hall': hall_code})}"
        return reverse(screen.url_name, kwargs={"hall": hall_code})
    except NoReverseMatch:  # a screen whose app is not installed in this deployment
        return None


def _hall_packs(hall_code: str) -> list[str]:
    return Hall.objects.filter(code=hall_code).values_list("packs", flat=True).first() or []


def staff_nav(
    *, capabilities: frozenset[str], hall_code: str, active: str, packs: list[str] | None = None
) -> list[dict[str, Any]]:
    """Links to the screens the user may open in this hall; `active` is the current screen's key."""
    nav = []
    packs = _hall_packs(hall_code) if packs is None else packs
    for screen in SCREENS:
        if screen.capabilities and not (screen.capabilities & capabilities):
            continue
        if screen.packs and packs and not (screen.packs & set(packs)):
            continue
        url = _url(screen, hall_code)
        if url is not None:
            nav.append(
                {
                    "key": screen.key,
                    "label": screen.label,
                    "url": url,
                    "active": screen.key == active,
                    "external": screen.external,
                }
            )
    return nav


# The screen a role lands on, first match wins: (roles, capability, url name, the feature the hall must offer).
LANDINGS: tuple[tuple[frozenset[str], str, str, str], ...] = (
    (frozenset(), C.MANAGE_QUEUE, "queueing:manager", ""),
    (frozenset(), C.SERVE, "queueing:workbench", ""),
    (frozenset(), C.GUIDE, "queueing:guide", ""),
    (frozenset({Role.SAFETY_OFFICER}), C.VIEW_HALL, "orders:jobs", "field_work"),
    (frozenset({Role.SAFETY_OFFICER}), C.VIEW_HALL, "safety:page", ""),
    (frozenset({Role.HOUSEKEEPING}), C.HOUSEKEEP, "hotel:housekeeping", ""),
    (frozenset(), C.VIEW_HALL, "orders:archive", ""),
)


def landing_url(
    *, roles: set[str], capabilities: frozenset[str], hall_code: str, packs: list[str] | None = None
) -> str | None:
    """Where a signed-in member lands: a screen of their role, always with the top bar (menu, sign-out)."""
    for wanted_roles, capability, url_name, feature in LANDINGS:
        if capability not in capabilities or (wanted_roles and not (wanted_roles & roles)):
            continue
        if feature and not hall_offers(packs=packs, feature=feature):
            continue
        try:
            return reverse(url_name, kwargs={"hall": hall_code})
        except NoReverseMatch:  # that app is not installed in this deployment
            continue
    return None
