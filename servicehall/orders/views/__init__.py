"""Staff pages of work orders: start an order, walk it through the steps, the duty manager's lists, the archive.

Views stay thin: they find the hall or the order through the `*_get_for_user`
selectors, call one service, and render. Actions on an order are POSTs (htmx
or plain forms); each answers with the order's panel, a refused one with its
message and its 4xx status. While an order waits for review its panel polls,
so the clerk sees the duty manager's answer within seconds.

This package re-exports every view `orders.urls` mounts, so `views.detail` works whatever module holds it.
The modules, each importing only the ones listed above it (never the other way round):

* `_common`: htmx answers and redirects, flashes, running one service call (`_run`), the hall by code and
  its navigation, rendering in the hall's time zone, typed ids from the query, the carried hall and ticket,
  the holder's word (机主/户主).
* `create`: starting an order (`create`).
* `order_page`: the order's page and its htmx panel (`detail`, `_render_order`): steps, parties'
  documents, the business details form, jobs and payments.
* `order_actions`: the POSTs on an order, one view per action made by `order_action` (`advance`, `withdraw`,
  `revert`, … `work_done`), and `save_details`, `hold_number`.
* `documents`: the printable confirmation (`confirmation`) and the kept scans (`document_file`).
* `review`: the duty manager's lists (`review_list`, `review_decide`, `in_progress`, `unfinished`).
* `archive`: the archive search and its Excel export (`archive`, `archive_export`).
* `installation_jobs`: the hall's installation and meter jobs (`jobs_list`, `job_report`,
  `job_reschedule`).
* `repairs`: repairs (CARE05): the open list, opening one for a service, dispatch, result, confirmation,
  closing without a fix.
"""

from .archive import archive, archive_export
from .create import create
from .documents import confirmation, document_file
from .installation_jobs import job_report, job_reschedule, jobs_list
from .order_actions import (
    advance,
    check_identity,
    confirm,
    document_seen,
    document_upload,
    fraud_check,
    hold_number,
    order_action,
    recommend,
    record_authorisation,
    revert,
    review_order,
    save_details,
    set_counterparty,
    set_customer,
    set_proxy,
    withdraw,
    work_done,
)
from .order_page import detail
from .repairs import (
    repair_close,
    repair_confirm,
    repair_detail,
    repair_dispatch,
    repair_open,
    repair_report,
    repairs_list,
)
from .review import in_progress, review_decide, review_list, unfinished

__all__ = [
    "advance",
    "archive",
    "archive_export",
    "check_identity",
    "confirm",
    "confirmation",
    "create",
    "detail",
    "document_file",
    "document_seen",
    "document_upload",
    "fraud_check",
    "hold_number",
    "in_progress",
    "job_report",
    "job_reschedule",
    "jobs_list",
    "order_action",
    "recommend",
    "record_authorisation",
    "repair_close",
    "repair_confirm",
    "repair_detail",
    "repair_dispatch",
    "repair_open",
    "repair_report",
    "repairs_list",
    "revert",
    "review_decide",
    "review_list",
    "review_order",
    "save_details",
    "set_counterparty",
    "set_customer",
    "set_proxy",
    "unfinished",
    "withdraw",
    "work_done",
]
