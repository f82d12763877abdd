"""Billing screens (urls_payments): the QR waiting panel, the simulated phone, the refunds screen."""

from django.urls import path

from . import views, views_topup

urlpatterns: list = [
    path("halls/<slug:hall>/payments/<int:payment_id>/qr/", views.qr_status, name="qr_status"),
    # The same panel reversed with the payment alone (the order page's payment panel): the hall is the payment's.
    path("payments/<int:payment_id>/qr/", views.qr_status, name="qr_status"),
    # The counter top-up of a customer's service: ?hall=<code>
    path("services/<int:service_id>/top-up/", views_topup.top_up, name="top_up"),
    path("qr-sim/<str:token>/", views.qr_sim, name="qr_sim"),
    path("halls/<slug:hall>/refunds/", views.refunds, name="refunds"),
    path("halls/<slug:hall>/refunds/<int:refund_id>/decide/", views.refund_decide, name="refund_decide"),
]
