"""The credit screens, mounted at /credit/."""

from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    # For a customer: ?hall=<code>&customer=<id>[&service=<id>]
    path("apply/", views.apply, name="apply"),
    path("level/", views.level_set, name="level"),
    path("<int:application_id>/", views.application, name="application"),
    # One URL per action on an application; each answers with the application's page.
    path("<int:application_id>/sign/", views.sign, name="sign"),
    path("<int:application_id>/activate/", views.activate, name="activate"),
    path("<int:application_id>/cancel/", views.cancel, name="cancel"),
    path("<int:application_id>/pay/", views.pay_installment, name="pay"),
    path("<int:application_id>/pay-early/", views.pay_early, name="pay_early"),
    path("<int:application_id>/contract/", views.contract, name="contract"),
    # The customer's own page (no login): the schedule by the plan number and the code on the contract.
    path("schedule/", views.schedule_lookup, name="schedule_lookup"),
    # The duty manager's review list and the hall's overdue installments
    path("halls/<slug:hall>/applications/", views.applications, name="applications"),
    path("halls/<slug:hall>/applications/<int:application_id>/review/", views.review, name="review"),
    path("halls/<slug:hall>/overdue/", views.overdue, name="overdue"),
]
