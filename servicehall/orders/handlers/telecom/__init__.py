"""Telecom business actions (BT01–BT09 and the service password reset), registered when this package loads.

Each handler runs inside the order's processing move (one transaction: a
refusal writes nothing) and reads its inputs from `order.details`, which its
`details_form` fills on the order page (or the API's `details`). `run`
validates the details again with the same form (`selectors.order_details_cleaned`),
so an order created through the API obeys the same rules; a bad or missing
input is a 422 naming the field.

`undo` (退受理) is called only for business types the pack marks revertible;
those that are not (SIM replacement, cancellation, password reset) refuse.

Summaries name numbers masked (138****1234, ICCID 8986**********1234) and
addresses by their region only; the action data keeps ids, codes, amounts
and masked values, never personal data in full.

This package re-exports the public names of its modules, so
`from servicehall.orders.handlers import telecom; telecom.MobileOpenForm` works
whatever module holds the name. The modules, each importing only the ones
listed above it:

* `_common`: the service kinds and statuses the businesses act on, and the
  actions' checks: the order's customer and service (locked, owner, kind,
  status), no arrears, a package of the hall, the details checked again,
  masked numbers, the date a package change takes effect, revert notes.
* `forms`: the details forms (BT01–BT05, BT07, BT09) and their field helpers
  (packages, appointment times, SIM card numbers).
* `openings`: the actions that open a service: BT01 mobile, BT02 broadband,
  BT03 fixed line (the latter two with an installation job).
* `actions`: the actions on a live service: BT04 value-added services, BT05
  customer data, BT06 transfer, BT07 SIM replacement, BT08 cancellation, BT09
  package change, the service password reset.
"""

from ._common import BROADBAND_PREFIX, ICCID, LIVE, ST, TELECOM, K, details, first_of_next_month, masked_number
from .actions import (
    FIELD_NAMES,
    DataChange,
    ExtraCancel,
    ExtraSubscribe,
    OwnershipTransfer,
    PackageChange,
    PasswordReset,
    ServiceCancel,
    SimReplace,
)
from .forms import (
    BroadbandOpenForm,
    DataChangeForm,
    ExtraCancelForm,
    ExtraSubscribeForm,
    FixedLineOpenForm,
    InstallationForm,
    MobileOpenForm,
    PackageChangeForm,
    SimReplaceForm,
    TelecomDetailsForm,
)
from .openings import BroadbandOpen, FixedLineOpen, MobileOpen

__all__ = [
    "BROADBAND_PREFIX",
    "FIELD_NAMES",
    "ICCID",
    "LIVE",
    "ST",
    "TELECOM",
    "BroadbandOpen",
    "BroadbandOpenForm",
    "DataChange",
    "DataChangeForm",
    "ExtraCancel",
    "ExtraCancelForm",
    "ExtraSubscribe",
    "ExtraSubscribeForm",
    "FixedLineOpen",
    "FixedLineOpenForm",
    "InstallationForm",
    "K",
    "MobileOpen",
    "MobileOpenForm",
    "OwnershipTransfer",
    "PackageChange",
    "PackageChangeForm",
    "PasswordReset",
    "ServiceCancel",
    "SimReplace",
    "SimReplaceForm",
    "TelecomDetailsForm",
    "details",
    "first_of_next_month",
    "masked_number",
]
