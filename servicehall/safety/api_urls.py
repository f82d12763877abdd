"""The safety API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "safety_api"
H = "safety/halls/<slug:hall>/"
urlpatterns = [
    path(H + "keys", apis.KeysApi.as_view(), name="keys"),
    path(H + "keys/issue", apis.KeyIssueApi.as_view(), name="key_issue"),
    path(H + "keys/return", apis.KeyReturnApi.as_view(), name="key_return"),
    path(H + "keys/confirm", apis.KeyConfirmApi.as_view(), name="key_confirm"),
    path(H + "incidents", apis.IncidentsApi.as_view(), name="incidents"),
    path(H + "incidents/<int:incident>/entries", apis.IncidentEntriesApi.as_view(), name="incident_entries"),
    path(H + "drills/overdue", apis.DrillsOverdueApi.as_view(), name="drills_overdue"),
]
