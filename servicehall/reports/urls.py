"""The reports' screens, mounted at /reports/."""

from django.urls import path

from . import views, views_dashboard, views_reports

app_name = "reports"
urlpatterns = [
    path("dashboard/", views_dashboard.company_dashboard, name="company_dashboard"),
    path("halls/<slug:hall>/dashboard/", views_dashboard.hall_dashboard, name="dashboard"),
    path("halls/<slug:hall>/staffing/", views.staffing, name="staffing"),
    path("halls/<slug:hall>/reports/", views_reports.hall_reports, name="reports"),
    path("halls/<slug:hall>/reports/export.xlsx", views_reports.hall_reports_xlsx, name="reports_xlsx"),
    path("halls/<slug:hall>/reports/export.pdf", views_reports.hall_reports_pdf, name="reports_pdf"),
]
