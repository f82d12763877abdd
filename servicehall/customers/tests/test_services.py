"""Customers, documents, services and the number pool through their services (ACC02, PRIV01, BT01)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.customers import services
from servicehall.customers.models import (
    Customer,
    IdDocument,
    NumberPoolEntry,
    PersonalDataAccess,
    Service,
    ServiceStatusChange,
)
from servicehall.lib.names import name_initials
from testsupport.customers import (
    CustomerFactory,
    GasServiceFactory,
    IdDocumentFactory,
    MobileServiceFactory,
    make_resident_id,
    make_uscc,
)

from .conftest import ZHANG_ID

K = IdDocument.Kind


def create(world, **overrides) -> Customer:
    fields = {
        "actor": world.clerk,
        "hall": world.hall,
        "kind": Customer.Kind.INDIVIDUAL,
        "name": "李四",
        "document_kind": K.RESIDENT_ID,
        "document_number": make_resident_id(),
    }
    fields.update(overrides)
    return services.customer_create(**fields)


def nothing_written() -> bool:
    return not Customer.objects.exists() and not IdDocument.objects.exists()


# --- ACC02: registering a customer -----------------------------------------------------------------


def test_acc02_a_person_is_registered_with_a_checked_resident_id_and_a_normalised_phone(world):
    customer = create(
        world,
        name=" 张  三 ",
        phone="+86 138-1234-5678",
        document_number="11010519491231002x",
        address_region="上海市浦东新区",
        address_detail="世纪大道100号",
    )
    customer.refresh_from_db()
    document = customer.documents.get()
    assert (customer.name, customer.name_initials, customer.phone) == ("张 三", "zs", "13812345678")
    assert (document.number, document.holder_name) == ("11010519491231002X", "张 三")
    assert document.company_id == world.hall.company_id
    assert customer.company_id == world.hall.company_id and customer.registered_hall == world.hall


def test_acc02_every_kind_of_personal_document_is_accepted(world):
    numbers = {
        K.PASSPORT: "E12345678",
        K.HK_MACAU_PERMIT: "H12345678",
        K.TAIWAN_PERMIT: "12345678",
        K.FOREIGN_PR: "USA110085011501",
    }
    for kind, number in numbers.items():
        customer = create(world, document_kind=kind, document_number=number)
        assert customer.documents.get().kind == kind


@pytest.mark.parametrize(
    ("number", "code", "words"),
    [
        ("11010519491231003X", "bad_check_character", "last character"),
        ("110105194902300021", "impossible_date", "not a real date"),
        ("990105194912310021", "unknown_region", "province"),
        ("1101051949123100", "bad_length", "18 characters"),
    ],
)
def test_acc02_a_bad_resident_id_is_refused_with_a_message_naming_the_problem(world, number, code, words):
    with pytest.raises(Unprocessable) as refused:
        create(world, document_number=number)
    assert refused.value.code == code and refused.value.extra["field"] == "document_number"
    assert words in str(refused.value.message)
    assert nothing_written()


def test_acc02_a_birth_date_in_the_future_is_refused(world):
    tomorrow = world.hall.local_date() + dt.timedelta(days=1)
    with pytest.raises(Unprocessable) as refused:
        create(world, document_number=make_resident_id(birth_date=tomorrow))
    assert refused.value.code == "future_birth_date"


def test_acc02_an_enterprise_needs_its_business_licence_and_a_person_a_personal_document(world):
    with pytest.raises(Unprocessable) as refused:
        create(world, kind=Customer.Kind.ENTERPRISE, name="示范公司")
    assert refused.value.code == "enterprise_needs_licence"
    with pytest.raises(Unprocessable) as refused:
        create(world, document_kind=K.BUSINESS_LICENCE, document_number=make_uscc())
    assert refused.value.code == "individual_needs_personal_document"
    with pytest.raises(Unprocessable) as refused:
        create(
            world, kind=Customer.Kind.ENTERPRISE, document_kind=K.BUSINESS_LICENCE, document_number="91350100M000100Y44"
        )
    assert refused.value.code == "bad_check_character"
    assert nothing_written()
    company = create(
        world,
        kind=Customer.Kind.ENTERPRISE,
        name="示范公司",
        document_kind=K.BUSINESS_LICENCE,
        document_number="91350100m000100y43",
    )
    assert company.documents.get().number == "91350100M000100Y43"


def test_acc02_the_same_document_twice_in_the_company_is_a_conflict_naming_the_customer(world, zhang):
    with pytest.raises(Conflict) as refused:
        create(world, name="冒名", document_number=ZHANG_ID.lower())
    assert refused.value.status_code == 409 and refused.value.code == "document_exists"
    assert refused.value.extra["customer_id"] == zhang.pk
    assert Customer.objects.count() == 1


def test_acc02_another_company_may_register_the_same_person(world, other_world, zhang):
    twin = create(other_world, name="张三", document_number=ZHANG_ID)
    assert twin.company_id != zhang.company_id


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"name": "   "}, "name", "required"),
        ({"name": "名" * 121}, "name", "too_long"),
        ({"phone": "12345"}, "phone", "bad_phone"),
        ({"phone": "400 810 8888"}, "phone", "bad_phone"),
        ({"kind": "robot"}, "kind", "bad_customer_kind"),
        ({"document_kind": "library_card"}, "document_kind", "individual_needs_personal_document"),
        ({"valid_until": dt.date(2000, 1, 1)}, "valid_until", "document_expired"),
        ({"address_detail": "路" * 256}, "address_detail", "too_long"),
    ],
)
def test_acc02_bad_input_is_refused_with_the_field_named_and_nothing_written(world, overrides, field, code):
    with pytest.raises(Unprocessable) as refused:
        create(world, **overrides)
    assert (refused.value.extra.get("field"), refused.value.code) == (field, code)
    assert nothing_written() and not AuditEntry.objects.exists()


def test_priv01_the_audit_of_a_new_customer_holds_no_personal_data(world, zhang):
    entry = AuditEntry.objects.get(action="customer.create")
    text = str(entry.data)
    assert entry.object_id == str(zhang.pk) and entry.actor == world.clerk
    for personal in (ZHANG_ID, "13812345678", "世纪大道", "张三"):
        assert personal not in text


@pytest.mark.parametrize(
    ("name", "initials"),
    [("张三", "zs"), ("欧阳娜娜", "oynn"), ("John Smith", "js"), ("张John", "zj"), ("Zoë Ünal", "zu"), ("李·明", "lm")],
)
def test_acc02_name_initials_follow_pinyin_and_latin_words(name, initials):
    assert name_initials(name) == initials


# --- BT05 basis: contact changes -------------------------------------------------------------------------


def test_acc02_contact_change_returns_old_and_new_values_and_audits_field_names_only(world, zhang):
    changes = services.customer_update_contact(
        actor=world.clerk,
        hall=world.hall,
        customer=zhang,
        phone="139 0000 0001",
        address_detail="世纪大道100弄3号1201室",
    )
    assert changes == {"phone": {"old": "13812345678", "new": "13900000001"}}
    zhang.refresh_from_db()
    assert zhang.phone == "13900000001"
    entry = AuditEntry.objects.get(action="customer.update_contact")
    assert entry.data == {"fields": ["phone"]}
    assert (
        services.customer_update_contact(actor=world.clerk, hall=world.hall, customer=zhang, phone="13900000001") == {}
    )


def test_acc02_a_new_name_gets_new_initials(world, zhang):
    changes = services.customer_update_contact(actor=world.clerk, hall=world.hall, customer=zhang, name="李四")
    assert changes == {"name": {"old": "张三", "new": "李四"}}
    zhang.refresh_from_db()
    assert (zhang.name, zhang.name_initials) == ("李四", "ls")
    with pytest.raises(Unprocessable):
        services.customer_update_contact(actor=world.clerk, hall=world.hall, customer=zhang, name=" ")


def test_acc02_contact_of_another_companys_customer_cannot_be_changed(world, other_world, zhang):
    with pytest.raises(NotFound):
        services.customer_update_contact(actor=other_world.clerk, hall=other_world.hall, customer=zhang, phone="")
    zhang.refresh_from_db()
    assert zhang.phone == "13812345678"


def test_acc02_a_bad_new_phone_changes_nothing(world, zhang):
    with pytest.raises(Unprocessable):
        services.customer_update_contact(
            actor=world.clerk, hall=world.hall, customer=zhang, phone="123", address_region="北京市"
        )
    zhang.refresh_from_db()
    assert (zhang.phone, zhang.address_region) == ("13812345678", "上海市浦东新区")


def test_acc02_documents_are_added_checked_and_unique(world, zhang):
    passport = services.id_document_add(
        actor=world.clerk, hall=world.hall, customer=zhang, kind=K.PASSPORT, number="e 1234 5678"
    )
    assert passport.number == "E12345678" and passport.holder_name == "张三"
    with pytest.raises(Conflict):
        services.id_document_add(
            actor=world.clerk, hall=world.hall, customer=zhang, kind=K.PASSPORT, number="E12345678"
        )
    with pytest.raises(Unprocessable):
        services.id_document_add(
            actor=world.clerk, hall=world.hall, customer=zhang, kind=K.BUSINESS_LICENCE, number=make_uscc()
        )


def test_acc02_a_document_cannot_be_added_from_another_company(world, other_world, zhang):
    with pytest.raises(NotFound):
        services.id_document_add(
            actor=other_world.clerk, hall=other_world.hall, customer=zhang, kind=K.PASSPORT, number="E12345678"
        )


# --- PRIV01: the full value, logged --------------------------------------------------------------------


def test_priv01_reveal_returns_the_full_value_and_writes_exactly_one_access_row(world, zhang):
    value = services.personal_data_reveal(
        actor=world.clerk, hall=world.hall, customer=zhang, field="id_number", reason="  客户要求核对 "
    )
    assert value == ZHANG_ID
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.hall, access.customer, access.field, access.reason) == (
        world.clerk,
        world.hall,
        zhang,
        "id_number",
        "客户要求核对",
    )
    assert access.document == zhang.documents.get() and access.at is not None


def test_priv01_reveal_of_each_field_and_of_a_service(world, zhang):
    mobile = MobileServiceFactory(customer=zhang, number="13900000009")
    gas = GasServiceFactory(customer=zhang)
    reveal = {"actor": world.manager, "hall": world.hall, "customer": zhang, "reason": "办理业务需要"}
    assert services.personal_data_reveal(field="phone", **reveal) == "13812345678"
    assert services.personal_data_reveal(field="address", **reveal) == "上海市浦东新区 世纪大道100弄3号1201室"
    assert services.personal_data_reveal(field="phone", service=mobile, **reveal) == "13900000009"
    assert services.personal_data_reveal(field="address", service=gas, **reveal).startswith("上海市浦东新区 张杨路")
    with pytest.raises(Unprocessable):
        services.personal_data_reveal(field="phone", service=gas, **reveal)
    assert PersonalDataAccess.objects.count() == 4


@pytest.mark.parametrize("reason", ["", "   "])
def test_priv01_reveal_without_a_reason_is_refused_and_not_logged(world, zhang, reason):
    with pytest.raises(Unprocessable) as refused:
        services.personal_data_reveal(actor=world.clerk, hall=world.hall, customer=zhang, field="phone", reason=reason)
    assert refused.value.extra["field"] == "reason"
    assert not PersonalDataAccess.objects.exists()


def test_priv01_a_role_without_the_capability_may_not_reveal(world, zhang):
    with pytest.raises(Forbidden):
        services.personal_data_reveal(actor=world.guide, hall=world.hall, customer=zhang, field="phone", reason="好奇")
    assert not PersonalDataAccess.objects.exists()


def test_priv01_staff_of_another_company_cannot_reveal(world, other_world, zhang):
    with pytest.raises(NotFound):
        services.personal_data_reveal(
            actor=other_world.clerk, hall=other_world.hall, customer=zhang, field="phone", reason="核对"
        )
    assert not PersonalDataAccess.objects.exists()


def test_priv01_a_document_or_service_of_someone_else_is_not_revealed(world, zhang):
    stranger = IdDocumentFactory(customer=CustomerFactory(company=world.hall.company))
    their_line = MobileServiceFactory(customer=stranger.customer)
    with pytest.raises(NotFound):
        services.personal_data_reveal(
            actor=world.clerk, hall=world.hall, customer=zhang, field="id_number", reason="核对", document=stranger
        )
    with pytest.raises(NotFound):
        services.personal_data_reveal(
            actor=world.clerk, hall=world.hall, customer=zhang, field="phone", reason="核对", service=their_line
        )
    assert not PersonalDataAccess.objects.exists()


# --- BT01: the hall's number pool ------------------------------------------------------------------------


def test_bt01_numbers_are_added_once_and_checked(world):
    assert services.number_pool_add(actor=world.manager, hall=world.hall, numbers=["139 0210 0001", "13902100002"]) == 2
    assert services.number_pool_add(actor=world.manager, hall=world.hall, numbers=["+8613902100001"]) == 0
    with pytest.raises(Unprocessable):
        services.number_pool_add(actor=world.manager, hall=world.hall, numbers=["13902100003", "02168881234"])
    assert NumberPoolEntry.objects.filter(hall=world.hall).count() == 2


def test_bt01_reserve_hands_out_each_free_number_once_then_refuses(world):
    services.number_pool_add(actor=world.manager, hall=world.hall, numbers=["13902100002", "13902100001"])
    first = services.number_pool_reserve(actor=world.clerk, hall=world.hall)
    second = services.number_pool_reserve(actor=world.clerk2, hall=world.hall)
    assert (first.number, second.number) == ("13902100001", "13902100002")
    assert (first.status, first.reserved_by) == (NumberPoolEntry.Status.RESERVED, world.clerk)
    with pytest.raises(Conflict) as refused:
        services.number_pool_reserve(actor=world.clerk, hall=world.hall)
    assert refused.value.code == "pool_empty"


def test_bt01_a_chosen_number_is_reserved_only_while_free_and_moves_by_the_table(world):
    services.number_pool_add(actor=world.manager, hall=world.hall, numbers=["13902100001"])
    entry = services.number_pool_reserve(actor=world.clerk, hall=world.hall, number="139 0210 0001")
    with pytest.raises(Conflict):
        services.number_pool_reserve(actor=world.clerk2, hall=world.hall, number="13902100001")
    taken = services.number_pool_take(actor=world.clerk, entry=entry)
    assert taken.status == NumberPoolEntry.Status.TAKEN
    with pytest.raises(Conflict):
        services.number_pool_take(actor=world.clerk, entry=taken)
    freed = services.number_pool_release(actor=world.clerk, entry=taken)  # an opening reverted
    assert (freed.status, freed.reserved_by) == (NumberPoolEntry.Status.FREE, None)


def test_bt01_a_stale_copy_cannot_move_a_number_twice(world):
    services.number_pool_add(actor=world.manager, hall=world.hall, numbers=["13902100001"])
    entry = services.number_pool_reserve(actor=world.clerk, hall=world.hall)
    stale = NumberPoolEntry.objects.get(pk=entry.pk)
    services.number_pool_take(actor=world.clerk, entry=entry)
    with pytest.raises(Conflict):
        services.number_pool_release(actor=world.clerk2, entry=stale)  # still thinks it is reserved
    assert NumberPoolEntry.objects.get(pk=entry.pk).status == NumberPoolEntry.Status.TAKEN


def test_bt01_another_halls_pool_is_not_touched(world, other_world):
    services.number_pool_add(actor=world.manager, hall=world.hall, numbers=["13902100001"])
    with pytest.raises(Conflict):
        services.number_pool_reserve(actor=other_world.clerk, hall=other_world.hall)


# --- services and their status ------------------------------------------------------------------------


def test_acc02_a_service_is_opened_with_its_checked_number_and_history(world, zhang):
    mobile = services.service_create(
        actor=world.clerk,
        hall=world.hall,
        customer=zhang,
        kind="mobile",
        number="139-0210-0001",
        package_code="basic-58",
    )
    assert (mobile.number, mobile.status, mobile.balance) == ("13902100001", "active", Decimal("0.00"))
    assert mobile.opened_at is not None and mobile.opened_hall == world.hall
    change = ServiceStatusChange.objects.get(service=mobile)
    assert (change.from_status, change.to_status, change.actor) == ("", "active", world.clerk)
    gas = services.service_create(
        actor=world.clerk,
        hall=world.hall,
        customer=zhang,
        kind="gas",
        number="gas-0001",
        status="pending",
        balance="12.5",
    )
    assert (gas.number, gas.opened_at, gas.balance) == ("GAS-0001", None, Decimal("12.50"))


@pytest.mark.parametrize(
    ("kind", "number", "extra", "code"),
    [
        ("mobile", "02168881234", {}, "not_mobile"),
        ("mobile", "", {}, "required"),
        ("fixed_line", "12", {}, "bad_phone"),
        ("broadband", "宽带账号", {}, "bad_service_number"),
        ("satellite", "1", {}, "bad_service_kind"),
        ("gas", "G1", {"balance": "-1"}, "bad_amount"),
        ("gas", "G1", {"balance": "abc"}, "bad_amount"),
        ("gas", "G1", {"status": "cancelled"}, "bad_status"),
    ],
)
def test_acc02_bad_service_input_is_refused_and_nothing_written(world, zhang, kind, number, extra, code):
    with pytest.raises(Unprocessable) as refused:
        services.service_create(actor=world.clerk, hall=world.hall, customer=zhang, kind=kind, number=number, **extra)
    assert refused.value.code == code
    assert not Service.objects.exists()


def test_acc02_a_live_service_number_is_not_given_twice_but_a_cancelled_one_is(world, zhang):
    first = services.service_create(
        actor=world.clerk, hall=world.hall, customer=zhang, kind="mobile", number="13902100001"
    )
    with pytest.raises(Conflict):
        services.service_create(actor=world.clerk, hall=world.hall, customer=zhang, kind="mobile", number="13902100001")
    services.service_set_status(actor=world.clerk, service=first, to="cancelled", note="销户")
    again = services.service_create(
        actor=world.clerk, hall=world.hall, customer=zhang, kind="mobile", number="13902100001"
    )
    assert again.pk != first.pk


def test_acc02_service_status_moves_follow_the_table_with_history(world, zhang):
    service = MobileServiceFactory(customer=zhang)
    services.service_set_status(actor=world.clerk, service=service, to="suspended", note="停机保号")
    services.service_set_status(actor=world.clerk, service=service, to="active")
    services.service_set_status(actor=world.clerk, service=service, to="cancelled")
    assert service.cancelled_at is not None
    with pytest.raises(Conflict) as refused:
        services.service_set_status(actor=world.clerk, service=service, to="active")
    assert refused.value.code == "illegal_move"
    moves = list(ServiceStatusChange.objects.filter(service=service).values_list("from_status", "to_status", "note"))
    assert moves == [("active", "suspended", "停机保号"), ("suspended", "active", ""), ("active", "cancelled", "")]


def test_acc02_a_stale_service_copy_cannot_change_status(world, zhang):
    service = MobileServiceFactory(customer=zhang)
    stale = Service.objects.get(pk=service.pk)
    services.service_set_status(actor=world.clerk, service=service, to="suspended")
    with pytest.raises(Conflict) as refused:
        services.service_set_status(actor=world.clerk, service=stale, to="cancelled")
    assert refused.value.code == "stale_status"
    assert Service.objects.get(pk=service.pk).status == "suspended"
