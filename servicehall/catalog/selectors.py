from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicehall.core.compiled_reads import CompiledRead
from servicehall.core.errors import NotFound, Unprocessable
from servicehall.org.models import Hall

from . import gas_pricing
from .models import (
    BusinessType,
    Checklist,
    ComplaintCategory,
    ExtraOffer,
    GasPriceTier,
    Package,
    Phrase,
    QueueCategory,
    RecommendationRule,
    ScriptStep,
    ServiceCommitment,
    pick_language,
)
from .packs import DEFAULT_HOLDER, PackError, pack_read


def categories_for_hall(*, hall: Hall) -> QuerySet[QueueCategory]:
    return QueueCategory.objects.filter(hall=hall, active=True).order_by("sort_order", "code")


def category_get(*, hall: Hall, code: str) -> QueueCategory:
    category = QueueCategory.objects.filter(hall=hall, code=code).first()
    if category is None:
        raise NotFound(_("There is no queue category %(code)s in this hall.") % {"code": code})
    return category


def _first_pack(hall: Hall, rows: Iterable[Any]) -> str | None:
    """Of the packs these rows come from, the one the hall loaded first (or, failing that, the first by name)."""
    present = {row.pack for row in rows}
    return next((p for p in hall.packs if p in present), None) or min(present, default=None)


def script_steps(*, hall: Hall, script: str) -> list[ScriptStep]:
    """The steps of one script, from the first of the hall's packs that has it.

    A hall with a telecom and a gas pack follows one 业务受理八步, not both mixed.
    """
    steps = list(ScriptStep.objects.filter(hall=hall, script=script).order_by("position"))
    pack = _first_pack(hall, steps)
    return [step for step in steps if step.pack == pack]


def acceptance_phrases_for_step(*, hall: Hall, step_position: int) -> list[str]:
    """ACC06: the standard phrases of one step of the hall's 业务受理八步 (1 = greet … 8 = see off)."""
    for step in script_steps(hall=hall, script="acceptance"):
        if step.position == step_position:
            return step.phrases_display()
    raise NotFound(_("The acceptance script of this hall has no step %(position)s.") % {"position": step_position})


def phrases_for(*, hall: Hall, moment: str) -> list[str]:
    return [p.text for p in Phrase.objects.filter(hall=hall, moment=moment).order_by("pack", "position")]


def business_types_for_category(*, category: QueueCategory) -> QuerySet[BusinessType]:
    return BusinessType.objects.filter(category=category, active=True).order_by("sort_order")


# Read for every ticket a kiosk issues: SQL compiled once per process (issue 17).
_ACTIVE_BUSINESSES = CompiledRead(
    lambda category_id: business_types_for_category(category=QueueCategory(pk=category_id)),
    category_id=QueueCategory.id,
)


def documents_for_category(*, category: QueueCategory) -> list[str]:
    """The category's general list of documents to bring, in the user's language.

    The pack's `documents` of the category; without one, the documents every
    business of the category that asks for any needs. Never every business's
    documents put together: a ticket for "mobile business" would list the new
    owner's ID and the transfer form of 过户 (issue 10).
    """
    if category.documents:
        return [pick_language(doc["name_zh"], doc["name_en"]) for doc in category.documents]
    # No list in the pack: what every business of the queue that asks for documents needs.
    asking = [b for b in _ACTIVE_BUSINESSES.fetch(category_id=category.pk) if b.required_documents]
    if not asking:
        return []
    common = set.intersection(*({d["code"] for d in b.required_documents} for b in asking))
    first = asking[0]
    return [
        name
        for doc, name in zip(first.required_documents, first.documents_display(), strict=True)
        if doc["code"] in common
    ]


def documents_for_slip(*, category: QueueCategory, business: str = "") -> list[str]:
    """What the slip asks the customer to bring: the chosen business's documents, else the category's list."""
    if business:
        chosen = business_types_for_category(category=category).filter(code=business).first()
        if chosen is not None:
            return chosen.documents_display()
    return documents_for_category(category=category)


def business_types_ever_in_hall(*, hall: Hall) -> QuerySet[BusinessType]:
    """Every business type of the hall, switched off ones too: past orders may be of any of them."""
    return BusinessType.objects.filter(hall=hall).order_by("sort_order", "code")


def business_types_for_hall(*, hall: Hall) -> QuerySet[BusinessType]:
    """The hall's active business types of active categories, in one query, grouped by category order."""
    return (
        BusinessType.objects.filter(hall=hall, active=True, category__active=True)
        .select_related("category")
        .order_by("category__sort_order", "category__code", "sort_order", "code")
    )


def business_type_get(*, hall: Hall, code: str) -> BusinessType:
    """An active business type of the hall by its code, with its category."""
    business = business_types_for_hall(hall=hall).filter(code=code).first()
    if business is None:
        raise NotFound(_("There is no such business type in this hall."))
    return business


# --- packages and value-added services (BT01–BT04, BT09) ---------------------------------------


def packages_for_hall(*, hall: Hall, kind: str | None = None) -> QuerySet[Package]:
    """The packages the hall sells now, optionally of one kind (mobile, broadband, fixed_line)."""
    packages = Package.objects.filter(hall=hall, active=True)
    if kind is not None:
        packages = packages.filter(kind=kind)
    return packages.order_by("kind", "sort_order", "code")


def package_get(*, hall: Hall, code: str, kind: str | None = None) -> Package:
    """A package the hall sells now, by code (and of the kind asked for, when given)."""
    package = packages_for_hall(hall=hall, kind=kind).filter(code=code).first()
    if package is None:
        raise NotFound(_("This hall has no such package."))
    return package


def offer_names(*, hall: Hall, packages: Collection[str] = (), extras: Collection[str] = ()) -> dict[str, str]:
    """Package and value-added service codes → their names in the user's language (retired ones too).

    An order keeps the code it was accepted with; its page names the package
    even after the pack stopped selling it. One query per kind asked for.
    """
    names: dict[str, str] = {}
    if packages:
        names |= {p.code: p.display_name for p in Package.objects.filter(hall=hall, code__in=set(packages))}
    if extras:
        names |= {o.code: o.display_name for o in ExtraOffer.objects.filter(hall=hall, code__in=set(extras))}
    return names


def extras_for_hall(*, hall: Hall, service_kind: str | None = None) -> QuerySet[ExtraOffer]:
    extras = ExtraOffer.objects.filter(hall=hall, active=True)
    if service_kind is not None:
        extras = extras.filter(service_kind=service_kind)
    return extras.order_by("sort_order", "code")


def extra_get(*, hall: Hall, code: str) -> ExtraOffer:
    extra = extras_for_hall(hall=hall).filter(code=code).first()
    if extra is None:
        raise NotFound(_("This hall has no such value-added service."))
    return extra


# --- tiered gas price (BT11) -----------------------------------------------------------------


def gas_price_tiers(*, hall: Hall) -> list[GasPriceTier]:
    """The hall's residential tiered gas price, from the first of its packs that has one."""
    tiers = list(GasPriceTier.objects.filter(hall=hall).order_by("position"))
    pack = _first_pack(hall, tiers)
    return [tier for tier in tiers if tier.pack == pack]


def _scheme(hall: Hall) -> list[gas_pricing.Tier]:
    tiers = [gas_pricing.Tier(t.up_to_m3, t.price_per_m3) for t in gas_price_tiers(hall=hall)]
    if not tiers:
        raise Unprocessable(_("This hall has no gas price."))
    return tiers


def _quantity(value: Any, *, message: str) -> Decimal:
    """A clerk's amount or volume: a number, zero or more, with at most two decimals."""
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise Unprocessable(message) from exc
    if not number.is_finite() or number < 0 or number >= Decimal("1e10") or number != number.quantize(Decimal("0.01")):
        raise Unprocessable(message)
    return number


def gas_volume_for_amount(*, hall: Hall, amount: Any, used_this_year: Any = Decimal("0")) -> Decimal:
    """The gas (m³, two decimals) an amount buys after what the household used this year.

    Rounded down to 0.01 m³, so the customer is never credited gas not paid for
    (see catalog/gas_pricing.py for the whole rounding rule).
    """
    return gas_pricing.volume_for_amount(
        _scheme(hall),
        _quantity(amount, message=_("The amount must be zero or more, with at most two decimals.")),
        _quantity(used_this_year, message=_("The volume must be zero or more, with at most two decimals.")),
    )


def gas_amount_for_volume(*, hall: Hall, volume: Any, used_this_year: Any = Decimal("0")) -> Decimal:
    """What a volume of gas costs after what the household used this year, rounded up to the cent."""
    message = _("The volume must be zero or more, with at most two decimals.")
    return gas_pricing.amount_for_volume(
        _scheme(hall), _quantity(volume, message=message), _quantity(used_this_year, message=message)
    )


# --- checklists (PRIV03, gas connection) -------------------------------------------------------


def checklist_get(*, hall: Hall, code: str, pack: str | None = None) -> Checklist:
    """A checklist of the hall by code; of the given pack, or of the first of the hall's packs that has it."""
    checklists = list(Checklist.objects.filter(hall=hall, code=code))
    chosen = pack if pack is not None else _first_pack(hall, checklists)
    checklist = next((c for c in checklists if c.pack == chosen), None)
    if checklist is None:
        raise NotFound(_("This hall has no such checklist."))
    return checklist


def checklists_for_business(*, business: BusinessType) -> list[Checklist]:
    """The checklists the clerk walks with the customer for this business, anti-fraud first."""
    return sorted(business.checklists.all(), key=lambda c: (c.code != "anti_fraud", c.code))


# --- recommendations (ACC07) -------------------------------------------------------------------


def recommendations_for(
    *, hall: Hall, service_kinds: Collection[str], extra_codes: Collection[str]
) -> list[RecommendationRule]:
    """ACC07: the hall's rules that fit a customer holding these kinds of service and these extras.

    Each rule carries `.business_type` (active, of an active category) and `.reason` / `.phrase`
    in the current language. A business offered by two rules is offered once, by the first.
    """
    kinds, extras = set(service_kinds), set(extra_codes)
    rules = (
        RecommendationRule.objects.filter(
            hall=hall, active=True, business_type__active=True, business_type__category__active=True
        )
        .select_related("business_type", "business_type__category")
        .order_by("pack", "sort_order", "code")
    )
    order = {pack: index for index, pack in enumerate(hall.packs)}
    chosen: list[RecommendationRule] = []
    offered: set[int] = set()
    for rule in sorted(rules, key=lambda r: order.get(r.pack, len(order))):
        if rule.business_type_id not in offered and rule.applies_to(service_kinds=kinds, extra_codes=extras):
            chosen.append(rule)
            offered.add(rule.business_type_id)
    return chosen


# --- the words of a pack's trade ------------------------------------------------------------------


@cache
def _pack_holder(pack: str) -> dict[str, str]:
    try:
        return pack_read(pack).holder
    except PackError:  # a pack no longer on disk (a test pack, a retired one): the usual word
        return dict(DEFAULT_HOLDER)


def holder_words(*, pack: str | None) -> dict[str, str]:
    """What the pack's trade calls the customer a service belongs to, in the user's language.

    `{"holder": "机主"}` in a telecom hall, `{"holder": "户主"}` in a gas hall ("subscriber" /
    "account holder" in English); used as `%(holder)s` in the order page's party labels and flashes.
    """
    words = _pack_holder(pack) if pack else DEFAULT_HOLDER
    return {"holder": pick_language(words["zh"], words["en"])}


def service_commitments(*, hall: Hall) -> list[ServiceCommitment]:
    """The hall's published service commitments, in the pack's order (CARE07)."""
    return list(ServiceCommitment.objects.filter(hall=hall, active=True).order_by("position", "code"))


def complaint_categories(*, hall: Hall) -> list[ComplaintCategory]:
    """The kinds of complaint the hall records, in the pack's order (CARE04)."""
    return list(ComplaintCategory.objects.filter(hall=hall, active=True).order_by("position", "code"))


def complaint_category_get(*, hall: Hall, category_id: Any) -> ComplaintCategory | None:
    """One of the hall's complaint categories in use, or None (a bad or foreign id)."""
    try:
        pk = int(category_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return ComplaintCategory.objects.filter(hall=hall, active=True, pk=pk).first()
