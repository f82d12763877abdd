"""The reports' screens, mounted at /reports/."""

from django.urls import path

from . import views, views_dashboard

app_name = "reports"
urlpatterns = [
    path("dashboard/", views_dashboard.company_dashboard, name="company_dashboard"),
    path("halls/<slug:hall>/dashboard/", views_dashboard.hall_dashboard, name="dashboard"),
    path("halls/<slug:hall>/staffing/", views.staffing, name="staffing"),
]
