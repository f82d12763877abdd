"""Housekeeping and room changes (HOTEL03): the board by floor, housekeeping marks a dirty room cleaned, the front
desk or duty manager inspects it, out of order with a reason and back (dirty); an in-house guest moves only into
a vacant, clean, inspected room nobody holds on the rest of the stay, at the price quoted; the old room goes to
dirty."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.hotel import services, services_stay
from servicehall.hotel.models import Reservation, Room, RoomChange
from servicehall.org.navigation import landing_url, staff_nav
from servicehall.org.roles import ROLE_CAPABILITIES, Role
from testsupport.world import make_member

from .conftest import NOW, TODAY
from .stay_helpers import booked, in_house, ready

pytestmark = pytest.mark.django_db
H = Room.Housekeeping


@pytest.fixture
def keeper(hotel):
    return make_member(hotel.hall, Role.HOUSEKEEPING, "keeper_ha")


def room(hotel, number):
    return Room.objects.get(hall=hotel.hall, number=number)


def test_hotel03_housekeeping_cleans_the_front_desk_inspects_and_the_board_shows_each_state(client, hotel, keeper):
    Room.objects.filter(number="802").update(housekeeping=H.VACANT_DIRTY)
    in_house(hotel, "801")
    client.force_login(keeper)
    board_url = reverse("hotel:housekeeping", kwargs={"hall": hotel.hall.code})
    page = client.get(board_url).content.decode()
    assert 'data-testid="room-802" data-state="vacant_dirty"' in page
    assert 'data-testid="room-801" data-state="occupied"' in page and "Floor 8" in page and "Floor 7" in page
    assert 'data-testid="clean-802"' in page and 'data-testid="board-inspect-' not in page
    assert (
        client.post(
            reverse("hotel:room_clean", kwargs={"hall": hotel.hall.code, "room": room(hotel, "802").pk})
        ).status_code
        == 302
    )
    assert (room(hotel, "802").housekeeping, room(hotel, "802").inspected) == (H.VACANT_CLEAN, False)
    # Housekeeping does not inspect its own work; the front desk or the duty manager does.
    inspect = reverse("hotel:room_inspect", kwargs={"hall": hotel.hall.code, "room": room(hotel, "802").pk})
    assert client.post(inspect).status_code == 403
    again = client.post(reverse("hotel:room_clean", kwargs={"hall": hotel.hall.code, "room": room(hotel, "802").pk}))
    assert again.status_code == 409 and "Only a vacant, dirty room can be marked cleaned." in again.content.decode()
    client.force_login(hotel.world.manager)
    assert client.post(inspect).status_code == 302
    assert room(hotel, "802").inspected
    page = client.get(board_url).content.decode()
    assert 'data-testid="room-802" data-state="inspected"' in page and 'data-testid="count-inspected">1<' in page
    # A clerk does not clean.
    Room.objects.filter(number="701").update(housekeeping=H.VACANT_DIRTY)
    with pytest.raises(Forbidden):
        services_stay.room_cleaned(room=room(hotel, "701"), actor=hotel.world.clerk)


def test_hotel03_out_of_order_needs_a_reason_never_a_guests_room_and_comes_back_dirty(client, hotel, keeper):
    client.force_login(keeper)
    url = reverse("hotel:room_out_of_order", kwargs={"hall": hotel.hall.code, "room": room(hotel, "701").pk})
    no_reason = client.post(url, {"reason": " "})
    assert no_reason.status_code == 422 and "Say why the room is out of order." in no_reason.content.decode()
    assert client.post(url, {"reason": "空调漏水"}).status_code == 302
    page = client.get(reverse("hotel:housekeeping", kwargs={"hall": hotel.hall.code})).content.decode()
    assert 'data-testid="room-701" data-state="out_of_order"' in page and "空调漏水" in page
    assert services.sellable_rooms(hotel.twin) == 0
    back = reverse("hotel:room_back_in_order", kwargs={"hall": hotel.hall.code, "room": room(hotel, "701").pk})
    assert client.post(back).status_code == 302
    assert (room(hotel, "701").housekeeping, room(hotel, "701").out_of_order_reason) == (H.VACANT_DIRTY, "")
    assert client.post(back).status_code == 409
    # A room a guest is in, or given to a booked guest, stays in order.
    in_house(hotel, "801")
    with pytest.raises(Conflict) as occupied:
        services_stay.room_out_of_order(room=room(hotel, "801"), reason="坏了", actor=keeper, now=NOW)
    assert occupied.value.code == "not_vacant"
    later = booked(hotel, phone="13912345670")
    services.room_assign(reservation=later, room=room(hotel, "802"), actor=hotel.world.clerk)
    with pytest.raises(Conflict) as held:
        services_stay.room_out_of_order(room=room(hotel, "802"), reason="坏了", actor=keeper, now=NOW)
    assert held.value.code == "room_held"


def test_hotel03_a_room_the_booked_guests_need_cannot_go_out_of_order(hotel, keeper):
    booked(hotel, phone="13912345671")
    booked(hotel, phone="13912345672")  # both king rooms sold tonight, none given yet
    with pytest.raises(Conflict) as needed:
        services_stay.room_out_of_order(room=room(hotel, "802"), reason="漏水", actor=keeper, now=NOW)
    assert needed.value.code == "needed" and room(hotel, "802").housekeeping == H.VACANT_CLEAN


def test_hotel03_housekeeping_lands_on_the_board_and_sees_no_counter_screens(client, hotel, keeper):
    capabilities = ROLE_CAPABILITIES[Role.HOUSEKEEPING]
    landing = landing_url(roles={Role.HOUSEKEEPING}, capabilities=capabilities, hall_code=hotel.hall.code)
    assert landing == reverse("hotel:housekeeping", kwargs={"hall": hotel.hall.code})
    keys = {item["key"] for item in staff_nav(capabilities=capabilities, hall_code=hotel.hall.code, active="")}
    assert {"housekeeping", "guest_requests"} <= keys and not keys & {"workbench", "money", "hotel_new"}
    client.force_login(keeper)
    assert client.get(reverse("hotel:new", kwargs={"hall": hotel.hall.code})).status_code == 403
    auditor = make_member(hotel.hall, Role.AUDITOR, "auditor_ha")
    client.force_login(auditor)
    assert client.get(reverse("hotel:housekeeping", kwargs={"hall": hotel.hall.code})).status_code == 403


def test_hotel03_the_board_is_scoped_to_the_hall(client, hotel, other_world):
    client.force_login(other_world.clerk)
    assert client.get(reverse("hotel:housekeeping", kwargs={"hall": hotel.hall.code})).status_code == 404
    own = reverse("hotel:room_clean", kwargs={"hall": other_world.hall.code, "room": room(hotel, "801").pk})
    assert client.post(own).status_code in (403, 404)
    api = APIClient()
    api.force_authenticate(hotel.world.clerk)
    rows = api.get(f"/api/v1/hotel/halls/{hotel.hall.code}/rooms").json()
    assert {r["number"]: r["state"] for r in rows} == {
        "701": "vacant_clean",
        "801": "vacant_clean",
        "802": "vacant_clean",
    }


# --- room change ------------------------------------------------------------------------------------------


def test_hotel03_a_room_change_moves_the_guest_keeps_the_price_and_leaves_the_old_room_dirty(client, hotel):
    stay = in_house(hotel, "801", nights=2)
    total = stay.total
    prices = list(stay.nights_quoted.values_list("price", flat=True))
    request = services_stay.guest_request_create(reservation=stay, kind="towels", actor=hotel.world.clerk, now=NOW)
    ready(hotel, "701")
    client.force_login(hotel.world.clerk)
    page_url = reverse("hotel:reservation", kwargs={"hall": hotel.hall.code, "reservation": stay.pk})
    assert 'value="' + str(room(hotel, "701").pk) + '">701' in client.get(page_url).content.decode()
    moved = client.post(
        reverse("hotel:room_change", kwargs={"hall": hotel.hall.code, "reservation": stay.pk}),
        {"room": room(hotel, "701").pk, "reason": "空调噪音"},
    )
    assert moved.status_code == 302
    stay.refresh_from_db()
    request.refresh_from_db()
    assert stay.room.number == "701" and stay.room_type == hotel.twin and stay.status == "checked_in"
    assert stay.total == total and list(stay.nights_quoted.values_list("price", flat=True)) == prices
    assert (room(hotel, "701").housekeeping, room(hotel, "801").housekeeping) == (H.OCCUPIED, H.VACANT_DIRTY)
    assert request.room.number == "701"
    change = RoomChange.objects.get()
    assert (change.from_room.number, change.to_room.number, change.reason) == ("801", "701", "空调噪音")
    page = client.get(page_url).content.decode()
    assert "801 → 701 · 空调噪音" in page and Decimal(total).to_eng_string() in page


def test_hotel03_a_room_change_never_goes_into_an_occupied_unready_booked_or_broken_room(hotel):
    stay = in_house(hotel, "801", nights=2)
    other = in_house(hotel, "802", phone="13912345673")

    def change(number, reason="换房"):
        with pytest.raises((Conflict, Unprocessable)) as refused:
            services_stay.room_change(
                reservation=stay, room=room(hotel, number), reason=reason, actor=hotel.world.clerk, now=NOW
            )
        return refused.value.code

    assert change("802") == "taken"  # another guest is in it
    assert change("801") == "same_room"
    assert change("701", reason="") == "reason_missing"
    assert change("701") == "room_not_ready"  # clean but not inspected
    ready(hotel, "701")
    future = booked(hotel, room_type=hotel.twin, phone="13912345674")
    services.room_assign(reservation=future, room=room(hotel, "701"), actor=hotel.world.clerk)
    assert change("701") == "taken"  # booked with that room for tonight
    services.reservation_cancel(reservation=future, actor=hotel.world.clerk, now=NOW)
    Room.objects.filter(number="701").update(housekeeping=H.OUT_OF_ORDER)
    assert change("701") == "out_of_order"
    stay.refresh_from_db()
    other.refresh_from_db()
    assert (stay.room.number, other.room.number) == ("801", "802")
    assert not RoomChange.objects.exists()


def test_hotel03_a_room_change_is_for_guests_in_house_and_front_desk_only(client, hotel, keeper, other_world):
    future = booked(hotel)
    ready(hotel, "701")
    with pytest.raises(Conflict) as not_in:
        services_stay.room_change(
            reservation=future, room=room(hotel, "701"), reason="x", actor=hotel.world.clerk, now=NOW
        )
    assert not_in.value.code == "not_in_house"
    stay = in_house(hotel, "801")
    with pytest.raises(Forbidden):
        services_stay.room_change(reservation=stay, room=room(hotel, "701"), reason="x", actor=keeper, now=NOW)
    client.force_login(other_world.clerk)
    url = reverse("hotel:room_change", kwargs={"hall": hotel.hall.code, "reservation": stay.pk})
    assert client.post(url, {"room": room(hotel, "701").pk, "reason": "x"}).status_code == 404
    api = APIClient()
    api.force_authenticate(hotel.world.clerk)
    done = api.post(
        f"/api/v1/hotel/halls/{hotel.hall.code}/reservations/{stay.pk}/room-change",
        {"room": room(hotel, "701").pk, "reason": "噪音"},
        format="json",
    )
    assert done.status_code == 200 and done.json() == {
        "reservation": stay.pk,
        "room": "701",
        "room_type": "standard_twin",
    }
    refused = api.post(
        f"/api/v1/hotel/halls/{hotel.hall.code}/reservations/{stay.pk}/room-change",
        {"room": room(hotel, "801").pk, "reason": "回去"},
        format="json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "room_not_ready"


def test_hotel03_a_room_change_to_another_type_needs_a_room_of_it_spare_on_the_rest_of_the_stay(hotel):
    stay = in_house(hotel, "801", nights=2)
    ready(hotel, "701")
    booked(hotel, room_type=hotel.twin, phone="13912345675")  # the only twin sold tonight, no room given yet
    with pytest.raises(Conflict) as sold:
        services_stay.room_change(
            reservation=stay, room=room(hotel, "701"), reason="换房", actor=hotel.world.clerk, now=NOW
        )
    assert sold.value.code == "sold_out"
    assert Reservation.objects.get(pk=stay.pk).room.number == "801"
    assert TODAY + dt.timedelta(days=2) == stay.departure
