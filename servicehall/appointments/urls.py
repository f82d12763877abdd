"""The appointments screens, mounted at /appointments/."""

from django.urls import path

from . import views, views_checkin, views_public, views_stats, views_types

app_name = "appointments"
urlpatterns = [
    # The customer's pages (no sign-in): book, confirm with the texted code, the booking by its code
    path("h/<slug:hall>/book/", views_public.book, name="book"),
    path("check/<uuid:request_id>/", views_public.check, name="check"),
    path("find/", views_public.find, name="find"),
    path("b/<slug:code>/", views_public.booking, name="booking"),
    path("b/<slug:code>/change/", views_public.change, name="change"),
    path("b/<slug:code>/cancel/", views_public.cancel, name="cancel"),
    # The kiosk: check in with the booking code, its QR or the mobile number (APT02)
    path("h/<slug:hall>/check-in/", views_checkin.check_in, name="check_in"),
    path("h/<slug:hall>/check-in/<uuid:ticket>/", views_checkin.checked_in, name="checked_in"),
    # Staff: the day's bookings by hour, booking for a caller or at the counter, cancelling
    path("halls/<slug:hall>/", views.day, name="day"),
    path("halls/<slug:hall>/new/", views.new, name="new"),
    path("halls/<slug:hall>/bookings/<int:booking>/cancel/", views.cancel, name="staff_cancel"),
    path("halls/<slug:hall>/bookings/<int:booking>/change/", views.change, name="staff_change"),
    path("halls/<slug:hall>/types/", views_types.types, name="types"),
    path("halls/<slug:hall>/types/<int:type>/", views_types.types, name="type_edit"),
    path("halls/<slug:hall>/statistics/", views_stats.statistics, name="statistics"),  # APT03, managers only
]
