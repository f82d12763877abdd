"""The business actions a work order runs when its processing completes (BT01–BT14).

Each business type names an action code (`BusinessType.action`, one of
`catalog.actions.BUSINESS_ACTIONS`). The order's move processing → confirmation
calls `run(order, actor)` inside the move's transaction; 退受理 (revert) calls
`undo(order, actor)` in the revert's transaction. A handler that raises an
`ApplicationError` refuses the move and nothing is written.

Extension point — a handler is any object (or a class with a no-argument
constructor) with these two methods::

    from servicehall.core.actors import Actor
    from servicehall.orders.actions import ActionResult, Fee, register
    from servicehall.orders.models import WorkOrder

    @register("mobile_open")
    class OpenMobileNumber:
        def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
            ...  # change the customer's services; read order.details for the inputs
            return ActionResult(
                fees=[Fee("sim_card", "SIM卡费", "SIM card", Decimal("10.00"))],
                data={"service_id": service.pk},  # JSON; kept on the order, read back by undo
                summary_zh="开通号码 …", summary_en="Opened number …",
                work_pending=False,  # True while an installation etc. is still outstanding (未完工)
            )

        def undo(self, order: WorkOrder, actor: Actor) -> None:
            ...  # order.action_result holds what run returned in `data`

`actor` is whoever takes the move: a signed-in user, an anonymous visitor or
None (a system write). A handler that stores who acted in a user column writes
`acting_user(actor)` (servicehall.core.actors), never the actor itself.

Put handlers in modules of the package `servicehall.orders.handlers` and import
them from its `__init__.py`: the registry imports that package the first time
a handler is looked up. Until a code has a handler, the order is "record only":
the business is recorded, fees come from the business type's standard fee, and
nothing else changes.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from servicehall.catalog.actions import BUSINESS_ACTIONS
from servicehall.core.actors import Actor

if TYPE_CHECKING:
    from .models import WorkOrder

HANDLERS_PACKAGE = "servicehall.orders.handlers"


@dataclass(frozen=True)
class Fee:
    """A fee line an action adds to the business type's standard fee."""

    code: str
    description_zh: str
    description_en: str
    amount: Decimal


@dataclass
class ActionResult:
    fees: list[Fee] = field(default_factory=list)
    # JSON-serialisable; stored as `WorkOrder.action_result` for the undo and the archive. No personal data.
    data: dict[str, Any] = field(default_factory=dict)
    summary_zh: str = ""
    summary_en: str = ""
    work_pending: bool = False


class BusinessAction(Protocol):
    def run(self, order: WorkOrder, actor: Actor) -> ActionResult: ...

    def undo(self, order: WorkOrder, actor: Actor) -> None: ...


class RecordOnly:
    """The business is recorded on the order; no service changes."""

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        return ActionResult(data={"record_only": True})

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        return None


RECORD_ONLY = RecordOnly()
REGISTRY: dict[str, BusinessAction] = {}
_handlers_loaded = False


def known_action_codes() -> frozenset[str]:
    """The catalogue's action codes: a handler registers only under one of them."""
    return frozenset(str(code) for code in BUSINESS_ACTIONS)


def register(code: str) -> Any:
    """Decorator: `@register("sim_replace")` over a handler class (instantiated once) or object."""

    def decorate(handler: Any) -> Any:
        if code not in known_action_codes():
            raise ValueError(f"unknown business action code {code!r}; see catalog.actions.BUSINESS_ACTIONS")
        if code in REGISTRY:
            raise ValueError(f"business action {code!r} already has a handler")
        instance = handler() if isinstance(handler, type) else handler
        if not (callable(getattr(instance, "run", None)) and callable(getattr(instance, "undo", None))):
            raise TypeError(f"a business action handler needs run(order, actor) and undo(order, actor): {handler!r}")
        REGISTRY[code] = instance
        return handler

    return decorate


def _load_handlers() -> None:
    global _handlers_loaded
    if _handlers_loaded:
        return
    _handlers_loaded = True
    if importlib.util.find_spec(HANDLERS_PACKAGE) is not None:
        importlib.import_module(HANDLERS_PACKAGE)


def handler_for(code: str) -> BusinessAction:
    _load_handlers()
    return REGISTRY.get(code, RECORD_ONLY) if code else RECORD_ONLY


def run(order: WorkOrder, actor: Actor) -> ActionResult:
    result = handler_for(order.business_type.action).run(order, actor)
    if not isinstance(result, ActionResult):
        raise TypeError(f"the handler of {order.business_type.action!r} must return an ActionResult")
    return result


def undo(order: WorkOrder, actor: Actor) -> None:
    handler_for(order.business_type.action).undo(order, actor)
