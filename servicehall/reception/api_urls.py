"""The business visitors' API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "reception_api"
urlpatterns = [
    path("reception/halls/<slug:hall>/rooms", apis.RoomsApi.as_view(), name="rooms"),
    path("reception/halls/<slug:hall>/visits", apis.VisitsApi.as_view(), name="visits"),
    path("reception/halls/<slug:hall>/visits/<int:visit>", apis.VisitApi.as_view(), name="visit"),
]
