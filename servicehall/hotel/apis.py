"""The hotel API (HOTEL01): the rooms free on the next nights, the reservations arriving on a day, and a new
reservation (staff of the hall)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.dates import day_or_today
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services, services_folio
from .presentation import reservation_row
from .serializers import (
    AvailabilitySerializer,
    ReservationChangedSerializer,
    ReservationChangeSerializer,
    ReservationCreateSerializer,
    ReservationSerializer,
)

FORBIDDEN = error_response("The user's role in the hall does not allow it.")
NOT_FOUND = error_response("No such hall, room type or rate plan among the user's halls.")
REFUSED = error_response(
    "A rule refused the reservation: `sold_out` (409); `past_arrival`, `bad_dates`, `too_long`, `bad_guests`, "
    "`name_missing`, `bad_phone`, `card_number`, `card_missing`, `deposit_missing`, `bad_guarantee`, "
    "`bad_pos_reference`, `guarantee_needed` (422)."
)
DAY = OpenApiParameter("day", OpenApiTypes.DATE, description="The day, YYYY-MM-DD (the hall's today by default).")


class AvailabilityApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="Rooms free of each type on the next seven nights (HOTEL01)",
        parameters=[DAY],
        responses={200: AvailabilitySerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        start = day_or_today(request.query_params.get("day"), hall_obj.tz)
        rows = selectors.availability(hall=hall_obj, start=start, days=7)
        return Response(AvailabilitySerializer(rows, many=True).data)


class ReservationsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="Reservations arriving on a day (HOTEL01)",
        description="Phones masked; a card guarantee shows only the card's last four digits.",
        parameters=[DAY],
        responses={200: ReservationSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        rows = selectors.reservations_arriving(
            hall=hall_obj, day=day_or_today(request.query_params.get("day"), hall_obj.tz)
        )
        return Response(ReservationSerializer([reservation_row(r) for r in rows], many=True).data)

    @extend_schema(
        tags=["hotel"],
        summary="Take a reservation (HOTEL01)",
        description=(
            "Priced night by night from the rate plan; never more reservations than sellable rooms of the type on "
            "any night. Never send a card number: a card guarantee is the terminal's reference and the last four "
            "digits. The same `request_key` books once. `deposit` is the deposit asked for; when the guest paid it "
            "on the card terminal at booking, send `deposit_pos_reference` and it is recorded through billing "
            "(purpose `hotel_folio`) in the same transaction."
        ),
        request=ReservationCreateSerializer,
        responses={
            201: OpenApiResponse(ReservationSerializer, description="Booked."),
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
        data = parse(ReservationCreateSerializer, request)
        reservation = services_folio.reservation_book(
            hall=hall_obj,
            room_type=selectors.room_type_get(hall=hall_obj, room_type_id=data.pop("room_type")),
            rate_plan=selectors.rate_plan_get(hall=hall_obj, rate_plan_id=data.pop("rate_plan")),
            actor=request.user,
            **data,
        )
        return Response(ReservationSerializer(reservation_row(reservation)).data, status=201)


CHANGE_REFUSED = error_response(
    "A rule refused the change: `sold_out`, `not_open`, `guarantee_needed` (409); `same`, `past_arrival`, "
    "`bad_dates`, `too_long`, `beyond_horizon`, `bad_guests`, `bad_choice` (422)."
)


class ReservationChangeApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="Change a booked reservation: dates, room type, rate plan, guests (HOTEL01)",
        description=(
            "Only a reservation booked and not yet arrived. Re-quoted night by night at the plan's prices; never "
            "beyond the rooms of the type on any night (its own nights do not count twice). Past the policy's free "
            "period (`free_change_hours` before check-in time) the fee (`late_change_fee_nights`) is posted to the "
            "guest's bill. A room given before is taken back when the type or the dates change. The guarantee is "
            "checked again: a deposit guarantee's deposit asked rises to the policy's `deposit_nights` of the new "
            "quote (`deposit_raised` is the extra to take on the bill), and a booking without a guarantee is "
            "refused (`guarantee_needed`) when the new total is above the policy's `guarantee_above`."
        ),
        request=ReservationChangeSerializer,
        responses={
            200: OpenApiResponse(ReservationChangedSerializer, description="Changed."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CHANGE_REFUSED,
            422: CHANGE_REFUSED,
        },
    )
    def post(self, request: Request, hall: str, reservation: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
        found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
        data = parse(ReservationChangeSerializer, request)
        changed = services.reservation_change(
            reservation=found,
            room_type=selectors.room_type_get(hall=hall_obj, room_type_id=data["room_type"]),
            rate_plan=selectors.rate_plan_get(hall=hall_obj, rate_plan_id=data["rate_plan"]),
            arrival=data["arrival"],
            departure=data["departure"],
            guests=data["guests"],
            actor=request.user,
        )
        return Response(
            ReservationChangedSerializer(
                {**reservation_row(changed), "change_fee": changed.change_fee, "deposit_raised": changed.deposit_raised}
            ).data
        )
