"""The care app's screens, mounted at /care/."""

from django.urls import path

from . import views, views_public

app_name = "care"
urlpatterns = [
    # The counter's rating pad (a paired tablet facing the customer) and what it asks and sends
    path("halls/<slug:hall>/counters/<int:number>/rate/", views_public.pad, name="pad"),
    path("halls/<slug:hall>/counters/<int:number>/rate/state/", views_public.pad_state, name="pad_state"),
    path("halls/<slug:hall>/counters/<int:number>/rate/press/", views_public.pad_press, name="pad_press"),
    # The customer rates from the ticket's page (QR code on the slip)
    path("t/<uuid:ticket>/rate/", views_public.ticket_rate, name="ticket_rate"),
    # Staff: 请评价 on the workbench; the dissatisfied customers and the day's ratings
    path("halls/<slug:hall>/tickets/<uuid:ticket>/ask/", views.ask, name="ask"),
    path("halls/<slug:hall>/ratings/", views.alerts, name="alerts"),
    path("halls/<slug:hall>/alerts/<int:alert>/handle/", views.alert_handle, name="alert_handle"),
]
