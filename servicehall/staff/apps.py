from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "servicehall.staff"
    label = "staff"
    verbose_name = _("Training and assessment")

    def ready(self) -> None:
        # Orders sit below staff: the exam a business type requires is checked through orders' registry.
        from servicehall.orders.extensions import register_before_order_create

        from .services import exam_required_check

        register_before_order_create("staff.exam_required", exam_required_check)
