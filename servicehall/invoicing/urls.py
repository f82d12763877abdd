"""The invoicing screens (PAY03), mounted at /invoices/."""

from django.urls import path

from . import views

app_name = "invoicing"
urlpatterns = [
    # The customer's own page: the invoice PDF by its number and download code.
    path("download/", views.download, name="download"),
    # The customer's own request (扫码开票): ?hall=<code>&receipt=<number>&code=<invoice code>, as the receipt's QR.
    path("request/", views.request_online, name="request"),
    # Staff at the counter: ?hall=<code>&customer=<id>&payment=<id> (customer or payment; payment is preselected).
    path("new/", views.create, name="create"),
    # Staff: the hall's invoices with their void forms, and one invoice.
    path("halls/<slug:hall>/", views.invoice_list, name="list"),
    path("halls/<slug:hall>/<int:invoice_id>/", views.detail, name="detail"),
    path("halls/<slug:hall>/<int:invoice_id>/pdf/", views.pdf, name="pdf"),
    path("halls/<slug:hall>/<int:invoice_id>/void/", views.void, name="void"),
    path("halls/<slug:hall>/<int:invoice_id>/reissue/", views.reissue, name="reissue"),
]
