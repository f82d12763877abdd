"""The staff app's API: exams (list, start, submit), results, assessment cards (list, mine, one, compute a
month, adjust) and the service manager's monthly assessment (STAFF04, STAFF05, SITE04)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import Unprocessable
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, hall_member_get

from . import presentation, selectors, services
from .models import Question
from .serializers import (
    AdjustmentSerializer,
    AdjustSerializer,
    AttemptSerializer,
    CardRowSerializer,
    CardSerializer,
    ComputeSerializer,
    ExamSerializer,
    ManagerAssessmentInputSerializer,
    ManagerAssessmentSerializer,
    ResultSerializer,
    SubmitSerializer,
)

C = Capability
TAGS = ["staff"]
FORBIDDEN = error_response("The user's role in the hall does not allow this.")
NOT_FOUND = error_response("No such hall, exam, attempt, card or assessment among the user's (another's card: 404).")
CONFLICT = error_response("Already done: the month was computed (`month_computed`) or assessed (`assessed_already`).")
UNPROCESSABLE = error_response("A rule refused it: bad month, points, reason, score or answer (code names it).")


def _hall(request: Request, hall: str, capability: str = C.VIEW_HALL) -> Hall:
    return hall_get_for_user(user=request.user, code=hall, capability=capability)


def _attempt(attempt: Any) -> dict[str, Any]:
    return presentation.attempt_view(attempt, Question.objects.in_bulk(attempt.question_ids))


def _results(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "pk": a.pk,
            "person": presentation.person_name(a.person),
            "exam": presentation.bilingual(a.exam),
            "submitted_at": a.submitted_at,
            "score": a.score,
            "passed": a.passed,
        }
        for a in rows
    ]


class ExamsApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The hall's exams, with whether the signed-in member passed each (STAFF04)",
        responses={200: ExamSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        passed = selectors.passed_exam_ids(hall=hall_obj, person=request.user)
        rows = [
            {
                "id": e.pk,
                "code": e.code,
                "name": presentation.bilingual(e),
                "course": presentation.bilingual(e.course),
                "pass_mark": e.pass_mark,
                "question_count": e.question_count,
                "minutes": e.minutes,
                "passed": e.pk in passed,
            }
            for e in selectors.exams(hall=hall_obj)
        ]
        return Response(ExamSerializer(rows, many=True).data)


class ExamStartApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Start an exam: the questions are drawn now and fixed for the attempt (STAFF04)",
        description="An attempt not yet submitted is returned again (200) instead of drawing new questions.",
        request=None,
        responses={201: AttemptSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 422: UNPROCESSABLE},
    )
    def post(self, request: Request, hall: str, exam: int) -> Response:
        hall_obj = _hall(request, hall)
        row = services.exam_start(
            hall=hall_obj, actor=request.user, exam=selectors.exam_get(hall=hall_obj, exam_id=exam)
        )
        return Response(AttemptSerializer(_attempt(row)).data, status=status.HTTP_201_CREATED)


class AttemptApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="One's own attempt: its questions, and the result once submitted (STAFF04)",
        responses={200: AttemptSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str, attempt: int) -> Response:
        hall_obj = _hall(request, hall)
        row = selectors.attempt_get_for_user(hall=hall_obj, user=request.user, attempt_id=attempt)
        return Response(AttemptSerializer(_attempt(row)).data)


class AttemptSubmitApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Submit one's answers once (STAFF04)",
        description="A second submit changes nothing and answers 200 with the result kept; the first answers 201.",
        request=SubmitSerializer,
        responses={
            200: AttemptSerializer,
            201: AttemptSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str, attempt: int) -> Response:
        hall_obj = _hall(request, hall)
        data = parse(SubmitSerializer, request)
        row = selectors.attempt_get_for_user(hall=hall_obj, user=request.user, attempt_id=attempt)
        row, new = services.exam_submit(attempt=row, actor=request.user, answers=data["answers"])
        return Response(AttemptSerializer(_attempt(row)).data, status=201 if new else 200)


class ResultsApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Everyone's exam results, for those who assess staff (STAFF04)",
        parameters=[OpenApiParameter("person", OpenApiTypes.INT, description="One member's user id.")],
        responses={200: ResultSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall, C.ASSESS_STAFF)
        person = None
        raw = request.query_params.get("person")
        if raw:
            person = hall_member_get(hall=hall_obj, user_id=int(raw)) if raw.isdigit() else None
            if person is None:
                raise Unprocessable(_("Choose a member of this hall."), code="bad_person")
        return Response(
            ResultSerializer(_results(selectors.results(hall=hall_obj, person=person)[:500]), many=True).data
        )


class MyResultsApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The signed-in member's own exam results (STAFF04)",
        responses={200: ResultSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        return Response(
            ResultSerializer(_results(selectors.results(hall=hall_obj, person=request.user)), many=True).data
        )


class CardsApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="A month's assessment cards of every clerk, for those who assess staff (STAFF05)",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM; the latest computed by default.")
        ],
        responses={
            200: CardRowSerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall, C.ASSESS_STAFF)
        default = selectors.latest_month(hall=hall_obj) or selectors.month_previous(hall_obj.local_date())
        month = selectors.parse_month(request.query_params.get("month"), default=default) or default
        scheme = selectors.scheme_for(hall=hall_obj)
        rows = [presentation.card_row(c, scheme) for c in selectors.cards_of_month(hall=hall_obj, month=month)]
        return Response(CardRowSerializer(rows, many=True).data)


class MyCardsApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The signed-in member's own assessment cards (STAFF05)",
        responses={200: CardRowSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        scheme = selectors.scheme_for(hall=hall_obj)
        rows = [presentation.card_row(c, scheme) for c in selectors.cards_of_person(hall=hall_obj, person=request.user)]
        return Response(CardRowSerializer(rows, many=True).data)


class CardApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="One assessment card with its components and adjustments (own, or any for assessors) (STAFF05)",
        responses={200: CardSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str, card: int) -> Response:
        hall_obj = _hall(request, hall)
        row = selectors.card_get_for_user(hall=hall_obj, user=request.user, card_id=card)
        return Response(CardSerializer(presentation.card_view(row, selectors.scheme_for(hall=hall_obj))).data)


class CardAdjustApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Add a commented adjustment (+/- points) to a card (STAFF05)",
        request=AdjustSerializer,
        responses={
            201: AdjustmentSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str, card: int) -> Response:
        hall_obj = _hall(request, hall, C.ASSESS_STAFF)
        data = parse(AdjustSerializer, request)
        row = selectors.card_get_for_user(hall=hall_obj, user=request.user, card_id=card)
        adjustment = services.card_adjust(card=row, actor=request.user, points=data["points"], reason=data["reason"])
        body = {
            "points": adjustment.points,
            "reason": adjustment.reason,
            "by": presentation.person_name(adjustment.by),
            "at": adjustment.at,
        }
        return Response(AdjustmentSerializer(body).data, status=status.HTTP_201_CREATED)


class ComputeApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Compute a month's assessment cards (STAFF05)",
        description="A month computed already answers 409 unless `recompute` is true (audited).",
        request=ComputeSerializer,
        responses={
            201: CardRowSerializer(many=True),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall, C.ASSESS_STAFF)
        data = parse(ComputeSerializer, request)
        month = selectors.parse_month(data["month"])
        assert month is not None
        services.assessment_month_compute(hall=hall_obj, actor=request.user, month=month, recompute=data["recompute"])
        scheme = selectors.scheme_for(hall=hall_obj)
        rows = [presentation.card_row(c, scheme) for c in selectors.cards_of_month(hall=hall_obj, month=month)]
        return Response(CardRowSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class ManagerAssessmentsApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The service manager's monthly assessments: all for the duty manager, one's own otherwise (SITE04)",
        responses={200: ManagerAssessmentSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall)
        rows = [
            presentation.manager_assessment_view(r)
            for r in selectors.manager_assessments(hall=hall_obj, user=request.user)
        ]
        return Response(ManagerAssessmentSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="The duty manager assesses a service manager's month on the pack's criteria (SITE04)",
        request=ManagerAssessmentInputSerializer,
        responses={
            201: ManagerAssessmentSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        hall_obj = _hall(request, hall, C.ASSESS_STAFF)
        data = parse(ManagerAssessmentInputSerializer, request)
        month = selectors.parse_month(data["month"])
        assert month is not None
        row = services.manager_assessment_record(
            hall=hall_obj,
            actor=request.user,
            manager_id=data["manager"],
            month=month,
            scores=data["scores"],
            comments=data.get("comments") or {},
            comment=data.get("comment", ""),
        )
        return Response(
            ManagerAssessmentSerializer(presentation.manager_assessment_view(row)).data, status=status.HTTP_201_CREATED
        )
