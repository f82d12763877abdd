"""The cashdesk API (CASH01-CASH04): the caller's drawer, suspect notes, handovers, the daily settlement.

Every call names the hall by its code; a hall the caller has no role in is 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import Conflict, NotFound
from servicehall.org import selectors as org_selectors
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services
from .models import DrawerSession
from .serializers import (
    DrawerCloseInputSerializer,
    DrawerOpenInputSerializer,
    DrawerSerializer,
    HandoverInputSerializer,
    HandoverSerializer,
    HandoverSignInputSerializer,
    SettlementCloseInputSerializer,
    SettlementSerializer,
    SuspectNoteInputSerializer,
    SuspectNoteSerializer,
)

C = Capability
FORBIDDEN = error_response("The user's role in the hall does not allow it, or the drawer/handover is not theirs.")
NOT_FOUND = error_response("No such hall, counter, drawer or handover in the user's halls.")
NO_DRAWER = error_response("The caller has no open drawer in the hall (`no_open_drawer`).")
DRAWER_CONFLICT = error_response(
    "The counter or the clerk already has an open drawer (`counter_busy`, `drawer_already_open`), the drawer is "
    "closed (`drawer_closed`) or being handed over (`handover_pending`), or the day is closed (`day_closed`)."
)
COUNT_REFUSED = error_response(
    "A count is wrong (`bad_count`, `unknown_denomination`), or a difference lacks its note or explanation "
    "(`note_required`, `explanation_required`)."
)
HANDOVER_CONFLICT = error_response(
    "The handover was signed by both and can no longer change (`handover_signed`), or the drawer was already "
    "handed over (`handover_exists`)."
)
SETTLEMENT_CONFLICT = error_response(
    "A drawer of the day is still open (`drawers_open`) or the settlement is already closed (`settlement_closed`)."
)


def _hall(request: Request, code: str, capability: str) -> Hall:
    return hall_get_for_user(user=request.user, code=code, capability=capability)


def _my_drawer(request: Request, hall: Hall) -> DrawerSession:
    session = selectors.drawer_open_for(hall=hall, clerk=request.user)
    if session is None:
        raise Conflict(_("You have no open cash drawer in this hall."), code="no_open_drawer")
    return session


def _drawer_data(session: DrawerSession) -> dict[str, Any]:
    """The drawer with its movements and its expected balance (live while open)."""
    session.expected_now = (  # type: ignore[attr-defined]
        session.expected if session.expected is not None else selectors.drawer_expected(session=session)
    )
    session.movement_rows = list(selectors.drawer_movements(session=session))  # type: ignore[attr-defined]
    return dict(DrawerSerializer(session).data)


def _day(raw: str) -> datetime.date:
    return selectors.day_parse(raw)


class DrawerApi(ServiceHallAPIView):
    @extend_schema(
        tags=["cashdesk"],
        summary="The caller's open drawer in the hall, with its live expected balance (CASH01)",
        responses={200: DrawerSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: NO_DRAWER},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall, C.SERVE)
        return Response(_drawer_data(_my_drawer(request, hall_obj)))


class DrawerOpenApi(ServiceHallAPIView):
    @extend_schema(
        tags=["cashdesk"],
        summary="Open the caller's drawer at a counter with a float counted by denomination (CASH01)",
        request=DrawerOpenInputSerializer,
        responses={
            201: DrawerSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: DRAWER_CONFLICT,
            422: COUNT_REFUSED,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall, C.SERVE)
        data = parse(DrawerOpenInputSerializer, request)
        counter = org_selectors.counter_in_hall(hall=hall_obj, number=data["counter"])
        if counter is None:
            raise NotFound(_("There is no such counter."))
        session = services.drawer_open(hall=hall_obj, counter=counter, clerk=request.user, counts=data["counts"])
        return Response(_drawer_data(session), status=status.HTTP_201_CREATED)


class DrawerCloseApi(ServiceHallAPIView):
    @extend_schema(
        tags=["cashdesk"],
        summary="Close the caller's drawer: count by denomination; the difference is recorded (CASH01)",
        request=DrawerCloseInputSerializer,
        responses={
            200: DrawerSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: DRAWER_CONFLICT,
            422: COUNT_REFUSED,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall, C.SERVE)
        data = parse(DrawerCloseInputSerializer, request)
        session = services.drawer_close(
            session=_my_drawer(request, hall_obj), actor=request.user, counts=data["counts"], note=data["note"]
        )
        return Response(_drawer_data(session))


class SuspectNotesApi(ServiceHallAPIView):
    @extend_schema(
        tags=["cashdesk"],
        summary="The suspect banknotes recorded at the caller's open drawer (CASH02)",
        responses={
            200: SuspectNoteSerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: NO_DRAWER,
        },
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall, C.SERVE)
        notes = selectors.suspect_notes_for_session(session=_my_drawer(request, hall_obj))
        return Response(SuspectNoteSerializer(notes, many=True).data)

    @extend_schema(
        tags=["cashdesk"],
        summary="Record a refused suspect banknote; it never enters the drawer's balance (CASH02)",
        request=SuspectNoteInputSerializer,
        responses={
            201: SuspectNoteSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: NO_DRAWER,
            422: error_response("Unknown denomination (`unknown_denomination`) or bad serial (`bad_serial`)."),
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall, C.SERVE)
        data = parse(SuspectNoteInputSerializer, request)
        note = services.suspect_note_record(session=_my_drawer(request, hall_obj), actor=request.user, **data)
        return Response(SuspectNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class HandoversApi(ServiceHallAPIView):
    @extend_schema(
        tags=["cashdesk"],
        summary="Hand the caller's drawer over: count and sign with the caller's own login (CASH03)",
        request=HandoverInputSerializer,
        responses={
            201: HandoverSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: HANDOVER_CONFLICT,
            422: COUNT_REFUSED,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall, C.SERVE)
        data = parse(HandoverInputSerializer, request)
        incoming = org_selectors.hall_member_get(hall=hall_obj, user_id=data["incoming"])
        handover = services.handover_start(
            session=_my_drawer(request, hall_obj),
            actor=request.user,
            incoming=incoming,
            counts=data["counts"],
            explanation=data["explanation"],
            takes_drawer=data["takes_drawer"],
        )
        return Response(HandoverSerializer(handover).data, status=status.HTTP_201_CREATED)


class HandoverSignApi(ServiceHallAPIView):
    @extend_schema(
        tags=["cashdesk"],
        summary="The incoming clerk or shift leader counts and signs with his own login (CASH03)",
        description="The outgoing clerk can never sign here (403 `same_signer`); once both signed, 409.",
        request=HandoverSignInputSerializer,
        responses={
            200: HandoverSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: HANDOVER_CONFLICT,
            422: COUNT_REFUSED,
        },
    )
    def post(self, request: Request, handover_id: int) -> Response:
        handover = selectors.handover_get_for_user(user=request.user, handover_id=handover_id)
        data = parse(HandoverSignInputSerializer, request)
        signed = services.handover_sign(
            handover=handover, actor=request.user, counts=data["counts"], explanation=data["explanation"]
        )
        return Response(HandoverSerializer(signed).data)


def _settlement_data(hall: Hall, day: datetime.date) -> dict[str, Any]:
    settlement = selectors.settlement_get(hall=hall, day=day)
    summary = selectors.settlement_summary(hall=hall, day=day)
    return {
        "day": day,
        "status": summary["status"],
        "closed_at": settlement.closed_at if settlement is not None else None,
        "summary": summary,
    }


class SettlementApi(ServiceHallAPIView):
    @extend_schema(
        tags=["cashdesk"],
        summary="The daily settlement of a hall's local day, per hall and per clerk (CASH04)",
        responses={200: SettlementSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str, day: str) -> Response:
        hall_obj = _hall(request, hall, C.APPROVE_MONEY)
        return Response(SettlementSerializer(_settlement_data(hall_obj, _day(day))).data)


class SettlementCloseApi(ServiceHallAPIView):
    @extend_schema(
        tags=["cashdesk"],
        summary="Close the day: every drawer must be closed; the day's money records are locked (CASH04)",
        request=SettlementCloseInputSerializer,
        responses={
            200: SettlementSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: SETTLEMENT_CONFLICT,
            422: error_response("The day has not started yet (`future_day`)."),
        },
    )
    def post(self, request: Request, hall: str, day: str) -> Response:
        hall_obj = _hall(request, hall, C.APPROVE_MONEY)
        day_obj = _day(day)
        data = parse(SettlementCloseInputSerializer, request)
        services.settlement_close(hall=hall_obj, day=day_obj, actor=request.user, note=data["note"])
        return Response(SettlementSerializer(_settlement_data(hall_obj, day_obj)).data)
