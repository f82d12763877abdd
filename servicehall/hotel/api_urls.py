"""The hotel API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "hotel_api"
urlpatterns = [
    path("hotel/halls/<slug:hall>/availability", apis.AvailabilityApi.as_view(), name="availability"),
    path("hotel/halls/<slug:hall>/reservations", apis.ReservationsApi.as_view(), name="reservations"),
]
