"""The premises' API (SITE01, SITE02): a hall's patrols, submitting one, rectifications and their steps."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services
from .serializers import (
    PatrolDetailSerializer,
    PatrolSerializer,
    PatrolSubmitSerializer,
    RectificationSerializer,
    RectificationStepSerializer,
)

FORBIDDEN = error_response("The user's role does not allow this (patrolling needs the PATROL capability).")
NOT_FOUND = error_response("No such hall, checklist or rectification among the user's halls.")
REFUSED = error_response("The rectification is not in a status that allows this step.")
UNPROCESSABLE = error_response("A rule refused it: an item unanswered, a failure without a note, a bad owner.")


class PatrolsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["premises"],
        summary="A hall's latest patrols with their scores (SITE02)",
        responses={200: PatrolSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        return Response(PatrolSerializer(selectors.patrols(hall=hall_obj), many=True).data)

    @extend_schema(
        tags=["premises"],
        summary="Submit a patrol (SITE02, SAFE01)",
        description=(
            "Every item of the checklist answered pass or fail; a failure needs a note and opens a rectification "
            "for its owner (the duty manager by default). Items the system checks (the cash drawers) are computed. "
            "All or nothing; the same request_key again answers the first patrol. Photos: use the tablet page."
        ),
        request=PatrolSubmitSerializer,
        responses={
            201: PatrolDetailSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        data = parse(PatrolSubmitSerializer, request)
        answers = {
            int(a["item"]): services.ItemAnswer(passed=a["passed"], note=a.get("note", ""), owner_id=a.get("owner"))
            for a in data["answers"]
        }
        patrol = services.patrol_submit(
            hall=hall_obj,
            actor=request.user,
            template_id=data["template"],
            round_id=data.get("round"),
            answers=answers,
            request_key=data.get("request_key", ""),
        )
        return Response(PatrolDetailSerializer(patrol).data, status=status.HTTP_201_CREATED)


class RectificationsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["premises"],
        summary="A hall's rectifications still to be put right or verified, overdue first (SITE02)",
        parameters=[OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only the signed-in user's.")],
        responses={200: RectificationSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        mine = request.query_params.get("mine") in ("1", "true")
        rows = selectors.rectifications(hall=hall_obj, owner=request.user if mine else None, pending_only=True)
        return Response(RectificationSerializer(rows[:200], many=True).data)


class RectificationStepApi(ServiceHallAPIView):
    @extend_schema(
        tags=["premises"],
        summary="Close (the owner), verify or reject (the patroller) a rectification (SITE02)",
        request=RectificationStepSerializer,
        responses={
            200: RectificationSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str, rectification: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        found = selectors.rectification_get(hall=hall_obj, rectification_id=rectification)
        data = parse(RectificationStepSerializer, request)
        if data["action"] == "close":
            found = services.rectification_close(rectification=found, actor=request.user, note=data.get("note", ""))
        elif data["action"] == "verify":
            found = services.rectification_verify(rectification=found, actor=request.user)
        else:
            found = services.rectification_reject(
                rectification=found, actor=request.user, reason=data.get("reason", "")
            )
        return Response(RectificationSerializer(found).data)
