"""The promotions screens, mounted at /promotions/."""

from django.urls import path

from . import views

app_name = "promotions"
urlpatterns = [
    path("orders/<int:order_id>/offers/", views.order_offers, name="order_offers"),
    path("customers/<int:customer_id>/points/", views.customer_points, name="customer_points"),
    path("halls/<slug:hall>/", views.hall_list, name="list"),
]
