"""The hotel API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis, apis_folio, apis_stay

app_name = "hotel_api"
urlpatterns = [
    path("hotel/halls/<slug:hall>/availability", apis.AvailabilityApi.as_view(), name="availability"),
    path("hotel/halls/<slug:hall>/reservations", apis.ReservationsApi.as_view(), name="reservations"),
    path(
        "hotel/halls/<slug:hall>/reservations/<int:reservation>/change",
        apis.ReservationChangeApi.as_view(),
        name="reservation_change",
    ),
    # Stay (HOTEL03)
    path("hotel/halls/<slug:hall>/requests", apis_stay.GuestRequestsApi.as_view(), name="requests"),
    path(
        "hotel/halls/<slug:hall>/requests/<int:guest_request>/<slug:action>",
        apis_stay.GuestRequestMoveApi.as_view(),
        name="request_move",
    ),
    path("hotel/halls/<slug:hall>/rooms", apis_stay.RoomBoardApi.as_view(), name="rooms"),
    path(
        "hotel/halls/<slug:hall>/reservations/<int:reservation>/room-change",
        apis_stay.RoomChangeApi.as_view(),
        name="room_change",
    ),
    # Departure (HOTEL04): the bill, a charge, the check-out, the night audits
    path("hotel/halls/<slug:hall>/reservations/<int:reservation>/folio", apis_folio.FolioApi.as_view(), name="folio"),
    path(
        "hotel/halls/<slug:hall>/reservations/<int:reservation>/folio/charges",
        apis_folio.FolioChargesApi.as_view(),
        name="folio_charges",
    ),
    path(
        "hotel/halls/<slug:hall>/reservations/<int:reservation>/check-out",
        apis_folio.CheckOutApi.as_view(),
        name="check_out",
    ),
    path(
        "hotel/halls/<slug:hall>/reservations/<int:reservation>/invoice",
        apis_folio.StayInvoiceApi.as_view(),
        name="stay_invoice",
    ),
    path("hotel/halls/<slug:hall>/night-audits", apis_folio.NightAuditsApi.as_view(), name="night_audits"),
]
