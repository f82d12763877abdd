"""What an order prints or keeps: the confirmation the customer signs (ACC05) and the kept scans."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import NotFound
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors

from .. import selectors
from ..presentation import order_view
from ..states import PROCESSED
from ._common import (
    C,
    S,
)


@login_required
@handles_application_errors
@never_cache
@require_GET
def confirmation(request: HttpRequest, order_id: int) -> HttpResponse:
    """The printable summary the customer confirms (ACC05), with their signature once given."""
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.VIEW_HALL)
    order = selectors.order_with_records(order_id=order.pk)
    if order.status not in PROCESSED and order.status != S.REVERTED:
        raise NotFound(_("The confirmation is printed once the business has been processed."))
    confirmation = getattr(order, "confirmation", None)
    signature = confirmation.signature if confirmation else ""
    context = {
        "hall": order.hall,
        "order": order,
        "view": order_view(order),
        "summary": selectors.order_summary_lines(order=order),
        "confirmation": confirmation,
        "signature_image": signature if signature.startswith("data:image/png") else "",
        "signature_path": signature if signature and not signature.startswith("data:") else "",
        "printed_at": timezone.now(),
    }
    return render_in_hall_time(request, "orders/confirmation.html", context)


@login_required
@handles_application_errors
@require_GET
def document_file(request: HttpRequest, order_id: int, code: str) -> HttpResponse:
    """A kept scan, to staff of the order's hall only; never through a public media URL."""
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.SERVE)
    document = order.documents.filter(code=code).first()
    if document is None or not document.file:
        raise NotFound(_("No scan is kept for this document."))
    extension = (document.file.name or "").rsplit(".", 1)[-1]
    response = FileResponse(document.file.open("rb"), content_type=document.file_type or "application/octet-stream")
    response["Content-Disposition"] = f'inline; filename="{order.number}-{document.code}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]
