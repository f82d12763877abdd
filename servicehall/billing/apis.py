"""The payments API (PAY01, PAY02, PAY06): payments for an order or a top-up once per Idempotency-Key, QR status
and the provider's notifications, refunds with approval."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.dates import parse_day
from servicehall.core.errors import ApplicationError, NotFound
from servicehall.customers import selectors as customer_selectors
from servicehall.orders.selectors import order_get_for_user, orders_get_for_user
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services
from .models import PaymentPurpose, PaymentStatus
from .serializers import (
    BalanceRefundInputSerializer,
    OrderPaymentInputSerializer,
    PaymentSerializer,
    QrNotificationAckSerializer,
    RechargeInputSerializer,
    RefundDecisionSerializer,
    RefundInputSerializer,
    RefundRejectSerializer,
    RefundSerializer,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
LIST_LIMIT = 200
FORBIDDEN = error_response("The user's role in the hall does not allow it.")
NOT_FOUND = error_response("No such order in the user's halls.")
CONFLICT = error_response(
    "The order is not waiting for payment (`not_at_payment`, e.g. already closed), the day's money is closed "
    "(`day_closed`), the clerk has no open cash drawer (`no_open_drawer`), or a payment with this key is still "
    "being taken (`in_progress`)."
)
UNPROCESSABLE = error_response(
    "A rule refuses the payment: wrong or malformed amount, too little tendered, or the key was used for a "
    "different request (`idempotency_mismatch`)."
)
KEY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="A key chosen by the client per payment (at most 64 characters); retries resend it.",
)
OPTIONAL_KEY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Optional: a retry with the same key and body answers the first refund (200).",
)


def _idempotency_key(request: Request, *, required: bool = True) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key and required:
        raise ApplicationError(_("Send an Idempotency-Key header with every payment."), code="idempotency_key_missing")
    if len(key) > services.IDEMPOTENCY_KEY_MAX:
        raise ApplicationError(
            _("The Idempotency-Key header may have at most %(max)d characters.")
            % {"max": services.IDEMPOTENCY_KEY_MAX},
            code="idempotency_key_too_long",
        )
    return key


def _answer(payment: Any, created: bool) -> Response:
    return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class OrderPaymentsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["payments"],
        summary="Take the fees of an order at the payment step (PAY01)",
        description=(
            "Cash (with the amount tendered; the change is answered), bank card, or QR (WeChat Pay / Alipay): a QR "
            "payment is answered `pending` with `qr_content` to show; poll `GET /api/v1/payments/{id}` until it is "
            "succeeded, failed or expired. The amount must be the order's amount due; with `with_orders` (other "
            "orders of the same customer at the payment step) one payment pays them all and the amount is the sum "
            "of their amounts due. When the payment succeeds a receipt with the hall's next number is issued and "
            "every order paid leaves the payment step. "
            "A retry with the same `Idempotency-Key` and body answers 200 with the first payment and charges "
            "nothing; the same key with another body is 422 `idempotency_mismatch`. For clerks and the duty "
            "manager of the order's hall."
        ),
        parameters=[KEY_PARAMETER],
        request=OrderPaymentInputSerializer,
        responses={
            200: OpenApiResponse(PaymentSerializer, description="A replay: the first payment, nothing charged."),
            201: OpenApiResponse(PaymentSerializer, description="Paid (with the receipt), or QR pending."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE,
        },
        examples=[
            OpenApiExample("cash", value={"method": "cash", "amount": "30.00", "tendered": "50"}, request_only=True),
            OpenApiExample(
                "card", value={"method": "card", "amount": "30.00", "pos_reference": "123456789012"}, request_only=True
            ),
            OpenApiExample("qr", value={"method": "qr", "amount": "30.00"}, request_only=True),
            OpenApiExample(
                "two orders",
                value={"method": "card", "amount": "80.00", "with_orders": [42], "pos_reference": "A1B2C3D4"},
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request, order_id: int) -> Response:
        order = order_get_for_user(user=request.user, order_id=order_id, capability=Capability.SERVE)
        key = _idempotency_key(request)
        data = parse(OrderPaymentInputSerializer, request)
        others = orders_get_for_user(
            user=request.user,
            ids=[pk for pk in data["with_orders"] if pk != order.pk],
            capability=Capability.SERVE,
        )
        order_ids = [order.pk, *(other.pk for other in others)] if others else order.pk
        payment, created = services.payment_take(
            hall=order.hall,
            actor=request.user,
            order=order,
            with_orders=others,
            method=data["method"],
            amount=data["amount"],
            tendered=data.get("tendered"),
            pos_reference=data["pos_reference"],
            idempotency_key=key,
            request_hash=services.payment_request_hash(
                order_id=order_ids, method=data["method"], amount=data["amount"], tendered=data.get("tendered")
            ),
        )
        return _answer(payment, created)


class ServiceRechargesApi(ServiceHallAPIView):
    @extend_schema(
        tags=["payments"],
        summary="Top up a service's balance: online recharge or at the counter (PAY01)",
        description=(
            "Credits the balance of a customer's service (mobile balance, gas card purchase) once the payment "
            "succeeds: at once for cash and card, at the provider's confirmation for `qr` (the online recharge: "
            "show `qr_content`, then poll `GET /api/v1/payments/{id}`). `hall` is the hall taking the money; the "
            "service must belong to the hall's company and not be cancelled. Idempotency as for order payments. "
            "A top-up above TOPUP_MAX_PER_PAYMENT (default 5000 yuan) is refused (422 `top_up_over_cap`) unless "
            "the caller is a duty manager (APPROVE_MONEY in the hall). A card payment needs `pos_reference`."
        ),
        parameters=[KEY_PARAMETER],
        request=RechargeInputSerializer,
        responses={
            200: OpenApiResponse(PaymentSerializer, description="A replay: the first payment, nothing charged."),
            201: OpenApiResponse(PaymentSerializer, description="Paid and credited, or QR pending."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: error_response("No such hall for the user, or no such service in the hall's company."),
            409: error_response("The service is cancelled, the day is closed, no open drawer, or `in_progress`."),
            422: UNPROCESSABLE,
        },
        examples=[OpenApiExample("online", value={"hall": "ha", "method": "qr", "amount": "50"}, request_only=True)],
    )
    def post(self, request: Request, service_id: int) -> Response:
        key = _idempotency_key(request)
        data = parse(RechargeInputSerializer, request)
        hall = hall_get_for_user(user=request.user, code=data["hall"], capability=Capability.SERVE)
        service = customer_selectors.service_in_company(service_id=service_id, company_id=hall.company_id)
        if service is None:
            raise NotFound(_("There is no such service."))
        payment, created = services.payment_collect(
            hall=hall,
            actor=request.user,
            method=data["method"],
            amount=data["amount"],
            tendered=data.get("tendered"),
            idempotency_key=key,
            request_hash=services.payment_request_hash(
                method=data["method"],
                amount=data["amount"],
                tendered=data.get("tendered"),
                purpose=PaymentPurpose.TOP_UP,
                service_id=service.pk,
            ),
            purpose=PaymentPurpose.TOP_UP,
            service=service,
            pos_reference=data["pos_reference"],
        )
        return _answer(payment, created)


class PaymentDetailApi(ServiceHallAPIView):
    @extend_schema(
        tags=["payments"],
        summary="A payment and its status; a QR payment is checked with the provider (PAY01)",
        description=(
            "For a pending QR payment the provider is asked first, so polling this endpoint is enough to see it "
            "succeed, fail or expire (after QR_PAYMENT_TIMEOUT_SECONDS)."
        ),
        responses={
            200: PaymentSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: error_response("No such payment in the user's halls."),
        },
    )
    def get(self, request: Request, payment_id: int) -> Response:
        payment = selectors.payment_get_for_user(user=request.user, payment_id=payment_id)
        payment = services.payment_qr_refresh(payment=payment)
        return Response(PaymentSerializer(payment).data)


class PaymentsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["payments"],
        summary="The payments of a hall, newest first (at most 200)",
        parameters=[
            OpenApiParameter("hall", OpenApiTypes.STR, required=True, description="The hall's code."),
            OpenApiParameter(
                "day",
                OpenApiTypes.DATE,
                description="The hall's local day the payment was made, from 2000-01-01 to ten years ahead (400 "
                "`bad_day` otherwise).",
            ),
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(PaymentStatus.values)),
            OpenApiParameter("purpose", OpenApiTypes.STR, enum=list(PaymentPurpose.values)),
        ],
        responses={
            200: PaymentSerializer(many=True),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: error_response("No such hall for the user."),
        },
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("hall", "")
        if not code:
            raise ApplicationError(_("Name the hall (?hall=code)."), code="hall_missing")
        hall = hall_get_for_user(user=request.user, code=code, capability=Capability.VIEW_HALL)
        day = None
        if request.query_params.get("day"):
            try:
                day = parse_day(request.query_params["day"])
            except DjangoValidationError as exc:
                raise ApplicationError(" ".join(exc.messages), code="bad_day") from exc
        status_filter = request.query_params.get("status") or None
        purpose = request.query_params.get("purpose") or None
        if status_filter is not None and status_filter not in PaymentStatus.values:
            raise ApplicationError(_("Unknown payment status."), code="bad_status")
        if purpose is not None and purpose not in PaymentPurpose.values:
            raise ApplicationError(_("Unknown purpose of payment."), code="bad_purpose")
        payments = selectors.payments_for_hall(
            user=request.user, hall=hall, day=day, status=status_filter, purpose=purpose
        )
        return Response(PaymentSerializer(payments[:LIST_LIMIT], many=True).data)


REFUND_ERRORS = {
    400: BAD_INPUT,
    401: UNAUTHENTICATED,
    403: error_response("The user's role does not allow it, or the approver asked for the refund (`own_refund`)."),
    404: error_response("No such payment, order or refund in the user's halls."),
    409: error_response(
        "Not refundable (`not_refundable`, `no_refund_due`), already decided (`illegal_move`), the day is closed, "
        "or the clerk's drawer is closed or short of cash."
    ),
    422: error_response(
        "A malformed amount, no reason, more than can still be refunded (`refund_too_large`), or the key was used "
        "for another request."
    ),
}


class PaymentRefundsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["refunds"],
        summary="Refund part or all of a payment to its original method (PAY06)",
        description=(
            "Up to and including REFUND_APPROVAL_ABOVE the refund is paid at once (`paid`); above it it waits for a "
            "duty manager's approval (`requested`). At most what was paid less other refunds."
        ),
        parameters=[OPTIONAL_KEY_PARAMETER],
        request=RefundInputSerializer,
        responses={
            200: OpenApiResponse(RefundSerializer, description="A replay: the first refund."),
            201: RefundSerializer,
            **REFUND_ERRORS,
        },
    )
    def post(self, request: Request, payment_id: int) -> Response:
        payment = selectors.payment_get_for_user(user=request.user, payment_id=payment_id)
        key = _idempotency_key(request, required=False)
        data = parse(RefundInputSerializer, request)
        refund, created = services.refund_request(
            actor=request.user, payment=payment, amount=data["amount"], reason=data["reason"], idempotency_key=key
        )
        return Response(RefundSerializer(refund).data, status=201 if created else 200)


class OrderBalanceRefundsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["refunds"],
        summary="Pay out the balance a cancellation left as refund due (PAY06)",
        description=(
            "A refund without a payment, linked to the cancellation order and its service: cash or bank card; "
            "when paid, the service's balance goes down by the amount. Approval rules as for other refunds."
        ),
        parameters=[OPTIONAL_KEY_PARAMETER],
        request=BalanceRefundInputSerializer,
        responses={
            200: OpenApiResponse(RefundSerializer, description="A replay: the first refund."),
            201: RefundSerializer,
            **REFUND_ERRORS,
        },
    )
    def post(self, request: Request, order_id: int) -> Response:
        order = order_get_for_user(user=request.user, order_id=order_id, capability=Capability.SERVE)
        key = _idempotency_key(request, required=False)
        data = parse(BalanceRefundInputSerializer, request)
        refund, created = services.refund_balance_of_order(
            actor=request.user,
            order=order,
            amount=data.get("amount") or None,
            reason=data["reason"],
            method=data["method"],
            idempotency_key=key,
        )
        return Response(RefundSerializer(refund).data, status=201 if created else 200)


class RefundApproveApi(ServiceHallAPIView):
    @extend_schema(
        tags=["refunds"],
        summary="Approve a refund above the limit (duty manager, never the requester)",
        description="A card or QR refund is paid back at once; a cash refund is then handed over by a clerk.",
        request=RefundDecisionSerializer,
        responses={200: RefundSerializer, **REFUND_ERRORS},
    )
    def post(self, request: Request, refund_id: int) -> Response:
        refund = selectors.refund_get_for_user(
            user=request.user, refund_id=refund_id, capability=Capability.APPROVE_MONEY
        )
        data = parse(RefundDecisionSerializer, request)
        refund = services.refund_approve(actor=request.user, refund=refund, note=data.get("note", ""))
        return Response(RefundSerializer(refund).data)


class RefundRejectApi(ServiceHallAPIView):
    @extend_schema(
        tags=["refunds"],
        summary="Reject a refund, with the reason (duty manager, never the requester)",
        request=RefundRejectSerializer,
        responses={200: RefundSerializer, **REFUND_ERRORS},
    )
    def post(self, request: Request, refund_id: int) -> Response:
        refund = selectors.refund_get_for_user(
            user=request.user, refund_id=refund_id, capability=Capability.APPROVE_MONEY
        )
        data = parse(RefundRejectSerializer, request)
        refund = services.refund_reject(actor=request.user, refund=refund, reason=data["reason"])
        return Response(RefundSerializer(refund).data)


class RefundPayApi(ServiceHallAPIView):
    @extend_schema(
        tags=["refunds"],
        summary="Hand over an approved cash refund from the clerk's drawer",
        request=None,
        responses={200: RefundSerializer, **REFUND_ERRORS},
    )
    def post(self, request: Request, refund_id: int) -> Response:
        refund = selectors.refund_get_for_user(user=request.user, refund_id=refund_id)
        refund = services.refund_pay(actor=request.user, refund=refund)
        return Response(RefundSerializer(refund).data)


class QrNotificationApi(ServiceHallAPIView):
    """The provider's server calls this; it carries no user, only the provider's signature."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["payments"],
        summary="A QR payment provider's notification (signed by the provider)",
        description=(
            "The body and signature header are the provider's own (the simulated provider: JSON "
            '`{"ref", "state", "transaction_id"}` with `X-Sim-Signature`, HMAC-SHA256). A signature that does not '
            "verify is 400 `bad_signature` and changes nothing; repeated notifications are harmless."
        ),
        request=OpenApiTypes.OBJECT,
        responses={
            200: QrNotificationAckSerializer,
            400: error_response("The signature or the body does not verify (`bad_signature`)."),
            404: error_response("No such provider, or no payment with this reference."),
        },
    )
    def post(self, request: Request, provider: str) -> Response:
        payment = services.payment_qr_notification(provider_code=provider, body=request.body, headers=request.headers)
        return Response({"ok": True, "status": payment.status})
