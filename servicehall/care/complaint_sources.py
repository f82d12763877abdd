"""Where else a complaint may come from: an app above care registers a source (HOTEL03: a hotel guest's stay)
so its screens open care's one complaint form prefilled, and it learns of the complaint recorded from it.

A source names the form's parameter that carries its id, `read(hall=, value=)` giving what the form says the
complaint concerns (masked rows, the contact to take over when the form leaves it empty) or None when there is
no such thing in the hall, and `recorded(complaint=, found=)` run in the transaction that records it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SourceFound:
    obj: Any
    rows: list[tuple[str, str]]
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class ComplaintSource:
    param: str
    read: Callable[..., SourceFound | None]
    recorded: Callable[..., None]


_SOURCES: dict[str, ComplaintSource] = {}


def register_complaint_source(param: str, *, read: Callable[..., Any], recorded: Callable[..., None]) -> None:
    _SOURCES[param] = ComplaintSource(param, read, recorded)


def complaint_sources() -> tuple[ComplaintSource, ...]:
    return tuple(_SOURCES.values())
