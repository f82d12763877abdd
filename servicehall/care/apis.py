"""The care API: a hall's ratings of a day, its open dissatisfaction alerts and handling one (CARE01); the
opinion book and answering an entry (CARE06); complaints listed, recorded and read (CARE04)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import Unprocessable
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services
from .complaint_input import complaint_record_from
from .models import OpinionEntry
from .serializers import (
    AlertHandleSerializer,
    AlertSerializer,
    ComplaintDetailSerializer,
    ComplaintRecordSerializer,
    ComplaintSerializer,
    OpinionAnswerSerializer,
    OpinionSerializer,
    RatingSerializer,
)

FORBIDDEN = error_response("The user's role in the hall does not allow it (duty and service managers).")
NOT_FOUND = error_response("No such hall or alert among the user's halls.")
HANDLED = error_response("The alert has been handled already (`alert_handled`).")


def _day(raw: str | None, tz: dt.tzinfo) -> dt.date:
    if not raw:
        return timezone.localdate(timezone=tz)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Unprocessable(_("Give the day as YYYY-MM-DD."), code="bad_day") from None


class RatingsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["care"],
        summary="A hall's ratings of one day (CARE01)",
        description=(
            "The presses on the counters' rating pads and the ticket pages on one day (the hall's today by "
            "default), newest first: ticket, counter, clerk, business and work orders, never the customer."
        ),
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, description="The day, YYYY-MM-DD.")],
        responses={200: RatingSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.HANDLE_CARE)
        ratings = selectors.ratings_of_day(hall=hall_obj, day=_day(request.query_params.get("day"), hall_obj.tz))
        return Response(RatingSerializer(ratings.prefetch_related("orders"), many=True).data)


class AlertsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["care"],
        summary="A hall's open dissatisfaction alerts (CARE01)",
        description="Alerts raised by 不满意 and not yet handled, the escalated ones included, oldest first.",
        responses={200: AlertSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.HANDLE_CARE)
        return Response(AlertSerializer(selectors.open_alerts(hall=hall_obj), many=True).data)


class AlertHandleApi(ServiceHallAPIView):
    @extend_schema(
        tags=["care"],
        summary="Record what was done about a dissatisfied customer (CARE01)",
        request=AlertHandleSerializer,
        responses={
            200: OpenApiResponse(AlertSerializer, description="Handled."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: HANDLED,
        },
    )
    def post(self, request: Request, hall: str, alert: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.HANDLE_CARE)
        data = parse(AlertHandleSerializer, request)
        handled = services.alert_handle(
            alert=selectors.alert_get(hall=hall_obj, alert_id=alert),
            actor=request.user,
            action=data["action"],
            note=data["note"],
        )
        return Response(AlertSerializer(handled).data)


ANSWERED = error_response("The entry has been answered already (`answered_already`).")


class OpinionsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["care"],
        summary="A hall's opinion book (CARE06)",
        description="Entries waiting for an answer first (by due time), then the latest answered; phones masked.",
        responses={200: OpinionSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.HANDLE_CARE)
        entries = [row["entry"] for row in selectors.opinion_rows(hall=hall_obj)]
        return Response(OpinionSerializer(entries, many=True).data)


class OpinionAnswerApi(ServiceHallAPIView):
    @extend_schema(
        tags=["care"],
        summary="Answer an opinion book entry (CARE06)",
        description="The customer reads the answer with the entry's code. An entry is answered once.",
        request=OpinionAnswerSerializer,
        responses={
            200: OpinionSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: ANSWERED,
        },
    )
    def post(self, request: Request, hall: str, entry: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.HANDLE_CARE)
        data = parse(OpinionAnswerSerializer, request)
        found: OpinionEntry = selectors.opinion_get(hall=hall_obj, entry_id=entry)
        answered = services.opinion_answer(entry=found, actor=request.user, answer=data["answer"])
        return Response(OpinionSerializer(answered).data)


COMPLAINT_NOT_FOUND = error_response("No such hall, complaint or linked record among the user's halls.")


class ComplaintsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["care"],
        summary="A hall's complaints (CARE04)",
        description=(
            "The open and answered complaints by what is due first (`show=all`: every complaint, newest first); "
            "the customer's name and phone masked."
        ),
        parameters=[OpenApiParameter("show", OpenApiTypes.STR, enum=["open", "all"])],
        responses={200: ComplaintSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.HANDLE_CARE)
        show = "all" if request.query_params.get("show") == "all" else "open"
        return Response(ComplaintSerializer(selectors.complaint_rows(hall=hall_obj, show=show), many=True).data)

    @extend_schema(
        tags=["care"],
        summary="Record a complaint (CARE04)",
        description=(
            "Any member who meets customers records a complaint in the customer's words with the summary read "
            "back to them; `confirmed` must be true. The category's working hours set when it is due. The same "
            "`request_key` twice answers the first complaint."
        ),
        request=ComplaintRecordSerializer,
        responses={
            201: ComplaintDetailSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: COMPLAINT_NOT_FOUND,
            422: error_response("Not confirmed, an unknown category, a bad phone or a link of another hall."),
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        data = parse(ComplaintRecordSerializer, request)
        complaint = complaint_record_from(hall=hall_obj, actor=request.user, data=data, confirmed=data["confirmed"])
        detail = selectors.complaint_detail(selectors.complaint_get(hall=hall_obj, complaint_id=complaint.pk))
        return Response(ComplaintDetailSerializer(detail).data, status=201)


class ComplaintApi(ServiceHallAPIView):
    @extend_schema(
        tags=["care"],
        summary="One complaint with its history (CARE04)",
        description="The customer's words, the summary, the clock and the history; every read is logged.",
        responses={200: ComplaintDetailSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: COMPLAINT_NOT_FOUND},
    )
    def get(self, request: Request, hall: str, complaint: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.HANDLE_CARE)
        found = selectors.complaint_get(hall=hall_obj, complaint_id=complaint)
        services.complaint_opened(complaint=found, actor=request.user)
        return Response(ComplaintDetailSerializer(selectors.complaint_detail(found)).data)
