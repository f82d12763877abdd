from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def staff_context(request: HttpRequest) -> dict[str, Any]:
    """The halls and roles of the signed-in user, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_memberships": []}
    from servicehall.org.selectors import memberships_for_user

    return {"nav_memberships": memberships_for_user(user=user)}
