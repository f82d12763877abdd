"""The survey API (CARE03): a hall's results for a period, a clerk and a business; the answers recorded on a
follow-up call."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.orders import selectors as order_selectors
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors_surveys as selectors
from . import surveys
from .views_surveys import survey_filter

FORBIDDEN = error_response("The user's role in the hall does not allow it (duty and service managers).")
NOT_FOUND = error_response("No such hall or follow-up among the user's halls, or the hall has no survey.")
ANSWERED = error_response("The survey has been answered already for this ticket or order (`survey_answered`).")
UNPROCESSABLE = error_response("A bad period, clerk or business, or an answer missing or out of the scale.")


class QuestionResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    top2 = serializers.FloatField(allow_null=True, help_text="Per cent of scores of 4 or 5.")
    distribution = serializers.ListField(child=serializers.IntegerField(), help_text="Counts of 1, 2, 3, 4, 5.")


class CommentSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    business = serializers.CharField()
    channel = serializers.CharField()
    question = serializers.CharField()
    text = serializers.CharField()


class SurveyResultsSerializer(serializers.Serializer):
    survey = serializers.CharField(allow_null=True)
    first = serializers.DateField()
    last = serializers.DateField()
    asked = serializers.IntegerField()
    responses = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="Responses per 100 visits asked.")
    questions = QuestionResultSerializer(many=True)
    comments = CommentSerializer(many=True)


class SurveyAnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        help_text='By question code: "1"–"5" for a scale question, words for a text question.',
    )


class SurveyRecordedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.CharField(source="order.number")
    answered_at = serializers.DateTimeField()


class SurveyResultsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["care"],
        summary="A hall's survey results (CARE03)",
        description=(
            "Visits served in the period (this month so far by default), optionally of one clerk and one business: "
            "how many were asked and answered, the response rate, per scale question the mean, the top-2-box % and "
            "the count of each score, and the comments (phone-like numbers masked; never the customer)."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day, YYYY-MM-DD."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, YYYY-MM-DD."),
            OpenApiParameter("clerk", OpenApiTypes.INT, description="A clerk's user id."),
            OpenApiParameter("business", OpenApiTypes.INT, description="A business type's id."),
        ],
        responses={
            200: SurveyResultsSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.HANDLE_CARE)
        where = survey_filter(request.query_params, hall_obj)
        found = selectors.survey_results(hall=hall_obj, where=where)
        data = {
            **found,
            "survey": found["template"].code if found["template"] else None,
            "first": where.first,
            "last": where.last,
        }
        return Response(SurveyResultsSerializer(data).data)


class FollowUpSurveyApi(ServiceHallAPIView):
    @extend_schema(
        tags=["care"],
        summary="Record a survey answered on a follow-up call (CARE03)",
        description="The hall's survey about the follow-up's order; once per order and per ticket.",
        request=SurveyAnswersSerializer,
        responses={
            201: SurveyRecordedSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: ANSWERED,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, hall: str, task: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.HANDLE_CARE)
        data = parse(SurveyAnswersSerializer, request)
        found = order_selectors.follow_up_get(hall=hall_obj, task_id=task)
        response = surveys.survey_answer_on_follow_up(task=found, actor=request.user, answers=data["answers"])
        return Response(SurveyRecordedSerializer(response).data, status=201)
