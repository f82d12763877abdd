"""The hotel front desk's screens, mounted at /hotel/."""

from django.urls import path

from . import views

app_name = "hotel"
urlpatterns = [
    # The guest's page (no sign-in): rooms, facilities and prices
    path("h/<slug:hall>/rooms/", views.rooms_info, name="rooms_info"),
    # Staff: arrivals and rooms free, a new reservation, a reservation
    path("halls/<slug:hall>/", views.arrivals, name="arrivals"),
    path("halls/<slug:hall>/new/", views.new, name="new"),
    path("halls/<slug:hall>/r/<int:reservation>/", views.reservation, name="reservation"),
    path("halls/<slug:hall>/r/<int:reservation>/cancel/", views.cancel, name="cancel"),
    # Arrival (HOTEL02): the room given and inspected, every guest registered, the room card issued
    path("halls/<slug:hall>/r/<int:reservation>/room/", views.assign_room, name="assign_room"),
    path("halls/<slug:hall>/r/<int:reservation>/inspect/", views.inspect_room, name="inspect_room"),
    path("halls/<slug:hall>/r/<int:reservation>/check-in/", views.check_in, name="check_in"),
]
