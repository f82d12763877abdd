"""The staff app's API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "staff_api"
H = "staff/halls/<slug:hall>/"
urlpatterns = [
    path(H + "exams", apis.ExamsApi.as_view(), name="exams"),
    path(H + "exams/<int:exam>/attempts", apis.ExamStartApi.as_view(), name="exam_start"),
    path(H + "attempts/<int:attempt>", apis.AttemptApi.as_view(), name="attempt"),
    path(H + "attempts/<int:attempt>/submit", apis.AttemptSubmitApi.as_view(), name="attempt_submit"),
    path(H + "results", apis.ResultsApi.as_view(), name="results"),
    path(H + "results/mine", apis.MyResultsApi.as_view(), name="my_results"),
    path(H + "cards", apis.CardsApi.as_view(), name="cards"),
    path(H + "cards/mine", apis.MyCardsApi.as_view(), name="my_cards"),
    path(H + "cards/<int:card>", apis.CardApi.as_view(), name="card"),
    path(H + "cards/<int:card>/adjustments", apis.CardAdjustApi.as_view(), name="card_adjust"),
    path(H + "assessment/compute", apis.ComputeApi.as_view(), name="compute"),
    path(H + "manager-assessments", apis.ManagerAssessmentsApi.as_view(), name="manager_assessments"),
]
