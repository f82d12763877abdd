"""The safety API (SAFE02–04): key copies and their holders, issue / return / confirm with two signatures,
incidents (report, add an entry, list), who is overdue for a drill."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services
from .models import Incident, IncidentEntry
from .serializers import (
    HandoverConfirmSerializer,
    IncidentEntryAddSerializer,
    IncidentEntrySerializer,
    IncidentReportSerializer,
    IncidentSerializer,
    KeyCopySerializer,
    KeyHandoverSerializer,
    KeyHandoverStartSerializer,
    OverdueSerializer,
)

TAGS = ["safety"]
FORBIDDEN = error_response("The user has no role in the hall, or the role may not do this.")
NOT_FOUND = error_response("No such hall, key copy, handover or incident among the user's halls.")
CONFLICT = error_response("The copy is held, void or has a handover waiting; the incident is closed.")
UNPROCESSABLE = error_response("A rule refused the input: unknown receiver, kind, empty text, a time ahead.")
ERRORS = {400: BAD_INPUT, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT, 422: UNPROCESSABLE}


def _hall(request: Request, code: str) -> Hall:
    return hall_get_for_user(user=request.user, code=code, capability=Capability.VIEW_HALL)


class KeysApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The hall's key copies and who holds each now (SAFE02)",
        responses={200: KeyCopySerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        return Response(KeyCopySerializer(selectors.copies(hall=_hall(request, hall)), many=True).data)


class KeyIssueApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Issue a key copy to a staff member (SAFE02)",
        description="A safety manager signs as giver; the copy changes hands when the receiver confirms.",
        request=KeyHandoverStartSerializer,
        responses={201: KeyHandoverSerializer, **ERRORS},
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        data = parse(KeyHandoverStartSerializer, request)
        handover = services.key_issue(
            copy=selectors.copy_get(hall=hall_obj, copy_id=data["copy"]),
            actor=request.user,
            receiver_id=data["receiver"],
        )
        return Response(KeyHandoverSerializer(handover).data, status=status.HTTP_201_CREATED)


class KeyReturnApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Return a key copy to a safety manager (SAFE02)",
        description="The holder signs as giver; the copy is back in the cabinet when the safety manager confirms.",
        request=KeyHandoverStartSerializer,
        responses={201: KeyHandoverSerializer, **ERRORS},
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        data = parse(KeyHandoverStartSerializer, request)
        handover = services.key_return(
            copy=selectors.copy_get(hall=hall_obj, copy_id=data["copy"]),
            actor=request.user,
            receiver_id=data["receiver"],
        )
        return Response(KeyHandoverSerializer(handover).data, status=status.HTTP_201_CREATED)


class KeyConfirmApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The receiver confirms a key handover with their own login (SAFE02)",
        request=HandoverConfirmSerializer,
        responses={200: KeyHandoverSerializer, **ERRORS},
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        data = parse(HandoverConfirmSerializer, request)
        handover = services.handover_confirm(
            handover=selectors.handover_get(hall=hall_obj, handover_id=data["handover"]), actor=request.user
        )
        return Response(KeyHandoverSerializer(handover).data)


def _with_entries(hall: Hall):  # type: ignore[no-untyped-def]
    return selectors.incidents(hall=hall).prefetch_related(
        Prefetch("entries", queryset=IncidentEntry.objects.select_related("written_by").order_by("written_at", "id"))
    )


class IncidentsApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The hall's incidents with their entries, newest first (SAFE03)",
        description="For the hall's staff only: the text may name people.",
        responses={200: IncidentSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        return Response(IncidentSerializer(_with_entries(_hall(request, hall))[:200], many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Report an incident at once (SAFE03)",
        description=(
            "Any staff member of the hall; the duty managers' consoles show it with a chime. It cannot be edited."
        ),
        request=IncidentReportSerializer,
        responses={201: IncidentSerializer, **ERRORS},
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        data = parse(IncidentReportSerializer, request)
        occurred = data["occurred_at"]
        if timezone.is_naive(occurred):
            occurred = occurred.replace(tzinfo=hall_obj.tz)
        incident = services.incident_report(
            hall=hall_obj,
            actor=request.user,
            kind=data["kind"],
            occurred_at=occurred,
            place=data["place"],
            description=data["description"],
        )
        found: Incident = _with_entries(hall_obj).get(pk=incident.pk)
        return Response(IncidentSerializer(found).data, status=status.HTTP_201_CREATED)


class IncidentEntriesApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Add a later fact, a follow-up action or the conclusion to an incident (SAFE03)",
        description="Append-only; the conclusion closes the incident and is written by a safety manager.",
        request=IncidentEntryAddSerializer,
        responses={201: IncidentEntrySerializer, **ERRORS},
    )
    def post(self, request: Request, hall: str, incident: int) -> Response:
        hall_obj = _hall(request, hall)
        found = selectors.incident_get(hall=hall_obj, incident_id=incident)
        data = parse(IncidentEntryAddSerializer, request)
        entry = services.incident_add_entry(incident=found, actor=request.user, kind=data["kind"], text=data["text"])
        return Response(IncidentEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class DrillsOverdueApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Who is overdue for a required drill or training (SAFE04)",
        responses={200: OverdueSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        rows = [
            {
                "member": row.member.get_full_name() or row.member.get_username(),
                "member_id": row.member.pk,
                "kind": row.kind.code,
                "kind_name": row.kind.name,
                "last_passed": row.last_passed,
                "due": row.due,
            }
            for row in selectors.overdue(hall=_hall(request, hall))
        ]
        return Response(OverdueSerializer(rows, many=True).data)
