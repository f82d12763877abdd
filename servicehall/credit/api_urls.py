"""The credit API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "credit_api"
urlpatterns = [
    path("credit/eligibility", apis.EligibilityApi.as_view(), name="eligibility"),
    path("credit/applications", apis.ApplicationsApi.as_view(), name="applications"),
    path("credit/applications/<int:application_id>", apis.ApplicationDetailApi.as_view(), name="application"),
    path("credit/applications/<int:application_id>/review", apis.ApplicationReviewApi.as_view(), name="review"),
    path("credit/applications/<int:application_id>/sign", apis.ApplicationSignApi.as_view(), name="sign"),
    path("credit/applications/<int:application_id>/schedule", apis.ScheduleApi.as_view(), name="schedule"),
    path("credit/applications/<int:application_id>/payments", apis.RepaymentsApi.as_view(), name="payments"),
]
