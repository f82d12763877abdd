"""Staff pages of customers, mounted at /customers/. The hall and the ticket being served
come as `?hall=<code>&ticket=<uuid>` and are carried through every link."""

from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:customer_id>/", views.detail, name="detail"),
    path("<int:customer_id>/reveal/", views.reveal, name="reveal"),
]

# A customer's personal data on their request (PRIV02), in its own module.
from . import views_personal_data  # noqa: E402

urlpatterns += [
    path("<int:customer_id>/personal-data/", views_personal_data.personal_data, name="personal_data"),
    path(
        "<int:customer_id>/personal-data/export/",
        views_personal_data.personal_data_export,
        name="personal_data_export",
    ),
    path(
        "<int:customer_id>/personal-data/erase/",
        views_personal_data.personal_data_erase,
        name="personal_data_erase",
    ),
]

# The hall's gas card writes (BT11), in their own module.
from . import views_gas_cards  # noqa: E402

urlpatterns += [
    path("card-writes/", views_gas_cards.card_writes, name="card_writes"),
    path(
        "card-writes/<int:write_id>/<str:action>/",
        views_gas_cards.card_write_action,
        name="card_write_action",
    ),
]
