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
