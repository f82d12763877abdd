"""Billing screens (urls_payments): the QR waiting panel, the simulated phone, the refunds screen, and the
money actions on an order's page."""

from django.urls import path

from . import views, views_order, views_topup

urlpatterns: list = [
    path("halls/<slug:hall>/payments/<int:payment_id>/qr/", views.qr_status, name="qr_status"),
    # The same panel reversed with the payment alone (the order page's payment panel): the hall is the payment's.
    path("payments/<int:payment_id>/qr/", views.qr_status, name="qr_status"),
    # The counter top-up of a customer's service: ?hall=<code>
    path("services/<int:service_id>/top-up/", views_topup.top_up, name="top_up"),
    path("qr-sim/<str:token>/", views.qr_sim, name="qr_sim"),
    # The money actions on an order's page; each answers with the order's panel.
    path("orders/<int:order_id>/pay/", views_order.pay, name="order_pay"),
    path("orders/<int:order_id>/refund/", views_order.refund, name="order_refund"),
    path("orders/<int:order_id>/nothing-due/", views_order.nothing_due, name="order_nothing_due"),
    path("halls/<slug:hall>/refunds/", views.refunds, name="refunds"),
    path("halls/<slug:hall>/refunds/<int:refund_id>/decide/", views.refund_decide, name="refund_decide"),
]
