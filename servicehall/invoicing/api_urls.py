"""The invoicing API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis

app_name = "invoicing_api"
urlpatterns = [
    path("invoices", apis.InvoicesApi.as_view(), name="invoices"),
    path("invoices/<int:invoice_id>", apis.InvoiceApi.as_view(), name="invoice"),
    path("invoices/<int:invoice_id>/void", apis.InvoiceVoidApi.as_view(), name="invoice-void"),
    path("invoices/<int:invoice_id>/pdf", apis.InvoicePdfApi.as_view(), name="invoice-pdf"),
]
