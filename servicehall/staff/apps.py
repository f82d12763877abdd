from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "servicehall.staff"
    label = "staff"
    verbose_name = _("Training and assessment")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # Orders sit below staff: the exam a business type requires is checked through orders' registry.
        from servicehall.orders.extensions import register_before_order_create

        from .extensions import register_assessment_source
        from .services import exam_required_check
        from .sources import patrol_findings

        register_before_order_create("staff.exam_required", exam_required_check)
        # Patrol findings owned by the clerk (SITE02) weigh in where the pack gives "patrol" a weight.
        register_assessment_source("patrol", patrol_findings)
