"""The reports API: the live dashboard's figures of one hall (RPT01), for the hall's managers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import UNAUTHENTICATED, ServiceHallAPIView, error_response

from . import selectors_dashboard
from .serializers import DashboardSerializer

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
