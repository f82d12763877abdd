"""Issue 10, section 2: the words the hall reads all day.

Short English words with two meanings get a context (13); an order's details
read as names, labels and the hall's time, never codes (14); an ICCID is
masked as an ICCID (16); people are named by their names, the gas trade's owner
is the 户主 (17); the kiosk and tracking clocks run on the hall's time zone
(18); a slip lists the documents of what the customer chose, else the
category's general list (19). The English screens without stray Chinese (15)
are scanned in test_i18n.py.

Tests that read a Chinese word of a new msgid need the compiled catalogue
(`make messages`); the others hold either way.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from django.contrib.admin.sites import site as admin_site
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import BusinessType, QueueCategory
from servicehall.catalog.services import pack_load
from servicehall.core import stored_notes
from servicehall.core.errors import Unprocessable
from servicehall.core.masking import mask_iccid, mask_phone
from servicehall.core.stored_notes import PLACEHOLDER, note_in_reader_language
from servicehall.core.tests.test_privacy_every_screen import SIM, Scene, build_scene
from servicehall.customers.models import Service
from servicehall.orders import services as orders
from servicehall.orders.details_display import hall_datetime_text
from servicehall.orders.presentation import mask_details
from servicehall.org.roles import Role
from servicehall.queueing.models import Ticket
from testsupport.world import make_member

TAGS = re.compile(r"<[^>]+>")


def client_in(language: str, user: Any = None) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def text_of(response: Any, testid: str) -> str:
    """What a user reads in the element with this data-testid (its text, tags removed)."""
    html = response.content.decode()
    match = re.search(rf'<(\w+)[^>]*data-testid="{re.escape(testid)}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"{testid} is not on the page"
    return " ".join(TAGS.sub(" ", match.group(2)).split())


@pytest.fixture
def scene(world, other_world) -> Scene:
    return build_scene(world, other_world)


def order_page(scene: Scene, name: str, language: str) -> Any:
    order = scene.orders[name]
    response = client_in(language, scene.world.clerk).get(reverse("orders:detail", kwargs={"order_id": order.pk}))
    assert response.status_code == 200
    return response


# --- 16: an ICCID is masked as an ICCID -------------------------------------------------------------------


def test_issue10_an_iccid_is_masked_by_what_it_is_not_like_a_phone():
    assert mask_iccid("89860012345678901234") == "8986************1234"
    assert mask_iccid("8986 0012 3456 7890 123") == "8986***********0123"
    assert mask_details({"sim_number": SIM}) == {"sim_number": "8986************1234"}
    # Under any key: the value is recognised as an ICCID, not as a phone number's last 11 digits.
    assert mask_details({"new_card": SIM})["new_card"] == "8986************1234"
    assert mask_phone("13812345678") == "138****5678"  # phones stay as they are
    assert mask_details({"phone": "13812345678"}) == {"phone": "138****5678"}


# --- 14 and 16: an order's details as people read them --------------------------------------------------


def test_issue10_order_details_show_pack_names_and_a_masked_iccid_not_codes(scene):
    english = text_of(order_page(scene, "mobile open (closed)", "en"), "details")
    assert "Enjoy 39" in english
    assert "mobile_39" not in english
    assert "8986************1234" in english
    assert "000****" not in english
    chinese = text_of(order_page(scene, "mobile open (closed)", "zh-hans"), "details")
    assert "39元畅享套餐" in chinese and "mobile_39" not in chinese


def test_issue10_order_details_show_the_appointment_in_the_halls_time_and_format(scene):
    details = text_of(order_page(scene, "broadband open (confirmation, job booked)", "en"), "details")
    assert "Gigabit broadband" in details and "broadband_1000m" not in details
    assert re.search(r"\d{4}-\d\d-\d\d 09:00", details), details
    assert "T09:00" not in details and "+08:00" not in details


def test_issue10_hall_time_text_reads_an_iso_moment_in_the_halls_zone():
    shanghai = timezone.get_fixed_timezone(8 * 60)
    assert hall_datetime_text("2026-12-08T09:00+08:00", tz=shanghai) == "2026-12-08 09:00"
    assert hall_datetime_text("2026-12-08T01:00+00:00", tz=shanghai) == "2026-12-08 09:00"
    assert hall_datetime_text("2026-12-08", tz=shanghai) is None  # a date stays a date
    assert hall_datetime_text("lost", tz=shanghai) is None


def test_issue10_a_card_replacement_reason_reads_as_its_label_not_its_code(scene):
    world = scene.world
    gas = Service.objects.filter(customer=scene.zhang, kind=Service.Kind.GAS).first()
    order = orders.order_create(
        hall=world.hall,
        actor=world.clerk,
        business_type=BusinessType.objects.get(hall=world.hall, code="gas_card_replace"),
        customer=scene.zhang,
        service=gas,
    )
    orders.order_set_details(order=order, actor=world.clerk, data={"reason": "lost"})
    url = reverse("orders:detail", kwargs={"order_id": order.pk})
    english = text_of(client_in("en", world.clerk).get(url), "details")
    assert "Lost" in english and "lost" not in english
    chinese = text_of(client_in("zh-hans", world.clerk).get(url), "details")
    assert "遗失" in chinese and "lost" not in chinese


def test_issue10_a_refusal_names_the_service_kind_in_words_not_its_code(scene):
    world = scene.world
    broadband = Service.objects.filter(customer=scene.zhang, kind=Service.Kind.BROADBAND).first()
    package_change = BusinessType.objects.get(hall=world.hall, code="package_change")
    for language, word in (("zh-hans", "手机号码"), ("en", "Mobile number")):
        with translation.override(language), pytest.raises(Unprocessable) as refused:
            orders.order_create(
                hall=world.hall,
                actor=world.clerk,
                business_type=package_change,
                customer=scene.zhang,
                service=broadband,
            )
        assert word in str(refused.value.message)
        assert "mobile" not in str(refused.value.message)


# --- 15: notes the program wrote are read in the reader's language ---------------------------------------


def test_issue10_history_notes_the_program_wrote_read_in_the_readers_language():
    with translation.override("en"):
        assert note_in_reader_language("已收费，收据号R20261205-0001") == "Paid, receipt R20261205-0001"
        assert note_in_reader_language("已在其他渠道付款") == "Paid elsewhere"
        assert note_in_reader_language("客户说下周再来") == "客户说下周再来"  # typed by a person: as typed
    with translation.override("zh-hans"):
        assert note_in_reader_language("Paid, receipt R20261205-0001") == "已收费，收据号R20261205-0001"


def test_issue10_every_registered_system_note_has_its_chinese_with_the_same_values():
    """A msgid registered for the history notes that the catalogue does not know (a typo beside the writer's
    `_()`) would never be turned: each reads differently in Chinese, and with the same %(name)s values."""
    notes = stored_notes.registered()
    for expected in ("Paid elsewhere", "Plan changed", "Retried", "Early repayment", "guest checked out"):
        assert expected in notes  # orders, reception, customers, credit, hotel registered theirs in ready()
    assert ("reason for voiding an invoice", "Refund") in notes and "Not reachable after three calls." in notes
    for note in notes:
        msgid = note[1] if isinstance(note, tuple) else note
        with translation.override("zh-hans"):
            chinese = stored_notes._translate(note)
        assert chinese != msgid, msgid
        assert sorted(PLACEHOLDER.findall(chinese)) == sorted(PLACEHOLDER.findall(msgid)), msgid


def test_issue10_a_value_that_is_itself_a_system_note_is_turned_too():
    with translation.override("en"):
        assert note_in_reader_language("已超时；已升级至值班经理") == "Time is up; Escalated to the duty manager"
        assert note_in_reader_language("退款") == "Refund"  # registered with its context (pgettext)
        assert note_in_reader_language("") == ""
    with translation.override("zh-hans"):
        assert note_in_reader_language("Time is up; Escalated to the service manager") == "已超时；已升级至服务经理"
        assert note_in_reader_language("Time is up; 客户自己说的") == "已超时；客户自己说的"  # the value as written


def test_issue10_the_order_history_of_a_paid_order_reads_english_in_english(scene):
    """The scene's fees were taken while the program spoke Chinese: the note is stored as 已在其他渠道付款."""
    order = scene.orders["gas recharge (closed, card write pending)"]
    assert order.moves.filter(note="已在其他渠道付款").exists()
    page = order_page(scene, "gas recharge (closed, card write pending)", "en").content.decode()
    assert "已在其他渠道付款" not in page and "Paid elsewhere" in page


# --- 13: one English word, one meaning per context --------------------------------------------------------


def test_issue10_short_words_read_in_their_own_meaning_in_chinese(scene):
    """Needs the compiled catalogue: 已开具 (an invoice issued), not 取号时间 (a ticket issued)."""
    world, money = scene.world, scene.money
    manager = client_in("zh-hans", world.manager)
    invoices = manager.get(reverse("invoicing:list", kwargs={"hall": world.hall.code})).content.decode()
    assert "已开具" in invoices and "取号时间" not in invoices
    day = timezone.localdate().isoformat()
    console = manager.get(reverse("cashdesk:console", kwargs={"hall": world.hall.code}) + f"?day={day}")
    assert "取号时间" not in console.content.decode()
    slip = client_in("zh-hans").get(reverse("queueing:slip", kwargs={"ticket": Ticket.objects.first().pk}))
    assert "取号时间" in slip.content.decode()  # a ticket's "Issued" keeps its meaning
    assert money is not None


def test_issue10_the_admin_change_link_says_change_not_cash_change(world):
    admin = make_member(world.hall, Role.HALL_ADMIN, "admin_words")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    page = client_in("zh-hans", admin).get(reverse("admin:index")).content.decode()
    assert admin_site.is_registered(QueueCategory)
    assert "修改" in page and "找零" not in page
    add = client_in("zh-hans", admin).get(reverse("admin:catalog_queuecategory_add")).content.decode()
    assert "- 请选择 -" in add and "- Select an option -" not in add


def test_issue10_the_handover_asks_to_whom_not_an_end_date(world):
    page = client_in("en", world.clerk).get(reverse("cashdesk:drawer", kwargs={"hall": world.hall.code}))
    assert page.status_code == 200
    with translation.override("zh-hans"):
        assert translation.pgettext("hand over to", "To") != "结束日期"


# --- 17: people by their names, the trade's own word for the owner -------------------------------------


def test_issue10_the_review_list_names_the_clerk_by_full_name_not_login(scene):
    world = scene.world
    world.clerk.first_name, world.clerk.last_name = "晓燕", "王"
    world.clerk.save()
    page = client_in("zh-hans", world.manager).get(reverse("orders:review_list", kwargs={"hall": world.hall.code}))
    html = page.content.decode()
    assert world.clerk.get_full_name() in html
    assert f"{world.clerk.username}于" not in html and f"by {world.clerk.username}" not in html


def test_issue10_the_customer_link_of_a_credit_application_opens_the_customer(scene):
    from servicehall.credit.models import CreditApplication

    application = CreditApplication.objects.filter(hall=scene.world.hall).order_by("pk").first()
    page = client_in("en", scene.world.manager).get(
        reverse("credit:application", kwargs={"application_id": application.pk})
    )
    link = re.search(r'<a[^>]*href="([^"]+)"[^>]*data-testid="customer-link"', page.content.decode())
    assert link, "the application has no link to its customer"
    assert link.group(1).startswith(reverse("customers:detail", kwargs={"customer_id": application.customer_id}))


def test_issue10_a_gas_order_calls_the_owner_the_account_holder(scene):
    world = scene.world
    gas = Service.objects.filter(customer=scene.zhang, kind=Service.Kind.GAS).first()
    order = orders.order_create(
        hall=world.hall,
        actor=world.clerk,
        business_type=BusinessType.objects.get(hall=world.hall, code="gas_card_replace"),
        customer=scene.zhang,
        service=gas,
    )
    orders.order_advance(order=order, to="consultation", actor=world.clerk)
    orders.order_advance(order=order, to="acceptance", actor=world.clerk)
    url = reverse("orders:detail", kwargs={"order_id": order.pk})
    assert catalog_selectors.holder_words(pack="gas") != catalog_selectors.holder_words(pack="telecom")
    chinese = client_in("zh-hans", world.clerk).get(url).content.decode()
    assert "户主" in chinese
    english = client_in("en", world.clerk).get(url).content.decode()
    assert "Account holder" in english and "Owner" not in english
    mobile = client_in("en", world.clerk).get(
        reverse("orders:detail", kwargs={"order_id": scene.orders["sim replacement by a proxy (acceptance)"].pk})
    )
    assert "Subscriber" in mobile.content.decode()


def test_issue10_the_pack_files_name_their_owner_word():
    from servicehall.catalog.packs import pack_read

    assert pack_read("gas").holder == {"zh": "户主", "en": "account holder"}
    assert pack_read("telecom").holder == {"zh": "机主", "en": "subscriber"}
    with translation.override("zh-hans"):
        assert catalog_selectors.holder_words(pack="gas") == {"holder": "户主"}
    with translation.override("en"):
        assert catalog_selectors.holder_words(pack="telecom") == {"holder": "subscriber"}


def test_issue10_the_promotions_list_heads_its_name_column_name_not_person_name(scene):
    page = client_in("en", scene.world.manager).get(reverse("promotions:list", kwargs={"hall": scene.world.hall.code}))
    assert page.status_code == 200
    with translation.override("zh-hans"):
        assert translation.pgettext("name of a thing", "Name") != "姓名/名称"


# --- 18: the hall's time zone on every screen ----------------------------------------------------------


def test_issue10_kiosk_and_tracking_page_give_their_script_the_halls_time_zone(world):
    world.hall.timezone = "Asia/Urumqi"
    world.hall.save()
    kiosk = Client().get(reverse("queueing:kiosk", kwargs={"hall": world.hall.code})).content.decode()
    assert 'data-timezone="Asia/Urumqi"' in kiosk
    from servicehall.queueing import services as queue_services

    issued = queue_services.ticket_issue(hall=world.hall, category=world.a)
    track = Client().get(reverse("queueing:track", kwargs={"ticket": issued.pk})).content.decode()
    config = json.loads(re.search(r'id="track-config"[^>]*>(.*?)</script>', track, re.S).group(1))
    assert config["timezone"] == "Asia/Urumqi"


# --- 19: the slip lists the documents of what the customer chose -------------------------------------


@pytest.fixture
def telecom_hall(world):
    """A telecom hall at 10:00 on a working morning (its categories issue tickets 08:30-17:30)."""
    pack_load(hall=world.hall, code="telecom")
    with time_machine.travel(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        yield world


def _take(client: Client, world: Any, **posted: str) -> Any:
    response = client.post(reverse("queueing:kiosk", kwargs={"hall": world.hall.code}), posted)
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response["Location"])


def test_issue10_a_b_ticket_slip_lists_the_general_documents_not_those_of_a_transfer(telecom_hall):
    slip = _take(client_in("zh-hans"), telecom_hall, category="B")
    documents = text_of(slip, "slip-documents")
    assert "本人有效身份证件原件" in documents
    assert "新机主" not in documents and "过户" not in documents


def test_issue10_the_slip_lists_the_documents_of_the_business_chosen_at_the_kiosk(telecom_hall):
    client = client_in("zh-hans")
    kiosk = client.get(reverse("queueing:kiosk", kwargs={"hall": telecom_hall.hall.code}))
    assert 'data-testid="business-transfer"' in kiosk.content.decode()
    slip = _take(client, telecom_hall, business="transfer")
    ticket = Ticket.objects.order_by("-issued_at").first()
    assert ticket.category.code == "B"
    documents = text_of(slip, "slip-documents")
    transfer = BusinessType.objects.get(hall=telecom_hall.hall, code="transfer")
    with translation.override("zh-hans"):
        assert all(name in documents for name in transfer.documents_display())
    assert slip.wsgi_request.GET.get("business") == "transfer"


def test_issue10_an_unknown_business_at_the_kiosk_is_refused_with_a_message(telecom_hall):
    response = client_in("en").post(
        reverse("queueing:kiosk", kwargs={"hall": telecom_hall.hall.code}), {"business": "no-such-thing"}
    )
    assert response.status_code == 404
    assert 'data-testid="kiosk-error"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_issue10_slip_time_stays_in_the_halls_zone(telecom_hall):
    hall = telecom_hall.hall
    slip = _take(client_in("en"), telecom_hall, category="A")
    issued = text_of(slip, "slip-issued")
    ticket = Ticket.objects.get()
    assert issued == ticket.issued_at.astimezone(hall.tz).strftime("%Y-%m-%d %H:%M")
    assert dt.datetime.strptime(issued, "%Y-%m-%d %H:%M")
