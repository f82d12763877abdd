"""Business action handlers (BT01–BT14), one module per business, registered with `orders.actions.register`.

Import each module here; `orders.services` imports this package when it loads
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

from . import (
    gas,  # noqa: F401  (BT10–BT14)
    telecom,  # noqa: F401  (BT01–BT09, password reset)
)
