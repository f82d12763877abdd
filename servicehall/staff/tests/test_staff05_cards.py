"""STAFF05: the card pages and API: the clerk sees only their own card, the duty manager adjusts with a reason
(audited), bad input is a 4xx with a message, another hall answers 404, the incentive table from the pack."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from servicehall.core.models import AuditEntry
from servicehall.staff import services
from servicehall.staff.models import AssessmentAdjustment, AssessmentCard

from .helpers import NOVEMBER, NOW, SHANGHAI, Generator


@pytest.fixture
def cards(world):
    services.staff_pack_load(hall=world.hall, pack="telecom")
    with time_machine.travel(NOW, tick=False):
        gen = Generator(world)
        for i in range(5):
            gen.ticket(world.clerk, dt.datetime(2026, 11, 3 + i, 10, tzinfo=SHANGHAI), minutes=5)
        services.assessment_month_compute(hall=world.hall, actor=world.manager, month=NOVEMBER)
    return {c.person_id: c for c in AssessmentCard.objects.filter(hall=world.hall)}


def _card_url(card, api=False):
    return reverse("staff_api:card" if api else "staff:card", kwargs={"hall": "ha", "card": card.pk})


def test_staff05_the_clerk_sees_their_own_card_only(world, cards, client):
    mine, theirs = cards[world.clerk.pk], cards[world.clerk2.pk]
    client.force_login(world.clerk)
    page = client.get(_card_url(mine))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tickets served" in text and "Final score" in text
    assert client.get(_card_url(theirs)).status_code == 404
    assert client.get(_card_url(theirs, api=True)).status_code == 404
    own = client.get(reverse("staff_api:my_cards", kwargs={"hall": "ha"})).json()
    assert [row["id"] for row in own] == [mine.pk]
    # The month's list and computing are for managers.
    assert client.get(reverse("staff:assessment", kwargs={"hall": "ha"})).status_code == 403
    assert client.get(reverse("staff_api:cards", kwargs={"hall": "ha"})).status_code == 403
    assert (
        client.post(reverse("staff:assessment_compute", kwargs={"hall": "ha"}), {"month": "2026-10"}).status_code == 403
    )


def test_staff05_the_manager_lists_the_month_with_incentives(world, cards, client):
    client.force_login(world.manager)
    page = client.get(reverse("staff:assessment", kwargs={"hall": "ha"}), {"month": "2026-11"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "clerk_ha" in text and "clerk2_ha" in text
    assert "Needs improvement" in text and "¥800.00" in text  # the pack's incentive table
    rows = client.get(reverse("staff_api:cards", kwargs={"hall": "ha"}), {"month": "2026-11"}).json()
    assert {r["person_id"] for r in rows} == {world.clerk.pk, world.clerk2.pk}
    assert client.get(reverse("staff:assessment", kwargs={"hall": "ha"}), {"month": "11/2026"}).status_code == 422


def test_staff05_an_adjustment_with_a_reason_is_audited_and_shown_to_the_clerk(world, cards, client):
    card = cards[world.clerk.pk]
    client.force_login(world.manager)
    response = client.post(
        reverse("staff:card_adjust", kwargs={"hall": "ha", "card": card.pk}), {"points": "3", "reason": "帮助老年客户"}
    )
    assert response.status_code == 302
    adjustment = AssessmentAdjustment.objects.get(card=card)
    assert adjustment.by == world.manager
    entry = AuditEntry.objects.get(action="assessment.adjust", object_id=str(card.pk))
    assert entry.actor == world.manager and entry.data["points"] == "3.00" and entry.data["reason"] == "帮助老年客户"
    client.force_login(world.clerk)
    body = client.get(_card_url(card, api=True)).json()
    assert body["adjustments"][0]["reason"] == "帮助老年客户"
    assert float(body["final_score"]) == pytest.approx(min(100.0, float(card.computed_score) + 3))
    # The clerk cannot adjust (403), not even their own card.
    assert (
        client.post(
            reverse("staff_api:card_adjust", kwargs={"hall": "ha", "card": card.pk}),
            {"points": "5", "reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"points": "0", "reason": "x"}, "The points must be between -100 and 100, and not 0."),
        ({"points": "150", "reason": "x"}, "The points must be between -100 and 100, and not 0."),
        ({"points": "2", "reason": "  "}, "Give the reason for the adjustment."),
        ({"points": "abc", "reason": "x"}, "Give the points as a number, e.g. 2 or -1.5."),
    ],
)
def test_staff05_bad_adjustments_are_refused_with_a_message(world, cards, client, data, message):
    client.force_login(world.manager)
    url = reverse("staff:card_adjust", kwargs={"hall": "ha", "card": cards[world.clerk.pk].pk})
    response = client.post(url, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not AssessmentAdjustment.objects.exists()


def test_staff05_the_compute_api_refuses_bad_months_and_a_second_compute(world, cards, client):
    client.force_login(world.manager)
    url = reverse("staff_api:compute", kwargs={"hall": "ha"})
    with time_machine.travel(NOW, tick=False):
        assert client.post(url, {"month": "2026-13"}, content_type="application/json").status_code == 422
        assert client.post(url, {"month": "nov"}, content_type="application/json").status_code == 400
        again = client.post(url, {"month": "2026-11"}, content_type="application/json")
        assert again.status_code == 409 and again.json()["code"] == "month_computed"
        redo = client.post(url, {"month": "2026-11", "recompute": True}, content_type="application/json")
        assert redo.status_code == 201 and len(redo.json()) == 2
        october = client.post(url, {"month": "2026-10"}, content_type="application/json")
        assert october.status_code == 201


def test_staff05_another_halls_staff_find_nothing(world, other_world, cards, client):
    client.force_login(other_world.manager)
    assert client.get(_card_url(cards[world.clerk.pk])).status_code == 404
    assert client.get(reverse("staff_api:cards", kwargs={"hall": "ha"})).status_code == 404
    # Their own hall does not have the card either.
    assert client.get(reverse("staff:card", kwargs={"hall": "hb", "card": cards[world.clerk.pk].pk})).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "label"),
    [("exams", "Exams"), ("my_cards", "My assessment"), ("assessment", "Assessment cards")],
)
def test_staff05_the_tab_of_the_open_page_is_marked(world, client, url_name, label):
    """The tabs of training and assessment show which page is open (found in a walk: none was marked)."""
    client.force_login(world.manager)
    page = client.get(reverse(f"staff:{url_name}", kwargs={"hall": "ha"}), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    tabs = page.content.decode().split('class="staff-tabs"', 1)[1].split("</nav>", 1)[0]
    links = tabs.split("<a ")[1:]
    marked = [link for link in links if 'aria-current="page"' in link]
    assert len(marked) == 1 and f">{label}</a>" in marked[0]
