"""Recovery codes stored as keyed digests, never as the codes (ASVS V6).

django-otp's static device keeps its tokens as typed; a copy of the database would then hold codes that pass
the second factor. A recovery code is 8 random letters and digits (40 bits), too few to withstand a plain hash
being tried offline, so the digest is an HMAC-SHA256 keyed by the project's `SECRET_KEY` (and, while a key is
being rotated, each of `SECRET_KEY_FALLBACKS` is tried too), cut to 96 bits and written in 16 URL-safe base64
characters: it fits django-otp's `StaticToken.token` column, so its tables and throttling stay as they are.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "servicehall.org.recovery_code"
DIGEST_BYTES = 12  # 16 base64 characters, the width of django-otp's token column


def _digest(code: str, secret: str) -> str:
    mac = salted_hmac(SALT, code, secret=secret, algorithm="sha256").digest()[:DIGEST_BYTES]
    return base64.urlsafe_b64encode(mac).decode("ascii")


def recovery_code_digest(code: str) -> str:
    """What is stored for a new code: its digest under the current key."""
    return _digest(code, settings.SECRET_KEY)


def recovery_code_digests(code: str) -> list[str]:
    """Every digest a stored code may have: under the current key and each fallback key."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_digest(code, key) for key in keys]
