"""Bad input in the address: a NUL character is a 400 with a message, never a server error."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "json"),
    [
        ("/api/v1/halls/ha/categories?x=%00", True),
        ("/customers/?hall=a%00b", False),
        ("/orders/halls/ha/jobs/?show=%00", False),
    ],
)
def test_a_nul_character_in_the_query_is_a_clear_400_not_a_server_error(world, path, json):
    client = Client()
    client.force_login(world.clerk)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    if json:
        assert response.json() == {
            "code": "bad_request",
            "message": "The address holds a character that is not allowed.",
        }
    else:
        assert "The address holds a character that is not allowed." in response.content.decode()
