"""ASVS V6: recovery codes are stored as keyed digests, never as the codes.

django-otp's static device kept them as typed: a copy of the database held codes that pass the second factor.
Now the database holds only HMAC digests (`org.recovery_codes`); a code still works once and only once, the
digest itself typed as a code is refused, and the migration turns codes stored before into digests.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from servicehall.org import second_factor
from servicehall.org.recovery_codes import recovery_code_digest

from .test_asvs_v6_second_factor import VERIFY, _second_factor_on, enrolled, signed_in_with_password  # noqa: F401

pytestmark = pytest.mark.django_db


def _stored() -> list[str]:
    return list(StaticToken.objects.values_list("token", flat=True))


def test_asvs_v6_the_database_never_holds_a_usable_recovery_code(world):
    _device, codes = enrolled(world.manager)
    stored = _stored()
    assert len(stored) == len(codes) == len(set(stored))
    for code in codes:
        shown = second_factor.recovery_code_shown(code)
        assert not {code, code.upper(), shown, shown.upper()} & set(stored)
        assert all(code not in token.lower() for token in stored)
    # The digest read from the database is no code: typed at sign-in it is refused.
    client = signed_in_with_password(world.manager)
    refused = client.post(VERIFY, {"code": stored[0], "next": "/"})
    assert refused.status_code == 400 and DEVICE_ID_SESSION_KEY not in client.session
    assert len(_stored()) == len(codes)


def test_asvs_v6_a_hashed_recovery_code_works_once_and_only_once(world, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # the second try is checked at once, not held back
    _device, codes = enrolled(world.manager)
    first = signed_in_with_password(world.manager)
    used = first.post(VERIFY, {"code": second_factor.recovery_code_shown(codes[0]).upper(), "next": "/"})
    assert used.status_code == 302 and DEVICE_ID_SESSION_KEY in first.session
    assert recovery_code_digest(codes[0]) not in _stored() and len(_stored()) == len(codes) - 1
    again = signed_in_with_password(world.manager, address="10.0.0.9")
    assert again.post(VERIFY, {"code": codes[0], "next": "/"}).status_code == 400
    assert DEVICE_ID_SESSION_KEY not in again.session
    assert again.post(VERIFY, {"code": codes[1], "next": "/"}).status_code == 302


def test_asvs_v6_a_code_stored_under_a_key_being_rotated_still_works(world, settings):
    _device, codes = enrolled(world.manager)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    client = signed_in_with_password(world.manager)
    assert client.post(VERIFY, {"code": codes[2], "next": "/"}).status_code == 302


def test_asvs_v6_the_migration_hashes_codes_stored_before_and_they_keep_working(world):
    enrolled(world.manager)
    # Codes stored the old way, as typed (what django-otp's static device did before the migration).
    StaticDevice.objects.filter(user=world.manager).delete()
    device = StaticDevice.objects.create(user=world.manager, name=second_factor.RECOVERY_NAME, confirmed=True)
    old = ["abcd2345", "efgh6723"]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in old)
    migration = importlib.import_module("servicehall.org.migrations.0009_recovery_codes_hashed")
    migration._hash_stored_codes(apps, None)
    assert sorted(_stored()) == sorted(recovery_code_digest(code) for code in old)
    client = signed_in_with_password(world.manager)
    assert client.post(VERIFY, {"code": "ABCD-2345", "next": "/"}).status_code == 302
    assert _stored() == [recovery_code_digest("efgh6723")]
