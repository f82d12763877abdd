"""The repairs API (故障报修, CARE05): a hall's open repairs, opening a repair, one repair. Hall-scoped, the
customer and number masked. The writes are `orders.services.repairs`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.catalog.models import FaultKind
from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import NotFound
from servicehall.customers.models import Service
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from .selectors import repairs as selectors
from .serializers import OrderServiceSerializer, PersonSerializer
from .services import repairs as services

C = Capability
FORBIDDEN = error_response("The user's role in the hall does not allow this.")
REPAIR_NOT_FOUND = error_response("No such hall, service or repair in the user's halls.")


class RepairJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text=_("scheduled, done, failed, absent or cancelled."))
    status_display = serializers.CharField()
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    technician = serializers.CharField()
    note = serializers.CharField()


class RepairSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    order_id = serializers.IntegerField()
    order_number = serializers.CharField()
    status = serializers.CharField(
        help_text=_("reported, dispatched, fixed, not_fixed, customer_absent, confirmed or closed.")
    )
    status_display = serializers.CharField()
    fault_kind = serializers.CharField()
    fault_kind_name = serializers.CharField()
    urgent = serializers.BooleanField()
    description = serializers.CharField()
    reported_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(help_text=_("The fault kind's working hours after it was reported."))
    overdue = serializers.BooleanField(help_text=_("Not fixed and past its due time."))
    time_nearly_up = serializers.BooleanField(help_text=_("Warned: its due time is near."))
    level = serializers.IntegerField(help_text=_("0 not escalated, 1 the duty manager, 2 the service manager."))
    level_display = serializers.CharField()
    fixed_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    dispatches = serializers.IntegerField()
    closed_at = serializers.DateTimeField(allow_null=True, help_text=_("When it was closed without a fix."))
    close_reason_display = serializers.CharField()
    customer = PersonSerializer()
    service = OrderServiceSerializer()
    job = RepairJobSerializer(allow_null=True)


class RepairListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = RepairSerializer(many=True)


class RepairOpenInputSerializer(serializers.Serializer):
    service = serializers.IntegerField(min_value=1, help_text=_("The customer's service (id)."))
    fault_kind = serializers.SlugField(max_length=48, help_text=_("The fault kind's code, from the pack."))
    description = serializers.CharField(max_length=500, allow_blank=True)
    request_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


def _answer(repair: Any, code: int = status.HTTP_200_OK) -> Response:
    return Response(RepairSerializer(selectors.repair_view(repair)).data, status=code)


class HallRepairsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["repairs"],
        summary="The hall's open repairs",
        description="Soonest due first, overdue ones marked; customers and numbers masked.",
        responses={200: RepairListSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: REPAIR_NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        the_hall = hall_get_for_user(user=request.user, code=hall, capability=C.VIEW_HALL)
        rows = [selectors.repair_view(r) for r in selectors.repairs_open(hall=the_hall)]
        return Response(RepairListSerializer({"count": len(rows), "results": rows}).data)

    @extend_schema(
        tags=["repairs"],
        summary="Open a repair for a customer's service",
        description=(
            "Due the fault kind's working hours later. The same `request_key` twice opens once and answers the "
            "first repair."
        ),
        request=RepairOpenInputSerializer,
        responses={
            201: RepairSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: REPAIR_NOT_FOUND,
            422: error_response("A rule refuses it (no description; the fault is not one of this service)."),
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        the_hall = hall_get_for_user(user=request.user, code=hall, capability=C.SERVE)
        data = parse(RepairOpenInputSerializer, request)
        service = Service.objects.filter(pk=data["service"], company_id=the_hall.company_id).first()
        if service is None:
            raise NotFound(_("There is no such service."))
        repair = services.repair_open(
            hall=the_hall,
            actor=request.user,
            service=service,
            fault_kind=FaultKind.objects.filter(hall=the_hall, code=data["fault_kind"]).first(),
            description=data["description"],
            request_key=data["request_key"],
        )
        return _answer(repair, status.HTTP_201_CREATED)


class RepairApi(ServiceHallAPIView):
    @extend_schema(
        tags=["repairs"],
        summary="One repair",
        responses={200: RepairSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: REPAIR_NOT_FOUND},
    )
    def get(self, request: Request, repair_id: int) -> Response:
        return _answer(selectors.repair_get_for_user(user=request.user, repair_id=repair_id, capability=C.VIEW_HALL))
