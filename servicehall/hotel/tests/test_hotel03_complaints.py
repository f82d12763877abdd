"""A complaint during the stay is one of care's complaints (HOTEL03): the guest's page opens care's complaint form
with the guest (masked) and the room; the complaint takes the guest's contact over and is linked to the stay,
nothing copied; a stay of another hall is "not found"."""

import pytest
from django.urls import reverse

from servicehall.care.models import Complaint
from servicehall.catalog.models import ComplaintCategory
from servicehall.hotel.models import StayComplaint

from .stay_helpers import in_house

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(hotel):
    return ComplaintCategory.objects.create(
        hall=hotel.hall,
        pack="hotel",
        code="room",
        name_zh="客房问题",
        name_en="The room",
        acknowledge_hours=2,
        resolve_hours=16,
    )


def test_hotel03_a_complaint_from_the_guests_page_is_recorded_in_care_and_linked_to_the_stay(client, hotel, category):
    stay = in_house(hotel, "801", name="张三丰", phone="13912345678")
    client.force_login(hotel.world.clerk)
    page_url = reverse("hotel:reservation", kwargs={"hall": hotel.hall.code, "reservation": stay.pk})
    page = client.get(page_url).content.decode()
    new_url = reverse("care:complaint_new", kwargs={"hall": hotel.hall.code}) + f"?stay={stay.pk}"
    assert f'href="{new_url}" data-testid="stay-complaint"' in page
    form = client.get(new_url).content.decode()
    assert "张**" in form and f"801 · {stay.code}" in form and "张三丰" not in form and "13912345678" not in form
    assert f'name="stay" value="{stay.pk}"' in form
    recorded = client.post(
        reverse("care:complaint_new", kwargs={"hall": hotel.hall.code}),
        {
            "stay": stay.pk,
            "category": category.pk,
            "channel": "counter",
            "severity": "normal",
            "words": "空调太吵，一夜没睡好",
            "summary": "您反映的是801房空调噪音大，是吗？",
            "confirmed": "on",
            "request_key": "stay-c1",
        },
    )
    assert recorded.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.contact_name, complaint.contact_phone) == ("张三丰", "13912345678")
    link = StayComplaint.objects.get()
    assert (link.reservation_id, link.room.number, link.complaint_id) == (stay.pk, "801", complaint.pk)
    page = client.get(page_url).content.decode()
    assert (
        complaint.number in page
        and reverse("care:complaint", kwargs={"hall": hotel.hall.code, "complaint": complaint.pk}) in page
    )


def test_hotel03_a_stay_of_another_hall_or_not_in_house_is_not_found_on_the_complaint_form(
    client, hotel, category, other_world
):
    stay = in_house(hotel, "801")
    client.force_login(other_world.clerk)
    other_form = reverse("care:complaint_new", kwargs={"hall": other_world.hall.code}) + f"?stay={stay.pk}"
    assert client.get(other_form).status_code == 404
    client.force_login(hotel.world.clerk)
    assert (
        client.get(reverse("care:complaint_new", kwargs={"hall": hotel.hall.code}) + "?stay=99999").status_code == 404
    )
    assert not Complaint.objects.exists() and not StayComplaint.objects.exists()
