"""The promotions API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "promotions_api"
urlpatterns = [
    path("orders/<int:order_id>/offers", apis.OrderOffersApi.as_view(), name="order-offers"),
    path("orders/<int:order_id>/promotions", apis.OrderPromotionsApi.as_view(), name="order-promotions"),
    path("customers/<int:customer_id>/points", apis.CustomerPointsApi.as_view(), name="customer-points"),
]
