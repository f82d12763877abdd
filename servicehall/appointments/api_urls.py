"""The appointments API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "appointments_api"
urlpatterns = [
    path("appointments/halls/<slug:hall>/bookings", apis.BookingsApi.as_view(), name="bookings"),
    path(
        "appointments/halls/<slug:hall>/bookings/<int:booking>/cancel",
        apis.BookingCancelApi.as_view(),
        name="booking-cancel",
    ),
    path("appointments/halls/<slug:hall>/types/<int:type>/slots", apis.SlotsApi.as_view(), name="slots"),
    path("appointments/halls/<slug:hall>/check-in", apis.CheckInApi.as_view(), name="check-in"),
]
