"""The promotions API (PAY04): quote an order's offers, apply them, read a customer's points."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.customers.selectors import customer_get_for_user
from servicehall.orders.selectors import order_get_for_user
from servicehall.org.roles import Capability

from . import selectors, services
from .serializers import AppliedSerializer, OffersInputSerializer, OffersSerializer, PointsSerializer, offers_data

FORBIDDEN = error_response("The user's role in the order's hall does not allow it.")
NOT_FOUND = error_response("No such order (or customer) in the user's halls.")
BAD_RULE_INPUT = error_response(
    "Malformed input: `bad_card_bin` (not 6 to 8 digits), `bad_quantity`, `bad_points` (negative, not whole, "
    "or not in steps of POINTS_PER_YUAN_REDEEMED)."
)
UNPROCESSABLE_APPLY = error_response(
    "Refused, nothing written: `bad_card_bin`, `bad_quantity`, `bad_points`, `points_insufficient` (more points "
    "than the customer holds), `no_customer` (points asked for an order without a customer)."
)
CONFLICT = error_response("The order is not at the payment step (`not_at_payment`).")


def _query(request: Request, name: str) -> Any:
    value = request.query_params.get(name)
    return value if value not in (None, "") else None


class OrderOffersApi(ServiceHallAPIView):
    @extend_schema(
        tags=["promotions"],
        summary="Quote the promotions of an order (PAY04)",
        description=(
            "Every rule of the order's hall — limited-time offers, bank-card offers, group prices, points — with "
            "whether it applies and why, the discount each gives and what the customer would pay. Nothing is "
            "written. For clerks and the duty manager of the order's hall."
        ),
        parameters=[
            OpenApiParameter("card_bin", OpenApiTypes.STR, description="First 6 to 8 digits of the card."),
            OpenApiParameter("quantity", OpenApiTypes.STR, description="Units an enterprise buys (group purchase)."),
            OpenApiParameter("redeem_points", OpenApiTypes.STR, description="Points to redeem."),
        ],
        responses={
            200: OffersSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: BAD_RULE_INPUT,
        },
    )
    def get(self, request: Request, order_id: int) -> Response:
        order = order_get_for_user(user=request.user, order_id=order_id, capability=Capability.SERVE)
        quote = selectors.offers_for_order(
            order=order,
            card_bin=_query(request, "card_bin"),
            quantity=_query(request, "quantity"),
            redeem_points=_query(request, "redeem_points") or 0,
        )
        return Response(
            offers_data(quote, selectors.applications_for_order(order=order), selectors.order_amount_due(order=order))
        )


class OrderPromotionsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["promotions"],
        summary="Apply the promotions to an order at its payment step (PAY04)",
        description=(
            "Records the rules the quote gives for these inputs (which rule, what it took off, why) and redeems the "
            "points, replacing what was applied before while the order is unpaid. The amount due then is what "
            "the payment must carry. For clerks and the duty manager of the order's hall."
        ),
        request=OffersInputSerializer,
        responses={
            201: OpenApiResponse(AppliedSerializer, description="Applied; the rules recorded and the amount due."),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE_APPLY,
        },
        examples=[
            OpenApiExample(
                "bank card and points", value={"card_bin": "622588", "redeem_points": 300}, request_only=True
            ),
            OpenApiExample("group purchase", value={"quantity": 20}, request_only=True),
        ],
    )
    def post(self, request: Request, order_id: int) -> Response:
        order = order_get_for_user(user=request.user, order_id=order_id, capability=Capability.SERVE)
        data = parse(OffersInputSerializer, request)
        applied = services.promotions_apply(
            order=order,
            actor=request.user,
            card_bin=data.get("card_bin"),
            quantity=data.get("quantity"),
            redeem_points=data.get("redeem_points") or 0,
        )
        body = AppliedSerializer(
            {"order_id": order.pk, "applied": applied, "amount_due": selectors.order_amount_due(order=order)}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class CustomerPointsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["promotions"],
        summary="A customer's points balance and latest ledger entries (PAY04)",
        responses={200: PointsSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, customer_id: int) -> Response:
        person = customer_get_for_user(user=request.user, customer_id=customer_id)
        return Response(PointsSerializer(selectors.points_for_customer(customer=person)).data)
