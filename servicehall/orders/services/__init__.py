"""Every write of work orders: create, the steps, identity, documents, review, confirmation, payment.

Concurrency: a service that changes an order locks its row first
(`select_for_update`; on SQLite the IMMEDIATE transaction serialises writers),
then moves its status with a compare-and-set update whose row count is checked.
Order numbers come from a per-hall daily sequence taken with one upsert.
Each move appends an `OrderMove` and an audit row, in the same transaction.

This package re-exports every public name of its modules, so `from servicehall.orders import services` and
`from servicehall.orders.services import order_advance` work whatever module holds the function. A test
that patches a name patches it in the module that holds it (e.g. `services.steps.actions`), because the
package's modules call each other directly, not through this package.

The modules, each importing only the ones listed above it (never the other way round):

* `_common`: limits (NOTE_MAX, DETAILS_MAX_CHARS), the refusal of a move, the role check, the order's lock
  (and `_lock_early` for what may change only until acceptance), the move with its audit row, the check of
  business details and of the customer and service an order acts on.
* `reception`: `order_create` (the order number, the documents to tick), the customer, proxy, authorisation
  and new owner, and the business details (`order_update_details`, `order_set_details`).
* `acceptance`: what acceptance checks, recorded at the counter: ID documents checked (ACC02), documents seen
  and their scans kept (ACC03), the anti-fraud checklist (PRIV03).
* `numbers`: the pool number held for a mobile opening (BT01), taken at processing, given back when the
  order ends without opening.
* `cancelling`: `order_withdraw` before processing completes, `order_revert` (退受理) after it.
* `steps`: `order_advance` along the table with each step's gates, the business action run at processing,
  the follow-up call's due date, and the duty manager's `order_review` (ACC01, ACC04).
* `payment`: the customer's confirmation (ACC05) and the fees paid (`order_record_payment`, called by
  billing), both moving the order on.
* `aftercare`: the follow-up call made, the outstanding work done, and recommendations answered (ACC07).
* `installation_jobs`: installation and meter jobs (BT02, BT03, BT10, BT14): scheduled by a business action,
  reported by the technician (`job_report`), rescheduled, cancelled; a report marks the order's outstanding
  work done (`aftercare`) and dates its call-back again (`steps`).
* `repairs`: repairs (故障报修, CARE05) on an order of the repair business type: dispatched as jobs of kind
  `repair` (`installation_jobs`), confirmed as the order is (`payment`), with the SLA in working hours.

The business actions are `orders.actions` and `orders.handlers`. The handlers sit above this package: they
schedule and cancel jobs (`installation_jobs`) and hold pool numbers (`numbers`), so nothing here imports
them. They are registered when the app is ready (`OrdersConfig.ready`), and `actions.handler_for` loads them
on the first look-up in any case, so no service needs to import them first.
"""

from ._common import DETAILS_MAX_CHARS, NOTE_MAX
from .acceptance import (
    DOCUMENT_MAX_BYTES,
    FILE_SIGNATURES,
    document_max_bytes,
    order_document_seen,
    order_document_upload,
    order_identity_check,
    order_record_fraud_check,
    sniff_file_type,
)
from .aftercare import followup_task_complete, followup_task_retry, order_mark_work_done, order_record_recommendation
from .cancelling import order_revert, order_withdraw
from .installation_jobs import (
    JOB_DONE_HOOKS,
    JOB_EFFECTS,
    TECHNICIAN_MAX,
    JobEffect,
    JobHook,
    job_cancel,
    job_done_hook_register,
    job_is_early,
    job_report,
    job_reschedule,
    job_schedule,
    job_window_check,
    jobs_cancel_for_order,
)
from .numbers import order_hold_number, order_take_number
from .payment import (
    PNG_DATA_URL,
    SIGNATURE_MAX_CHARS,
    SVG_PATH,
    order_confirm,
    order_record_payment,
    order_record_payment_elsewhere,
)
from .reception import (
    order_create,
    order_record_authorisation,
    order_set_counterparty,
    order_set_customer,
    order_set_details,
    order_set_proxy,
    order_update_details,
)
from .repairs import (
    repair_close,
    repair_confirm,
    repair_dispatch,
    repair_due,
    repair_open,
    repair_report,
    repairs_check,
)
from .steps import follow_up_due, order_advance, order_follow_up_redate, order_review

__all__ = [
    "DETAILS_MAX_CHARS",
    "DOCUMENT_MAX_BYTES",
    "FILE_SIGNATURES",
    "JOB_DONE_HOOKS",
    "JOB_EFFECTS",
    "NOTE_MAX",
    "PNG_DATA_URL",
    "SIGNATURE_MAX_CHARS",
    "SVG_PATH",
    "TECHNICIAN_MAX",
    "JobEffect",
    "JobHook",
    "document_max_bytes",
    "follow_up_due",
    "followup_task_complete",
    "followup_task_retry",
    "job_cancel",
    "job_done_hook_register",
    "job_is_early",
    "job_report",
    "job_reschedule",
    "job_schedule",
    "job_window_check",
    "jobs_cancel_for_order",
    "order_advance",
    "order_confirm",
    "order_create",
    "order_document_seen",
    "order_document_upload",
    "order_follow_up_redate",
    "order_hold_number",
    "order_identity_check",
    "order_mark_work_done",
    "order_record_authorisation",
    "order_record_fraud_check",
    "order_record_payment",
    "order_record_payment_elsewhere",
    "order_record_recommendation",
    "order_revert",
    "order_review",
    "order_set_counterparty",
    "order_set_customer",
    "order_set_details",
    "order_set_proxy",
    "order_take_number",
    "order_update_details",
    "order_withdraw",
    "repair_close",
    "repair_confirm",
    "repair_dispatch",
    "repair_due",
    "repair_open",
    "repair_report",
    "repairs_check",
    "sniff_file_type",
]
