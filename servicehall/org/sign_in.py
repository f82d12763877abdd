"""Failed sign-ins are limited (PRIV04), with django-axes counting them in the database.

An account is locked after `LOGIN_FAILURE_LIMIT` failures, a client address after
`LOGIN_FAILURE_LIMIT_PER_ADDRESS` (higher: the PCs of a hall may share one address),
both for `LOGIN_LOCKOUT_MINUTES` after the last failure. The refusal is the sign-in
page itself (staff's or the admin's) with a message and status 429; the hall
administrator may unlock an account of the hall sooner, and that is audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import NotFound
from servicehall.core.services import audit_record

from .models import Hall, Membership
from .second_factor import second_factor_needed

logger = logging.getLogger("servicehall.sign_in")

LOCKED_STATUS = 429


class SignInAttempts(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for the address.

    Axes compares one number with one limit; this handler answers the account's
    failures, or the limit itself once the address has reached its higher limit.
    """

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            return max(by_account, settings.LOGIN_FAILURE_LIMIT)
        return by_account

    def reset_user_attempts(self, request: Any, credentials: dict | None = None) -> int:
        """The right password forgives the account's own failures, not those of other accounts from its address.

        Not for an account that signs in with a second factor, before the code: else the password alone would
        start the count of wrong codes again (`second_factor.second_factor_verify` forgives them after the code).
        """
        username = get_client_username(request, credentials)
        if self._second_factor_pending(request, username):
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count

    @staticmethod
    def _second_factor_pending(request: Any, username: str) -> bool:
        user = get_user_model().objects.filter(username=username).first()
        return user is not None and second_factor_needed(user=user)


def client_for_log(username: str, ip_address: str, user_agent: str, path_info: Any, request: Any) -> str:
    """How axes names a client in the log: the account (a staff identifier) and the page, no address."""
    if isinstance(path_info, list | tuple):
        path_info = path_info[0]
    return f'{{username: "{username}", path_info: "{path_info}"}}'


@receiver(user_locked_out)
def log_lockout(sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    logger.warning(
        "Sign-in refused: too many failed sign-ins for account %r or its client address (page %s).",
        username or "",
        getattr(request, "path", ""),
    )


def lockout_message() -> str:
    minutes = int(get_cool_off().total_seconds() // 60)  # type: ignore[union-attr]
    return _(
        "Too many failed sign-ins. Signing in with this account or from this computer is blocked for "
        "%(minutes)s minutes. Your hall administrator can unlock it sooner."
    ) % {"minutes": minutes}


def _form_with_error(request: HttpRequest, message: str) -> AuthenticationForm:
    """The sign-in form as it was sent (the username stays filled in), carrying the lockout as its error."""
    form = AuthenticationForm(request, data=request.POST or None)
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    form.cleaned_data = {}
    form.add_error(None, message)
    return form


def locked_out_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """The sign-in page the client used, with the lockout message, answered 429."""
    message = lockout_message()
    form = _form_with_error(request, message)
    if request.path.startswith(reverse("admin:login")):
        context = {
            **admin.site.each_context(request),
            "title": _("Log in"),
            "app_path": request.get_full_path(),
            "form": form,
            "username": request.user.get_username(),
            "next": request.POST.get("next", ""),
        }
        return render(request, "admin/login.html", context, status=LOCKED_STATUS)
    context = {"form": form, "lockout_message": message, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=LOCKED_STATUS)


# --- the hall administrator's unlock ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockedAccount:
    user_id: int
    username: str
    display_name: str
    failures: int
    last_failure: datetime
    unlocks_at: datetime


def locked_accounts(*, hall: Hall) -> list[LockedAccount]:
    """The hall's staff whose sign-in is locked now (by their own failures), newest first."""
    cool_off = get_cool_off()
    since = timezone.now() - cool_off  # type: ignore[operator]
    members = {
        user.get_username(): user
        for user in get_user_model().objects.filter(pk__in=Membership.objects.filter(hall=hall).values("user_id"))
    }
    rows = (
        AccessAttempt.objects.filter(username__in=list(members), attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.LOGIN_FAILURE_LIMIT)
        .order_by("-last")
    )
    return [
        LockedAccount(
            user_id=members[row["username"]].pk,
            username=row["username"],
            display_name=members[row["username"]].get_full_name() or row["username"],
            failures=row["failures"],
            last_failure=row["last"],
            unlocks_at=row["last"] + cool_off,
        )
        for row in rows
    ]


def sign_in_unlock(*, actor: Actor, hall: Hall, user_id: int) -> int:
    """Forget the failed sign-ins of a member of `hall` (the lock ends now); audited. Answers the rows removed."""
    membership = Membership.objects.filter(hall=hall, user_id=user_id).select_related("user").first()
    if membership is None:
        raise NotFound(_("There is no such member of this hall."))
    user = membership.user
    removed = AxesProxyHandler.reset_attempts(username=user.get_username())
    audit_record(actor=actor, action="sign_in.unlock", obj=user, hall=hall, data={"attempt_rows": removed})
    unlocker = acting_user(actor)
    # "" is also what an anonymous actor's get_username() answered here before.
    unlocked_by = unlocker.get_username() if unlocker is not None else ""
    logger.info("Sign-in unlocked for account %r by %r.", user.get_username(), unlocked_by)
    return removed
