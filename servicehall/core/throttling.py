"""Limits per client address, and the one function that says what a client's address is.

The kiosk and the kiosk API are open to anyone in a public hall; without a
limit one client could take a category's whole daily cap. Staff who are signed
in are not limited. The count lives in the cache (Redis when `REDIS_URL` is
set, so every worker shares it).

Every limit that counts per client (tickets, invoice and schedule look-ups,
failed sign-ins) asks `client_address`: a forwarded address is believed only
when the request came from a proxy that `TRUSTED_PROXIES` names, otherwise a
client could write any `X-Forwarded-For` and be counted as someone new each time.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .errors import ApplicationError

UNKNOWN_ADDRESS = "unknown"

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TooManyRequests(ApplicationError):
    status_code = 429
    default_code = "too_many_requests"


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxy_networks() -> tuple[Network, ...]:
    """The networks of `TRUSTED_PROXIES` (addresses or CIDR ranges), checked at start-up by `parse_trusted_proxies`."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client, as far as this server can know it.

    The peer's address (`REMOTE_ADDR`) unless the peer is a trusted proxy; then the
    `X-Forwarded-For` chain is read from the right (the end our proxies wrote), skipping
    further trusted proxies, and the first address no proxy of ours vouches for is the
    client. `None` when nothing usable is known (a test request without a peer).
    """
    peer = _parse_ip(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return None
    networks = trusted_proxy_networks()
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _parse_ip(hop)
        if address is None:
            break  # garbage written by the client: the last good hop is as far as we can trust
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)


WINDOW_SECONDS = 60


def count_per_client(request: HttpRequest, *, scope: str, limit: int, message: str) -> None:
    """Refuse (429, `message`) a client past `limit` requests of `scope` within a minute; 0 means no limit.

    The minute starts with the client's first counted request (the key expires a minute later; counting does
    not extend it), not at the clock's full minute: a burst across a full minute gets no second allowance,
    and the answer does not depend on when in the minute the requests come."""
    if limit <= 0:
        return
    address = client_address(request) or UNKNOWN_ADDRESS
    key = f"{scope}:{address}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the window closed between the two calls: this request opens the next one
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    if count > limit:
        raise TooManyRequests(message)


def throttle_anonymous_issue(request: HttpRequest) -> None:
    """Refuse (429) an anonymous client past `KIOSK_ISSUE_PER_MINUTE` tickets in the current minute."""
    if request.user.is_authenticated:
        return
    count_per_client(
        request,
        scope="kiosk-issue",
        limit=settings.KIOSK_ISSUE_PER_MINUTE,
        message=_("Too many tickets were taken here in the last minute. Please wait a moment."),
    )
