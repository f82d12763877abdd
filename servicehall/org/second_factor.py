"""The second factor at sign-in (ASVS V6, issue 18 point 1), with django-otp.

Duty managers, service managers, head-office auditors, hall administrators and superusers sign in with their
password and then a 6-digit code from an authenticator app (a TOTP device) or one of their recovery codes (a
static device whose tokens are keyed digests of the codes, `models.RecoveryCodeDevice`; each code works once).
A hall may ask it of every role (`Hall.second_factor_all_staff`).
`SECOND_FACTOR_REQUIRED` turns the whole requirement off (a demo on one's own machine, tests not about it).

A person who needs the factor and has none enrols before any other page: a new secret shown once (QR code and
text), confirmed with a code, then recovery codes shown once to print. A wrong code counts as a failed sign-in
of the account (django-axes, `sign_in.py`): the account locks as after wrong passwords. The hall administrator
may reset a member's factor (the person enrols again); enrolment, a recovery code used and a reset are audited.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicehall.core.actors import Actor
from servicehall.core.errors import ApplicationError, NotFound, is_api_request
from servicehall.core.services import audit_record
from servicehall.core.views import wants_json

from .models import Hall, Membership, RecoveryCodeDevice
from .recovery_codes import recovery_code_digest
from .roles import Role
from .selectors import memberships_for_user

logger = logging.getLogger("servicehall.sign_in")

# The roles that always sign in with a second factor; the others only where their hall asks it.
ROLES_ALWAYS = frozenset({Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.AUDITOR, Role.HALL_ADMIN})
# The authenticator being enrolled in this session (its id), until its first code confirms it.
ENROLLING_SESSION_KEY = "servicehall_second_factor_enrolling"
AUTHENTICATOR_NAME = "authenticator"
MAX_APP_DIGITS = 8
RECOVERY_NAME = "recovery codes"


# --- who needs it ----------------------------------------------------------------------------------------------


def second_factor_needed(*, user: Any) -> bool:
    """Whether `user` signs in with a second factor: a superuser, a role that always does, or any role of a hall
    that asks it of all staff. Reads the memberships cached on the user, so a page pays no extra query."""
    if not settings.SECOND_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(m.role in ROLES_ALWAYS or m.hall.second_factor_all_staff for m in memberships_for_user(user=user))


def has_second_factor(*, user: Any) -> bool:
    """Whether `user` has a confirmed authenticator (recovery codes alone do not count: they come with one)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request: HttpRequest) -> bool:
    """Whether this session passed the second factor (django-otp's middleware sets `is_verified`)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def session_passed(*, session: Any, user: Any) -> bool:
    """Whether a stored session of `user` passed the second factor, or `user` needs none (the live feeds read the
    session store, not a request)."""
    if not user.is_authenticated or not second_factor_needed(user=user):
        return True
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk and bool(device.confirmed)


def _normalised(code: str) -> str:
    """What the person typed, without spaces and dashes (recovery codes are shown in groups), lower case."""
    return "".join(code.split()).replace("-", "").lower()[:32]


# --- enrolment ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    device_id: int
    secret: str  # base32, in groups of four, as typed into an authenticator app
    qr_svg: SafeString


def enrolment_start(*, user: Any) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (earlier unconfirmed ones are dropped): its secret is shown
    once, on the page that starts it."""
    if has_second_factor(user=user):
        raise ApplicationError(_("You already have a second factor."), code="second_factor_exists")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def enrolment_show(*, device: TOTPDevice) -> Enrolment:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#111", omitsize=True)
    return Enrolment(device_id=device.pk, secret=grouped, qr_svg=mark_safe(svg))  # noqa: S308 - segno's markup


def enrolling_device(*, user: Any, device_id: Any) -> TOTPDevice | None:
    if not isinstance(device_id, int):
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()


def enrolment_confirm(*, actor: Actor, user: Any, device_id: Any, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator being enrolled with its first code, and give `user` new recovery codes (answered
    once, in clear, to print; each works once). Audited."""
    device = enrolling_device(user=user, device_id=device_id)
    if device is None:
        raise ApplicationError(
            _("This enrolment has expired. Scan the new code on this page."), code="second_factor_enrol_expired"
        )
    if not device.verify_token(_normalised(code)):
        raise ApplicationError(
            _("That code is not right. Type the 6 digits your authenticator app shows now."),
            code="second_factor_wrong_code",
        )
    with transaction.atomic():
        updated = TOTPDevice.objects.filter(pk=device.pk, confirmed=False).update(confirmed=True)
        if updated != 1 or TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).exists():
            raise ApplicationError(_("You already have a second factor."), code="second_factor_exists")
        device.confirmed = True
        codes = _recovery_codes_new(user=user)
        for hall in _halls_of(user):
            audit_record(actor=actor, action="second_factor.enrol", obj=user, hall=hall, data={"codes": len(codes)})
        if not memberships_for_user(user=user):
            audit_record(actor=actor, action="second_factor.enrol", obj=user, data={"codes": len(codes)})
    logger.info("Second factor enrolled for account %r.", user.get_username())
    return device, codes


def _recovery_codes_new(*, user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < settings.SECOND_FACTOR_RECOVERY_CODES:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    # Only the codes' digests are stored (ASVS V6); the codes themselves are shown once, at enrolment.
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_code_digest(token)) for token in codes)
    return codes


def recovery_code_shown(code: str) -> str:
    """A recovery code as printed: two groups, easier to read out and type."""
    return f"{code[:4]}-{code[4:]}"


def _halls_of(user: Any) -> list[Hall]:
    seen: dict[int, Hall] = {}
    for membership in memberships_for_user(user=user):
        seen.setdefault(membership.hall_id, membership.hall)
    return list(seen.values())


# --- the code at sign-in --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    verified: bool = False
    locked: bool = False
    held_back: bool = False
    recovery_codes_left: int | None = None  # set when a recovery code was used


def second_factor_verify(*, request: HttpRequest, code: str) -> Verification:
    """Check the code of the signed-in (password only) user: the authenticator's, else a recovery code (used up).

    A wrong code is a failed sign-in of the account for django-axes; when that locks the account, the person is
    signed out and the lockout page answers (`request.axes_locked_out`). The right code marks the session
    verified and forgives the account's failures (the password alone no longer does, `sign_in.SignInAttempts`).
    """
    user: Any = request.user
    credentials = {"username": user.get_username()}
    if settings.AXES_ENABLED and AxesProxyHandler.is_locked(request, credentials):
        return _locked(request, credentials)
    token = _normalised(code)
    device: Any = None
    recovery_left: int | None = None
    if token:
        with transaction.atomic():
            # The app's code is 6 digits; a recovery code 8 letters and digits (each kind throttles its own tries).
            authenticators = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
            static = RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            candidates: list[Any] = authenticators if token.isdigit() and len(token) <= MAX_APP_DIGITS else [static]
            if any(d is not None and not d.verify_is_allowed()[0] for d in candidates):
                # django-otp holds the next try back 1, 2, 4 … seconds after each wrong code: no code is tried.
                return Verification(held_back=True)
            if candidates is authenticators:
                device = next((d for d in authenticators if d.verify_token(token)), None)
            else:
                if static is not None and authenticators and static.verify_token(token):
                    device = static
                    recovery_left = static.token_set.count()
                    for hall in _halls_of(user):
                        audit_record(
                            actor=user,
                            action="second_factor.recovery_code_used",
                            obj=user,
                            hall=hall,
                            data={"codes_left": recovery_left},
                        )
    if device is None:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return _locked(request, credentials)
        return Verification()
    session_mark_verified(request, device)
    AxesProxyHandler.reset_attempts(username=user.get_username())
    return Verification(verified=True, recovery_codes_left=recovery_left)


def session_mark_verified(request: HttpRequest, device: Any) -> None:
    """This session passed the second factor with `device` (django-otp keeps its id in the session)."""
    otp_login(request, device)


def _locked(request: HttpRequest, credentials: dict[str, str]) -> Verification:
    logout(request)
    request.axes_locked_out = True  # type: ignore[attr-defined]
    request.axes_credentials = credentials  # type: ignore[attr-defined]
    return Verification(locked=True)


# --- the hall administrator's reset ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffFactor:
    user_id: int
    username: str
    display_name: str
    roles: list[str]
    needed: bool
    enrolled_at: datetime | None
    recovery_codes_left: int


def hall_staff_factors(*, hall: Hall) -> list[StaffFactor]:
    """The hall's staff with whether they need a second factor and since when they have one."""
    memberships = Membership.objects.filter(hall=hall).select_related("user").order_by("user__username", "role")
    people: dict[int, tuple[Any, list[Any]]] = {}
    for membership in memberships:
        people.setdefault(membership.user_id, (membership.user, []))[1].append(membership.role)
    enrolled = dict(
        TOTPDevice.objects.filter(user_id__in=list(people), confirmed=True).values_list("user_id", "created_at")
    )
    left: dict[int, int] = {}
    for user_id in StaticToken.objects.filter(device__user_id__in=list(people)).values_list(
        "device__user_id", flat=True
    ):
        left[user_id] = left.get(user_id, 0) + 1
    labels = dict(Role.choices)
    return [
        StaffFactor(
            user_id=user_id,
            username=user.get_username(),
            display_name=user.get_full_name() or user.get_username(),
            roles=[str(labels.get(role, role)) for role in roles],
            needed=user.is_superuser or hall.second_factor_all_staff or any(r in ROLES_ALWAYS for r in roles),
            enrolled_at=enrolled.get(user_id),
            recovery_codes_left=left.get(user_id, 0),
        )
        for user_id, (user, roles) in people.items()
    ]


def second_factor_reset(*, actor: Actor, hall: Hall, user_id: int) -> int:
    """Remove the authenticator and recovery codes of a member of `hall`: their sessions are no longer verified and
    they enrol again at their next page. Audited. Answers the devices removed."""
    membership = Membership.objects.filter(hall=hall, user_id=user_id).select_related("user").first()
    if membership is None:
        raise NotFound(_("There is no such member of this hall."))
    user = membership.user
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
        removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
        audit_record(actor=actor, action="second_factor.reset", obj=user, hall=hall, data={"devices": removed})
    logger.info("Second factor reset for account %r.", user.get_username())
    return removed


# --- the Django admin -----------------------------------------------------------------------------------------


def admin_has_permission(request: HttpRequest) -> bool:
    """The Django admin: superusers only, and with the second factor passed in this session where it is required."""
    user: Any = request.user
    if not (user.is_active and user.is_superuser):
        return False
    return not settings.SECOND_FACTOR_REQUIRED or is_verified(request)


# --- the gate before every page -------------------------------------------------------------------------------

_OPEN_PREFIXES = ("/i18n/",)


def _open_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in ("login", "logout", "second_factor_verify", "second_factor_enrol"))


def safe_next(request: HttpRequest, value: str) -> str:
    """Where to go after the second factor: a path of this site, else the landing page."""
    parts = urlsplit(value)
    if value.startswith("/") and not value.startswith("//") and not parts.scheme and not parts.netloc:
        return value
    return reverse("home")


class SecondFactorMiddleware:
    """Before any other page, a session of someone who needs the second factor passes it (or enrols).

    A page sends to the code's page (or the enrolment), with `next`; an htmx fragment asks the browser to open it;
    an API call in a session answers 403 in the API's shape. API tokens are not sessions: they are untouched.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.SECOND_FACTOR_REQUIRED:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._open(request.path) or is_verified(request):
            return self.get_response(request)
        if not second_factor_needed(user=user):
            return self.get_response(request)
        if is_api_request(request) or wants_json(request):
            message = _("Sign in with your second factor first.")
            return JsonResponse({"code": "second_factor_required", "message": message}, status=403)
        target = "second_factor_verify" if has_second_factor(user=user) else "second_factor_enrol"
        if request.headers.get("HX-Request"):
            page = urlsplit(request.headers.get("HX-Current-URL", "")).path or request.path
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{reverse(target)}?next={quote(page)}"
            return response
        if request.method == "GET":
            return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return redirect(target)

    @staticmethod
    def _open(path: str) -> bool:
        static = settings.STATIC_URL or "/static/"
        return path in _open_paths() or path.startswith(_OPEN_PREFIXES) or path.startswith(static)


def demo_enrol(*, user: Any, secret_base32: str) -> None:
    """The demo's managers get an authenticator with a known, documented secret (never in a real hall)."""
    if has_second_factor(user=user):
        return
    key = base64.b32decode(secret_base32.replace(" ", "").upper()).hex()
    TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True)
