"""Receipt printing screens (PAY02), mounted under /billing/. A receipt is found by its id; its hall scopes access."""

from django.urls import path

from . import views_receipts

urlpatterns = [
    path("receipts/<int:receipt_id>/", views_receipts.receipt, name="receipt"),
    path("receipts/<int:receipt_id>/print/", views_receipts.receipt_print, name="receipt_print"),
    path("receipts/<int:receipt_id>/pdf/", views_receipts.receipt_pdf, name="receipt_pdf"),
]
