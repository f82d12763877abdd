"""The cashdesk API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "cashdesk_api"
urlpatterns = [
    path("cashdesk/halls/<slug:hall>/drawer", apis.DrawerApi.as_view(), name="drawer"),
    path("cashdesk/halls/<slug:hall>/drawer/open", apis.DrawerOpenApi.as_view(), name="drawer-open"),
    path("cashdesk/halls/<slug:hall>/drawer/close", apis.DrawerCloseApi.as_view(), name="drawer-close"),
    path("cashdesk/halls/<slug:hall>/drawer/suspect-notes", apis.SuspectNotesApi.as_view(), name="suspect-notes"),
    path("cashdesk/halls/<slug:hall>/handovers", apis.HandoversApi.as_view(), name="handovers"),
    path("cashdesk/handovers/<int:handover_id>/sign", apis.HandoverSignApi.as_view(), name="handover-sign"),
    path("cashdesk/halls/<slug:hall>/settlements/<str:day>", apis.SettlementApi.as_view(), name="settlement"),
    path(
        "cashdesk/halls/<slug:hall>/settlements/<str:day>/close",
        apis.SettlementCloseApi.as_view(),
        name="settlement-close",
    ),
]
