"""ACC02 identity, ACC03 documents, PRIV03 anti-fraud, ACC04 review, ACC05 confirmation, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.orders import selectors, services
from servicehall.orders.models import Confirmation, IdentityCheck, OrderDocument, ReviewDecision
from servicehall.orders.states import OrderStatus
from servicehall.org.roles import Role
from testsupport.world import make_member

from .helpers import (
    NEW_OWNER_DOC,
    PROXY_DOC,
    SAFE_ANSWERS,
    UNSAFE_ANSWERS,
    anti_fraud_checklist,
    business,
    create,
    customer,
    id_document,
    processed,
    reload,
    satisfy_acceptance,
    through_acceptance,
    to_acceptance,
)

S = OrderStatus
PNG_1PX = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def check(order, person, party="owner", clerk=None, method="visual"):
    return services.order_identity_check(
        order=order, actor=clerk or order.clerk, document=id_document(person), party=party, method=method
    )


def tick_all(order):
    for document in order.documents.all():
        services.order_document_seen(order=order, code=document.code, actor=order.clerk)


def leave_acceptance(order, to=S.PROCESSING):
    return services.order_advance(order=order, to=to, actor=order.clerk)


# --- ACC02 identity ---------------------------------------------------------------------------


def test_acc02_business_needing_identity_cannot_pass_acceptance_until_the_owner_is_checked(world):
    owner = customer(world)
    order = to_acceptance(create(world, business(world), person=owner), world.clerk)
    tick_all(order)
    with pytest.raises(Unprocessable) as refused:
        leave_acceptance(order)
    assert refused.value.code == "identity_missing"
    assert "owner's ID document" in str(refused.value.message)
    check(order, owner)
    assert leave_acceptance(order).status == S.PROCESSING


def test_acc02_business_without_identity_passes_without_a_customer(world):
    order = to_acceptance(
        create(world, business(world, "topup", identity_required=False, required_documents=[])), world.clerk
    )
    assert leave_acceptance(order).status == S.PROCESSING


def test_acc02_an_order_needing_identity_needs_a_customer_first(world):
    order = to_acceptance(create(world, business(world, required_documents=[])), world.clerk)
    with pytest.raises(Unprocessable) as refused:
        leave_acceptance(order)
    assert refused.value.code == "customer_missing"


def test_acc02_owner_only_needs_owner_or_proxy_with_authorisation(world):
    owner_only = business(world, "sim", owner_only=True, risky=False)
    owner, proxy = customer(world), customer(world, "李四", phone="13900000000")

    # The owner in person: the owner's document is enough.
    by_owner = to_acceptance(create(world, owner_only, person=owner), world.clerk)
    tick_all(by_owner)
    check(by_owner, owner)
    assert leave_acceptance(by_owner).status == S.PROCESSING

    # A proxy: their own ID alone is not enough, nor both IDs without the signed authorisation.
    by_proxy = to_acceptance(create(world, owner_only, person=owner), world.clerk)
    tick_all(by_proxy)
    services.order_set_proxy(order=by_proxy, actor=world.clerk, proxy=proxy)
    check(by_proxy, proxy, party="proxy")
    with pytest.raises(Unprocessable) as refused:
        leave_acceptance(by_proxy)
    assert {"identity_missing"} == {refused.value.code}
    assert "authorisation" in str(refused.value.message)
    check(by_proxy, owner)
    with pytest.raises(Unprocessable) as refused:
        leave_acceptance(by_proxy)
    assert refused.value.code == "authorisation_missing"
    services.order_record_authorisation(order=by_proxy, actor=world.clerk)
    assert leave_acceptance(by_proxy).status == S.PROCESSING


def test_acc02_for_ordinary_business_a_proxy_shows_their_own_id(world):
    owner, proxy = customer(world), customer(world, "李四", phone="13900000000")
    order = to_acceptance(create(world, business(world), person=owner), world.clerk)
    tick_all(order)
    services.order_set_proxy(order=order, actor=world.clerk, proxy=proxy)
    with pytest.raises(Unprocessable) as refused:
        leave_acceptance(order)
    assert "proxy's own ID" in str(refused.value.message)
    check(order, proxy, party="proxy")
    assert leave_acceptance(order).status == S.PROCESSING


def test_acc02_a_new_proxy_needs_a_new_check_and_a_new_authorisation(world):
    owner = customer(world)
    first, second = customer(world, "李四", phone="13900000000"), customer(world, "王五", phone="13900000001")
    order = to_acceptance(create(world, business(world, owner_only=True), person=owner), world.clerk)
    tick_all(order)
    check(order, owner)
    services.order_set_proxy(order=order, actor=world.clerk, proxy=first)
    check(order, first, party="proxy")
    services.order_record_authorisation(order=order, actor=world.clerk)
    services.order_set_proxy(order=order, actor=world.clerk, proxy=second)
    blockers = {b.code for b in selectors.acceptance_blockers(order=reload(order))}
    assert blockers == {"identity_missing", "authorisation_missing"}


def test_acc02_transfer_needs_the_new_owner_identified_too(world):
    transfer = business(world, "transfer", action="ownership_transfer", required_documents=[NEW_OWNER_DOC])
    owner, new_owner = customer(world), customer(world, "李四", phone="13900000000")
    order = to_acceptance(create(world, transfer, person=owner), world.clerk)
    tick_all(order)
    check(order, owner)
    with pytest.raises(Unprocessable) as refused:
        leave_acceptance(order)
    assert refused.value.code == "counterparty_missing"
    with pytest.raises(Unprocessable):
        services.order_set_counterparty(order=order, actor=world.clerk, counterparty=owner)
    services.order_set_counterparty(order=order, actor=world.clerk, counterparty=new_owner)
    with pytest.raises(Unprocessable) as refused:
        leave_acceptance(order)
    assert "new owner's ID" in str(refused.value.message)
    check(order, new_owner, party="counterparty")
    assert leave_acceptance(order).status == S.PROCESSING


def test_acc02_a_document_of_somebody_else_or_expired_is_refused(world):
    owner, stranger = customer(world), customer(world, "李四", phone="13900000000")
    expired = customer(world, "王五", phone="13900000001", valid_until=dt.date(2020, 1, 1))
    order = create(world, business(world), person=owner)
    with pytest.raises(Unprocessable) as refused:
        check(order, stranger)
    assert refused.value.code == "document_mismatch"
    with pytest.raises(Unprocessable) as refused:
        check(order, stranger, party="proxy")
    assert refused.value.code == "party_missing"
    services.order_set_customer(order=order, actor=world.clerk, customer=expired)
    with pytest.raises(Unprocessable) as refused:
        check(order, expired)
    assert refused.value.code == "document_expired"
    with pytest.raises(Unprocessable):
        services.order_identity_check(
            order=order, actor=world.clerk, document=id_document(expired), party="owner", method="telepathy"
        )
    assert not IdentityCheck.objects.exists()


def test_acc02_identity_is_checked_before_acceptance_is_passed(world):
    owner = customer(world)
    order = through_acceptance(create(world, business(world), person=owner), world.clerk)
    with pytest.raises(Conflict) as refused:
        check(order, owner)
    assert refused.value.code == "too_late"


def test_acc02_the_owner_cannot_be_their_own_proxy(world):
    owner = customer(world)
    order = create(world, business(world), person=owner)
    with pytest.raises(Unprocessable):
        services.order_set_proxy(order=order, actor=world.clerk, proxy=owner)
    with pytest.raises(Unprocessable) as refused:
        services.order_record_authorisation(order=order, actor=world.clerk)
    assert refused.value.code == "proxy_missing"


# --- ACC03 documents -------------------------------------------------------------------------


def test_acc03_the_order_cannot_pass_acceptance_until_every_required_document_is_seen(world):
    owner = customer(world)
    docs = [
        {"code": "resident_id", "name_zh": "身份证", "name_en": "ID card"},
        {"code": "address_proof", "name_zh": "地址证明", "name_en": "Address proof"},
    ]
    order = to_acceptance(create(world, business(world, required_documents=docs), person=owner), world.clerk)
    check(order, owner)
    assert [d.code for d in order.documents.order_by("id")] == ["resident_id", "address_proof"]
    services.order_document_seen(order=order, code="resident_id", actor=world.clerk)
    with pytest.raises(Unprocessable) as refused:
        leave_acceptance(order)
    assert refused.value.code == "documents_missing"
    assert "Address proof" in str(refused.value.message)
    assert "ID card" not in str(refused.value.message)
    services.order_document_seen(order=order, code="address_proof", actor=world.clerk)
    assert leave_acceptance(order).status == S.PROCESSING
    seen = OrderDocument.objects.get(order=order, code="address_proof")
    assert seen.seen_by == world.clerk and seen.seen_at is not None


def test_acc03_unknown_document_code_is_404(world):
    order = create(world, business(world), person=customer(world))
    with pytest.raises(NotFound):
        services.order_document_seen(order=order, code="passport_of_the_cat", actor=world.clerk)


def test_acc03_a_proxys_documents_count_only_while_a_proxy_acts(world):
    owner, proxy = customer(world), customer(world, "李四", phone="13900000000")
    bt = business(world, proxy_documents=[PROXY_DOC])
    order = to_acceptance(create(world, bt, person=owner), world.clerk)
    check(order, owner)
    services.order_document_seen(order=order, code="resident_id", actor=world.clerk)
    assert selectors.document_blockers(order=order) == []
    services.order_set_proxy(order=order, actor=world.clerk, proxy=proxy)
    check(order, proxy, party="proxy")
    assert [b.code for b in selectors.document_blockers(order=reload(order))] == ["documents_missing"]
    services.order_document_seen(order=order, code="proxy_id", actor=world.clerk)
    assert leave_acceptance(order).status == S.PROCESSING


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"\x00" * 100


def test_acc03_a_scan_is_kept_when_its_content_is_jpeg_png_or_pdf(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = create(world, business(world), person=customer(world))
    upload = SimpleUploadedFile("photo.exe", JPEG, content_type="application/octet-stream")
    document = services.order_document_upload(order=order, code="resident_id", actor=world.clerk, upload=upload)
    assert document.file_type == "image/jpeg"
    assert document.file.name.startswith(f"orders/{world.hall.code}/{order.number}/")
    assert document.file.name.endswith(".jpg") and "photo" not in document.file.name
    assert (tmp_path / document.file.name).read_bytes() == JPEG
    with pytest.raises(Conflict):
        services.order_document_upload(
            order=order, code="resident_id", actor=world.clerk, upload=SimpleUploadedFile("b.pdf", PDF)
        )


def test_acc03_a_scan_of_the_wrong_type_or_too_large_is_refused_with_a_clear_message(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ORDER_DOCUMENT_MAX_BYTES = 1000
    order = create(world, business(world), person=customer(world))
    cases = [
        (SimpleUploadedFile("scan.pdf", b"GIF89a" + b"\x00" * 10, content_type="application/pdf"), "bad_file_type"),
        (SimpleUploadedFile("scan.jpg", b"<script>alert(1)</script>", content_type="image/jpeg"), "bad_file_type"),
        (SimpleUploadedFile("big.pdf", b"%PDF-" + b"\x00" * 2000), "file_too_large"),
        (SimpleUploadedFile("empty.pdf", b""), "empty_file"),
    ]
    for upload, code in cases:
        with pytest.raises(Unprocessable) as refused:
            services.order_document_upload(order=order, code="resident_id", actor=world.clerk, upload=upload)
        assert refused.value.code == code
    assert not OrderDocument.objects.get(order=order).file
    assert not any(tmp_path.rglob("*.*"))


def test_acc03_the_size_message_names_the_limit(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = create(world, business(world), person=customer(world))
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"\x00" * (5 * 1024 * 1024 + 1))
    with pytest.raises(Unprocessable) as refused:
        services.order_document_upload(order=order, code="resident_id", actor=world.clerk, upload=big)
    assert "at most 5 MB" in str(refused.value.message)
    with pytest.raises(Unprocessable) as refused:
        services.order_document_upload(
            order=order, code="resident_id", actor=world.clerk, upload=SimpleUploadedFile("x.docx", b"PK\x03\x04")
        )
    assert "JPEG or PNG photos and PDF scans" in str(refused.value.message)


# --- PRIV03 anti-fraud ----------------------------------------------------------------------


def test_priv03_risky_business_cannot_pass_acceptance_without_the_checklist(world):
    anti_fraud_checklist(world)
    owner = customer(world)
    order = to_acceptance(create(world, business(world, "sim", risky=True), person=owner), world.clerk)
    satisfy_acceptance(order, world.clerk)
    with pytest.raises(Unprocessable) as refused:
        leave_acceptance(order)
    assert refused.value.code == "anti_fraud_missing"
    services.order_record_fraud_check(order=order, actor=world.clerk, answers=SAFE_ANSWERS)
    order = reload(order)
    assert order.fraud_answers == SAFE_ANSWERS
    assert order.fraud_unsafe is False
    assert leave_acceptance(order).status == S.PROCESSING


def test_priv03_every_question_must_be_answered_yes_or_no(world):
    anti_fraud_checklist(world)
    order = create(world, business(world, "sim", risky=True), person=customer(world))
    for answers in ({"phone_instructions": "no"}, {**SAFE_ANSWERS, "own_will": "maybe"}, {**SAFE_ANSWERS, "x": "no"}):
        with pytest.raises(Unprocessable):
            services.order_record_fraud_check(order=order, actor=world.clerk, answers=answers)
    assert reload(order).fraud_checked_at is None


def test_priv03_an_unsafe_answer_blocks_unless_the_clerk_writes_why_and_then_a_manager_reviews(world):
    anti_fraud_checklist(world)
    owner = customer(world)
    order = to_acceptance(create(world, business(world, "sim", risky=True), person=owner), world.clerk)
    satisfy_acceptance(order, world.clerk)
    services.order_record_fraud_check(order=order, actor=world.clerk, answers=UNSAFE_ANSWERS)
    with pytest.raises(Unprocessable) as refused:
        leave_acceptance(order)
    assert refused.value.code == "anti_fraud_warning"
    services.order_record_fraud_check(
        order=order,
        actor=world.clerk,
        answers=UNSAFE_ANSWERS,
        override_note="The caller is the customer's daughter, present at the counter.",
    )
    order = reload(order)
    assert order.fraud_unsafe is True
    assert order.fraud_answers == UNSAFE_ANSWERS
    # The business type needs no review, but a worrying answer sends the order to the duty manager.
    with pytest.raises(Conflict):
        leave_acceptance(order, S.PROCESSING)
    assert leave_acceptance(order, S.REVIEW).status == S.REVIEW


def test_priv03_business_that_is_not_risky_has_no_checklist(world):
    anti_fraud_checklist(world)
    order = create(world, business(world), person=customer(world))
    with pytest.raises(Unprocessable):
        services.order_record_fraud_check(order=order, actor=world.clerk, answers=SAFE_ANSWERS)


# --- ACC04 review --------------------------------------------------------------------------


def waiting_for_review(world, clerk=None, bt=None):
    bt = bt or business(world, "cancel", review_required=True)
    order = create(world, bt, clerk=clerk or world.clerk, person=customer(world))
    return through_acceptance(order, clerk or world.clerk)


def test_acc04_same_person_may_not_accept_and_approve(world):
    # A duty manager serving at a counter accepts an order: another manager must approve it.
    order = waiting_for_review(world, clerk=world.manager)
    with pytest.raises(Forbidden) as refused:
        services.order_review(order=order, actor=world.manager, approve=True)
    assert refused.value.status_code == 403
    assert refused.value.code == "same_person"
    second = make_member(world.hall, Role.DUTY_MANAGER, "manager2_ha")
    assert services.order_review(order=order, actor=second, approve=True).status == S.PROCESSING


def test_acc04_a_clerk_may_not_review(world):
    order = waiting_for_review(world)
    with pytest.raises(Forbidden) as refused:
        services.order_review(order=order, actor=world.clerk2, approve=True)
    assert refused.value.code == "not_reviewer"
    assert reload(order).status == S.REVIEW
    assert not ReviewDecision.objects.exists()


def test_acc04_rejection_needs_a_reason_and_ends_the_order(world):
    order = waiting_for_review(world)
    with pytest.raises(Unprocessable):
        services.order_review(order=order, actor=world.manager, approve=False, reason=" ")
    order = services.order_review(order=order, actor=world.manager, approve=False, reason="Arrears not paid")
    assert order.status == S.REJECTED
    decision = ReviewDecision.objects.get(order=order)
    assert (decision.approved, decision.reason, decision.decided_by) == (False, "Arrears not paid", world.manager)
    assert reload(order).reason == "Arrears not paid"
    with pytest.raises(Conflict):
        services.order_review(order=order, actor=world.manager, approve=True)


def test_acc04_a_manager_of_another_hall_cannot_review(world, other_world):
    order = waiting_for_review(world)
    with pytest.raises(Forbidden):
        services.order_review(order=order, actor=other_world.manager, approve=True)


def test_acc04_orders_for_review_lists_the_waiting_ones(world, django_assert_max_num_queries):
    bt = business(world, "cancel", review_required=True)
    waiting = [waiting_for_review(world, bt=bt) for _ in range(3)]
    create(world, business(world, "other"), person=customer(world))
    with django_assert_max_num_queries(1):
        listed = [
            (o.number, o.business_type.code, o.customer.name) for o in selectors.orders_for_review(hall=world.hall)
        ]
    assert [n for n, *_ in listed] == [o.number for o in waiting]


# --- ACC05 confirmation -------------------------------------------------------------------------


def test_acc05_the_confirmation_keeps_the_summary_and_fees_as_shown(world):
    order = processed(world, business(world, standard_fee=Decimal("30.00")))
    confirmation = services.order_confirm(order=order, actor=world.clerk, method="signature", signature=PNG_1PX)
    assert confirmation.fee_total == Decimal("30.00")
    assert order.number in confirmation.summary
    assert "30.00" in confirmation.summary
    assert confirmation.signature == PNG_1PX
    assert reload(order).status == S.PAYMENT
    with pytest.raises(Conflict):
        services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")


def test_acc05_a_signature_is_required_and_must_be_an_image_or_a_path(world):
    order = processed(world, business(world))
    bad = ["", "data:image/png;base64,AAAA", "<svg onload=alert(1)>", "data:image/jpeg;base64,/9j/", "M1 1 " * 50000]
    for signature in bad:
        with pytest.raises(Unprocessable):
            services.order_confirm(order=order, actor=world.clerk, method="signature", signature=signature)
    assert not Confirmation.objects.exists()
    confirmation = services.order_confirm(
        order=order, actor=world.clerk, method="signature", signature="M10 10 L20 20 L30 5"
    )
    assert confirmation.method == "signature"


def test_acc05_the_order_cannot_be_confirmed_before_processing_nor_leave_confirmation_unconfirmed(world):
    order = create(world, business(world), person=customer(world))
    with pytest.raises(Conflict):
        services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    done = processed(world, business(world, "other"))
    with pytest.raises(Conflict) as refused:
        services.order_advance(order=done, to=S.CLOSED, actor=world.clerk)
    assert refused.value.code == "not_confirmed"


def test_acc05_a_clerk_tick_records_the_clerk(world):
    order = processed(world, business(world))
    confirmation = services.order_confirm(order=order, actor=world.clerk2, method="clerk_tick")
    assert confirmation.confirmed_by == world.clerk2
    assert confirmation.signature == ""
    assert confirmation.at <= timezone.now()


def test_acc05_payment_elsewhere_only_at_payment(world):
    order = processed(world, business(world, standard_fee=Decimal("1.00")))
    with pytest.raises(Conflict):
        services.order_record_payment_elsewhere(order=order, actor=world.clerk)
    services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = services.order_record_payment_elsewhere(order=reload(order), actor=world.clerk, reference="POS-1")
    assert order.status == S.CLOSED
    assert reload(order).payment_reference == "POS-1"


def test_acc05_a_tick_keeps_no_signature(world):
    order = processed(world, business(world))
    services.order_confirm(order=order, actor=world.clerk, method="clerk_tick", signature="M1 1 L2 2")
    assert Confirmation.objects.get(order=order).signature == ""
