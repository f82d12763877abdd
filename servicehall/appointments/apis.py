"""The appointments API (APT01): a hall's bookings of a day and booking for a customer (staff), and the free
slots of an appointment type on a day."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import (
    BAD_INPUT,
    UNAUTHENTICATED,
    PublicAPIView,
    ServiceHallAPIView,
    error_response,
    parse,
)
from servicehall.core.dates import day_or_today
from servicehall.core.throttling import throttle_anonymous_issue
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user
from servicehall.queueing import selectors as queue_selectors

from . import selectors, services
from .checkin import check_in_by_entry, check_in_message
from .presentation import booking_row
from .serializers import (
    BookingCreateSerializer,
    BookingSerializer,
    CheckInInputSerializer,
    CheckInSerializer,
    SlotSerializer,
)
from .slots import day_slots

FORBIDDEN = error_response("The user's role in the hall does not allow it.")
NOT_FOUND = error_response("No such hall or appointment type among the user's halls.")
REFUSED = error_response(
    "A rule refused the booking: `slot_full`, `too_many_open` (409); `too_soon`, `beyond_horizon`, "
    "`hall_closed`, `not_a_slot`, `bad_phone`, `name_missing`, `no_show_block` (422)."
)
DAY = OpenApiParameter("day", OpenApiTypes.DATE, description="The day, YYYY-MM-DD (the hall's today by default).")


class BookingsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["appointments"],
        summary="A hall's bookings of one day (APT01)",
        description="Every booking starting on the day, by time; phones masked.",
        parameters=[DAY],
        responses={200: BookingSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        bookings = selectors.bookings_of_day(
            hall=hall_obj, day=day_or_today(request.query_params.get("day"), hall_obj.tz)
        )
        return Response(BookingSerializer([booking_row(b) for b in bookings], many=True).data)

    @extend_schema(
        tags=["appointments"],
        summary="Book for a customer who called or is at the counter (APT01)",
        description="The customer gets a text message with the booking code. The same `request_key` books once.",
        request=BookingCreateSerializer,
        responses={
            201: OpenApiResponse(BookingSerializer, description="Booked."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
            422: REFUSED,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
        data = parse(BookingCreateSerializer, request)
        booking = services.booking_create(
            appointment_type=selectors.type_get(hall=hall_obj, type_id=data["type"]),
            starts_at=data["starts_at"],
            name=data["name"],
            phone=data["phone"],
            channel=data["channel"],
            notes=data["notes"],
            request_key=data["request_key"],
            actor=request.user,
        )
        return Response(BookingSerializer(booking_row(booking)).data, status=201)


class SlotsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["appointments"],
        summary="The slots of an appointment type on one day (APT01)",
        description=(
            "Every slot of the day within opening hours with its places and how many are free; none on a weekend, "
            "a holiday or blackout day, or beyond the booking horizon. `bookable` is false when full or too soon."
        ),
        parameters=[DAY],
        responses={200: SlotSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str, type: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        appointment_type = selectors.type_get(hall=hall_obj, type_id=type)
        slots = day_slots(appointment_type, day_or_today(request.query_params.get("day"), hall_obj.tz))
        rows = [
            {
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "capacity": s.capacity,
                "free": s.free,
                "bookable": s.bookable,
            }
            for s in slots
        ]
        return Response(SlotSerializer(rows, many=True).data)


class BookingCancelApi(ServiceHallAPIView):
    @extend_schema(
        tags=["appointments"],
        summary="Cancel a booking for the customer (APT01)",
        description="Until the type's cut-off before the slot; the customer gets a text message.",
        request=None,
        responses={
            200: OpenApiResponse(BookingSerializer, description="Cancelled."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error_response("Past the cut-off (`past_cutoff`) or no longer open (`not_open`)."),
        },
    )
    def post(self, request: Request, hall: str, booking: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
        found = selectors.booking_get(hall=hall_obj, booking_id=booking)
        return Response(BookingSerializer(booking_row(services.booking_cancel(booking=found, actor=request.user))).data)


class CheckInApi(PublicAPIView):
    @extend_schema(
        tags=["appointments"],
        summary="Check in with a booking at the kiosk (APT02)",
        description=(
            "A public hall's kiosk needs no sign-in (as for taking a number); otherwise a member of the hall who "
            "may issue tickets. Within the check-in window the ticket has the appointment's priority; later the "
            "same day it is an ordinary ticket (`late`). Checking in again returns the same ticket (`again`)."
        ),
        request=CheckInInputSerializer,
        responses={
            201: OpenApiResponse(CheckInSerializer, description="Checked in."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            404: error_response("No booking has this code, or the number has no booking today (`no_booking`)."),
            409: error_response(
                "Cancelled (`cancelled`), or the number has several bookings today (`several_bookings`, with "
                "`choices`: booking, time, business; send the chosen `booking`)."
            ),
            422: error_response("Too early (`too_early`), another day (`other_day`, `past`), unreadable entry."),
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = queue_selectors.screen_hall_get(user=request.user, code=hall, capability=Capability.ISSUE)
        data = parse(CheckInInputSerializer, request)
        throttle_anonymous_issue(request)
        result = check_in_by_entry(
            hall=hall_obj, entry=data["entry"], booking_id=data.get("booking"), actor=request.user
        )
        payload = {
            "ticket": result.ticket.number,
            "ticket_id": result.ticket.pk,
            "kind": result.ticket.kind,
            "late": result.late,
            "again": result.again,
            "message": check_in_message(result.booking),
            "track_url": request.build_absolute_uri(reverse("queueing:track", kwargs={"ticket": result.ticket.pk})),
        }
        return Response(CheckInSerializer(payload).data, status=201)
