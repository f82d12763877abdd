"""The reports API for the hall's managers: the live dashboard's figures of one hall (RPT01), and the daily and
monthly report (RPT02) with the same figures as the page (`selectors_reports.report_bundle`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response

from . import presentation_reports, selectors_dashboard, selectors_reports
from .serializers import DashboardSerializer, ReportQuerySerializer, ReportSerializer

FORBIDDEN = error_response("Only the hall's managers (duty manager, hall administrator, service manager).")
NOT_FOUND = error_response("No such hall among the user's halls.")


class HallDashboardApi(ServiceHallAPIView):
    @extend_schema(
        tags=["reports"],
        summary="The hall's live dashboard: queue, counters, today's tickets and alerts (RPT01)",
        responses={200: DashboardSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = selectors_dashboard.dashboard_hall_get(user=request.user, code=hall)
        return Response(DashboardSerializer(selectors_dashboard.hall_dashboard(hall=hall_obj)).data)


class HallReportApi(ServiceHallAPIView):
    @extend_schema(
        tags=["reports"],
        summary="The hall's daily or monthly report, with its comparisons (RPT02)",
        description=(
            "The figures of the reports page, read from the nightly rollups: tickets by category, counter, clerk "
            "and hour (waits and services: mean, median, p90, longest; wait bands), orders, money, ratings, "
            "complaints, bookings; and the headline figures of the period before and a year earlier. A month in "
            "progress is compared with the same elapsed days (`elapsed`)."
        ),
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, enum=["day", "month"], description="`day` by default."),
            OpenApiParameter("day", OpenApiTypes.DATE, description="YYYY-MM-DD; the hall's yesterday by default."),
        ],
        responses={200: ReportSerializer, 400: BAD_INPUT, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = selectors_reports.report_hall_get(user=request.user, code=hall)
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        yesterday = timezone.localdate(timezone=hall_obj.tz) - dt.timedelta(days=1)
        bundle = selectors_reports.report_bundle(
            hall=hall_obj, period=query.validated_data["period"], day=query.validated_data.get("day") or yesterday
        )
        data = dict(bundle, comparison_note=presentation_reports.comparison_note(bundle))
        return Response(ReportSerializer(data).data)
