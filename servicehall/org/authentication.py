"""API token sign-in that brings the user's hall memberships along (issue 17: the request's scope read once).

DRF's `TokenAuthentication` reads the token with its user, and the first role check then reads the user's
memberships: two queries before any work. `MembershipTokenAuthentication` reads the memberships joined to the
token's user and the token in one query and leaves them where `org.selectors.memberships_for_user` looks, so
the role checks of the request need no query of their own. Nothing is cached across requests: a role removed
or a token deleted takes effect at the next request.
"""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from servicehall.core.compiled_reads import CompiledRead

from .models import Membership

# Every API request reads this: its SQL is compiled once per process (issue 17).
_MEMBERSHIPS_OF_TOKEN = CompiledRead(
    lambda key: (
        Membership.objects.filter(user__auth_token__key=key)
        .select_related("hall", "user", "user__auth_token")
        .order_by("hall__code", "role")
    ),
    key=Token.key,
)


class MembershipTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        rows = _MEMBERSHIPS_OF_TOKEN.fetch(key=key)
        if not rows:
            # A user with no role anywhere (or a wrong token): DRF's own reading and refusals.
            return super().authenticate_credentials(key)
        user = rows[0].user
        for membership in rows:
            membership.user = user
        if not user.is_active:
            return super().authenticate_credentials(key)  # refuses in DRF's words
        user._servicehall_memberships = rows  # type: ignore[attr-defined]
        return user, user.auth_token
