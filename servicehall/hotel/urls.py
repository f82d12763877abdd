"""The hotel front desk's screens, mounted at /hotel/."""

from django.urls import path

from . import views, views_folio, views_stay

app_name = "hotel"
urlpatterns = [
    # The guest's page (no sign-in): rooms, facilities and prices
    path("h/<slug:hall>/rooms/", views.rooms_info, name="rooms_info"),
    # Staff: arrivals and rooms free, a new reservation, a reservation
    path("halls/<slug:hall>/", views.arrivals, name="arrivals"),
    path("halls/<slug:hall>/new/", views.new, name="new"),
    path("halls/<slug:hall>/r/<int:reservation>/", views.reservation, name="reservation"),
    path("halls/<slug:hall>/r/<int:reservation>/cancel/", views.cancel, name="cancel"),
    path("halls/<slug:hall>/r/<int:reservation>/change/", views.change, name="change"),
    # Arrival (HOTEL02): the room given and inspected, every guest registered, the room card issued
    path("halls/<slug:hall>/r/<int:reservation>/room/", views.assign_room, name="assign_room"),
    path("halls/<slug:hall>/r/<int:reservation>/inspect/", views.inspect_room, name="inspect_room"),
    path("halls/<slug:hall>/r/<int:reservation>/check-in/", views.check_in, name="check_in"),
    # Stay (HOTEL03): guests' requests, the housekeeping board, room changes
    path("halls/<slug:hall>/requests/", views_stay.requests, name="requests"),
    path("halls/<slug:hall>/requests/new/", views_stay.request_new, name="request_new"),
    path("halls/<slug:hall>/requests/<int:guest_request>/start/", views_stay.request_start, name="request_start"),
    path("halls/<slug:hall>/requests/<int:guest_request>/done/", views_stay.request_done, name="request_done"),
    path("halls/<slug:hall>/requests/<int:guest_request>/cancel/", views_stay.request_cancel, name="request_cancel"),
    path("halls/<slug:hall>/housekeeping/", views_stay.housekeeping, name="housekeeping"),
    path("halls/<slug:hall>/rooms/<int:room>/clean/", views_stay.room_clean, name="room_clean"),
    path("halls/<slug:hall>/rooms/<int:room>/inspect/", views_stay.room_inspect, name="room_inspect"),
    path("halls/<slug:hall>/rooms/<int:room>/out-of-order/", views_stay.room_out_of_order, name="room_out_of_order"),
    path("halls/<slug:hall>/rooms/<int:room>/back/", views_stay.room_back_in_order, name="room_back_in_order"),
    path("halls/<slug:hall>/r/<int:reservation>/change-room/", views_stay.room_change, name="room_change"),
    # Departure (HOTEL04): due out, the bill, charges, deposit, check-out, farewell; the night audit
    path("halls/<slug:hall>/departures/", views_folio.departures, name="departures"),
    path("halls/<slug:hall>/departures/remind/", views_folio.departures_remind, name="departures_remind"),
    path("halls/<slug:hall>/r/<int:reservation>/folio/", views_folio.folio, name="folio"),
    path("halls/<slug:hall>/r/<int:reservation>/folio/charge/", views_folio.charge, name="folio_charge"),
    path(
        "halls/<slug:hall>/r/<int:reservation>/folio/charge/<int:charge>/reverse/",
        views_folio.reverse_charge,
        name="folio_reverse",
    ),
    path("halls/<slug:hall>/r/<int:reservation>/folio/deposit/", views_folio.deposit, name="folio_deposit"),
    path("halls/<slug:hall>/r/<int:reservation>/check-out/", views_folio.check_out, name="check_out"),
    path("halls/<slug:hall>/r/<int:reservation>/farewell/", views_folio.farewell, name="farewell"),
    path("halls/<slug:hall>/r/<int:reservation>/invoice/", views_folio.invoice, name="invoice"),
    path("halls/<slug:hall>/night-audit/", views_folio.night_audits, name="night_audits"),
    path("halls/<slug:hall>/night-audit/run/", views_folio.night_audit_run, name="night_audit_run"),
]
