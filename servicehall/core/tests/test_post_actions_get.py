"""POST-only staff actions answer a GET with a redirect to the page they belong to, never 405 or 500.

After a refused form, the action's own address shows the page with the message; a reload after the browser's
resubmission, the back button or a copied address then asks that address with GET. `core.views.post_or_back_to`
sends it to the page the action belongs to (the hall kept), as the hotel folio did first.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import resolve, reverse

from servicehall.billing.tests.test_receipt_printing import _paid_receipt
from servicehall.care.services import complaint_record
from servicehall.care.tests.test_care04_views import SUMMARY, WORDS
from servicehall.catalog.models import ComplaintCategory, FaultKind
from servicehall.customers.models import Customer, IdDocument
from servicehall.customers.services import customer_create
from servicehall.orders.services.repairs import repair_open
from servicehall.orders.tests.helpers import customer
from servicehall.orders.tests.telecom_helpers import held_service, load_telecom
from servicehall.org.roles import Role
from testsupport.customers import make_resident_id
from testsupport.world import make_member

pytestmark = pytest.mark.django_db

# (the action's URL name, its kwargs) -> (the page's URL name, the page's kwargs)
ACTIONS = [
    (("customers:personal_data_export", {"customer_id": 7}), ("customers:personal_data", {"customer_id": 7})),
    (("customers:personal_data_erase", {"customer_id": 7}), ("customers:personal_data", {"customer_id": 7})),
    (("invoicing:void", {"hall": "ha", "invoice_id": 3}), ("invoicing:detail", {"hall": "ha", "invoice_id": 3})),
    (("invoicing:reissue", {"hall": "ha", "invoice_id": 3}), ("invoicing:detail", {"hall": "ha", "invoice_id": 3})),
    (("orders:details", {"order_id": 5}), ("orders:detail", {"order_id": 5})),
    (("orders:hold_number", {"order_id": 5}), ("orders:detail", {"order_id": 5})),
    (("orders:review_decide", {"hall": "ha", "order_id": 5}), ("orders:detail", {"order_id": 5})),
    (
        ("premises:rectification_act", {"hall": "ha", "rectification": 2, "action": "close"}),
        ("premises:rectification", {"hall": "ha", "rectification": 2}),
    ),
    (
        ("premises:equipment_act", {"hall": "ha", "equipment": 4, "action": "retire"}),
        ("premises:equipment_item", {"hall": "ha", "equipment": 4}),
    ),
    (("safety:incident_entry", {"hall": "ha", "incident": 6}), ("safety:incident", {"hall": "ha", "incident": 6})),
    (("hotel:change", {"hall": "ha", "reservation": 8}), ("hotel:reservation", {"hall": "ha", "reservation": 8})),
    (("hotel:folio_charge", {"hall": "ha", "reservation": 8}), ("hotel:folio", {"hall": "ha", "reservation": 8})),
    (
        ("hotel:folio_reverse", {"hall": "ha", "reservation": 8, "charge": 1}),
        ("hotel:folio", {"hall": "ha", "reservation": 8}),
    ),
    (("hotel:folio_deposit", {"hall": "ha", "reservation": 8}), ("hotel:folio", {"hall": "ha", "reservation": 8})),
    (("hotel:check_out", {"hall": "ha", "reservation": 8}), ("hotel:folio", {"hall": "ha", "reservation": 8})),
    (("hotel:invoice", {"hall": "ha", "reservation": 8}), ("hotel:farewell", {"hall": "ha", "reservation": 8})),
    (
        ("reception:visit_act", {"hall": "ha", "visit": 9, "action": "submit"}),
        ("reception:visit", {"hall": "ha", "visit": 9}),
    ),
    (
        ("reception:visitor_id", {"hall": "ha", "visit": 9, "visitor": 1}),
        ("reception:visit", {"hall": "ha", "visit": 9}),
    ),
    (("credit:review", {"hall": "ha", "application_id": 2}), ("credit:applications", {"hall": "ha"})),
    # Converted with the others below (CONVERTED); their pages show one reservation, visit, card or credit
    # application, which this file does not build, so only the redirect is proved here.
    *[
        ((f"reception:{name}", {"hall": "ha", "visit": 9}), ("reception:visit", {"hall": "ha", "visit": 9}))
        for name in ("visit_check", "visit_record", "visitor_add", "expense_add")
    ],
    (
        ("reception:visitor_sign_in", {"hall": "ha", "visit": 9, "visitor": 1}),
        ("reception:visit", {"hall": "ha", "visit": 9}),
    ),
    *[
        ((f"hotel:{name}", {"hall": "ha", "reservation": 8}), ("hotel:reservation", {"hall": "ha", "reservation": 8}))
        for name in ("room_change", "assign_room", "inspect_room", "check_in", "cancel")
    ],
    (("staff:card_adjust", {"hall": "ha", "card": 3}), ("staff:card", {"hall": "ha", "card": 3})),
    *[
        ((f"credit:{name}", {"application_id": 2}), ("credit:application", {"application_id": 2}))
        for name in ("sign", "activate", "cancel", "pay", "pay_early")
    ],
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("action", "page"), ACTIONS, ids=[a[0][0] for a in ACTIONS])
def test_a_get_of_a_post_only_action_redirects_to_its_page(world, action, page):
    client = _client(world.manager)
    name, kwargs = action
    answer = client.get(reverse(name, kwargs=kwargs) + "?hall=ha")
    assert answer.status_code == 302, answer.status_code
    target = resolve(answer.url.split("?")[0])
    assert (f"{target.namespace}:{target.url_name}", target.kwargs) == page
    assert "hall=ha" in answer.url
    # Any other method is still not allowed; the action itself stays a POST.
    assert client.put(reverse(name, kwargs=kwargs)).status_code == 405


def test_priv02_the_erase_address_opened_with_get_after_a_refusal_shows_the_personal_data_page(world):
    admin = make_member(world.hall, Role.HALL_ADMIN, "admin_get")
    customer = customer_create(
        actor=world.clerk,
        hall=world.hall,
        kind=Customer.Kind.INDIVIDUAL,
        name="王五",
        phone="13912345678",
        document_kind=IdDocument.Kind.RESIDENT_ID,
        document_number=make_resident_id(),
    )
    client = _client(admin)
    url = reverse("customers:personal_data_erase", kwargs={"customer_id": customer.pk}) + f"?hall={world.hall.code}"
    refused = client.post(url, {"words": ""})
    assert refused.status_code == 422
    page = client.get(url, follow=True)
    assert page.status_code == 200 and page.redirect_chain[0][1] == 302
    assert resolve(page.request["PATH_INFO"]).url_name == "personal_data"


# The actions converted after the first fifteen: each is asked with GET for real objects of hall A, and the page
# it sends to must answer. The kwargs name the objects the page needs by a word `_objects` makes them for.
T = "6f1c1a52-8f7e-4a55-9a3f-3b1f2b7d9c01"  # a ticket id: the action's own lookup is never reached on GET
CONVERTED = [
    # (the action's URL name, its kwargs) -> (the page's URL name, the page's kwargs)
    (("billing:refund_decide", {"hall": "ha", "refund_id": 3}), ("billing:refunds", {"hall": "ha"})),
    (
        ("care:complaint_phone", {"hall": "ha", "complaint": "complaint"}),
        ("care:complaint", {"hall": "ha", "complaint": "complaint"}),
    ),
    (
        ("care:complaint_act", {"hall": "ha", "complaint": "complaint", "action": "acknowledge"}),
        ("care:complaint", {"hall": "ha", "complaint": "complaint"}),
    ),
    (("care:ask", {"hall": "ha", "ticket": T}), ("queueing:workbench", {"hall": "ha"})),
    (("customers:reveal", {"customer_id": "customer"}), ("customers:detail", {"customer_id": "customer"})),
    (("customers:card_write_action", {"write_id": 4, "action": "confirm"}), ("customers:card_writes", {})),
    (("safety:key_act", {"hall": "ha", "action": "issue"}), ("safety:page", {"hall": "ha"})),
    (("safety:incident_report", {"hall": "ha"}), ("safety:page", {"hall": "ha"})),
    (("safety:drill_record", {"hall": "ha"}), ("safety:page", {"hall": "ha"})),
    (("premises:equipment_add", {"hall": "ha"}), ("premises:equipment", {"hall": "ha"})),
    (("orders:repair_open", {"hall": "ha"}), ("orders:repairs", {"hall": "ha"})),
    *[
        (
            (f"orders:repair_{step}", {"hall": "ha", "repair_id": "repair"}),
            ("orders:repair", {"hall": "ha", "repair_id": "repair"}),
        )
        for step in ("dispatch", "report", "confirm", "close")
    ],
    (("queueing:workbench_take", {"hall": "ha"}), ("queueing:workbench", {"hall": "ha"})),
    (("queueing:workbench_leave", {"hall": "ha"}), ("queueing:workbench", {"hall": "ha"})),
    *[
        ((f"queueing:workbench_{name}", {"hall": "ha"}), ("queueing:workbench", {"hall": "ha"}))
        for name in ("call_next", "finish_and_call_next", "open", "pause", "close")
    ],
    *[
        ((f"queueing:workbench_{name}", {"hall": "ha", "ticket": T}), ("queueing:workbench", {"hall": "ha"}))
        for name in ("recall", "start", "no_show", "hold", "resume", "transfer", "finish", "step")
    ],
    (("queueing:guide_issue", {"hall": "ha"}), ("queueing:guide", {"hall": "ha"})),
    (("queueing:guide_returned", {"hall": "ha", "ticket": T}), ("queueing:guide", {"hall": "ha"})),
    (("queueing:guide_left", {"hall": "ha", "ticket": T}), ("queueing:guide", {"hall": "ha"})),
    (("queueing:manager_counter", {"hall": "ha", "counter": 1}), ("queueing:manager", {"hall": "ha"})),
    (("queueing:screens_unpair_all", {"hall": "ha"}), ("queueing:screens_pair", {"hall": "ha"})),
    (("reception:expense_decide", {"hall": "ha", "expense": 2}), ("reception:expenses", {"hall": "ha"})),
    (("orders:archive_export", {"hall": "ha"}), ("orders:archive", {"hall": "ha"})),
    *[
        ((f"orders:job_{step}", {"hall": "ha", "job_id": 2}), ("orders:jobs", {"hall": "ha"}))
        for step in ("report", "reschedule")
    ],
    *[
        ((f"orders:{name}", {"order_id": "order"}), ("orders:detail", {"order_id": "order"}))
        for name in (
            *("advance", "withdraw", "revert", "set_customer", "set_proxy", "record_authorisation"),
            *("set_counterparty", "check_identity", "document_seen", "document_upload", "fraud_check"),
            *("confirm", "recommend", "review", "work_done"),
        )
    ],
    *[
        ((f"billing:order_{name}", {"order_id": "order"}), ("orders:detail", {"order_id": "order"}))
        for name in ("pay", "refund", "nothing_due")
    ],
    *[
        ((f"billing:receipt_{name}", {"receipt_id": "receipt"}), ("billing:receipt", {"receipt_id": "receipt"}))
        for name in ("print", "pdf")
    ],
    (("hotel:departures_remind", {"hall": "ha"}), ("hotel:departures", {"hall": "ha"})),
    (("hotel:night_audit_run", {"hall": "ha"}), ("hotel:night_audits", {"hall": "ha"})),
    (("hotel:request_new", {"hall": "ha"}), ("hotel:requests", {"hall": "ha"})),
    *[
        ((f"hotel:request_{step}", {"hall": "ha", "guest_request": 2}), ("hotel:requests", {"hall": "ha"}))
        for step in ("start", "done", "cancel")
    ],
    *[
        ((f"hotel:room_{step}", {"hall": "ha", "room": 2}), ("hotel:housekeeping", {"hall": "ha"}))
        for step in ("clean", "inspect", "out_of_order", "back_in_order")
    ],
    (("duty:roster_remove", {"hall": "ha", "entry": 2}), ("duty:roster", {"hall": "ha"})),
    (("staff:exam_start", {"hall": "ha", "exam": 2}), ("staff:exams", {"hall": "ha"})),
    (("staff:assessment_compute", {"hall": "ha"}), ("staff:assessment", {"hall": "ha"})),
    *[
        ((f"cashdesk:{name}", {"hall": "ha"}), ("cashdesk:drawer", {"hall": "ha"}))
        for name in ("drawer_open", "drawer_close", "suspect_note", "handover_start")
    ],
    *[
        ((f"cashdesk:handover_{step}", {"hall": "ha", "handover_id": 2}), ("cashdesk:drawer", {"hall": "ha"}))
        for step in ("sign", "withdraw")
    ],
    *[
        ((f"cashdesk:settlement_{step}", {"hall": "ha", "day": "2026-12-01"}), ("cashdesk:console", {"hall": "ha"}))
        for step in ("deposit", "correct")
    ],
    (("care:opinion_transcribe", {"hall": "ha"}), ("care:opinions", {"hall": "ha"})),
    (("care:opinion_answer", {"hall": "ha", "entry": 2}), ("care:opinions", {"hall": "ha"})),
    (("care:follow_up_phone", {"hall": "ha", "task": 2}), ("care:follow_ups", {"hall": "ha"})),
    (("care:follow_up_record", {"hall": "ha", "task": 2}), ("care:follow_ups", {"hall": "ha"})),
    (("care:alert_handle", {"hall": "ha", "alert": 2}), ("care:alerts", {"hall": "ha"})),
    (("premises:round_add", {"hall": "ha"}), ("premises:patrols", {"hall": "ha"})),
    (("premises:round_remove", {"hall": "ha", "round": 2}), ("premises:patrols", {"hall": "ha"})),
    (("appointments:staff_cancel", {"hall": "ha", "booking": 2}), ("appointments:day", {"hall": "ha"})),
]


def _objects(world, needed: set[str]) -> dict[str, int]:
    """The objects of hall A the pages show: a complaint, a customer and a repair (the telecom pack), or a work
    order paid at the counter and its receipt."""
    if needed & {"order", "receipt"}:
        receipt = _paid_receipt(world)
        return {"order": receipt.payment.order_id, "receipt": receipt.pk}
    if not needed:
        return {}
    load_telecom(world)
    person = customer(world)
    complaint = complaint_record(
        hall=world.hall,
        actor=world.clerk,
        category=ComplaintCategory.objects.get(hall=world.hall, code="attitude"),
        words=WORDS,
        summary=SUMMARY,
        confirmed=True,
    )
    repair = repair_open(
        hall=world.hall,
        actor=world.clerk,
        service=held_service(person, kind="broadband", number="BB021000123"),
        fault_kind=FaultKind.objects.get(hall=world.hall, code="broadband_down"),
        description="光猫红灯，无法上网",
    )
    return {"complaint": complaint.pk, "customer": person.pk, "repair": repair.pk}


def _real(kwargs: dict, objects: dict[str, int]) -> dict:
    return {name: objects.get(value, value) if isinstance(value, str) else value for name, value in kwargs.items()}


@pytest.mark.parametrize(("action", "page"), CONVERTED, ids=[a[0][0] for a in CONVERTED])
def test_a_get_of_a_converted_action_redirects_to_its_page_and_the_page_answers(world, action, page):
    """The duty manager holds every capability these pages ask (serve, guide, manage the queue, approve money,
    handle care, patrol, manage safety)."""
    needed = {*action[1].values(), *page[1].values()} & {"complaint", "customer", "repair", "order", "receipt"}
    objects = _objects(world, needed)
    client = _client(world.manager)
    name, kwargs = action
    url = reverse(name, kwargs=_real(kwargs, objects))
    answer = client.get(url + "?hall=ha")
    assert answer.status_code == 302, answer.status_code
    target = resolve(answer.url.split("?")[0])
    page_name, page_kwargs = page
    assert (f"{target.namespace}:{target.url_name}", target.kwargs) == (page_name, _real(page_kwargs, objects))
    assert "hall=ha" in answer.url
    shown = client.get(answer.url)
    assert shown.status_code == 200, shown.status_code
    assert client.put(url).status_code == 405
