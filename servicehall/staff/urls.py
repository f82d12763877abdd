"""The staff app's pages, mounted at /staff/."""

from django.urls import path

from . import views

app_name = "staff"
H = "halls/<slug:hall>/"
urlpatterns = [
    # Exams (STAFF04): the list and one's results, start, take and submit, everyone's results for managers
    path(H + "exams/", views.exams, name="exams"),
    path(H + "exams/<int:exam>/start/", views.exam_start, name="exam_start"),
    path(H + "attempts/<int:attempt>/", views.attempt, name="attempt"),
    path(H + "exam-results/", views.results, name="results"),
    # Assessment cards (STAFF05): the month's list, computing a month, one's own, a card, an adjustment
    path(H + "assessment/", views.assessment, name="assessment"),
    path(H + "assessment/compute/", views.assessment_compute, name="assessment_compute"),
    path(H + "assessment/mine/", views.my_cards, name="my_cards"),
    path(H + "assessment/cards/<int:card>/", views.card, name="card"),
    path(H + "assessment/cards/<int:card>/adjust/", views.card_adjust, name="card_adjust"),
    # The service manager's monthly assessment (SITE04)
    path(H + "manager-assessments/", views.manager_assessments, name="manager_assessments"),
    path(H + "manager-assessments/<int:manager_assessment>/", views.manager_assessment, name="manager_assessment"),
]
