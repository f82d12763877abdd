"""The way from a receipt to its invoice online (PAY03, 扫码开票), for the 80 mm slip.

`{% invoice_request_link slip.hall_code slip.number slip.invoice_code as link %}` gives `link.url`, the
request page's address with the hall (short enough to type off the slip), and `link.qr`, an inline SVG
QR code of the address filled in with the receipt number and code too. The invoicing app owns the page,
so it builds the address; billing's slip only knows the hall, the number and the code.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# Small on the 80 mm roll: 2 px a module is about 20 mm wide for a full address, still easy to scan.
QR_SCALE = 2


def request_path(*, hall_code: str, receipt_number: str = "", code: str = "") -> str:
    """The request page's site-relative address, filled in with what is given."""
    query = {"hall": hall_code, "receipt": receipt_number, "code": code}
    return f"{reverse('invoicing:request')}?{urlencode({k: v for k, v in query.items() if v})}"


def _absolute(context: template.Context, path: str) -> str:
    """An absolute address where the slip is rendered for a request (screen and PDF); else the path."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.simple_tag(takes_context=True)
def invoice_request_link(context: template.Context, hall_code: str, receipt_number: str, code: str) -> dict[str, Any]:
    filled = _absolute(context, request_path(hall_code=hall_code, receipt_number=receipt_number, code=code))
    qr = segno.make(filled, error="m").svg_inline(
        scale=QR_SCALE, border=2, dark="#000", svgclass="slip-qr", title=_("QR code to request the invoice")
    )
    return {
        "url": _absolute(context, request_path(hall_code=hall_code)),
        "filled_url": filled,
        "qr": mark_safe(qr),  # noqa: S308 - segno's own markup, the address is ours
    }
