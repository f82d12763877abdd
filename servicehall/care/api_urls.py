"""The care API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis, apis_surveys

app_name = "care_api"
urlpatterns = [
    path("care/halls/<slug:hall>/ratings", apis.RatingsApi.as_view(), name="ratings"),
    path("care/halls/<slug:hall>/alerts", apis.AlertsApi.as_view(), name="alerts"),
    path("care/halls/<slug:hall>/alerts/<int:alert>/handle", apis.AlertHandleApi.as_view(), name="alert-handle"),
    path("care/halls/<slug:hall>/complaints", apis.ComplaintsApi.as_view(), name="complaints"),
    path("care/halls/<slug:hall>/complaints/<int:complaint>", apis.ComplaintApi.as_view(), name="complaint"),
    path("care/halls/<slug:hall>/opinions", apis.OpinionsApi.as_view(), name="opinions"),
    path("care/halls/<slug:hall>/opinions/<int:entry>/answer", apis.OpinionAnswerApi.as_view(), name="opinion-answer"),
    path("care/halls/<slug:hall>/surveys/results", apis_surveys.SurveyResultsApi.as_view(), name="survey-results"),
    path(
        "care/halls/<slug:hall>/follow-ups/<int:task>/survey",
        apis_surveys.FollowUpSurveyApi.as_view(),
        name="follow-up-survey",
    ),
]
