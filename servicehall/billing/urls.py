"""The billing screens: receipts (printing) and refunds; two modules so two people can work on them."""

from django.urls import include, path

app_name = "billing"
urlpatterns = [
    path("", include("servicehall.billing.urls_receipts")),
    path("", include("servicehall.billing.urls_payments")),
]
