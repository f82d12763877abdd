"""The work orders API: create, look at, walk through the steps, search the archive.

Each view is thin: parse the input, fetch the order through
`order_get_for_user` (orders of other halls are "not found"), call one
service, answer with the masked view of the order (`presentation`). Errors
are `{"code", "message"}` (see `core.apis.exception_handler`).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from servicehall.catalog.selectors import business_type_get
from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services
from .models import JOB_OPEN_STATUSES, InstallationJob, WorkOrder
from .presentation import order_row, order_view
from .serializers import (
    ArchiveQuerySerializer,
    ConfirmInputSerializer,
    DocumentSeenInputSerializer,
    FraudCheckInputSerializer,
    IdentityCheckInputSerializer,
    JobListSerializer,
    JobReportInputSerializer,
    JobRescheduleInputSerializer,
    JobSerializer,
    JobsQuerySerializer,
    OrderAdvanceInputSerializer,
    OrderCreateInputSerializer,
    OrderListSerializer,
    OrderPartiesInputSerializer,
    OrderSerializer,
    ReasonInputSerializer,
    RecommendationInputSerializer,
    ReviewInputSerializer,
)

C = Capability


FORBIDDEN = error_response("The user's role in the order's hall does not allow it.")
NOT_FOUND = error_response("No such hall, order, business type, customer, document or ticket in the user's halls.")
CONFLICT = error_response("The order is not at a step that allows this (illegal move, too late, waiting for review …).")
UNPROCESSABLE = error_response(
    "A rule refuses it (missing identity check or documents, no reason …); the message says why."
)


def _answer(order: WorkOrder, code: int = status.HTTP_200_OK) -> Response:
    full = selectors.order_with_records(order_id=order.pk)
    view = order_view(full)
    view["jobs"] = [selectors.job_view(job) for job in selectors.jobs_of_order(order=full)]
    return Response(OrderSerializer(view).data, status=code)


def _action_schema(summary: str, *, request: type[Serializer] | None = None, description: str = "") -> Any:
    responses: dict[int, Any] = {
        200: OrderSerializer,
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: NOT_FOUND,
        409: CONFLICT,
        422: UNPROCESSABLE,
    }
    if request is not None:
        responses[400] = BAD_INPUT
    return extend_schema(
        tags=["orders"], summary=summary, description=description, request=request, responses=responses
    )


# --- the hall's orders ----------------------------------------------------------------------------


class HallOrdersApi(ServiceHallAPIView):
    @extend_schema(
        tags=["orders"],
        summary="Search the hall's orders (archive)",
        description=(
            "By number (contains), customer id (as owner, proxy or new owner), service number, dates "
            "(the hall's days, inclusive), clerk's user name, business type code and step. Newest first; "
            "customers masked. For every role of the hall."
        ),
        parameters=[ArchiveQuerySerializer],
        responses={200: OrderListSerializer, 400: BAD_INPUT, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        the_hall = hall_get_for_user(user=request.user, code=hall, capability=C.VIEW_HALL)
        query = ArchiveQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = dict(query.validated_data)
        limit, offset = data.pop("limit"), data.pop("offset")
        found = selectors.orders_search(hall=the_hall, filters=selectors.ArchiveFilter(**data))
        rows = [order_row(order) for order in found[offset : offset + limit]]
        return Response(OrderListSerializer({"count": found.count(), "results": rows}).data)

    @extend_schema(
        tags=["orders"],
        summary="Open a work order (受理单) at reception",
        description=(
            "For clerks and duty managers of the hall. The customer, the service acted on and the ticket "
            "served are optional here and may be set later (`…/parties`)."
        ),
        request=OrderCreateInputSerializer,
        responses={
            201: OrderSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
        examples=[
            OpenApiExample(
                "open a mobile number", value={"business_type": "mobile_open", "customer": 1}, request_only=True
            )
        ],
    )
    def post(self, request: Request, hall: str) -> Response:
        the_hall = hall_get_for_user(user=request.user, code=hall, capability=C.SERVE)
        data = parse(OrderCreateInputSerializer, request)
        business = business_type_get(hall=the_hall, code=data["business_type"])
        customer = selectors.customer_for_order(user=request.user, hall=the_hall, customer_id=data["customer"])
        service = selectors.service_for_order(hall=the_hall, service_id=data["service"])
        ticket = selectors.ticket_for_order(user=request.user, hall=the_hall, ticket_id=data["ticket"])
        order = services.order_create(
            hall=the_hall,
            actor=request.user,
            business_type=business,
            ticket=ticket,
            customer=customer,
            service=service,
            details=data["details"],
        )
        return _answer(order, status.HTTP_201_CREATED)


# --- one order ---------------------------------------------------------------------------------


class OrderApi(ServiceHallAPIView):
    @extend_schema(
        tags=["orders"],
        summary="An order with its documents, checks, fees, confirmation and whole history",
        description="Personal data masked (PRIV01). For every role of the order's hall.",
        responses={200: OrderSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.VIEW_HALL)
        return _answer(order)


class _OrderActionApi(ServiceHallAPIView):
    """A write on one order by staff of its hall; the service checks the step and the role."""

    capability: str = C.SERVE
    input_serializer: type[Serializer] | None = None

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        raise NotImplementedError

    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=self.capability)
        data = parse(self.input_serializer, request) if self.input_serializer else {}
        self.perform(order=order, user=request.user, data=data, **kwargs)
        return _answer(order)


class OrderAdvanceApi(_OrderActionApi):
    input_serializer = OrderAdvanceInputSerializer

    @_action_schema(
        "Move the order to its next step",
        request=OrderAdvanceInputSerializer,
        description=(
            "Only the moves of the step table (ACC01); 409 otherwise. Leaving acceptance needs the identity "
            "checks, every required document seen and, for risky business, the anti-fraud checklist (422 says "
            "what is missing). processing → confirmation runs the business and computes the fees. `withdrawn` "
            "and `reverted` take `note` as the reason; review is decided at `…/review`."
        ),
    )
    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        return super().post(request, order_id, **kwargs)

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        services.order_advance(order=order, to=data["to"], actor=user, note=data["note"])


class OrderPartiesApi(_OrderActionApi):
    input_serializer = OrderPartiesInputSerializer

    @_action_schema(
        "Set the owner, the service, a proxy and their authorisation, or the new owner",
        request=OrderPartiesInputSerializer,
        description="Only the fields sent change; until the order passes acceptance.",
    )
    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        return super().post(request, order_id, **kwargs)

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        sent = set(self.request.data) if isinstance(self.request.data, dict) else set()
        hall = order.hall
        if "customer" in sent or "service" in sent:
            customer_id = data["customer"] if "customer" in sent else order.customer_id
            customer = selectors.customer_for_order(user=user, hall=hall, customer_id=customer_id)
            service = selectors.service_for_order(hall=hall, service_id=data["service"])
            order = services.order_set_customer(order=order, actor=user, customer=customer, service=service)
        if "proxy" in sent:
            proxy = selectors.customer_for_order(user=user, hall=hall, customer_id=data["proxy"])
            order = services.order_set_proxy(order=order, actor=user, proxy=proxy)
        if "counterparty" in sent:
            counterparty = selectors.customer_for_order(user=user, hall=hall, customer_id=data["counterparty"])
            order = services.order_set_counterparty(order=order, actor=user, counterparty=counterparty)
        if data["authorisation"]:
            services.order_record_authorisation(order=order, actor=user)


class OrderIdentityChecksApi(_OrderActionApi):
    input_serializer = IdentityCheckInputSerializer

    @_action_schema(
        "Record an ID document checked against the owner, the proxy or the new owner",
        request=IdentityCheckInputSerializer,
        description="The document must belong to that party and be valid (ACC02).",
    )
    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        return super().post(request, order_id, **kwargs)

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        document = selectors.id_document_for_order(order=order, document_id=data["document"])
        services.order_identity_check(
            order=order, actor=user, document=document, party=data["party"], method=data["method"]
        )


class OrderDocumentSeenApi(_OrderActionApi):
    input_serializer = DocumentSeenInputSerializer

    @_action_schema(
        "Tick a required document as seen in the original (or untick it)", request=DocumentSeenInputSerializer
    )
    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        return super().post(request, order_id, **kwargs)

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        services.order_document_seen(order=order, code=kwargs["code"], actor=user, seen=data["seen"])


class OrderFraudCheckApi(_OrderActionApi):
    input_serializer = FraudCheckInputSerializer

    @_action_schema(
        "Keep the answers of the anti-fraud checklist (PRIV03)",
        request=FraudCheckInputSerializer,
        description=(
            "Every question answered yes or no. A worrying answer blocks acceptance unless `override_note` says "
            "why it is safe to go on; the order then goes to the duty manager's review."
        ),
    )
    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        return super().post(request, order_id, **kwargs)

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        services.order_record_fraud_check(
            order=order, actor=user, answers=data["answers"], override_note=data["override_note"]
        )


class OrderReviewApi(_OrderActionApi):
    capability = C.MANAGE_QUEUE
    input_serializer = ReviewInputSerializer

    @_action_schema(
        "Approve or reject an order waiting for review (ACC04)",
        request=ReviewInputSerializer,
        description=(
            "For the hall's duty manager; not the clerk who accepted the order (403). A rejection needs a reason."
        ),
    )
    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        return super().post(request, order_id, **kwargs)

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        services.order_review(order=order, actor=user, approve=data["approve"], reason=data["reason"])


class OrderConfirmApi(_OrderActionApi):
    input_serializer = ConfirmInputSerializer

    @_action_schema(
        "The customer confirms the summary and fees (ACC05)",
        request=ConfirmInputSerializer,
        description="By signature (PNG data URL or SVG path) or the clerk's tick; the order then moves on.",
    )
    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        return super().post(request, order_id, **kwargs)

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        services.order_confirm(order=order, actor=user, method=data["method"], signature=data["signature"])


class OrderWithdrawApi(_OrderActionApi):
    input_serializer = ReasonInputSerializer

    @_action_schema("The customer withdraws (before processing completes)", request=ReasonInputSerializer)
    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        return super().post(request, order_id, **kwargs)

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        services.order_withdraw(order=order, actor=user, reason=data["reason"])


class OrderRevertApi(_OrderActionApi):
    input_serializer = ReasonInputSerializer

    @_action_schema(
        "退受理: undo the business after processing, with a reason",
        request=ReasonInputSerializer,
        description="Only for business types that can be reverted (422 otherwise).",
    )
    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        return super().post(request, order_id, **kwargs)

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        services.order_revert(order=order, actor=user, reason=data["reason"])


class OrderRecommendationsApi(_OrderActionApi):
    input_serializer = RecommendationInputSerializer

    @_action_schema(
        "Record the customer's answer to a recommended business (ACC07)", request=RecommendationInputSerializer
    )
    def post(self, request: Request, order_id: int, **kwargs: Any) -> Response:
        return super().post(request, order_id, **kwargs)

    def perform(self, *, order: WorkOrder, user: Any, data: dict[str, Any], **kwargs: Any) -> None:
        business = business_type_get(hall=order.hall, code=data["business_type"])
        services.order_record_recommendation(order=order, actor=user, business_type=business, outcome=data["outcome"])


# --- installation jobs (BT02, BT03, BT10, BT14) ---------------------------------------------------

JOB_NOT_FOUND = error_response("No such hall or job in the user's halls.")
JOB_SHOWS: dict[str, tuple[str, ...]] = {
    "open": JOB_OPEN_STATUSES,
    "done": (InstallationJob.Status.DONE,),
    "cancelled": (InstallationJob.Status.CANCELLED,),
}


def _job_schema(summary: str, *, request: type[Serializer], description: str) -> Any:
    return extend_schema(
        tags=["jobs"],
        summary=summary,
        description=description,
        request=request,
        responses={
            200: JobSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: JOB_NOT_FOUND,
            409: error_response("The job is not in a state that allows this (already reported, done or cancelled)."),
            422: error_response("A rule refuses it (a failed job needs a note; the window must lie ahead …)."),
        },
    )


def _job_answer(job: InstallationJob) -> Response:
    return Response(JobSerializer(selectors.job_view(selectors.job_fresh(job=job))).data)


class HallJobsApi(ServiceHallAPIView):
    @extend_schema(
        tags=["jobs"],
        summary="The hall's installation and meter jobs",
        description=(
            "Soonest appointment first; `show=open` (scheduled, failed or customer absent; the default), "
            "`done` or `cancelled`. "
            "Customers and numbers masked, addresses by region only. For every role of the hall."
        ),
        parameters=[JobsQuerySerializer],
        responses={200: JobListSerializer, 400: BAD_INPUT, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: JOB_NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        the_hall = hall_get_for_user(user=request.user, code=hall, capability=C.VIEW_HALL)
        query = JobsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.jobs_for_hall(hall=the_hall, statuses=JOB_SHOWS[query.validated_data["show"]])
        rows = [selectors.job_view(job) for job in found]
        return Response(JobListSerializer({"count": len(rows), "results": rows}).data)


class JobReportApi(ServiceHallAPIView):
    @_job_schema(
        "Report a technician's result: done, failed or customer absent",
        request=JobReportInputSerializer,
        description=(
            "Done: an installation makes the service active, a meter removal cancels it, and the order's "
            "outstanding work (未完工) is done when no other job of the order is open. Failed (with a note): "
            "the job stays open until it is rescheduled; so does customer absent (`absent`). Only a scheduled job "
            "is reported (409 otherwise). "
            "Done before the appointment begins needs `early_reason` (422 `early_report` without it) and is audited."
        ),
    )
    def post(self, request: Request, job_id: int) -> Response:
        job = selectors.job_get_for_user(user=request.user, job_id=job_id, capability=C.SERVE)
        data = parse(JobReportInputSerializer, request)
        job = services.job_report(
            job=job,
            actor=request.user,
            done=data["done"],
            note=data["note"],
            early_reason=data["early_reason"],
            absent=data["absent"],
        )
        return _job_answer(job)


class JobRescheduleApi(ServiceHallAPIView):
    @_job_schema(
        "Book a new appointment for a scheduled, failed or customer-absent job",
        request=JobRescheduleInputSerializer,
        description=(
            "The window must lie ahead, end after it starts and last 30 minutes to 12 hours; times without an "
            "offset are the hall's."
        ),
    )
    def post(self, request: Request, job_id: int) -> Response:
        job = selectors.job_get_for_user(user=request.user, job_id=job_id, capability=C.SERVE)
        with timezone.override(job.hall.tz):
            data = parse(JobRescheduleInputSerializer, request)
        job = services.job_reschedule(
            job=job,
            actor=request.user,
            window_start=data["window_start"],
            window_end=data["window_end"],
            technician=data["technician"],
            note=data["note"],
        )
        return _job_answer(job)
