"""The premises' API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "premises_api"
urlpatterns = [
    path("premises/halls/<slug:hall>/patrols", apis.PatrolsApi.as_view(), name="patrols"),
    path("premises/halls/<slug:hall>/rectifications", apis.RectificationsApi.as_view(), name="rectifications"),
    path(
        "premises/halls/<slug:hall>/rectifications/<int:rectification>",
        apis.RectificationStepApi.as_view(),
        name="rectification",
    ),
    path("premises/halls/<slug:hall>/equipment", apis.EquipmentListApi.as_view(), name="equipment"),
    path("premises/halls/<slug:hall>/equipment/<int:equipment>", apis.EquipmentApi.as_view(), name="equipment_item"),
]
