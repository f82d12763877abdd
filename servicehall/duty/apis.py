"""The duty API (STAFF01, STAFF03): today's pre-shift checklist, morning meetings, the week's roster."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import Forbidden, Unprocessable
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_can

from . import selectors, services
from .serializers import (
    ChecklistSerializer,
    MeetingInputSerializer,
    MeetingSerializer,
    RosterEntrySerializer,
    RosterInputSerializer,
    TickSerializer,
)

C = Capability
FORBIDDEN = error_response("The user's role in the hall does not allow this.")
NOT_FOUND = error_response("No such hall (or roster entry) among the user's halls.")
CONFLICT = error_response("Refused in this state: no checklist in the hall, counter or member already rostered.")
UNPROCESSABLE = error_response("A rule refused it: unknown step, member, shift or counter, a day gone by.")


def _planner(request: Request, hall: str) -> Hall:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.VIEW_HALL)
    if not user_can(user=request.user, hall=hall_obj, capability=C.MANAGE_QUEUE):
        raise Forbidden(_("Only the duty manager or the hall administrator may do this."))
    return hall_obj


def _checklist(hall: Hall, user: object) -> dict[str, object]:
    check = selectors.preshift_today(hall=hall, staff=user)
    return {
        "day": hall.local_date(),
        "required_before_opening": selectors.checklist_required(hall=hall),
        "steps": selectors.steps(hall=hall),
        "ticked": check.steps if check else [],
        "done_at": check.done_at if check else None,
    }


class ChecklistApi(ServiceHallAPIView):
    @extend_schema(
        tags=["duty"],
        summary="The signed-in person's pre-shift checklist of today (STAFF01)",
        responses={200: ChecklistSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.SERVE)
        return Response(ChecklistSerializer(_checklist(hall_obj, request.user)).data)

    @extend_schema(
        tags=["duty"],
        summary="Tick steps of today's pre-shift checklist (STAFF01)",
        description="Ticking a step again changes nothing; once every step is ticked the counter may open.",
        request=TickSerializer,
        responses={
            200: ChecklistSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.SERVE)
        data = parse(TickSerializer, request)
        services.preshift_tick(hall=hall_obj, staff=request.user, steps=data["steps"], actor=request.user)
        return Response(ChecklistSerializer(_checklist(hall_obj, request.user)).data)


class MeetingsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["duty"],
        summary="Past morning meetings with attendance (STAFF01)",
        responses={200: MeetingSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.VIEW_HALL)
        return Response(MeetingSerializer(selectors.meetings(hall=hall_obj), many=True).data)

    @extend_schema(
        tags=["duty"],
        summary="Record a morning meeting (STAFF01)",
        description="The duty manager or hall administrator; who led it counts as present.",
        request=MeetingInputSerializer,
        responses={
            201: MeetingSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _planner(request, hall)
        data = parse(MeetingInputSerializer, request)
        meeting = services.meeting_record(
            hall=hall_obj,
            actor=request.user,
            data=services.MeetingInput(
                day=data.get("day") or hall_obj.local_date(),
                led_by_id=data["led_by"],
                topics=data["topics"],
                notes=data.get("notes", ""),
                present_ids=data.get("present", []),
                absent_ids=data.get("absent", []),
            ),
        )
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


def _week(raw: str | None, default: dt.date) -> dt.date:
    if not raw:
        return selectors.week_start(default)
    try:
        return selectors.week_start(dt.date.fromisoformat(raw))
    except ValueError:
        raise Unprocessable(_("Please enter a date like 2026-05-01."), code="bad_date") from None


class RosterApi(ServiceHallAPIView):
    @extend_schema(
        tags=["duty"],
        summary="A week's roster, Monday to Sunday (STAFF03)",
        parameters=[
            OpenApiParameter("week", OpenApiTypes.DATE, description="Any day of the week; this week by default.")
        ],
        responses={
            200: RosterEntrySerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.VIEW_HALL)
        start = _week(request.query_params.get("week"), hall_obj.local_date())
        entries = selectors.roster_between(hall=hall_obj, start=start, end=start + dt.timedelta(days=6))
        return Response(RosterEntrySerializer(entries, many=True).data)

    @extend_schema(
        tags=["duty"],
        summary="Put a member on a shift at a counter (STAFF03)",
        description="The duty manager or hall administrator. Times are the hall's local time.",
        request=RosterInputSerializer,
        responses={
            201: RosterEntrySerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _planner(request, hall)
        data = parse(RosterInputSerializer, request)
        entry = services.roster_add(
            hall=hall_obj,
            actor=request.user,
            data=services.RosterInput(
                day=data["day"],
                shift_id=data["shift"],
                member_id=data["member"],
                counter_id=data["counter"],
                break_start=data.get("break_start"),
            ),
        )
        return Response(RosterEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class RosterEntryApi(ServiceHallAPIView):
    @extend_schema(
        tags=["duty"],
        summary="Take an entry off the roster (STAFF03)",
        responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 422: UNPROCESSABLE},
    )
    def delete(self, request: Request, hall: str, entry: int) -> Response:
        hall_obj = _planner(request, hall)
        services.roster_remove(hall=hall_obj, actor=request.user, entry_id=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)
