from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "servicehall.orders"
    label = "orders"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The notes the program writes into an order's history, read in the reader's language.
        from servicehall.core import stored_notes

        from .states import SYSTEM_NOTES

        stored_notes.register(*SYSTEM_NOTES)
        # A ticket's open work orders keep it from finishing and show on the workbench; the queue sits below
        # orders, so orders offers them here.
        from servicehall.customers.panels import register_customer_panel
        from servicehall.queueing.extensions import register_console_panel
        from servicehall.queueing.open_work import register_open_work

        from . import handlers  # noqa: F401  (registers the business actions; they import orders.services, not back)
        from .open_work import ticket_open_work_orders
        from .selectors.repairs import console_context, customer_panel_context
        from .services import repairs  # noqa: F401  (registers the repair jobs' report hook)

        register_open_work("work_orders", ticket_open_work_orders)
        # CARE05: a customer's services may report a fault; overdue repairs show on the duty manager's console.
        register_customer_panel(
            "repairs", template="orders/_customer_repairs.html", context=customer_panel_context, order=30
        )
        register_console_panel("repairs", template="orders/console_repairs.html", context=console_context)
        self._register_privacy()

    def _register_privacy(self) -> None:
        # PRIV02: scans kept with ended orders are deleted after the retention period; open orders hold a
        # customer's erasure; the customer's orders are part of their export.
        from servicehall.core import retention
        from servicehall.customers.subject_rights import (
            register_activity,
            register_erasure,
            register_export_section,
            register_hold,
        )

        from . import privacy

        retention.register(
            "order_scans",
            label=_("Document scans kept with orders"),
            setting="RETENTION_ORDER_SCANS_DAYS",
            default=180,
            due=privacy.scans_due,
            apply=privacy.scans_delete,
            action=_("scan deleted after the order ended (the document row kept)"),
        )
        register_hold("open_orders", privacy.open_orders_hold)
        register_activity("orders", privacy.orders_activity)
        register_export_section("orders", privacy.export_section, order=10)
        register_erasure("orders", privacy.customer_erase)
