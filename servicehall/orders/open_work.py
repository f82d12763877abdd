"""A ticket's open work orders, as the queue asks for them (registered in `OrdersConfig.ready()`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from servicehall.queueing.open_work import OpenWork

from .selectors import ticket_open_orders


def ticket_open_work_orders(ticket: Any) -> list[OpenWork]:
    return [
        OpenWork(
            number=order.number,
            what=order.business_type.display_name,
            status=order.get_status_display(),
            url=reverse("orders:detail", kwargs={"order_id": order.pk}),
        )
        for order in ticket_open_orders(ticket=ticket).select_related("business_type")
    ]
