"""The money actions on an order's page (PAY01, PAY06): take the payment, refund one, or settle an order with
nothing due. Each is one view built with orders' `order_action`, so it answers with the order's panel like
the order's own actions; the form-to-service step is in `order_payment`."""

from servicehall.orders.views import order_action

from .order_payment import refund_payment, settle_nothing_due, take_payment

pay = order_action(take_payment)
refund = order_action(refund_payment)
nothing_due = order_action(settle_nothing_due)
