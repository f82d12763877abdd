"""The reports' screens, mounted at /reports/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("halls/<slug:hall>/staffing/", views.staffing, name="staffing"),
]
