"""The credit API (PAY05): eligibility, applications (create, get, review, sign), the schedule, repayments."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import ApplicationError, Conflict, NotFound
from servicehall.customers import selectors as customer_selectors
from servicehall.customers.models import Service
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services
from .models import CreditApplication
from .presentation import application_row
from .serializers import (
    CreditApplicationInputSerializer,
    CreditApplicationSerializer,
    CreditEligibilitySerializer,
    CreditNotEligibleSerializer,
    CreditRepaymentInputSerializer,
    CreditRepaymentResultSerializer,
    CreditReviewInputSerializer,
    CreditScheduleSerializer,
)
from .states import REPAYABLE

C = Capability
IDEMPOTENCY_HEADER = "Idempotency-Key"
TAGS = ["credit"]
FORBIDDEN = error_response("The user's role in the hall does not allow it (e.g. a clerk reviewing).")
NOT_FOUND = error_response("No such application, customer, service or hall among the user's halls.")
CONFLICT = error_response(
    "The application is not at a step that allows this (`illegal_move`, `not_approved`, `not_repayable`, "
    "`nothing_due`), the number already has a plan (`service_has_plan`) or a payment with this key is running."
)
UNPROCESSABLE = error_response(
    "A rule refuses it: bad amount or months, down payment not less than the price, too much to repay, "
    "wrong early-repayment amount, missing reason, or `idempotency_mismatch`."
)


def _schedule(application: CreditApplication) -> dict[str, Any] | None:
    if not application.signed_at:
        return None
    today = application.hall.local_date()
    installments = list(application.installments.all())
    rows = selectors.schedule_rows(application=application, today=today)
    early = (
        selectors.early_repayment_quote(application=application, installments=installments, today=today).amount
        if application.status in REPAYABLE
        else None
    )
    return {
        "total": application.total_payable,
        "outstanding": selectors.outstanding_total(application=application),
        "early_repayment": early,
        "installments": [dataclasses.asdict(row) for row in rows],
    }


def _body(application: CreditApplication) -> dict[str, Any]:
    row = application_row(application)
    return CreditApplicationSerializer(
        {
            **row,
            "hall": application.hall.code,
            "customer_id": application.customer_id,
            "service_id": application.service_id,
            "reviewed_at": application.reviewed_at,
            "review_note": application.review_note,
            "signed_at": application.signed_at,
            "schedule": _schedule(application),
        }
    ).data


def _reload(user: Any, pk: int, capability: str = C.SERVE) -> CreditApplication:
    return selectors.application_get_for_user(user=user, application_id=pk, capability=capability)


class EligibilityApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Whether a customer may buy a handset on credit with a mobile number, and why not (PAY05)",
        parameters=[
            OpenApiParameter("hall", OpenApiTypes.STR, required=True),
            OpenApiParameter("customer", OpenApiTypes.INT, required=True),
            OpenApiParameter("service", OpenApiTypes.INT, required=True),
        ],
        responses={200: CreditEligibilitySerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        hall = hall_get_for_user(user=request.user, code=request.query_params.get("hall", ""), capability=C.SERVE)
        customer = customer_selectors.customer_get_for_user(
            user=request.user, customer_id=request.query_params.get("customer"), hall=hall, capability=C.SERVE
        )
        service = _service(customer, request.query_params.get("service"))
        result = selectors.eligibility_for(hall=hall, customer=customer, service=service)
        body = {
            "eligible": result.eligible,
            "credit_level": customer.credit_level,
            "reasons": [{"code": r.code, "message": r.message} for r in result.reasons],
        }
        return Response(CreditEligibilitySerializer(body).data)


def _service(customer: Any, raw: Any) -> Service:
    service = customer_selectors.service_in_company(service_id=raw, company_id=customer.company_id, customer=customer)
    if service is None:
        raise NotFound(_("There is no such service."))
    return service


class ApplicationsApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="File a credit application for review (PAY05)",
        description=(
            "Checks the input and every eligibility condition first; an ineligible customer is 422 `not_eligible` "
            "with `reasons` naming each failing condition (under_18, no_valid_id, short_tenure, arrears, "
            "low_credit_level, not_mobile, not_individual). Nothing is written when it is refused.\n\n"
            "The monthly fee rate is not input: it is the rate of the hall's installment offer for the term and the "
            "financed principal today (the lowest when several apply), else the standard rate "
            "(`CREDIT_MONTHLY_FEE_RATE`). The answer carries it as `monthly_fee_rate` with the offer's code as "
            "`fee_offer` (null: the standard rate). A body that still sends `monthly_fee_rate` is refused with 400 "
            '`invalid` (field `monthly_fee_rate`: "The fee rate comes from the hall\'s installment offers"), so a '
            "client never believes its rate was used."
        ),
        request=CreditApplicationInputSerializer,
        responses={
            201: CreditApplicationSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: OpenApiResponse(
                CreditNotEligibleSerializer, description="Not eligible (with reasons) or an input rule."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = parse(CreditApplicationInputSerializer, request)
        hall = hall_get_for_user(user=request.user, code=data["hall"], capability=C.SERVE)
        customer = customer_selectors.customer_get_for_user(
            user=request.user, customer_id=data["customer"], hall=hall, capability=C.SERVE
        )
        service = _service(customer, data["service"])
        application = services.application_submit(
            hall=hall,
            actor=request.user,
            customer=customer,
            service=service,
            handset_name=data["handset_name"],
            handset_price=data["handset_price"],
            down_payment=data["down_payment"],
            months=data["months"],
        )
        return Response(_body(_reload(request.user, application.pk)), status=status.HTTP_201_CREATED)


class ApplicationDetailApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="A credit application with its schedule once signed (PAY05)",
        responses={200: CreditApplicationSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, application_id: int) -> Response:
        return Response(_body(_reload(request.user, application_id, C.VIEW_HALL)))


class ApplicationReviewApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The duty manager approves or rejects an application (PAY05)",
        description="Needs APPROVE_MONEY in the hall; never the clerk who filed it (403 `same_person`).",
        request=CreditReviewInputSerializer,
        responses={
            200: CreditApplicationSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, application_id: int) -> Response:
        application = _reload(request.user, application_id, C.APPROVE_MONEY)
        data = parse(CreditReviewInputSerializer, request)
        services.application_review(
            application=application, actor=request.user, approve=data["approve"], note=data["note"]
        )
        return Response(_body(_reload(request.user, application_id, C.APPROVE_MONEY)))


class ApplicationSignApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The customer signs the contract: the schedule is made (PAY05)",
        request=None,
        responses={
            200: CreditApplicationSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, application_id: int) -> Response:
        application = _reload(request.user, application_id)
        services.application_sign(application=application, actor=request.user)
        return Response(_body(_reload(request.user, application_id)))


class ScheduleApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="The installment schedule of a signed plan, with days late and the early-repayment price (PAY05)",
        responses={200: CreditScheduleSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def get(self, request: Request, application_id: int) -> Response:
        application = _reload(request.user, application_id, C.VIEW_HALL)
        schedule = _schedule(application)
        if schedule is None:
            raise Conflict(_("The schedule is made when the contract is signed."), code="not_signed")
        return Response(CreditScheduleSerializer(schedule).data)


class RepaymentsApi(ServiceHallAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Pay the next installments, or everything early (PAY05)",
        description=(
            "The money is taken by billing (purpose `installment`, a receipt is issued) and booked against the "
            "installments in order; `early` repays everything at today's early-repayment price (fees of months "
            "not yet started waived). A retry with the same `Idempotency-Key` and body answers 200 with the first "
            "payment and books nothing again."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="A key chosen by the client per payment (at most 64 characters).",
            )
        ],
        request=CreditRepaymentInputSerializer,
        responses={
            200: OpenApiResponse(CreditRepaymentResultSerializer, description="A replay: nothing charged again."),
            201: CreditRepaymentResultSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE,
        },
    )
    def post(self, request: Request, application_id: int) -> Response:
        application = _reload(request.user, application_id)
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not key:
            raise ApplicationError(
                _("Send an Idempotency-Key header with every payment."), code="idempotency_key_missing"
            )
        data = parse(CreditRepaymentInputSerializer, request)
        payment, created = services.installment_pay(
            application=application,
            actor=request.user,
            method=data["method"],
            amount=data["amount"],
            tendered=data.get("tendered"),
            idempotency_key=key,
            early=data["early"],
            pos_reference=data["pos_reference"],
        )
        receipt = getattr(payment, "receipt", None) if payment.status == "succeeded" else None
        body = {
            "payment_id": payment.pk,
            "payment_status": payment.status,
            "amount": payment.amount,
            "change": payment.change,
            "receipt": receipt.number if receipt is not None else "",
            "qr_content": payment.qr_content or "",
            "application": _body(_reload(request.user, application_id)),
        }
        return Response(
            CreditRepaymentResultSerializer(body).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
