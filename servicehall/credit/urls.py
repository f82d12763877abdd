"""The credit screens, mounted at /credit/."""

from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    # For a customer: ?hall=<code>&customer=<id>[&service=<id>]
    path("apply/", views.apply, name="apply"),
    path("level/", views.level_set, name="level"),
    path("<int:application_id>/", views.application, name="application"),
    path("<int:application_id>/act/<slug:action>/", views.act, name="act"),
    path("<int:application_id>/contract/", views.contract, name="contract"),
    # The customer's own page (no login): the schedule by the plan number and the code on the contract.
    path("schedule/", views.schedule_lookup, name="schedule_lookup"),
    # The duty manager's review list and the hall's overdue installments
    path("halls/<slug:hall>/applications/", views.applications, name="applications"),
    path("halls/<slug:hall>/applications/<int:application_id>/review/", views.review, name="review"),
    path("halls/<slug:hall>/overdue/", views.overdue, name="overdue"),
]
