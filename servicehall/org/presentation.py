"""How staff are named on screens and printouts: the name the hall knows them by, else the username."""

from __future__ import annotations

from typing import Any


def staff_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
