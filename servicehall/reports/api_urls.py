"""The reports API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "reports_api"
urlpatterns = [
    path("reports/halls/<slug:hall>/dashboard", apis.HallDashboardApi.as_view(), name="dashboard"),
    path("reports/halls/<slug:hall>/report", apis.HallReportApi.as_view(), name="report"),
]
