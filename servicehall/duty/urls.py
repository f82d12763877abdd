"""The duty screens, mounted at /duty/."""

from django.urls import path

from . import views

app_name = "duty"
urlpatterns = [
    path("halls/<slug:hall>/checklist/", views.checklist, name="checklist"),
    path("halls/<slug:hall>/meetings/", views.meetings, name="meetings"),
    path("halls/<slug:hall>/roster/", views.roster, name="roster"),
    path("halls/<slug:hall>/roster/<int:entry>/remove/", views.roster_remove, name="roster_remove"),
]
