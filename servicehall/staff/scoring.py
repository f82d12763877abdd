"""How a clerk's monthly score is made (STAFF05): pure functions, no database.

Each component is normalised to 0–100 by a rule whose numbers come from the pack's `assessment.thresholds`:

* ``tickets`` — tickets the clerk finished (status done, closed in the month):
  ``min(100, 100 × served / tickets_target)``.
* ``orders`` — work orders the clerk opened in the month that were carried out (closed or in follow-up):
  ``min(100, 100 × completed / orders_target)``.
* ``handling`` — the average length of the clerk's serving intervals that ended in the month, in minutes:
  100 at or under ``handling_best_minutes``, 0 at or over ``handling_worst_minutes``, linear between.
  No serving in the month: no component.
* ``rating`` — the average of the month's ratings of the clerk, very satisfied 100, satisfied 80, fairly
  satisfied 50, dissatisfied 0. No rating: no component.
* ``dissatisfied`` — the share of dissatisfied among those ratings: ``max(0, 100 − 100 × share /
  dissatisfied_worst_percent%)``. No rating: no component.
* ``complaints`` — complaints recorded in the month about a ticket the clerk served or an order they opened,
  upheld (acknowledged by the hall: neither still waiting nor withdrawn): ``max(0, 100 − complaint_points ×
  upheld)``.
* ``errors`` — the clerk's orders of the month that were reverted (退受理) and the drawers they closed in the
  month with a cash difference: ``max(0, 100 − revert_points × reverted − cash_difference_points × drawers)``.
* ``training`` — different exams the clerk passed in the month: ``min(100, 100 × passed / training_target)``.
* any source registered with ``register_assessment_source`` (patrol findings …) gives its own 0–100 score.

The card's computed score is the weighted mean of the components present, ``Σ wᵢ·sᵢ / Σ wᵢ`` over the
components with data and a weight in the pack, rounded to two decimals (half up). Adjustments add to it and the
final score is kept within 0–100. The incentive is the first band of the pack whose ``min`` the final score
reaches (bands best first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

RATING_POINTS: dict[str, int] = {"very_satisfied": 100, "satisfied": 80, "fair": 50, "dissatisfied": 0}
COMPONENTS = ("tickets", "orders", "handling", "rating", "dissatisfied", "complaints", "errors", "training")
TWO = Decimal("0.01")


@dataclass
class Figures:
    """The month's counts of one clerk, as the selector reads them."""

    tickets: int = 0
    completed_orders: int = 0
    reverted_orders: int = 0
    serving_seconds: float = 0.0
    servings: int = 0
    ratings: dict[str, int] = field(default_factory=dict)
    complaints: int = 0
    cash_differences: int = 0
    exams_passed: int = 0
    # name → 0–100 from the registered sources
    extra: dict[str, float] = field(default_factory=dict)


def _dec(value: float) -> Decimal:
    return Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def _ratio(count: float, target: float) -> float:
    if target <= 0:
        return 100.0
    return min(100.0, 100.0 * count / target)


def components(figures: Figures, thresholds: dict[str, Any]) -> list[dict[str, Any]]:
    """The components with data: code, the measured value (shown on the card) and the 0–100 score."""
    t = {k: float(v) for k, v in thresholds.items()}
    rows: list[dict[str, Any]] = [
        {"code": "tickets", "value": figures.tickets, "score": _ratio(figures.tickets, t.get("tickets_target", 1))},
        {
            "code": "orders",
            "value": figures.completed_orders,
            "score": _ratio(figures.completed_orders, t.get("orders_target", 1)),
        },
    ]
    if figures.servings:
        minutes = figures.serving_seconds / figures.servings / 60
        best, worst = t.get("handling_best_minutes", 5), t.get("handling_worst_minutes", 20)
        if minutes <= best:
            score = 100.0
        elif minutes >= worst:
            score = 0.0
        else:
            score = 100.0 * (worst - minutes) / (worst - best)
        rows.append({"code": "handling", "value": round(minutes, 2), "score": score})
    rated = sum(figures.ratings.values())
    if rated:
        average = sum(RATING_POINTS.get(k, 0) * n for k, n in figures.ratings.items()) / rated
        rows.append({"code": "rating", "value": rated, "score": average})
        share = 100.0 * figures.ratings.get("dissatisfied", 0) / rated
        worst_share = t.get("dissatisfied_worst_percent", 10) or 1
        rows.append(
            {"code": "dissatisfied", "value": round(share, 2), "score": max(0.0, 100 - 100 * share / worst_share)}
        )
    rows.append(
        {
            "code": "complaints",
            "value": figures.complaints,
            "score": max(0.0, 100 - t.get("complaint_points", 25) * figures.complaints),
        }
    )
    errors = figures.reverted_orders + figures.cash_differences
    rows.append(
        {
            "code": "errors",
            "value": errors,
            "score": max(
                0.0,
                100
                - t.get("revert_points", 10) * figures.reverted_orders
                - t.get("cash_difference_points", 10) * figures.cash_differences,
            ),
        }
    )
    rows.append(
        {
            "code": "training",
            "value": figures.exams_passed,
            "score": _ratio(figures.exams_passed, t.get("training_target", 1)),
        }
    )
    for name, score in sorted(figures.extra.items()):
        rows.append({"code": name, "value": None, "score": max(0.0, min(100.0, float(score)))})
    for row in rows:
        row["score"] = float(_dec(row["score"]))
    return rows


def weighted(rows: list[dict[str, Any]], weights: dict[str, Any]) -> tuple[list[dict[str, Any]], Decimal]:
    """Give each component its weight from the pack; the weighted mean over the weighted ones."""
    total_weight = 0.0
    total = 0.0
    for row in rows:
        weight = float(weights.get(row["code"], 0) or 0)
        row["weight"] = weight
        if weight > 0:
            total_weight += weight
            total += weight * row["score"]
    return rows, _dec(total / total_weight) if total_weight else Decimal("0.00")


def final_score(computed: Decimal, adjustments: Decimal) -> Decimal:
    return max(Decimal("0.00"), min(Decimal("100.00"), computed + adjustments)).quantize(TWO)


def incentive_for(score: Decimal, bands: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first band (best first) whose `min` the score reaches; its amount as a Decimal."""
    for band in sorted(bands, key=lambda b: -float(b["min"])):
        if score >= Decimal(str(band["min"])):
            return {**band, "amount": Decimal(str(band["amount"])).quantize(TWO)}
    return None
