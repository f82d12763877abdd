"""Gas business actions (BT10–BT14): new household, card recharge, card replacement, transfer, cancellation.

Each handler runs inside the order's processing move (one transaction: a
refusal writes nothing) and reads its inputs from `order.details`, which its
`details_form` fills on the order page. `run` validates the details again with
the same form, so an order created through the API obeys the same rules.

The user card itself is written by the hall's card-writer device: the handlers
ask for a `CardWrite` (`customers.services.gas_cards`), and gas is credited only when the
device confirms it. Installation and meter removal are `InstallationJob`s
(`orders.services.installation_jobs`); when the technician reports one done, the household becomes
active or cancelled and the order's outstanding work (未完工) is done.

This package re-exports the public names of its modules, so
`from servicehall.orders.handlers import gas; gas.GasRechargeForm` works
whatever module holds the name. The modules, the second importing the first:

* `forms`: the details forms (BT10–BT14), the connection checklist's questions,
  the limits of an amount and a meter reading.
* `actions`: the handlers, registered under their codes, and what they share:
  the details checked again, the household locked and checked, no arrears, no
  card write waiting, a new household number.
"""

from .actions import (
    GAS,
    HOUSEHOLD_PREFIX,
    GasCancel,
    GasCardReplace,
    GasHouseholdOpen,
    GasRecharge,
    GasTransfer,
    validated_details,
)
from .forms import (
    CONNECTION_CHECKLIST,
    CONNECTION_PREFIX,
    MAX_READING,
    METER_NUMBER,
    RECHARGE_MAX,
    YES_NO,
    CardReplaceReason,
    GasCancelForm,
    GasCardReplaceForm,
    GasDetailsForm,
    GasHouseholdOpenForm,
    GasJobForm,
    GasRechargeForm,
    GasTransferForm,
)

__all__ = [
    "CONNECTION_CHECKLIST",
    "CONNECTION_PREFIX",
    "GAS",
    "HOUSEHOLD_PREFIX",
    "MAX_READING",
    "METER_NUMBER",
    "RECHARGE_MAX",
    "YES_NO",
    "CardReplaceReason",
    "GasCancel",
    "GasCancelForm",
    "GasCardReplace",
    "GasCardReplaceForm",
    "GasDetailsForm",
    "GasHouseholdOpen",
    "GasHouseholdOpenForm",
    "GasJobForm",
    "GasRecharge",
    "GasRechargeForm",
    "GasTransfer",
    "GasTransferForm",
    "validated_details",
]
