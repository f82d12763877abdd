"""Business action handlers (BT01–BT14), registered with `orders.actions.register`.

One package per business family, each split into its details forms and its
actions (their docstrings list their modules):

* `gas`: BT10–BT14 (`forms`, `actions`).
* `telecom`: BT01–BT09 and the service password reset (`_common`, `forms`,
  `openings`, `actions`).

Import each package here; the app imports this package when it is ready
(`OrdersConfig.ready`), and `orders.actions` when a handler is first looked up.
The handlers use `orders.services` (jobs, pool numbers), so the services never
import them. Until a code has a handler its orders are "record only".

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

from . import (
    gas,  # noqa: F401  (BT10–BT14)
    telecom,  # noqa: F401  (BT01–BT09, password reset)
)
