"""The queue's JSON API for kiosks, counters, boards and other devices (section 4).

Each view is thin: parse the input, fetch the protected object through a
`*_get_for_user` selector, call a service or selector, serialize. Errors are
raised (`ApplicationError` from services and selectors, DRF's own for bad
input) and rendered as `{"code", "message"}` by `core.apis.exception_handler`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from servicehall.catalog.selectors import category_get, documents_for_category
from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, PublicAPIView, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import Forbidden
from servicehall.core.throttling import throttle_anonymous_issue
from servicehall.org.models import Counter, Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import (
    counter_get_for_user,
    counters_for_hall,
    user_capabilities,
)

from . import selectors, services
from .models import Ticket
from .serializers import (
    CategorySerializer,
    CounterSerializer,
    FinishAndCallNextSerializer,
    QueueSnapshotSerializer,
    TicketFinishInputSerializer,
    TicketHoldInputSerializer,
    TicketIssuedSerializer,
    TicketIssueInputSerializer,
    TicketSerializer,
    TicketTrackSerializer,
    TicketTransferInputSerializer,
)

C = Capability


FORBIDDEN = error_response("The user's role in this hall does not allow it.")
NOT_FOUND = error_response("No such hall, counter, ticket or category in the user's halls.")
CONFLICT = error_response("The ticket or counter is not in a state that allows this move.")
UNPROCESSABLE = error_response("A rule of the hall refuses it; the message says why.")


# --- access helpers ---------------------------------------------------------------


def _hall_for_viewer(request: Request, code: str) -> Hall:
    """Public halls show their kiosk and board data to anyone; others only to members (401 / 404)."""
    return selectors.screen_hall_get(user=request.user, code=code, capability=C.VIEW_HALL)


def _counter_payload(counter: Counter) -> dict[str, Any]:
    current = selectors.counter_current_ticket(counter=counter)
    return {
        "counter": counter,
        "current_ticket": current.number if current else "",
        "current_status": current.status if current else "",
    }


def _track_url(request: Request, ticket: Ticket) -> str:
    """The customer's tracking page (the slip's QR code points there too)."""
    return request.build_absolute_uri(reverse("queueing:track", kwargs={"ticket": ticket.pk}))


# --- halls ------------------------------------------------------------------------------


class HallCategoriesApi(PublicAPIView):
    @extend_schema(
        tags=["halls"],
        summary="The hall's active queue categories with their waiting counts",
        description="Public when the hall runs a public kiosk, otherwise for members of the hall.",
        responses={200: CategorySerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        the_hall = _hall_for_viewer(request, hall)
        loads = selectors.category_loads(hall=the_hall)
        return Response(CategorySerializer(loads, many=True).data)


class HallCountersApi(PublicAPIView):
    @extend_schema(
        tags=["halls"],
        summary="The hall's counters, the categories each calls and its current ticket",
        description="Public when the hall runs a public kiosk, otherwise for members of the hall.",
        responses={200: CounterSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        the_hall = _hall_for_viewer(request, hall)
        current = {row["counter"]: row for row in selectors.current_calls(hall=the_hall)}
        rows = []
        for counter in counters_for_hall(hall=the_hall):
            call = current.get(counter.number, {})
            rows.append(
                {
                    "counter": counter,
                    "current_ticket": call.get("number", ""),
                    "current_status": call.get("status", ""),
                }
            )
        return Response(CounterSerializer(rows, many=True).data)


class HallQueueApi(PublicAPIView):
    @extend_schema(
        tags=["halls"],
        summary="The board's view: waiting per category, current and recent calls",
        description="Public when the hall runs a public kiosk, otherwise for members of the hall. "
        "Tickets appear by number only.",
        responses={200: QueueSnapshotSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        the_hall = _hall_for_viewer(request, hall)
        return Response(QueueSnapshotSerializer(selectors.queue_snapshot(hall=the_hall)).data)


class HallTicketsApi(PublicAPIView):
    @extend_schema(
        tags=["tickets"],
        summary="Take a number",
        description=(
            "Kiosks of a public hall may call this without signing in for an ordinary ticket through the "
            "`kiosk` channel. Any other channel or kind (VIP, green channel, appointment) needs a signed-in "
            "member of the hall allowed to issue tickets."
        ),
        request=TicketIssueInputSerializer,
        responses={
            201: TicketIssuedSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
        examples=[OpenApiExample("kiosk", value={"category": "A", "channel": "kiosk"}, request_only=True)],
    )
    def post(self, request: Request, hall: str) -> Response:
        # The hall, the category and the kind's head start in one query when the input names them (the hot
        # path); the checks below still run, in their order, on what it read.
        point = selectors.issue_point(hall_code=hall, data=request.data)
        # A public hall's kiosk needs no sign-in; otherwise only members who may issue (401 / 404 / 403).
        the_hall = selectors.screen_hall_get(
            user=request.user, code=hall, capability=C.ISSUE, known=point.category.hall if point else None
        )
        data = parse(TicketIssueInputSerializer, request)
        issuer = selectors.ticket_issuer(user=request.user, hall=the_hall, channel=data["channel"], kind=data["kind"])
        if point is not None and not point.fits(category_code=data["category"], kind=data["kind"]):
            point = None
        category = point.category if point else category_get(hall=the_hall, code=data["category"])
        throttle_anonymous_issue(request)
        ticket = services.ticket_issue(
            hall=the_hall,
            category=category,
            channel=data["channel"],
            kind=data["kind"],
            phone=data["phone"],
            actor=issuer,
            head_start=point.head_start if point else None,
        )
        public = selectors.ticket_public_status(ticket=ticket)
        payload = {
            "ticket": ticket,
            "ahead": public["ahead"],
            "estimated_wait_minutes": public["estimated_wait_minutes"],
            "documents": documents_for_category(category=category),
            "track_url": _track_url(request, ticket),
        }
        return Response(TicketIssuedSerializer(payload).data, status=status.HTTP_201_CREATED)


# --- counters ---------------------------------------------------------------------------


class CounterCallNextApi(ServiceHallAPIView):
    @extend_schema(
        tags=["counters"],
        summary="Call the best waiting ticket this counter serves",
        description=(
            "A clerk calls only at the counter they opened; a duty manager at any counter of the hall. "
            "204 when nobody waits for this counter."
        ),
        request=None,
        responses={
            200: TicketSerializer,
            204: OpenApiResponse(description="Nobody waits for this counter."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, counter_id: int) -> Response:
        # The service reads the counter once, locked: 404 outside the user's halls, 403 without the right to
        # serve there or at a counter the caller does not work, 409 when it is not open.
        ticket = services.ticket_call_next_at(counter_id=counter_id, staff=request.user)
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TicketSerializer(ticket).data)


class CounterFinishAndCallNextApi(ServiceHallAPIView):
    @extend_schema(
        tags=["counters"],
        summary="下一位: finish the ticket being served here with its outcome and call the next",
        description=(
            "One request, one transaction: the ticket being served at the counter is finished with the outcome "
            "given (as `finish` would), then the best waiting ticket is called (as `call-next` would). "
            "`called` is null when nobody waits; `finished` is null when nobody was at the counter. A ticket "
            "called but not yet served is refused with 409 and nothing changes."
        ),
        request=TicketFinishInputSerializer,
        responses={
            200: FinishAndCallNextSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, counter_id: int) -> Response:
        data = parse(TicketFinishInputSerializer, request)
        finished, called = services.ticket_finish_and_call_next(
            counter_id=counter_id,
            staff=request.user,
            outcome=data["outcome"],
            leave_orders_open=data["leave_orders_open"],
        )
        return Response(FinishAndCallNextSerializer({"finished": finished, "called": called}).data)


class _CounterStatusApi(ServiceHallAPIView):
    to_status: str = Counter.Status.OPEN

    def post(self, request: Request, counter_id: int) -> Response:
        counter = counter_get_for_user(user=request.user, counter_id=counter_id, capability=C.VIEW_HALL)
        capabilities = user_capabilities(user=request.user, hall=counter.hall)
        if not capabilities & {C.SERVE, C.MANAGE_QUEUE}:
            raise Forbidden(_("Your role in this hall does not allow this."))
        counter = services.counter_set_status(counter=counter, status=self.to_status, actor=request.user)
        return Response(CounterSerializer(_counter_payload(counter)).data)


def _counter_status_schema(summary: str) -> Callable[[Any], Any]:
    return extend_schema(
        tags=["counters"],
        summary=summary,
        request=None,
        responses={200: CounterSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )


class CounterOpenApi(_CounterStatusApi):
    to_status = Counter.Status.OPEN

    @_counter_status_schema("Open the counter; the caller takes it")
    def post(self, request: Request, counter_id: int) -> Response:
        return super().post(request, counter_id)


class CounterPauseApi(_CounterStatusApi):
    to_status = Counter.Status.PAUSED

    @_counter_status_schema("Pause the counter (it calls nobody until opened again)")
    def post(self, request: Request, counter_id: int) -> Response:
        return super().post(request, counter_id)


class CounterCloseApi(_CounterStatusApi):
    to_status = Counter.Status.CLOSED

    @_counter_status_schema("Close the counter (refused while it has a ticket)")
    def post(self, request: Request, counter_id: int) -> Response:
        return super().post(request, counter_id)


# --- tickets ----------------------------------------------------------------------------


class TicketTrackApi(PublicAPIView):
    @extend_schema(
        tags=["tickets"],
        summary="Follow a ticket (public; the ticket's id is the secret)",
        description="Number, status, people ahead, estimated wait and the counter once called. No personal data.",
        responses={200: TicketTrackSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, ticket_id: Any) -> Response:
        ticket = selectors.ticket_get_public(ticket_id=ticket_id)
        public = selectors.ticket_public_status(ticket=ticket)
        payload = {**public, "category": ticket.category.code, "category_name": public["category"]}
        return Response(TicketTrackSerializer(payload).data)


class _TicketActionApi(ServiceHallAPIView):
    """A move of one ticket by staff of its hall."""

    # The user needs one of these capabilities in the ticket's hall.
    capabilities: frozenset[str] = frozenset({C.SERVE})
    input_serializer: type[Serializer] | None = None

    def perform(self, *, ticket: Ticket, user: Any, data: dict[str, Any]) -> Ticket:
        raise NotImplementedError

    def post(self, request: Request, ticket_id: Any) -> Response:
        data = parse(self.input_serializer, request) if self.input_serializer else {}
        # One transaction for the move: the ticket is read once, locked, and the service finds it locked
        # (issue 17); 404 outside the user's halls.
        with transaction.atomic():
            ticket = services.lock_ticket_for_user(ticket_id=ticket_id, user=request.user)
            if not self.capabilities & user_capabilities(user=request.user, hall=ticket.hall):
                raise Forbidden(_("Your role in this hall does not allow this."))
            # The services refuse a ticket at a counter another clerk works (403).
            ticket = self.perform(ticket=ticket, user=request.user, data=data)
        return Response(TicketSerializer(ticket).data)


def _ticket_action_schema(
    summary: str, *, request: type[Serializer] | None = None, unprocessable: bool = False
) -> Callable[[Any], Any]:
    responses: dict[int, Any] = {
        200: TicketSerializer,
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: NOT_FOUND,
        409: CONFLICT,
    }
    if request is not None:
        responses[400] = BAD_INPUT
    if unprocessable:
        responses[422] = UNPROCESSABLE
    return extend_schema(tags=["tickets"], summary=summary, request=request, responses=responses)


class TicketRecallApi(_TicketActionApi):
    @_ticket_action_schema("Recall (重呼): announce the called ticket again")
    def post(self, request: Request, ticket_id: Any) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket: Ticket, user: Any, data: dict[str, Any]) -> Ticket:
        return services.ticket_recall(ticket=ticket, staff=user)


class TicketNoShowApi(_TicketActionApi):
    @_ticket_action_schema("No-show (过号): the called customer did not come")
    def post(self, request: Request, ticket_id: Any) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket: Ticket, user: Any, data: dict[str, Any]) -> Ticket:
        return services.ticket_no_show(ticket=ticket, staff=user)


class TicketHoldApi(_TicketActionApi):
    input_serializer = TicketHoldInputSerializer

    @_ticket_action_schema(
        "Hold (挂起): park the ticket; the counter may call the next", request=TicketHoldInputSerializer
    )
    def post(self, request: Request, ticket_id: Any) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket: Ticket, user: Any, data: dict[str, Any]) -> Ticket:
        return services.ticket_hold(ticket=ticket, staff=user, note=data["note"])


class TicketResumeApi(_TicketActionApi):
    @_ticket_action_schema("Resume a held ticket at its counter")
    def post(self, request: Request, ticket_id: Any) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket: Ticket, user: Any, data: dict[str, Any]) -> Ticket:
        return services.ticket_resume(ticket=ticket, staff=user)


class TicketTransferApi(_TicketActionApi):
    input_serializer = TicketTransferInputSerializer

    @_ticket_action_schema(
        "Transfer to another category or counter", request=TicketTransferInputSerializer, unprocessable=True
    )
    def post(self, request: Request, ticket_id: Any) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket: Ticket, user: Any, data: dict[str, Any]) -> Ticket:
        category = category_get(hall=ticket.hall, code=data["category"]) if data["category"] else None
        counter = None
        if data["counter"] is not None:
            counter = counter_get_for_user(user=user, counter_id=data["counter"], capability=C.VIEW_HALL)
        return services.ticket_transfer(
            ticket=ticket, staff=user, category=category, counter=counter, note=data["note"]
        )


class TicketStartApi(_TicketActionApi):
    @_ticket_action_schema("Start serving: the called customer has arrived")
    def post(self, request: Request, ticket_id: Any) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket: Ticket, user: Any, data: dict[str, Any]) -> Ticket:
        return services.ticket_start(ticket=ticket, staff=user)


class TicketFinishApi(_TicketActionApi):
    input_serializer = TicketFinishInputSerializer

    @_ticket_action_schema("Finish with an outcome", request=TicketFinishInputSerializer, unprocessable=True)
    def post(self, request: Request, ticket_id: Any) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket: Ticket, user: Any, data: dict[str, Any]) -> Ticket:
        return services.ticket_finish(
            ticket=ticket, staff=user, outcome=data["outcome"], leave_orders_open=data["leave_orders_open"]
        )


class TicketReturnApi(_TicketActionApi):
    capabilities = frozenset({C.GUIDE})  # the lobby's work, as on the guide screen

    @_ticket_action_schema("A skipped customer came back: re-queue the ticket", unprocessable=True)
    def post(self, request: Request, ticket_id: Any) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket: Ticket, user: Any, data: dict[str, Any]) -> Ticket:
        return services.ticket_return_late(ticket=ticket, actor=user)


class TicketAbandonApi(_TicketActionApi):
    capabilities = frozenset({C.GUIDE})  # the lobby's work, as on the guide screen

    @_ticket_action_schema("Left without service (弃号)")
    def post(self, request: Request, ticket_id: Any) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket: Ticket, user: Any, data: dict[str, Any]) -> Ticket:
        return services.ticket_abandon(ticket=ticket, actor=user)
