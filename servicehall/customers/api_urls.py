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

# The card-writer device's API (BT11), in its own module.
from . import apis_gas_cards  # noqa: E402

urlpatterns += [
    path("halls/<slug:hall>/card-writes", apis_gas_cards.HallCardWritesApi.as_view(), name="hall-card-writes"),
    path("card-writes/<int:write_id>/confirm", apis_gas_cards.CardWriteConfirmApi.as_view(), name="card-write-confirm"),
    path("card-writes/<int:write_id>/fail", apis_gas_cards.CardWriteFailApi.as_view(), name="card-write-fail"),
]
