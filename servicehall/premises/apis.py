"""The premises' API (SITE01, SITE02, SITE03): a hall's patrols, submitting one, rectifications and their steps;
the equipment register, its faults and repairs."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, selectors_equipment, services, services_equipment
from .serializers import (
    EquipmentAddSerializer,
    EquipmentDetailSerializer,
    EquipmentSerializer,
    EquipmentStepSerializer,
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


# --- the equipment register (SITE03) ---------------------------------------------------------------

EQUIPMENT_FORBIDDEN = error_response(
    "The user's role does not allow this (keeping the register needs PATROL or MANAGE_SAFETY)."
)
EQUIPMENT_NOT_FOUND = error_response("No such hall or equipment among the user's halls.")
EQUIPMENT_CONFLICT = error_response("The asset number is taken, or the equipment's status does not allow this step.")
EQUIPMENT_UNPROCESSABLE = error_response("A rule refused it: a missing name, expiry, vendor or date, a bad cost.")


def _detail(equipment: object) -> dict[str, object]:
    row = selectors_equipment.equipment_detail(equipment=equipment)  # type: ignore[arg-type]
    row["faults"] = selectors_equipment.faults(equipment=equipment)  # type: ignore[arg-type]
    return EquipmentDetailSerializer(row).data


class EquipmentListApi(ServiceHallAPIView):
    @extend_schema(
        tags=["premises"],
        summary="The hall's equipment register, items with warnings first (SITE03)",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, description="Only this kind (pc, kiosk, extinguisher, …)."),
            OpenApiParameter("status", OpenApiTypes.STR, description="in_service, faulty, under_repair, retired."),
        ],
        responses={200: EquipmentSerializer(many=True), 401: UNAUTHENTICATED, 404: EQUIPMENT_NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        rows = selectors_equipment.equipment_rows(
            hall=hall_obj,
            kind=request.query_params.get("kind", "")[:16],
            status=request.query_params.get("status", "")[:16],
        )
        return Response(EquipmentSerializer(rows, many=True).data)

    @extend_schema(
        tags=["premises"],
        summary="Add an item to the register (SITE03)",
        request=EquipmentAddSerializer,
        responses={
            201: EquipmentDetailSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: EQUIPMENT_FORBIDDEN,
            404: EQUIPMENT_NOT_FOUND,
            409: EQUIPMENT_CONFLICT,
            422: EQUIPMENT_UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        data = parse(EquipmentAddSerializer, request)
        equipment = services_equipment.equipment_add(
            hall=hall_obj,
            actor=request.user,
            kind=data["kind"],
            asset_number=data["asset_number"],
            name=data["name"],
            location=data.get("location", ""),
            expires_on=data.get("expires_on"),
            screen=data.get("screen", ""),
        )
        return Response(_detail(equipment), status=status.HTTP_201_CREATED)


class EquipmentApi(ServiceHallAPIView):
    @extend_schema(
        tags=["premises"],
        summary="One item of the register with its warnings and faults (SITE03)",
        responses={200: EquipmentDetailSerializer, 401: UNAUTHENTICATED, 404: EQUIPMENT_NOT_FOUND},
    )
    def get(self, request: Request, hall: str, equipment: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        return Response(_detail(selectors_equipment.equipment_get(hall=hall_obj, equipment_id=equipment)))

    @extend_schema(
        tags=["premises"],
        summary="Report a fault (anyone of the hall), send to repair, bring back into service, retire (SITE03)",
        operation_id="premises_equipment_step",
        request=EquipmentStepSerializer,
        responses={
            200: EquipmentDetailSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: EQUIPMENT_FORBIDDEN,
            404: EQUIPMENT_NOT_FOUND,
            409: EQUIPMENT_CONFLICT,
            422: EQUIPMENT_UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str, equipment: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        found = selectors_equipment.equipment_get(hall=hall_obj, equipment_id=equipment)
        data = parse(EquipmentStepSerializer, request)
        action = data["action"]
        if action == "report":
            services_equipment.equipment_fault_report(
                equipment=found, actor=request.user, description=data.get("description", "")
            )
        elif action == "repair":
            services_equipment.equipment_repair_send(
                equipment=found,
                actor=request.user,
                vendor=data.get("vendor", ""),
                sent_on=data.get("sent_on"),
                expected_back=data.get("expected_back"),
                cost=data.get("cost"),
                notes=data.get("notes", ""),
            )
        elif action == "back":
            services_equipment.equipment_back_in_service(
                equipment=found, actor=request.user, note=data.get("note", ""), cost=data.get("cost")
            )
        else:
            services_equipment.equipment_retire(equipment=found, actor=request.user, note=data.get("note", ""))
        found.refresh_from_db()
        return Response(_detail(found))
