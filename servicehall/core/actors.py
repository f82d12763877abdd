"""Who acts on a service: the signed-in user, an anonymous visitor, or nobody (a device, the demo loader,
a background job). Services take an `Actor` and write `acting_user(actor)` into their audit columns."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User

# `request.user` is typed AbstractBaseUser | AnonymousUser by django-stubs; None is a system write.
type Actor = AbstractBaseUser | AnonymousUser | None


def acting_user(actor: Actor) -> User | None:
    """The user to record as the author of a row: only a signed-in user, never an anonymous one."""
    # getattr: None (a system write) has no is_authenticated and counts as nobody.
    return cast(User, actor) if getattr(actor, "is_authenticated", False) else None
