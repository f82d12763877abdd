"""The duty API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "duty_api"
urlpatterns = [
    path("duty/halls/<slug:hall>/checklist", apis.ChecklistApi.as_view(), name="checklist"),
    path("duty/halls/<slug:hall>/meetings", apis.MeetingsApi.as_view(), name="meetings"),
    path("duty/halls/<slug:hall>/roster", apis.RosterApi.as_view(), name="roster"),
    path("duty/halls/<slug:hall>/roster/<int:entry>", apis.RosterEntryApi.as_view(), name="roster_entry"),
]
