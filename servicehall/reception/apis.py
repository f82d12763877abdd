"""The business visitors' API (APT04): meeting rooms, a day's visits, planning one, reading one."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import Unprocessable
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services
from .serializers import MeetingRoomSerializer, VisitDetailSerializer, VisitPlanSerializer, VisitSerializer

FORBIDDEN = error_response("The user has no role in the hall.")
NOT_FOUND = error_response("No such hall or visit among the user's halls.")
REFUSED = error_response("The room is booked at that time (`room_booked`).")
UNPROCESSABLE = error_response("A rule refused the plan: time over, room too small, unknown host or level.")


def _day(raw: str | None, default: dt.date) -> dt.date:
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Unprocessable(_("Give the day as YYYY-MM-DD."), code="bad_day") from None


class RoomsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["reception"],
        summary="A hall's meeting rooms (APT04)",
        responses={200: MeetingRoomSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        return Response(MeetingRoomSerializer(selectors.rooms(hall=hall_obj), many=True).data)


class VisitsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["reception"],
        summary="A day's business visits (APT04)",
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, description="YYYY-MM-DD; the hall's today by default.")],
        responses={200: VisitSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        day = _day(request.query_params.get("day"), hall_obj.local_date())
        return Response(VisitSerializer(selectors.visits_between(hall=hall_obj, start=day, end=day), many=True).data)

    @extend_schema(
        tags=["reception"],
        summary="Plan a business visit (APT04)",
        description=(
            "A draft visit; its meeting room is booked at once (never twice for overlapping times). Times are the "
            "hall's local time."
        ),
        request=VisitPlanSerializer,
        responses={
            201: VisitDetailSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        data = parse(VisitPlanSerializer, request)
        visit = services.visit_plan(
            hall=hall_obj,
            actor=request.user,
            request_key=data.get("request_key", ""),
            data=services.VisitInput(
                company=data["company"],
                purpose=data["purpose"],
                day=data["day"],
                start=data["start"],
                end=data["end"],
                host_id=data["host"],
                level_id=data["level"],
                expected_visitors=data["expected_visitors"],
                room_id=data.get("room"),
                requirements=data.get("requirements", ""),
                companions=data.get("companions", ""),
                agenda=data.get("agenda", ""),
                areas=data.get("areas", ""),
                materials=data.get("materials", ""),
                gifts=data.get("gifts", ""),
            ),
        )
        return Response(VisitDetailSerializer(visit).data, status=status.HTTP_201_CREATED)


class VisitApi(ServiceHallAPIView):
    @extend_schema(
        tags=["reception"],
        summary="One business visit with its visitors (document numbers masked) (APT04)",
        responses={200: VisitDetailSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str, visit: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        return Response(VisitDetailSerializer(selectors.visit_get(hall=hall_obj, visit_id=visit)).data)
