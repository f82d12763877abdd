"""The invoicing API (PAY03): request an invoice online for payments, read, void, and download it."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import Unprocessable

from . import selectors, services
from .models import InvoiceChannel
from .presentation import invoice_pdf_response
from .serializers import InvoiceRequestSerializer, InvoiceSerializer, InvoiceVoidSerializer

FORBIDDEN = error_response("The user's role in the hall does not allow it.")
NOT_FOUND = error_response("No such invoice (or payment) in the user's halls.")
ISSUE_CONFLICT = error_response(
    "A payment has not succeeded (`payment_not_succeeded`) or is already invoiced or refunded in full "
    "(`already_invoiced`)."
)
ISSUE_UNPROCESSABLE = error_response(
    "A rule refuses the request: payments of another customer or hall (`other_customer`, `other_hall`), "
    "an enterprise buyer without a title or with an invalid tax number (`bad_tax_number`), a tax number on a "
    "personal invoice (`tax_number_not_allowed`)."
)
VOID_CONFLICT = error_response("The invoice is already voided (`already_voided`).")
VOID_UNPROCESSABLE = error_response("No reason was given (`reason_missing`).")


class InvoicesApi(ServiceHallAPIView):
    @extend_schema(
        tags=["invoices"],
        summary="Request an invoice for payments (PAY03)",
        description=(
            "Issues one invoice for succeeded payments of one customer in one hall; each line invoices what is "
            "left of its payment (less refunds and earlier invoices). An amount is never invoiced twice: a payment "
            "with nothing left is 409 `already_invoiced`. Enterprise buyers need their unified social credit code. "
            "For clerks and the duty manager of the payments' hall."
        ),
        request=InvoiceRequestSerializer,
        responses={
            201: OpenApiResponse(InvoiceSerializer, description="Issued, with its number and download code."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: ISSUE_CONFLICT,
            422: ISSUE_UNPROCESSABLE,
        },
        examples=[
            OpenApiExample("personal", value={"payment_ids": [1], "buyer_kind": "personal"}, request_only=True),
            OpenApiExample(
                "enterprise",
                value={
                    "payment_ids": [1, 2],
                    "buyer_kind": "enterprise",
                    "buyer_title": "上海某某科技有限公司",
                    "tax_number": "91310115MA1K3YJ12X",
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = parse(InvoiceRequestSerializer, request)
        ids = sorted(set(data["payment_ids"]))
        payments = selectors.payments_for_invoice_request(user=request.user, payment_ids=ids)
        halls = {p.hall_id for p in payments}
        if len(halls) > 1:
            raise Unprocessable(_("One invoice covers payments of one hall only."), code="other_hall")
        first = payments[0]
        customer = first.customer or (first.order.customer if first.order is not None else None)
        if customer is None:
            raise Unprocessable(
                _("Payment %(id)s has no customer, so it cannot be invoiced.") % {"id": first.pk},
                code="no_customer",
            )
        invoice = services.invoice_issue(
            hall=first.hall,
            actor=request.user,
            customer=customer,
            payment_ids=ids,
            buyer_kind=data["buyer_kind"],
            buyer_title=data["buyer_title"],
            tax_number=data["tax_number"],
            channel=InvoiceChannel.ONLINE,
        )
        invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice.pk)
        return Response(InvoiceSerializer(invoice).data, status=status.HTTP_201_CREATED)


class InvoiceApi(ServiceHallAPIView):
    @extend_schema(
        tags=["invoices"],
        summary="An invoice with its lines (PAY03)",
        responses={200: InvoiceSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, invoice_id: int) -> Response:
        invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
        return Response(InvoiceSerializer(invoice).data)


class InvoiceVoidApi(ServiceHallAPIView):
    @extend_schema(
        tags=["invoices"],
        summary="Void an invoice with a reason (PAY03)",
        description="The invoice stays, marked voided with the reason; its payments can be invoiced again.",
        request=InvoiceVoidSerializer,
        responses={
            200: InvoiceSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: VOID_CONFLICT,
            422: VOID_UNPROCESSABLE,
        },
    )
    def post(self, request: Request, invoice_id: int) -> Response:
        invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
        data = parse(InvoiceVoidSerializer, request)
        services.invoice_void(invoice=invoice, actor=request.user, reason=data["reason"])
        invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
        return Response(InvoiceSerializer(invoice).data)


class InvoicePdfApi(ServiceHallAPIView):
    @extend_schema(
        tags=["invoices"],
        summary="The invoice as PDF (PAY03)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The invoice (A4 PDF)."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, invoice_id: int) -> HttpResponse:
        invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
        return invoice_pdf_response(invoice)
