"""The billing API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis, apis_receipts

app_name = "billing_api"
urlpatterns = [
    path("orders/<int:order_id>/payments", apis.OrderPaymentsApi.as_view(), name="order-payments"),
    path("orders/<int:order_id>/balance-refunds", apis.OrderBalanceRefundsApi.as_view(), name="order-balance-refunds"),
    path("services/<int:service_id>/recharges", apis.ServiceRechargesApi.as_view(), name="service-recharges"),
    path("payments", apis.PaymentsApi.as_view(), name="payments"),
    path("payments/<int:payment_id>", apis.PaymentDetailApi.as_view(), name="payment"),
    path("payments/<int:payment_id>/refunds", apis.PaymentRefundsApi.as_view(), name="payment-refunds"),
    path("payments/qr-notifications/<slug:provider>", apis.QrNotificationApi.as_view(), name="qr-notifications"),
    path("receipts/<int:receipt_id>", apis_receipts.ReceiptDetailApi.as_view(), name="receipt"),
    path("receipts/<int:receipt_id>/pdf", apis_receipts.ReceiptPdfApi.as_view(), name="receipt-pdf"),
    path("refunds/<int:refund_id>/approve", apis.RefundApproveApi.as_view(), name="refund-approve"),
    path("refunds/<int:refund_id>/reject", apis.RefundRejectApi.as_view(), name="refund-reject"),
    path("refunds/<int:refund_id>/pay", apis.RefundPayApi.as_view(), name="refund-pay"),
]
