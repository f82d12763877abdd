"""The receipts API (PAY02): a receipt with what it is for, and its 80 mm PDF (each download counts a print)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import UNAUTHENTICATED, ServiceHallAPIView, error_response
from servicehall.core.pdf import render_pdf

from . import printing
from .serializers import ReceiptDetailSerializer
from .views_receipts import SLIP_WIDTH_MM, slip_context

FORBIDDEN = error_response("The user's role in the receipt's hall does not allow it.")
NOT_FOUND = error_response("No such receipt in the user's halls.")


class ReceiptDetailApi(ServiceHallAPIView):
    @extend_schema(
        tags=["receipts"],
        summary="A receipt: its number, the payment it is for and how often it was printed (PAY02)",
        responses={200: ReceiptDetailSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, receipt_id: int) -> Response:
        receipt = printing.receipt_get_for_user(user=request.user, receipt_id=receipt_id)
        return Response(ReceiptDetailSerializer(receipt).data)


class ReceiptPdfApi(ServiceHallAPIView):
    @extend_schema(
        tags=["receipts"],
        summary="Print a receipt as an 80 mm PDF; every print after the first is marked 副本 / COPY (PAY02)",
        description="Counts one print, like the counter's Print button.",
        request=None,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The slip as a PDF."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, receipt_id: int) -> HttpResponse:
        found = printing.receipt_get_for_user(user=request.user, receipt_id=receipt_id)
        found = printing.receipt_record_print(receipt=found, actor=request.user)
        context = slip_context(found, is_copy=found.printed_copies > 1)
        with timezone.override(found.hall.tz):
            # The Django request: the slip's invoice QR code holds an absolute address built from it.
            pdf = render_pdf("billing/receipt.html", context, request=request._request, roll_width_mm=SLIP_WIDTH_MM)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="receipt-{found.number}.pdf"'
        return response
