"""The business actions a work order's processing step may run (BT01–BT14).

The orders app implements one handler per action; the catalogue only names
them, so a pack can say which action a business type runs and the pack loader
can refuse an action nobody implements. An empty action means "record only":
the order records the business and changes no service.
"""

from __future__ import annotations

from dataclasses import dataclass

# The kinds of service a customer holds (customers.Service.Kind uses the same values).
MOBILE = "mobile"
BROADBAND = "broadband"
FIXED_LINE = "fixed_line"
GAS = "gas"
SERVICE_KINDS: tuple[str, ...] = (MOBILE, BROADBAND, FIXED_LINE, GAS)
TELECOM_KINDS: frozenset[str] = frozenset({MOBILE, BROADBAND, FIXED_LINE})
# The kinds a tariff package (套餐) is sold for.
PACKAGE_KINDS: tuple[str, ...] = (MOBILE, BROADBAND, FIXED_LINE)


@dataclass(frozen=True)
class BusinessAction:
    code: str
    # The kinds of service the action may act on. Empty: it acts on the customer's own data.
    service_kinds: frozenset[str]
    # It creates a service (opening business) rather than changing one the customer holds.
    opens_service: bool = False

    @property
    def single_kind(self) -> str:
        """The one kind the action acts on, or "" when the clerk chooses among several (or none)."""
        return next(iter(self.service_kinds)) if len(self.service_kinds) == 1 else ""


def _action(code: str, kinds: frozenset[str] | set[str], *, opens: bool = False) -> tuple[str, BusinessAction]:
    return code, BusinessAction(code=code, service_kinds=frozenset(kinds), opens_service=opens)


BUSINESS_ACTIONS: dict[str, BusinessAction] = dict(
    [
        # Telecom (BT01–BT09 and password reset)
        _action("mobile_open", {MOBILE}, opens=True),
        _action("broadband_open", {BROADBAND}, opens=True),
        _action("fixed_line_open", {FIXED_LINE}, opens=True),
        _action("extra_subscribe", TELECOM_KINDS),
        _action("extra_cancel", TELECOM_KINDS),
        _action("data_change", set()),
        _action("ownership_transfer", TELECOM_KINDS),
        _action("sim_replace", {MOBILE}),
        _action("service_cancel", TELECOM_KINDS),
        _action("package_change", TELECOM_KINDS),
        _action("password_reset", TELECOM_KINDS),
        # Gas (BT10–BT14)
        _action("gas_household_open", {GAS}, opens=True),
        _action("gas_recharge", {GAS}),
        _action("gas_card_replace", {GAS}),
        _action("gas_transfer", {GAS}),
        _action("gas_cancel", {GAS}),
    ]
)
