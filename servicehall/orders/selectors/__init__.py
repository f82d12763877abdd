"""Reads of work orders for pages, the API and the services' rules.

Access to one order goes through `order_get_for_user` (the hall of the order
must be one of the user's, with the capability asked for); lists take a hall
the caller already got through `hall_get_for_user`.

This package re-exports every public name of its modules, so `from servicehall.orders import selectors` and
`from servicehall.orders.selectors import order_get_for_user` work whatever module holds the function. A test
that patches a name patches it in the module that holds it (e.g. `selectors.rules.details_form_class`),
because the package's modules call each other directly, not through this package.

The modules, each importing only the ones listed above it (never the other way round):

* `access`: one order (or several) for a user, the customer's other orders awaiting payment, and the customer,
  service, ticket and ID document an order refers to, within the hall's company.
* `details`: the business details forms (the inputs of a business action): the form of a business type,
  bound or showing the stored details masked (PRIV01), checked in the hall's time zone, kept as JSON, shown
  as rows people read.
* `rules`: what keeps an order in acceptance (`acceptance_blockers`: identity ACC02, documents ACC03, the
  anti-fraud checklist PRIV03, required details before review) and the anti-fraud checklist's questions.
* `order_page`: one order as its page shows it: moves and records, the customer's ID documents, the summary
  the customer confirms (ACC05), the phrases of its step (ACC06), the business to recommend (ACC07).
* `lists`: a hall's lists (review, in progress, unfinished), a ticket's open orders, a customer's orders, and
  the archive search (ACC08).
* `installation_jobs`: reads of installation and meter jobs and a job as pages and the API show it.

`presentation` imports this package, so no module here imports it; what they show masked comes from
`masked_parts` (and the details as rows from `details_display`), which import no selector.
"""

from .access import (
    customer_for_order,
    id_document_for_order,
    order_get_for_user,
    orders_awaiting_payment_with,
    orders_get_for_user,
    service_for_order,
    ticket_for_order,
)
from .details import (
    details_display,
    details_editable,
    details_form_class,
    details_posted,
    details_to_json,
    details_validated,
    form_refusal,
    order_details_cleaned,
    order_details_form,
)
from .installation_jobs import job_fresh, job_get_for_user, job_view, jobs_for_hall, jobs_of_order
from .lists import (
    EARLIEST_DAY,
    LATEST_DAY,
    ArchiveFilter,
    follow_up_get,
    follow_up_lock,
    follow_ups_due,
    follow_ups_due_between,
    installation_jobs_booked,
    open_orders_by_phone,
    orders_for_review,
    orders_in_progress,
    orders_of_customer,
    orders_search,
    orders_unfinished,
    ticket_orders,
    ticket_orders_read,
)
from .order_page import (
    PHONE_SERVICE_KINDS,
    STEP_SCRIPT,
    customer_documents,
    is_ended,
    order_history,
    order_phrases,
    order_recommendations,
    order_summary_lines,
    order_with_records,
)
from .rules import (
    ANTI_FRAUD_CHECKLIST,
    COUNTERPARTY_ACTIONS,
    COUNTERPARTY_DOCUMENT,
    Blocker,
    FraudQuestion,
    acceptance_blockers,
    details_blockers,
    details_missing,
    document_blockers,
    documents_needed,
    fraud_blockers,
    fraud_checklist,
    fraud_questions,
    identity_blockers,
    identity_checked,
    needs_counterparty,
)

__all__ = [
    "ANTI_FRAUD_CHECKLIST",
    "COUNTERPARTY_ACTIONS",
    "COUNTERPARTY_DOCUMENT",
    "EARLIEST_DAY",
    "LATEST_DAY",
    "PHONE_SERVICE_KINDS",
    "STEP_SCRIPT",
    "ArchiveFilter",
    "Blocker",
    "FraudQuestion",
    "acceptance_blockers",
    "customer_documents",
    "customer_for_order",
    "details_blockers",
    "details_display",
    "details_editable",
    "details_form_class",
    "details_missing",
    "details_posted",
    "details_to_json",
    "details_validated",
    "document_blockers",
    "documents_needed",
    "follow_up_get",
    "follow_up_lock",
    "follow_ups_due",
    "follow_ups_due_between",
    "form_refusal",
    "fraud_blockers",
    "fraud_checklist",
    "fraud_questions",
    "id_document_for_order",
    "identity_blockers",
    "identity_checked",
    "installation_jobs_booked",
    "is_ended",
    "job_fresh",
    "job_get_for_user",
    "job_view",
    "jobs_for_hall",
    "jobs_of_order",
    "needs_counterparty",
    "open_orders_by_phone",
    "order_details_cleaned",
    "order_details_form",
    "order_get_for_user",
    "order_history",
    "order_phrases",
    "order_recommendations",
    "order_summary_lines",
    "order_with_records",
    "orders_awaiting_payment_with",
    "orders_for_review",
    "orders_get_for_user",
    "orders_in_progress",
    "orders_of_customer",
    "orders_search",
    "orders_unfinished",
    "service_for_order",
    "ticket_for_order",
    "ticket_orders",
    "ticket_orders_read",
]
