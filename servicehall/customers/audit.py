"""PRIV04: which of customers\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED = {
    "ServiceStatusChange": "history: a service's append-only status moves",
    "CardWriteChange": "history: a gas card write's append-only status moves",
    "ServiceOwnerChange": "history: the append-only record of a transfer of ownership",
    "PersonalDataAccess": "trail: the append-only log of who saw personal data in full",
}


def register_audited() -> None:
    register(
        m.Customer,
        personal={"name": "name", "name_initials": "hidden", "phone": "phone", "address_detail": "hidden"},
        hall="registered_hall",
    )
    register(m.IdDocument, personal={"number": "id_number", "holder_name": "name"}, hall="customer__registered_hall")
    register(
        m.Service,
        personal={"number": "phone", "sim_number": "card", "address_detail": "hidden"},
        hall="opened_hall",
    )
    register(m.ValueAddedService, hall="service__opened_hall")
    # A pool number becomes a customer's mobile number: masked like one.
    register(m.NumberPoolEntry, personal={"number": "phone"})
    register(m.CardWrite, personal={"card_number": "card"})
    register(m.BlacklistedCard, personal={"card_number": "card"}, hall=None)
    register(m.MeterReading, hall="service__opened_hall")
