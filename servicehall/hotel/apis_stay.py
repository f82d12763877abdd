"""The stay API (HOTEL03): the hall's guest requests and their moves, the housekeeping board and a room change,
for the front desk (`issue`) and housekeeping (`housekeep`) of the hall."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import Forbidden, NotFound
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities

from . import selectors, selectors_stay, services_stay
from .presentation_stay import request_row
from .serializers_stay import (
    BoardRoomSerializer,
    GuestRequestCreateSerializer,
    GuestRequestMoveSerializer,
    GuestRequestSerializer,
    RoomChangeResultSerializer,
    RoomChangeSerializer,
)

FORBIDDEN = error_response("The user's role in the hall does not allow it.")
NOT_FOUND = error_response("No such hall, guest in house, request or room among the user's halls.")
REFUSED = error_response(
    "A rule refused it: `not_in_house`, `bad_move` (a request finished already), `taken`, `room_not_ready`, "
    "`out_of_order`, `sold_out` (409); `bad_kind`, `due_missing`, `due_passed`, `reason_missing`, `same_room`, "
    "`bad_guests` (422)."
)
SHOW = OpenApiParameter("show", str, enum=["open", "done"], description="Open requests (default) or finished ones.")
DEPARTMENT = OpenApiParameter("department", str, enum=["housekeeping", "front_desk", "kitchen"])
ACTIONS = {
    "start": services_stay.guest_request_start,
    "done": services_stay.guest_request_done,
}


def _hall(request: Request, code: str) -> Hall:
    hall = hall_get_for_user(user=request.user, code=code, capability=Capability.VIEW_HALL)
    if not set(user_capabilities(user=request.user, hall=hall)) & {Capability.ISSUE, Capability.HOUSEKEEP}:
        raise Forbidden(_("Your role does not work on the hotel's rooms and requests."))
    return hall


class GuestRequestsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="The hall's guest requests (HOTEL03)",
        description="Open ones oldest first, or finished ones newest first; each with the minutes taken and "
        "whether it is past its kind's target.",
        parameters=[SHOW, DEPARTMENT],
        responses={200: GuestRequestSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        show = "done" if request.query_params.get("show") == "done" else "open"
        rows = selectors_stay.guest_requests(
            hall=hall_obj, show=show, department=request.query_params.get("department", "")
        )[:500]
        now = timezone.now()
        return Response(GuestRequestSerializer([request_row(r, now=now) for r in rows], many=True).data)

    @extend_schema(
        tags=["hotel"],
        summary="Log a guest's request (HOTEL03)",
        description="The kind's name, department and target minutes come from the hotel pack; a wake-up call "
        "needs `due_at`. The same `request_key` logs once.",
        request=GuestRequestCreateSerializer,
        responses={
            201: OpenApiResponse(GuestRequestSerializer, description="Logged."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
            422: REFUSED,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        data = parse(GuestRequestCreateSerializer, request)
        reservation = selectors_stay.in_house_get(hall=hall_obj, reservation_id=data.pop("reservation"))
        logged = services_stay.guest_request_create(reservation=reservation, actor=request.user, **data)
        return Response(GuestRequestSerializer(request_row(logged, now=timezone.now())).data, status=201)


class GuestRequestMoveApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="Start, finish or cancel a guest's request (HOTEL03)",
        operation_id="hotel_guest_request_move",
        description="`action`: `start`, `done` or `cancel` (with a `reason`).",
        request=GuestRequestMoveSerializer,
        responses={
            200: GuestRequestSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
            422: REFUSED,
        },
    )
    def post(self, request: Request, hall: str, guest_request: int, action: str) -> Response:
        hall_obj = _hall(request, hall)
        found = selectors_stay.guest_request_get(hall=hall_obj, request_id=guest_request)
        data = parse(GuestRequestMoveSerializer, request)
        if action == "cancel":
            services_stay.guest_request_cancel(request=found, reason=data["reason"], actor=request.user)
        elif action in ACTIONS:
            ACTIONS[action](request=found, actor=request.user)
        else:
            raise NotFound(_("No such action."), code="not_found")
        return Response(GuestRequestSerializer(request_row(found, now=timezone.now())).data)


class RoomBoardApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="The housekeeping board: every room's status (HOTEL03)",
        responses={200: BoardRoomSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        board = selectors_stay.room_board(hall=hall_obj, today=hall_obj.local_date())
        rows = [row for floor in board for row in floor["rooms"]]
        return Response(BoardRoomSerializer(rows, many=True).data)


class RoomChangeApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="Move an in-house guest to another room (HOTEL03)",
        description="To a vacant, clean, inspected room nobody holds on the rest of the stay; the nights keep "
        "their price; the old room goes to dirty.",
        request=RoomChangeSerializer,
        responses={
            200: RoomChangeResultSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
            422: REFUSED,
        },
    )
    def post(self, request: Request, hall: str, reservation: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
        data = parse(RoomChangeSerializer, request)
        found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
        room = selectors.room_get(hall=hall_obj, room_id=data["room"])
        services_stay.room_change(reservation=found, room=room, reason=data["reason"], actor=request.user)
        result = {"reservation": found.pk, "room": room.number, "room_type": room.room_type.code}
        return Response(RoomChangeResultSerializer(result).data)
