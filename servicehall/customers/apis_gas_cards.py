"""The card-writer device's API (BT11): the hall's pending gas card writes, confirm or fail one.

The device signs in with a token of a hall account that serves customers
(`Authorization: Token …`). It lists the writes waiting in its hall, writes
the user card, then confirms (the purchase's gas is credited, once) or reports
the failure (nothing is credited; the clerk may retry). A write of another
hall is "not found". Card and household numbers are not personal data; no
customer's name, phone or address is sent.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services
from .models import CardWrite

C = Capability


FORBIDDEN = error_response("The account's role in the hall does not serve customers.")
NOT_FOUND = error_response("No such hall or card write among the account's halls.")
CONFLICT = error_response(
    "The write is not waiting (already written or failed), its order is not confirmed and paid yet, "
    "the household's gas is not connected yet, or the card is blacklisted; `code` says which."
)


# --- serializers -----------------------------------------------------------------------------------


class CardWriteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    # Plain strings: enums named `kind` and `status` would clash with other components in the schema.
    kind = serializers.CharField(help_text="purchase, new_card or replacement_card")
    kind_display = serializers.CharField()
    status = serializers.CharField(help_text="pending, confirmed or failed")
    status_display = serializers.CharField()
    card_number = serializers.CharField(help_text="The user card to write.")
    household = serializers.CharField(help_text="The gas household's number (户号).")
    meter_number = serializers.CharField()
    volume = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Gas (m³) to write to the card.")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="What the customer paid (¥).")
    order = serializers.CharField(help_text="The work order's number, empty when none.")
    requested_at = serializers.DateTimeField()
    ready = serializers.BooleanField(help_text="The device may write it now.")
    waiting_for = serializers.CharField(
        help_text="Why it may not be written yet: `order` (not confirmed and paid), `installation` "
        "(gas not connected yet), or empty."
    )
    device = serializers.CharField()
    failure = serializers.CharField()


class CardWriteConfirmInputSerializer(serializers.Serializer):
    device = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="The card writer's id."
    )


class CardWriteFailInputSerializer(CardWriteConfirmInputSerializer):
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="What went wrong, as the device says."
    )


def card_write_view(write: CardWrite) -> dict[str, Any]:
    """A card write as the device and the page show it."""
    waiting = selectors.card_write_waiting_for(write) if write.status == CardWrite.Status.PENDING else ""
    return {
        "id": write.pk,
        "kind": write.kind,
        "kind_display": write.get_kind_display(),
        "status": write.status,
        "status_display": write.get_status_display(),
        "card_number": write.card_number,
        "household": write.service.number,
        "meter_number": write.service.meter_number,
        "volume": write.volume,
        "amount": write.amount,
        "order": write.order.number if write.order is not None else "",
        "requested_at": write.requested_at,
        "ready": write.status == CardWrite.Status.PENDING and not waiting,
        "waiting_for": waiting,
        "device": write.device,
        "failure": write.failure,
    }


# --- views ---------------------------------------------------------------------------------------


class HallCardWritesApi(ServiceHallAPIView):
    @extend_schema(
        tags=["card writes"],
        summary="The hall's gas card writes waiting for the card writer",
        description=(
            "Oldest first. `ready` tells which the device may write now; the others wait for the customer to "
            "confirm and pay the order, or for the gas to be connected."
        ),
        responses={
            200: CardWriteSerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, hall: str) -> Response:
        the_hall = hall_get_for_user(user=request.user, code=hall, capability=C.SERVE)
        rows = [card_write_view(w) for w in selectors.card_writes_for_hall(hall=the_hall)]
        return Response(CardWriteSerializer(rows, many=True).data)


class CardWriteConfirmApi(ServiceHallAPIView):
    @extend_schema(
        tags=["card writes"],
        summary="The card was written: confirm the write",
        description="A purchase's gas is credited to the household now. Confirming twice credits once (409).",
        request=CardWriteConfirmInputSerializer,
        examples=[OpenApiExample("device", value={"device": "writer-01"}, request_only=True)],
        responses={
            200: CardWriteSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, write_id: int) -> Response:
        write = selectors.card_write_get_for_user(user=request.user, write_id=write_id)
        data = parse(CardWriteConfirmInputSerializer, request)
        write = services.card_write_confirm(actor=request.user, write=write, device=data["device"])
        return Response(CardWriteSerializer(card_write_view(write)).data)


class CardWriteFailApi(ServiceHallAPIView):
    @extend_schema(
        tags=["card writes"],
        summary="The card could not be written: report the failure",
        description="Nothing is credited. The clerk may retry the write when the customer inserts the card again.",
        request=CardWriteFailInputSerializer,
        examples=[OpenApiExample("device", value={"device": "writer-01", "reason": "card removed"}, request_only=True)],
        responses={
            200: CardWriteSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, write_id: int) -> Response:
        write = selectors.card_write_get_for_user(user=request.user, write_id=write_id)
        data = parse(CardWriteFailInputSerializer, request)
        write = services.card_write_fail(actor=request.user, write=write, device=data["device"], reason=data["reason"])
        return Response(CardWriteSerializer(card_write_view(write)).data)
