from typing import Any

from django.core.management.base import BaseCommand

from servicehall.billing.services import payment_qr_expire_due, refunds_resend_due


class Command(BaseCommand):
    help = (
        "Settle QR payments past their time: asks the provider once more, then expires what is still unpaid; "
        "asks the provider again for refunds to a QR wallet it did not answer."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = payment_qr_expire_due()
        self.stdout.write(f"QR payments past their time looked at: {count}.")
        resent = refunds_resend_due()
        self.stdout.write(f"QR refunds asked again: {resent}.")
