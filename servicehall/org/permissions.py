"""The role check every app's services run before they act: refuse with 403 unless the actor's role in
the hall carries the capability."""

from __future__ import annotations

from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import Forbidden

from .models import Hall
from .selectors import user_can


def require_capability(
    actor: Actor, hall: Hall, capability: str, *, message: str | None = None, code: str = "forbidden"
) -> None:
    """Raise Forbidden(`message`, `code`) unless `actor` may do `capability` in `hall`; an app with its
    own wording of the refusal passes it as `message`."""
    if not user_can(user=actor, hall=hall, capability=capability):
        # Translated here, at refusal time, so the message follows the request's language.
        raise Forbidden(message if message is not None else _("Your role in this hall does not allow this."), code=code)
