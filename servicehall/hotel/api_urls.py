"""The hotel API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis, apis_folio

app_name = "hotel_api"
urlpatterns = [
    path("hotel/halls/<slug:hall>/availability", apis.AvailabilityApi.as_view(), name="availability"),
    path("hotel/halls/<slug:hall>/reservations", apis.ReservationsApi.as_view(), name="reservations"),
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
    path("hotel/halls/<slug:hall>/night-audits", apis_folio.NightAuditsApi.as_view(), name="night_audits"),
]
