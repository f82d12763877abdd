"""PRIV02 rights of the person: a customer's personal data exported on request (JSON and PDF, others' data
masked) and erased (anonymised) on request unless a legal hold applies, with every reason shown; both audited."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from servicehall.billing.models import Payment, PaymentMethod, PaymentPurpose, PaymentStatus
from servicehall.core.errors import Conflict
from servicehall.core.models import AuditEntry
from servicehall.core.pdf import pdf_text
from servicehall.credit import services as credit_services
from servicehall.credit.tests.helpers import eligible_customer, signed
from servicehall.customers import services
from servicehall.customers.models import Customer, IdDocument, Service
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.orders.tests.helpers import business
from servicehall.org.roles import Role
from servicehall.queueing.models import Ticket
from testsupport.customers import CustomerFactory, MobileServiceFactory, make_resident_id
from testsupport.world import HallFactory, make_member

from .conftest import ZHANG_ID, ZHANG_PHONE, client_for

pytestmark = pytest.mark.django_db

ZHANG_ADDRESS = "世纪大道100弄3号1201室"
LI_PHONE = "13698765432"
LI_ID = make_resident_id(region="440305", birth_date=dt.date(1983, 11, 2), sequence=412)


@pytest.fixture
def admin(world):
    return make_member(world.hall, Role.HALL_ADMIN, "admin_ha")


@pytest.fixture
def li(world) -> Customer:
    """Another customer: the new owner of a transfer 张三 made."""
    return services.customer_create(
        actor=world.clerk,
        hall=world.hall,
        kind=Customer.Kind.INDIVIDUAL,
        name="李四",
        phone=LI_PHONE,
        address_region="上海市浦东新区",
        address_detail="陆家嘴环路88号5楼",
        document_kind=IdDocument.Kind.RESIDENT_ID,
        document_number=LI_ID,
    )


def _url(name: str, customer: Customer, hall) -> str:
    return f"{reverse(f'customers:{name}', kwargs={'customer_id': customer.pk})}?hall={hall.code}"


def _order(world, customer, *, status=OrderStatus.CLOSED, number="ORD-1", **kwargs) -> WorkOrder:
    return WorkOrder.objects.create(
        hall=world.hall,
        number=number,
        business_type=business(world, code=f"bt_{number.lower().replace('-', '_')}"),
        clerk=world.clerk,
        customer=customer,
        status=status,
        created_at=timezone.now(),
        **kwargs,
    )


def _erase(client, customer, hall, words="我要求删除我的个人信息", confirmed=True):
    data = {"words": words}
    if confirmed:
        data["confirmed"] = "on"
    return client.post(_url("personal_data_erase", customer, hall), data)


# --- the page and who may use it --------------------------------------------------------------------------


def test_priv02_the_page_shows_the_customer_masked_and_the_holds_to_a_service_manager(world, zhang):
    manager = make_member(world.hall, Role.SERVICE_MANAGER, "sm_ha")
    MobileServiceFactory(customer=zhang)
    response = client_for(manager).get(_url("personal_data", zhang, world.hall))
    body = response.content.decode()
    assert response.status_code == 200
    assert "张三" in body and ZHANG_ID not in body and ZHANG_PHONE not in body and ZHANG_ADDRESS not in body
    assert "Services still held: 1" in body
    detail = client_for(manager).get(_url("detail", zhang, world.hall)).content.decode()
    assert 'data-testid="personal-data-link"' in detail


def test_priv02_a_hall_admin_finds_the_customer_and_reaches_the_page_from_the_customers_page(world, zhang, admin):
    client = client_for(admin)
    found = client.post(reverse("customers:search"), {"hall": world.hall.code, "q": "张三"}, follow=True)
    assert found.status_code == 200 and "张三" in found.content.decode()
    detail = client.get(_url("detail", zhang, world.hall)).content.decode()
    assert 'data-testid="personal-data-link"' in detail and ZHANG_ID not in detail and ZHANG_PHONE not in detail


@pytest.mark.parametrize("role", [Role.CLERK, Role.LOBBY_GUIDE, Role.DUTY_MANAGER, Role.AUDITOR])
def test_priv02_roles_without_the_capability_are_refused_403(world, zhang, role):
    user = make_member(world.hall, role, f"{role}_x")
    client = client_for(user)
    assert client.get(_url("personal_data", zhang, world.hall)).status_code == 403
    assert client.post(_url("personal_data_export", zhang, world.hall), {"format": "json"}).status_code == 403
    assert _erase(client, zhang, world.hall).status_code == 403
    zhang.refresh_from_db()
    assert zhang.anonymised_at is None
    assert not AuditEntry.objects.filter(action__startswith="customer.personal_data").exists()


def test_priv02_another_companys_admin_gets_404(world, other_world, zhang):
    stranger = make_member(other_world.hall, Role.HALL_ADMIN, "admin_hb")
    client = client_for(stranger)
    assert client.get(_url("personal_data", zhang, other_world.hall)).status_code == 404
    assert client.post(_url("personal_data_export", zhang, other_world.hall), {"format": "pdf"}).status_code == 404


def test_priv02_bad_input_is_4xx_and_changes_nothing(world, zhang, admin):
    client = client_for(admin)
    assert client.post(_url("personal_data_export", zhang, world.hall), {"format": "xml"}).status_code == 422
    # A GET of the action (a reload, the back button) leads to the personal-data page, never to 405.
    back = client.get(_url("personal_data_export", zhang, world.hall))
    assert back.status_code == 302 and back.url == _url("personal_data", zhang, world.hall)
    assert _erase(client, zhang, world.hall, words="   ").status_code == 422
    assert _erase(client, zhang, world.hall, confirmed=False).status_code == 422
    assert _erase(client, zhang, world.hall, words="删" * 501).status_code == 422
    no_such = reverse("customers:personal_data", kwargs={"customer_id": 999999}) + f"?hall={world.hall.code}"
    assert client.get(no_such).status_code == 404
    zhang.refresh_from_db()
    assert zhang.name == "张三" and zhang.anonymised_at is None


# --- export ------------------------------------------------------------------------------------------------


def test_priv02_the_json_export_holds_the_customers_data_in_full_and_others_masked(world, zhang, li, admin):
    world.clerk.first_name, world.clerk.last_name = "王明", ""
    world.clerk.save()
    _order(world, zhang, counterparty=li)
    MobileServiceFactory(customer=zhang, number="13900000001")
    response = client_for(admin).post(_url("personal_data_export", zhang, world.hall), {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    data = json.loads(body)
    assert data["customer"]["name"] == "张三"
    assert data["customer"]["phone"] == ZHANG_PHONE
    assert ZHANG_ADDRESS in data["customer"]["address"]
    assert data["documents"][0]["number"] == ZHANG_ID
    assert data["services"][0]["number"] == "13900000001"
    orders = next(s for s in data["sections"] if s["title"] == "Work orders")
    cells = {c["label"]: c["value"] for c in orders["rows"][0]}
    assert cells["Order number"] == "ORD-1" and cells["Clerk"] == "王*"
    # Nothing of the other customer in full, and not the clerk's full name.
    for other in ("李四", LI_PHONE, LI_ID, "陆家嘴环路88号5楼", "王明"):
        assert other not in body
    audit = AuditEntry.objects.get(action="customer.personal_data_exported")
    assert audit.object_id == str(zhang.pk) and audit.data["format"] == "json"
    assert ZHANG_PHONE not in json.dumps(audit.data) and "张三" not in json.dumps(audit.data)


def test_priv02_the_pdf_export_reads_the_customers_data(world, zhang, admin):
    response = client_for(admin).post(_url("personal_data_export", zhang, world.hall), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "张三" in text and ZHANG_ID in text and ZHANG_PHONE in text
    assert AuditEntry.objects.filter(action="customer.personal_data_exported", data__format="pdf").count() == 1


# --- erase ------------------------------------------------------------------------------------------------


def _hold_live_service(world, customer):
    MobileServiceFactory(customer=customer)
    return "Services still held: 1"


def _hold_arrears(world, customer):
    MobileServiceFactory(customer=customer, status=Service.Status.CANCELLED, arrears=Decimal("8.00"))
    return "balance or arrears to settle: 1"


def _hold_open_order(world, customer):
    _order(world, customer, status=OrderStatus.PROCESSING, number="OPEN-1")
    return "Open work orders: 1"


def _hold_pending_payment(world, customer):
    Payment.objects.create(
        hall=world.hall,
        clerk=world.clerk,
        purpose=PaymentPurpose.TOP_UP,
        customer=customer,
        method=PaymentMethod.QR,
        amount=Decimal("50.00"),
        status=PaymentStatus.PENDING,
        idempotency_key="k-pending",
        request_hash="h",
        created_at=timezone.now(),
    )
    return "Payments still waiting for the customer: 1"


HOLDS = {
    "live service": _hold_live_service,
    "arrears": _hold_arrears,
    "open order": _hold_open_order,
    "pending payment": _hold_pending_payment,
}


@pytest.mark.parametrize("hold", list(HOLDS))
def test_priv02_erase_is_refused_with_the_reason_under_each_hold(world, zhang, admin, hold):
    reason = HOLDS[hold](world, zhang)
    response = _erase(client_for(admin), zhang, world.hall)
    assert response.status_code == 409
    assert reason in response.content.decode()
    zhang.refresh_from_db()
    assert zhang.name == "张三" and zhang.phone == ZHANG_PHONE and zhang.anonymised_at is None
    refused = AuditEntry.objects.get(action="customer.erase_refused")
    assert refused.data["holds"] >= 1
    assert not AuditEntry.objects.filter(action="customer.erased_on_request").exists()


def test_priv02_erase_is_refused_while_installments_are_unpaid(world, admin):
    customer, service = eligible_customer(world.hall)
    application = signed(world, customer_service=(customer, service))
    credit_services.application_activate(application=application, actor=world.clerk)
    with pytest.raises(Exception) as refusal:
        services.personal_data_erase(actor=admin, hall=world.hall, customer=customer, words="请删除", confirmed=True)
    assert any("Unpaid installments" in r for r in refusal.value.extra["reasons"])  # type: ignore[attr-defined]
    response = _erase(client_for(admin), customer, world.hall)
    assert response.status_code == 409 and "Unpaid installments" in response.content.decode()


def test_priv02_erase_anonymises_keeps_the_rows_and_is_audited(world, zhang, admin):
    MobileServiceFactory(
        customer=zhang,
        status=Service.Status.CANCELLED,
        cancelled_at=timezone.now() - dt.timedelta(days=30),
        balance=Decimal("0.00"),
        address_detail="张杨路500号",
    )
    _order(world, zhang)
    Payment.objects.create(
        hall=world.hall,
        clerk=world.clerk,
        purpose=PaymentPurpose.ORDER_FEES,
        customer=zhang,
        method=PaymentMethod.CASH,
        amount=Decimal("30.00"),
        status=PaymentStatus.SUCCEEDED,
        idempotency_key="k-paid",
        request_hash="h",
        created_at=timezone.now(),
    )
    counts = (WorkOrder.objects.count(), Payment.objects.count(), Ticket.objects.count(), Customer.objects.count())
    response = _erase(client_for(admin), zhang, world.hall, words="我要求删除我的个人信息")
    assert response.status_code == 200
    zhang.refresh_from_db()
    assert (zhang.name, zhang.phone, zhang.address_region, zhang.address_detail) == (
        services.ANONYMISED_NAME,
        "",
        "",
        "",
    )
    assert zhang.anonymised_at is not None
    document = IdDocument.objects.get(customer=zhang)
    assert document.number != ZHANG_ID and document.holder_name == services.ANONYMISED_NAME
    assert Service.objects.get(customer=zhang).address_detail == ""
    # Money rows and counts stay, still pointing at the (anonymised) customer.
    assert Payment.objects.get(idempotency_key="k-paid").customer_id == zhang.pk
    assert (
        WorkOrder.objects.count(),
        Payment.objects.count(),
        Ticket.objects.count(),
        Customer.objects.count(),
    ) == counts
    audit = AuditEntry.objects.get(action="customer.erased_on_request")
    assert audit.object_id == str(zhang.pk) and audit.actor == admin
    assert audit.data["documents"] == 1 and audit.data["request_words"] == "我要求删除我的个人信息"
    assert ZHANG_ID not in json.dumps(audit.data) and ZHANG_PHONE not in json.dumps(audit.data)
    # A second erasure is told it is done.
    assert _erase(client_for(admin), zhang, world.hall).status_code == 409
    page = client_for(admin).get(_url("personal_data", zhang, world.hall)).content.decode()
    assert 'data-testid="erase-done"' in page and ZHANG_ID not in page


@pytest.mark.django_db(transaction=True)
def test_priv02_two_operators_erasing_at_once_anonymise_once(threads_db):
    hall = HallFactory(code="er")
    admins = [make_member(hall, Role.HALL_ADMIN, "er_admin"), make_member(hall, Role.SERVICE_MANAGER, "er_sm")]
    customer = CustomerFactory(company=hall.company, name="赵六")
    close_old_connections()
    outcomes: list = []
    start = threading.Barrier(2)

    def erase(actor) -> None:
        try:
            start.wait()
            services.personal_data_erase(actor=actor, hall=hall, customer=customer, words="请删除", confirmed=True)
            outcomes.append("erased")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=erase, args=(a,)) for a in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already_anonymised", "erased"]
    assert AuditEntry.objects.filter(action="customer.erased_on_request").count() == 1
