"""The staff screens' top navigation: one list for every app, filtered by the user's role in the hall."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from servicehall.org.roles import Capability as C


@dataclass(frozen=True)
class Screen:
    key: str
    url_name: str
    label: Promise
    # The screen shows for a user holding any of these capabilities in the hall.
    capabilities: frozenset[str]
    hall_in_query: bool = False  # pages that take the hall as ?hall= rather than in the path
    external: bool = False  # opens in a new tab (the board runs on its own screen)


SCREENS: tuple[Screen, ...] = (
    Screen("workbench", "queueing:workbench", _("Counter workbench"), frozenset({C.SERVE})),
    Screen("guide", "queueing:guide", _("Lobby guide"), frozenset({C.GUIDE})),
    Screen("customers", "customers:search", _("Customers"), frozenset({C.SERVE, C.GUIDE}), hall_in_query=True),
    Screen("manager", "queueing:manager", _("Duty manager"), frozenset({C.MANAGE_QUEUE})),
    # The duty manager's order lists (to review, in progress, unfinished) are tabs of one screen.
    Screen("review", "orders:review_list", _("Orders"), frozenset({C.MANAGE_QUEUE})),
    Screen("card_writes", "customers:card_writes", _("Gas card writes"), frozenset({C.SERVE}), hall_in_query=True),
    Screen("jobs", "orders:jobs", _("Installation jobs"), frozenset({C.SERVE, C.MANAGE_QUEUE})),
    Screen("drawer", "cashdesk:drawer", _("Cash drawer"), frozenset({C.SERVE})),
    Screen("invoices", "invoicing:list", _("Invoices"), frozenset({C.SERVE})),
    Screen("money", "cashdesk:console", _("Money"), frozenset({C.APPROVE_MONEY})),
    Screen("archive", "orders:archive", _("Order archive"), frozenset({C.VIEW_HALL})),
    Screen("board", "queueing:board", _("Display board"), frozenset(), external=True),
)


def _url(screen: Screen, hall_code: str) -> str | None:
    try:
        if screen.hall_in_query:
            return f"{reverse(screen.url_name)}?{urlencode({'hall': hall_code})}"
        return reverse(screen.url_name, kwargs={"hall": hall_code})
    except NoReverseMatch:  # a screen whose app is not installed in this deployment
        return None


def staff_nav(*, capabilities: frozenset[str], hall_code: str, active: str) -> list[dict[str, Any]]:
    """Links to the screens the user may open in this hall; `active` is the current screen's key."""
    nav = []
    for screen in SCREENS:
        if screen.capabilities and not (screen.capabilities & capabilities):
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
