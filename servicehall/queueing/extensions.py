"""What the apps above the queue add to a ticket's life and the queue's screens (imports go down only).

The queue does not know about ratings or complaints; the care app (and any app to come) registers here in
its `AppConfig.ready()`:

* `register_after_service(name, hook)`: `hook(ticket, staff)` runs inside the transaction that finishes a
  ticket at a counter (the rating pad asks the customer then). Raising refuses the finish.
* `register_ticket_action(...)`: a button beside the ticket being served on the workbench, posting to the
  registering app's own URL (e.g. 请评价, ask for a rating now). Its view answers with the button's
  replacement (htmx swaps the form itself).
* `register_console_panel(name, template, context)`: a panel of the duty manager's console, refreshed with
  the console (pushes and every 30 s).
* `register_ticket_link(name, link)`: a link on the customer's tracking page (e.g. "rate our service").
* `register_pairable_screens(name, screens)`: more screens a device may be paired as (e.g. a counter's
  rating pad), offered on "Pair this screen" beside the board and the kiosk.
* `register_kiosk_link(name, link)`: a big button on the kiosk beside the categories (e.g. "I have a
  booking", the appointments' check-in), `link(hall)` or None when the hall does not offer it.
* `register_ticket_note(name, note)`: what the workbench shows beside a called or served ticket (e.g. the
  booking it came from, with its business, documents and notes), `note(ticket)` or None.
* `register_before_counter_open(name, hook)`: `hook(counter, staff)` runs inside the transaction that opens a
  counter for the person who will work it (e.g. the duty app refuses until today's pre-shift checklist, 班前准备七步,
  is done). Raising an ApplicationError refuses the opening with its message.
* `register_workbench_link(name, link)`: a link on the workbench's counter picker, `link(hall, user)` or None
  (e.g. "Pre-shift checklist", where a refused opening sends the clerk).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import reverse

if TYPE_CHECKING:
    from servicehall.org.models import Counter, Hall

    from .models import Ticket

AfterService = Callable[["Ticket", Any], None]
BeforeCounterOpen = Callable[["Counter", Any], None]
ConsoleContext = Callable[[HttpRequest, "Hall"], dict[str, Any]]
TicketLink = Callable[["Ticket"], "Link | None"]
# A hall's screens of one kind: (value posted by the pairing form, label, the screen's URL) each.
PairableScreens = Callable[["Hall"], list[tuple[str, str, str]]]


@dataclass(frozen=True)
class TicketAction:
    label: Any  # a lazy translation: read in the user's language when the workbench renders
    url_name: str  # reversed with hall= and ticket=
    testid: str
    # What to show instead of the button once it has done its work for this ticket (None: the button).
    done: Callable[[Ticket], str | None] | None = None


@dataclass(frozen=True)
class ConsolePanel:
    template: str
    context: ConsoleContext


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    testid: str


@dataclass(frozen=True)
class TicketNote:
    """A titled list on the workbench: `title` and `lines` are shown as text, in the user's language."""

    title: str
    lines: list[str]
    testid: str


_AFTER_SERVICE: dict[str, AfterService] = {}
_TICKET_ACTIONS: dict[str, TicketAction] = {}
_CONSOLE_PANELS: dict[str, ConsolePanel] = {}
_TICKET_LINKS: dict[str, TicketLink] = {}
_PAIRABLE_SCREENS: dict[str, PairableScreens] = {}
_KIOSK_LINKS: dict[str, Callable[[Hall], Link | None]] = {}
_TICKET_NOTES: dict[str, Callable[[Ticket], TicketNote | None]] = {}
_BEFORE_COUNTER_OPEN: dict[str, BeforeCounterOpen] = {}
_WORKBENCH_LINKS: dict[str, Callable[[Hall, Any], Link | None]] = {}


def register_after_service(name: str, hook: AfterService) -> None:
    _AFTER_SERVICE[name] = hook


def after_service_run(ticket: Ticket, staff: Any) -> None:
    for hook in _AFTER_SERVICE.values():
        hook(ticket, staff)


def register_ticket_action(
    name: str, *, label: Any, url_name: str, testid: str, done: Callable[[Ticket], str | None] | None = None
) -> None:
    _TICKET_ACTIONS[name] = TicketAction(label=label, url_name=url_name, testid=testid, done=done)


def ticket_actions(ticket: Ticket) -> list[dict[str, str | None]]:
    """The registered buttons for the ticket being served, with their URLs, or what they did already."""
    kwargs = {"hall": ticket.hall.code, "ticket": ticket.pk}
    return [
        {
            "label": str(action.label),
            "url": reverse(action.url_name, kwargs=kwargs),
            "testid": action.testid,
            "done": action.done(ticket) if action.done else None,
        }
        for action in _TICKET_ACTIONS.values()
    ]


def register_console_panel(name: str, *, template: str, context: ConsoleContext) -> None:
    _CONSOLE_PANELS[name] = ConsolePanel(template=template, context=context)


def console_panels(request: HttpRequest, hall: Hall) -> list[dict[str, Any]]:
    """Each registered panel as {"template": …, "context": …} for the console to include."""
    return [{"template": panel.template, "context": panel.context(request, hall)} for panel in _CONSOLE_PANELS.values()]


def register_ticket_link(name: str, link: TicketLink) -> None:
    _TICKET_LINKS[name] = link


def ticket_links(ticket: Ticket) -> list[Link]:
    return [link for source in _TICKET_LINKS.values() if (link := source(ticket)) is not None]


def register_pairable_screens(name: str, screens: PairableScreens) -> None:
    _PAIRABLE_SCREENS[name] = screens


def pairable_screens(hall: Hall) -> list[tuple[str, str, str]]:
    return [screen for source in _PAIRABLE_SCREENS.values() for screen in source(hall)]


def register_kiosk_link(name: str, link: Callable[[Hall], Link | None]) -> None:
    _KIOSK_LINKS[name] = link


def kiosk_links(hall: Hall) -> list[Link]:
    return [link for source in _KIOSK_LINKS.values() if (link := source(hall)) is not None]


def register_ticket_note(name: str, note: Callable[[Ticket], TicketNote | None]) -> None:
    _TICKET_NOTES[name] = note


def ticket_notes(ticket: Ticket) -> list[TicketNote]:
    return [note for source in _TICKET_NOTES.values() if (note := source(ticket)) is not None]


def register_before_counter_open(name: str, hook: BeforeCounterOpen) -> None:
    _BEFORE_COUNTER_OPEN[name] = hook


def before_counter_open_run(counter: Counter, staff: Any) -> None:
    for hook in _BEFORE_COUNTER_OPEN.values():
        hook(counter, staff)


def register_workbench_link(name: str, link: Callable[[Hall, Any], Link | None]) -> None:
    _WORKBENCH_LINKS[name] = link


def workbench_links(hall: Hall, user: Any) -> list[Link]:
    return [link for source in _WORKBENCH_LINKS.values() if (link := source(hall, user)) is not None]
