"""The customers API: search, create, look at a customer and their services, reveal one field.

Every answer is masked as the screens are (PRIV01); the full value of one
field comes only from `reveal`, which needs a reason and writes the access
log. Access goes through the `*_get_for_user` selectors: a customer of a
company the user does not work for is "not found".
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicehall.core.apis import BAD_INPUT, UNAUTHENTICATED, ServiceHallAPIView, error_response, parse
from servicehall.core.errors import NotFound
from servicehall.org.models import Hall
from servicehall.org.roles import Capability

from . import selectors, services
from .models import Customer, IdDocument, Service
from .presentation import customer_view, service_view
from .serializers import (
    CustomerCreateInputSerializer,
    CustomerDetailSerializer,
    CustomerSearchInputSerializer,
    CustomerSearchSerializer,
    RevealedSerializer,
    RevealInputSerializer,
    ServiceSerializer,
)

C = Capability


FORBIDDEN = error_response("The user's role does not allow it.")
NOT_FOUND = error_response("No such hall or customer among the user's halls.")
CONFLICT = error_response("The document is already registered to a customer (`customer_id` names them).")
UNPROCESSABLE = error_response(
    "A rule refuses the input (bad ID number, phone, missing reason …); the message says why."
)
HALL_PARAMETER = OpenApiParameter(
    "hall",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="The hall in which the user works with the customer; defaults to the first of their halls "
    "of the customer's company.",
)


def _customer_and_hall(request: Request, customer_id: int, code: str, capability: str | None) -> tuple[Customer, Hall]:
    """The customer and the hall the user acts in (named, or their first hall of the customer's company)."""
    if code:
        hall = selectors.customers_hall_get_for_user(user=request.user, code=code, capability=capability)
        customer = selectors.customer_get_for_user(
            user=request.user, customer_id=customer_id, hall=hall, capability=capability, detailed=True
        )
        return customer, hall
    customer = selectors.customer_get_for_user(
        user=request.user, customer_id=customer_id, capability=capability, detailed=True
    )
    return customer, selectors.hall_for_customer(user=request.user, customer=customer, capability=capability)


def _hall_code(request: Request) -> str:
    code = request.query_params.get("hall", "")
    return code if isinstance(code, str) else ""


class HallCustomersApi(ServiceHallAPIView):
    @extend_schema(
        tags=["customers"],
        summary="Find customers of the hall's company",
        description=(
            "By name (contains), pinyin initials (e.g. `zs` finds 张三), or a whole ID number, phone or service "
            "number. At most 20 results, masked. For clerks, the duty manager, guides and service managers. "
            "An ID number or phone in the query lands in access logs: devices should prefer "
            "`POST …/customers/search`."
        ),
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False)],
        responses={200: CustomerSearchSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, hall: str) -> Response:
        the_hall = selectors.customers_hall_get_for_user(user=request.user, code=hall)
        query = request.query_params.get("q", "")
        return Response(_search_payload(request, the_hall, query if isinstance(query, str) else ""))

    @extend_schema(
        tags=["customers"],
        summary="Register a customer with their first identity document",
        description=(
            "An individual with a personal document (resident ID validated by GB 11643, passport, permits, "
            "foreign permanent resident card); an enterprise with its business licence (unified social credit "
            "code). The phone is checked and stored in one form. For clerks and the duty manager."
        ),
        request=CustomerCreateInputSerializer,
        responses={
            201: CustomerDetailSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: UNPROCESSABLE,
        },
        examples=[
            OpenApiExample(
                "person",
                value={
                    "name": "张三",
                    "phone": "138 0013 8000",
                    "address_region": "上海市浦东新区",
                    "address_detail": "世纪大道100号",
                    "document_kind": "resident_id",
                    "document_number": "11010519491231002X",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, hall: str) -> Response:
        the_hall = selectors.customers_hall_get_for_user(user=request.user, code=hall, capability=C.SERVE)
        data = parse(CustomerCreateInputSerializer, request)
        customer = services.customer_create(actor=request.user, hall=the_hall, **data)
        detailed = selectors.customer_get_for_user(
            user=request.user, customer_id=customer.pk, hall=the_hall, detailed=True
        )
        return Response(
            CustomerDetailSerializer(customer_view(detailed, detailed=True)).data, status=status.HTTP_201_CREATED
        )


def _search_payload(request: Request, hall: Hall, query: str) -> dict:
    found = selectors.customers_search(user=request.user, hall=hall, query=query)
    return CustomerSearchSerializer(
        {"results": [customer_view(c) for c in found.customers], "truncated": found.truncated}
    ).data


class HallCustomerSearchApi(ServiceHallAPIView):
    @extend_schema(
        tags=["customers"],
        summary="Find customers, the query in the body",
        description="As `GET …/customers?q=`, with the query kept out of URLs and access logs.",
        request=CustomerSearchInputSerializer,
        examples=[OpenApiExample("by id number", value={"q": "11010519491231002X"}, request_only=True)],
        responses={
            200: CustomerSearchSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, hall: str) -> Response:
        the_hall = selectors.customers_hall_get_for_user(user=request.user, code=hall)
        data = parse(CustomerSearchInputSerializer, request)
        return Response(_search_payload(request, the_hall, data["q"]))


class CustomerApi(ServiceHallAPIView):
    @extend_schema(
        tags=["customers"],
        summary="A customer with their documents and services, masked",
        parameters=[HALL_PARAMETER],
        responses={200: CustomerDetailSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, customer_id: int) -> Response:
        customer, _hall = _customer_and_hall(request, customer_id, _hall_code(request), None)
        return Response(CustomerDetailSerializer(customer_view(customer, detailed=True)).data)


class CustomerServicesApi(ServiceHallAPIView):
    @extend_schema(
        tags=["customers"],
        summary="The customer's services: status, balance, package, extras",
        parameters=[HALL_PARAMETER],
        responses={200: ServiceSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, customer_id: int) -> Response:
        customer, _hall = _customer_and_hall(request, customer_id, _hall_code(request), None)
        rows = [service_view(s) for s in selectors.services_for_customer(customer=customer)]
        return Response(ServiceSerializer(rows, many=True).data)


class CustomerRevealApi(ServiceHallAPIView):
    @extend_schema(
        tags=["customers"],
        summary="Show one personal field in full; the view is logged",
        description=(
            "For roles that need it (clerk, duty manager). The reason is required and kept in the access log "
            "with who, whose, which field and when. `document` picks an ID document; `service` a service's "
            "number or address."
        ),
        request=RevealInputSerializer,
        responses={
            200: RevealedSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
        examples=[OpenApiExample("phone", value={"field": "phone", "reason": "客户要求核对"}, request_only=True)],
    )
    def post(self, request: Request, customer_id: int) -> Response:
        data = parse(RevealInputSerializer, request)
        customer, hall = _customer_and_hall(request, customer_id, data["hall"], C.REVEAL_PERSONAL_DATA)
        value = services.personal_data_reveal(
            actor=request.user,
            hall=hall,
            customer=customer,
            field=data["field"],
            reason=data["reason"],
            document=_document(customer, data["document"]),
            service=_service(customer, data["service"]),
        )
        response = Response(RevealedSerializer({"field": data["field"], "value": value}).data)
        response["Cache-Control"] = "no-store"
        return response


def _document(customer: Customer, document_id: int | None) -> IdDocument | None:
    if document_id is None:
        return None
    document = next((d for d in customer.documents.all() if d.pk == document_id), None)
    if document is None:
        raise NotFound(_("There is no such document."))
    return document


def _service(customer: Customer, service_id: int | None) -> Service | None:
    if service_id is None:
        return None
    service = next((s for s in customer.services.all() if s.pk == service_id), None)
    if service is None:
        raise NotFound(_("There is no such service."))
    return service
