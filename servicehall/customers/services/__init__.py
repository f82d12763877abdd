"""Every write of customers, their documents, services and the hall's number pool.

Services are keyword-only and check the rules; views and serializers only
parse input. A refusal is an `ApplicationError` whose message names the
problem in the user's language and whose `extra["field"]` names the input
it is about, so that forms can show it beside the field. Audit rows carry
kinds, statuses and field names, never the personal values themselves.

This package re-exports every public name of its modules, so `from servicehall.customers import services` and
`from servicehall.customers.services import service_create` work whatever module holds the function. A test
that patches a name patches it in the module that holds it (e.g. `services.number_pool._pool_move`).

The modules, each importing only `_common` (none imports another; `gas_cards` imports neither, only
`customers.selectors`):

* `_common`: the document and service kinds, MAX_MONEY, the messages of a bad document or phone number, and
  the small checks of free input (text, document number, phone, validity, money), the acting user, the
  service's company.
* `customers`: registering a customer with their first document, contact changes (BT05), another document,
  the credit level (PAY05).
* `personal_data`: the full view of one personal field, logged (PRIV01).
* `subject_rights`: export and erasure on request, the anonymisation of inactive customers (PRIV02); the holds,
  activity and export sections of higher apps come from the registry `customers.subject_rights`.
* `number_pool`: the hall's pool of mobile numbers (BT01): add, hold, take, release, expired holds.
* `subscriptions`: the services a customer holds: opening one, its status moves, its balance (PAY01, PAY06).
* `telecom`: value-added services, a new SIM card, package changes (BT04, BT07, BT09).
* `gas_cards`: gas households (BT10–BT14): the user card's number, assignment and blacklist, the card writes
  the hall's card writer confirms or fails (a purchase credits gas only when confirmed), meter readings and
  changes of owner. Their reads are in `customers.selectors`.
"""

from ._common import (
    ADDRESS_SERVICE_KINDS,
    MAX_MONEY,
    PERSONAL_KINDS,
    PHONE_SERVICE_KINDS,
    Kind,
    document_error_message,
    phone_error_message,
)
from .customers import customer_create, customer_set_credit_level, customer_update_contact, id_document_add
from .gas_cards import (
    card_blacklist,
    card_write_confirm,
    card_write_fail,
    card_write_request,
    card_write_retry,
    gas_card_assign,
    gas_card_number_new,
    meter_reading_record,
    service_change_owner,
)
from .number_pool import (
    number_pool_add,
    number_pool_release,
    number_pool_release_expired,
    number_pool_renew_hold,
    number_pool_reserve,
    number_pool_take,
)
from .personal_data import personal_data_reveal
from .subject_rights import (
    ANONYMISED_NAME,
    customer_holds,
    inactive_customers_anonymise,
    inactive_customers_due,
    personal_data_erase,
    personal_data_export,
    personal_data_of,
)
from .subscriptions import service_balance_change, service_create, service_set_status
from .telecom import (
    extra_cancel,
    extra_restore,
    extra_subscribe,
    service_package_changes_apply,
    service_replace_sim,
    service_schedule_package,
)

__all__ = [
    "ADDRESS_SERVICE_KINDS",
    "ANONYMISED_NAME",
    "MAX_MONEY",
    "PERSONAL_KINDS",
    "PHONE_SERVICE_KINDS",
    "Kind",
    "card_blacklist",
    "card_write_confirm",
    "card_write_fail",
    "card_write_request",
    "card_write_retry",
    "customer_create",
    "customer_holds",
    "customer_set_credit_level",
    "customer_update_contact",
    "document_error_message",
    "extra_cancel",
    "extra_restore",
    "extra_subscribe",
    "gas_card_assign",
    "gas_card_number_new",
    "id_document_add",
    "inactive_customers_anonymise",
    "inactive_customers_due",
    "meter_reading_record",
    "number_pool_add",
    "number_pool_release",
    "number_pool_release_expired",
    "number_pool_renew_hold",
    "number_pool_reserve",
    "number_pool_take",
    "personal_data_erase",
    "personal_data_export",
    "personal_data_of",
    "personal_data_reveal",
    "phone_error_message",
    "service_balance_change",
    "service_change_owner",
    "service_create",
    "service_package_changes_apply",
    "service_replace_sim",
    "service_schedule_package",
    "service_set_status",
]
