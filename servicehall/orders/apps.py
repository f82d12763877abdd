from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "servicehall.orders"
    label = "orders"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        # A ticket's open work orders keep it from finishing and show on the workbench; the queue sits below
        # orders, so orders offers them here.
        from servicehall.queueing.open_work import register_open_work

        from . import handlers  # noqa: F401  (registers the business actions; they import orders.services, not back)
        from .open_work import ticket_open_work_orders

        register_open_work("work_orders", ticket_open_work_orders)
