"""The hotel folio API (HOTEL04): a stay's bill, a charge posted to it, the check-out through billing, and the
night audits' figures (staff of the hall)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, selectors_folio, services_folio
from .models import Reservation
from .serializers_folio import (
    CheckOutResultSerializer,
    CheckOutSerializer,
    FolioChargeCreateSerializer,
    FolioChargeSerializer,
    FolioSerializer,
    NightAuditDaySerializer,
    StayInvoiceRequestSerializer,
    StayInvoiceSerializer,
)

FORBIDDEN = error_response("The user's role in the hall does not allow it.")
NOT_FOUND = error_response("No such hall or reservation among the user's halls.")
REFUSED = error_response(
    "A rule refused it: `not_in_house`, `not_payable`, `in_progress` (409); `bad_kind`, `bad_amount`, "
    "`bad_quantity`, `card_number`, `idempotency_mismatch`, `bad_method`, `tendered_missing` (422)."
)


def _charge_row(charge: Any) -> dict[str, Any]:
    return {
        "id": charge.pk,
        "kind": charge.kind,
        "kind_display": charge.get_kind_display(),
        "description": charge.description,
        "quantity": charge.quantity,
        "unit_price": charge.unit_price,
        "amount": charge.amount,
        "night": charge.night,
        "reverses": charge.reverses_id,
        "posted_at": charge.posted_at,
    }


def _folio(reservation: Reservation) -> dict[str, Any]:
    summary = selectors_folio.folio_summary(reservation=reservation, today=reservation.hall.local_date())
    return {
        "reservation": reservation.pk,
        "code": reservation.code,
        "status": reservation.status,
        "charges": [_charge_row(c) for c in summary["charges"]],
        "nights_unposted": sum((n.price for n in summary["pending"]), Decimal("0.00")),
        **{k: summary[k] for k in ("total", "deposit_asked", "deposit", "paid", "refunded", "balance")},
    }


class FolioApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="A stay's bill: charges, total, deposit, balance (HOTEL04)",
        responses={200: FolioSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str, reservation: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
        return Response(FolioSerializer(_folio(found)).data)


class FolioChargesApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="Post minibar, a meal, a service or laundry to an in-house guest's bill (HOTEL03)",
        description="The same `request_key` posts once. Corrections are reversing rows, made on the bill's page.",
        request=FolioChargeCreateSerializer,
        responses={
            201: OpenApiResponse(FolioChargeSerializer, description="Posted."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
            422: REFUSED,
        },
    )
    def post(self, request: Request, hall: str, reservation: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.SERVE)
        found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
        data = parse(FolioChargeCreateSerializer, request)
        charge = services_folio.folio_charge_post(reservation=found, actor=request.user, **data)
        return Response(FolioChargeSerializer(_charge_row(charge)).data, status=201)


class CheckOutApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="Settle the bill through billing and check the guest out (HOTEL04)",
        description=(
            "The balance is taken once: the same `idempotency_key` returns the first payment, and a second "
            "check-out with another key is refused (409 `not_payable`) or answers the departure already made. "
            "A negative balance is refunded from the deposit's payment."
        ),
        request=CheckOutSerializer,
        responses={
            200: OpenApiResponse(CheckOutResultSerializer, description="Checked out, or waiting for a QR payment."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
            422: REFUSED,
        },
    )
    def post(self, request: Request, hall: str, reservation: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.SERVE)
        found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
        data = parse(CheckOutSerializer, request)
        result = services_folio.folio_check_out(reservation=found, actor=request.user, **data)
        departure = result["departure"]
        body = {
            "status": "checked_out" if departure is not None else "waiting_for_payment",
            "payment": result["payment"].pk if result["payment"] is not None else None,
            "refund": result["refund"].pk if result["refund"] is not None else None,
            "total": departure.total if departure is not None else None,
        }
        return Response(CheckOutResultSerializer(body).data)


INVOICE_REFUSED = error_response(
    "A rule refused it: `not_checked_out`, `nothing_paid`, `day_closed` (409); `bad_buyer_kind`, `title_missing`, "
    "`tax_number_missing`, `bad_tax_number`, `tax_number_not_allowed` (422)."
)


class StayInvoiceApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="Invoice on request for a departed guest's stay (HOTEL04)",
        description=(
            "One invoice, through invoicing, for what the stay's payments left after refunds (deposit + balance "
            "− refunds), to the buyer named. Once: a retry answers the invoice issued first (`created` false)."
        ),
        request=StayInvoiceRequestSerializer,
        responses={
            200: OpenApiResponse(StayInvoiceSerializer, description="Issued before: the same invoice."),
            201: OpenApiResponse(StayInvoiceSerializer, description="Issued."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: INVOICE_REFUSED,
            422: INVOICE_REFUSED,
        },
    )
    def post(self, request: Request, hall: str, reservation: int) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.SERVE)
        found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
        data = parse(StayInvoiceRequestSerializer, request)
        invoice, created = services_folio.stay_invoice_issue(reservation=found, actor=request.user, **data)
        body = {
            **{k: getattr(invoice, k) for k in ("number", "buyer_kind", "buyer_title", "tax_number", "total")},
            "id": invoice.pk,
            "issued_at": invoice.issued_at,
            "created": created,
        }
        return Response(StayInvoiceSerializer(body).data, status=201 if created else 200)


class NightAuditsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["hotel"],
        summary="The night audits of the last days: occupancy, ADR, RevPAR (HOTEL04)",
        responses={200: NightAuditDaySerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
        return Response(NightAuditDaySerializer(selectors_folio.night_audits(hall=hall_obj), many=True).data)
