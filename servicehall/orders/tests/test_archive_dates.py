"""ACC08: archive searches with dates at the ends of the calendar answer, never fail (found by the API fuzzer).

Since issue 10 the API refuses such days with a 400 naming the range; the selector still clamps them.
"""

import datetime as dt

from rest_framework.test import APIClient

from servicehall.orders import selectors


def test_acc08_dates_at_the_ends_of_the_calendar_find_nothing_instead_of_failing(world):
    ends = selectors.ArchiveFilter(date_from=dt.date(1, 1, 1), date_to=dt.date(9999, 12, 31))
    assert list(selectors.orders_search(hall=world.hall, filters=ends)) == []
    client = APIClient()
    client.force_authenticate(world.manager)
    response = client.get(f"/api/v1/halls/{world.hall.code}/orders?date_from=0001-01-01&date_to=9999-12-31")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"date_from", "date_to"}
