"""The care app's screens, mounted at /care/."""

from django.urls import path

from . import (
    views,
    views_commitments,
    views_complaints,
    views_follow_ups,
    views_opinions,
    views_public,
    views_surveys,
)

app_name = "care"
urlpatterns = [
    # The counter's rating pad (a paired tablet facing the customer) and what it asks and sends
    path("halls/<slug:hall>/counters/<int:number>/rate/", views_public.pad, name="pad"),
    path("halls/<slug:hall>/counters/<int:number>/rate/state/", views_public.pad_state, name="pad_state"),
    path("halls/<slug:hall>/counters/<int:number>/rate/press/", views_public.pad_press, name="pad_press"),
    path("halls/<slug:hall>/counters/<int:number>/rate/details/", views_public.pad_details, name="pad_details"),
    # The customer rates from the ticket's page (QR code on the slip)
    path("t/<uuid:ticket>/rate/", views_public.ticket_rate, name="ticket_rate"),
    # A visit without a ticket (a hotel stay) rated from the link it was given
    path("r/<uuid:rating>/", views_public.link_rate, name="link_rate"),
    # Staff: 请评价 on the workbench; the dissatisfied customers and the day's ratings
    path("halls/<slug:hall>/tickets/<uuid:ticket>/ask/", views.ask, name="ask"),
    path("halls/<slug:hall>/ratings/", views.alerts, name="alerts"),
    path("halls/<slug:hall>/alerts/<int:alert>/handle/", views.alert_handle, name="alert_handle"),
    # The opinion book (意见簿): the customer writes (QR code in the hall) and reads the answer by code;
    # staff transcribe the paper book and answer
    path("halls/<slug:hall>/opinions/write/", views_opinions.write, name="opinion_write"),
    path("opinions/", views_opinions.lookup, name="opinion_lookup"),
    path("opinions/<slug:code>/", views_opinions.read, name="opinion_read"),
    path("halls/<slug:hall>/opinions/", views_opinions.book, name="opinions"),
    path("halls/<slug:hall>/opinions/transcribe/", views_opinions.transcribe, name="opinion_transcribe"),
    path("halls/<slug:hall>/opinions/<int:entry>/answer/", views_opinions.answer, name="opinion_answer"),
    # Follow-up calls (业务回访): the queue, the number to call (logged), each call's outcome
    path("halls/<slug:hall>/follow-ups/", views_follow_ups.queue, name="follow_ups"),
    path("halls/<slug:hall>/follow-ups/<int:task>/phone/", views_follow_ups.reveal_phone, name="follow_up_phone"),
    path("halls/<slug:hall>/follow-ups/<int:task>/record/", views_follow_ups.record, name="follow_up_record"),
    # Complaints (投诉): the list by what is due first, recording one, its page (opening logged) and each step
    path("halls/<slug:hall>/complaints/", views_complaints.complaints, name="complaints"),
    path("halls/<slug:hall>/complaints/new/", views_complaints.complaint_new, name="complaint_new"),
    path("halls/<slug:hall>/complaints/<int:complaint>/", views_complaints.complaint, name="complaint"),
    path(
        "halls/<slug:hall>/complaints/<int:complaint>/phone/",
        views_complaints.complaint_phone,
        name="complaint_phone",
    ),
    path(
        "halls/<slug:hall>/complaints/<int:complaint>/<slug:action>/",
        views_complaints.complaint_act,
        name="complaint_act",
    ),
    # Service commitments (服务承诺): checked against a period's records; the month's figures for the public
    path("halls/<slug:hall>/commitments/", views_commitments.commitments, name="commitments"),
    path("halls/<slug:hall>/commitments/public/", views_commitments.commitments_public, name="commitments_public"),
    # Satisfaction surveys (满意度调查): the customer answers from the ticket's page (no sign-in); staff on a
    # follow-up call; the results with charts and the Excel export
    path("t/<uuid:ticket>/survey/", views_surveys.ticket_survey, name="ticket_survey"),
    path("halls/<slug:hall>/follow-ups/<int:task>/survey/", views_surveys.follow_up_survey, name="follow_up_survey"),
    path("halls/<slug:hall>/surveys/", views_surveys.results, name="surveys"),
    path("halls/<slug:hall>/surveys/export/", views_surveys.results_export, name="survey_export"),
]
