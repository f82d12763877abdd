"""The queue API, mounted at /api/v1/ (namespace `api`), first: the busiest (the JSON 404 for unknown API
paths is the project's `urls`)."""

from django.urls import path

from . import apis

app_name = "api"
urlpatterns = [
    path("halls/<slug:hall>/categories", apis.HallCategoriesApi.as_view(), name="hall-categories"),
    path("halls/<slug:hall>/counters", apis.HallCountersApi.as_view(), name="hall-counters"),
    path("halls/<slug:hall>/queue", apis.HallQueueApi.as_view(), name="hall-queue"),
    path("halls/<slug:hall>/tickets", apis.HallTicketsApi.as_view(), name="hall-tickets"),
    path("counters/<int:counter_id>/call-next", apis.CounterCallNextApi.as_view(), name="counter-call-next"),
    path(
        "counters/<int:counter_id>/finish-and-call-next",
        apis.CounterFinishAndCallNextApi.as_view(),
        name="counter-finish-and-call-next",
    ),
    path("counters/<int:counter_id>/open", apis.CounterOpenApi.as_view(), name="counter-open"),
    path("counters/<int:counter_id>/pause", apis.CounterPauseApi.as_view(), name="counter-pause"),
    path("counters/<int:counter_id>/close", apis.CounterCloseApi.as_view(), name="counter-close"),
    path("tickets/<uuid:ticket_id>", apis.TicketTrackApi.as_view(), name="ticket"),
    path("tickets/<uuid:ticket_id>/recall", apis.TicketRecallApi.as_view(), name="ticket-recall"),
    path("tickets/<uuid:ticket_id>/no-show", apis.TicketNoShowApi.as_view(), name="ticket-no-show"),
    path("tickets/<uuid:ticket_id>/hold", apis.TicketHoldApi.as_view(), name="ticket-hold"),
    path("tickets/<uuid:ticket_id>/resume", apis.TicketResumeApi.as_view(), name="ticket-resume"),
    path("tickets/<uuid:ticket_id>/transfer", apis.TicketTransferApi.as_view(), name="ticket-transfer"),
    path("tickets/<uuid:ticket_id>/start", apis.TicketStartApi.as_view(), name="ticket-start"),
    path("tickets/<uuid:ticket_id>/finish", apis.TicketFinishApi.as_view(), name="ticket-finish"),
    path("tickets/<uuid:ticket_id>/return", apis.TicketReturnApi.as_view(), name="ticket-return"),
    path("tickets/<uuid:ticket_id>/abandon", apis.TicketAbandonApi.as_view(), name="ticket-abandon"),
]
