"""The customers API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "customers_api"
urlpatterns = [
    path("halls/<slug:hall>/customers", apis.HallCustomersApi.as_view(), name="hall-customers"),
    path("halls/<slug:hall>/customers/search", apis.HallCustomerSearchApi.as_view(), name="hall-customer-search"),
    path("customers/<int:customer_id>", apis.CustomerApi.as_view(), name="customer"),
    path("customers/<int:customer_id>/services", apis.CustomerServicesApi.as_view(), name="customer-services"),
    path("customers/<int:customer_id>/reveal", apis.CustomerRevealApi.as_view(), name="customer-reveal"),
]
