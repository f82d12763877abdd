"""Business action handlers (BT01–BT14), registered with `orders.actions.register`.

One package per business family, each split into its details forms and its
actions (their docstrings list their modules):

* `gas`: BT10–BT14 (`forms`, `actions`).
* `telecom`: BT01–BT09 and the service password reset (`_common`, `forms`,
  `openings`, `actions`).

Import each package here; `orders.services` imports this package when it loads
(and `orders.actions` when a handler is first looked up). Until a code has a
handler its orders are "record only".

Besides `run` and `undo`, a handler may declare:

* `details_form`: a Django form class of the business inputs, constructed as
  `form_class(data=…, order=order)` (or `initial=…`). The order page shows
  it until the business is carried out (not while under review) and saves it
  with `services.order_set_details`; the API's `details` take the
  same keys. `run` checks the stored details again
  (`selectors.order_details_cleaned`) — bad input is a 422 naming the field.
* `prepare_details(order, actor, details) -> details`: called when valid details
  are saved, before they are kept (the mobile opening holds its pool number).
"""

from collections.abc import Callable
from typing import Any

from . import (
    gas,  # noqa: F401  (BT10–BT14)
    telecom,  # noqa: F401  (BT01–BT09, password reset)
)


def details_input_names(form_class: type[Any] | None) -> Callable[[str], bool]:
    """Which keys a business type's details may hold: its details form's fields, nothing without a form.

    A form that adds fields per hall (the gas connection checklist's questions)
    names their common prefix in `dynamic_field_prefixes`.
    """
    if form_class is None:
        return lambda name: False
    names = set(getattr(form_class, "base_fields", {}))
    prefixes = tuple(getattr(form_class, "dynamic_field_prefixes", ()))
    return lambda name: name in names or (bool(prefixes) and name.startswith(prefixes))


def details_check(details: dict[str, Any], *, business_type: Any = None) -> None:
    """Refuse (400, naming the key) details that hold a control character, or keys the business does not define.

    `orders.services` calls this before any details reach the database; with
    `business_type` the keys are checked against its details form (a business
    without one takes no details). The API's serializer runs the same text
    check, and the details forms' text fields refuse the same characters.
    """
    from django.core.exceptions import ValidationError

    from servicehall.core.errors import ApplicationError
    from servicehall.core.validators import validate_json_text, validate_known_keys

    from ..actions import handler_for

    try:
        validate_json_text(details)
        if business_type is not None:
            form_class = getattr(handler_for(business_type.action), "details_form", None)
            validate_known_keys(details, allowed=details_input_names(form_class))
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="bad_details", extra={"field": "details"}) from exc
