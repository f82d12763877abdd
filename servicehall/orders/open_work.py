"""A ticket's open work orders, as the queue asks for them (registered in `OrdersConfig.ready()`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from servicehall.queueing.open_work import OpenWork

from .selectors import ticket_orders_read
from .states import OPEN_STATUSES


def ticket_open_work_orders(ticket: Any) -> list[OpenWork]:
    return [
        OpenWork(
            number=order.number,
            what=order.business_type.display_name,
            status=order.get_status_display(),
            url=reverse("orders:detail", kwargs={"order_id": order.pk}),
        )
        # The visit's orders read once: the rating pad asked at the same finish reads them too.
        for order in ticket_orders_read(ticket=ticket)
        if order.status in OPEN_STATUSES
    ]
