"""The payments API (PAY01, PAY02): take an order's fees once per Idempotency-Key."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import ApplicationError
from servicehall.orders.selectors import order_get_for_user
from servicehall.org.roles import Capability

from . import services
from .serializers import PaymentInputSerializer, PaymentSerializer

IDEMPOTENCY_HEADER = "Idempotency-Key"
FORBIDDEN = error_response("The user's role in the order's hall does not allow it.")
NOT_FOUND = error_response("No such order in the user's halls.")
CONFLICT = error_response(
    "The order is not waiting for payment (`not_at_payment`, e.g. already closed), or a payment with this key "
    "is still being taken (`in_progress`)."
)
UNPROCESSABLE = error_response(
    "A rule refuses the payment: wrong or malformed amount, too little tendered, QR not available yet, or the "
    "key was used for a different request (`idempotency_mismatch`)."
)


def _idempotency_key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key:
        raise ApplicationError(_("Send an Idempotency-Key header with every payment."), code="idempotency_key_missing")
    if len(key) > services.IDEMPOTENCY_KEY_MAX:
        raise ApplicationError(
            _("The Idempotency-Key header may have at most %(max)d characters.")
            % {"max": services.IDEMPOTENCY_KEY_MAX},
            code="idempotency_key_too_long",
        )
    return key


class OrderPaymentsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["payments"],
        summary="Take the fees of an order at the payment step (PAY01)",
        description=(
            "Cash (with the amount tendered; the change is answered) or bank card; the amount must be the order's "
            "fees. A receipt with the hall's next number is issued and the order leaves the payment step. "
            "A retry with the same `Idempotency-Key` and body answers 200 with the first payment and charges "
            "nothing; the same key with another body is 422 `idempotency_mismatch`. For clerks and the duty "
            "manager of the order's hall."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="A key chosen by the client per payment (at most 64 characters); retries resend it.",
            )
        ],
        request=PaymentInputSerializer,
        responses={
            200: OpenApiResponse(PaymentSerializer, description="A replay: the first payment, nothing charged."),
            201: OpenApiResponse(PaymentSerializer, description="Paid, with the receipt number."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE,
        },
        examples=[
            OpenApiExample("cash", value={"method": "cash", "amount": "30.00", "tendered": "50"}, request_only=True),
            OpenApiExample("card", value={"method": "card", "amount": "30.00"}, request_only=True),
        ],
    )
    def post(self, request: Request, order_id: int) -> Response:
        order = order_get_for_user(user=request.user, order_id=order_id, capability=Capability.SERVE)
        key = _idempotency_key(request)
        data = parse(PaymentInputSerializer, request)
        payment, created = services.payment_take(
            hall=order.hall,
            actor=request.user,
            order=order,
            method=data["method"],
            amount=data["amount"],
            tendered=data.get("tendered"),
            idempotency_key=key,
            request_hash=services.payment_request_hash(
                order_id=order.pk, method=data["method"], amount=data["amount"], tendered=data.get("tendered")
            ),
        )
        body = PaymentSerializer(payment).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
