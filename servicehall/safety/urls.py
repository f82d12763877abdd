"""The safety production screens, mounted at /safety/."""

from django.urls import path

from . import views

app_name = "safety"
H = "halls/<slug:hall>/"
urlpatterns = [
    # One page with tabs: keys, who held what on a date, incidents, drills (?tab=…)
    path(H, views.page, name="page"),
    path(H + "keys/<slug:action>/", views.key_act, name="key_act"),
    path(H + "incidents/report/", views.incident_report, name="incident_report"),
    path(H + "incidents/<int:incident>/", views.incident, name="incident"),
    path(H + "incidents/<int:incident>/entries/", views.incident_entry, name="incident_entry"),
    path(H + "drills/record/", views.drill_record, name="drill_record"),
]
