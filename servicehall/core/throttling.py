"""A limit on tickets taken without signing in, per client address.

The kiosk and the kiosk API are open to anyone in a public hall; without a
limit one client could take a category's whole daily cap. Staff who are signed
in are not limited. The count lives in the cache (Redis when `REDIS_URL` is
set, so every worker shares it).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .errors import ApplicationError


class TooManyRequests(ApplicationError):
    status_code = 429
    default_code = "too_many_requests"


def throttle_anonymous_issue(request: HttpRequest) -> None:
    """Refuse (429) an anonymous client past `KIOSK_ISSUE_PER_MINUTE` tickets in the current minute."""
    limit = settings.KIOSK_ISSUE_PER_MINUTE
    if limit <= 0 or request.user.is_authenticated:
        return
    address = request.META.get("REMOTE_ADDR", "unknown")
    key = f"kiosk-issue:{address}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=70)
    if cache.incr(key) > limit:
        raise TooManyRequests(_("Too many tickets were taken here in the last minute. Please wait a moment."))
