"""The billing API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "billing_api"
urlpatterns = [
    path("orders/<int:order_id>/payments", apis.OrderPaymentsApi.as_view(), name="order-payments"),
]
