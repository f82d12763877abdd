"""Further sources of a clerk's monthly score (STAFF05), filled by apps written later.

Patrol findings per counter (SITE01/SITE02, the premises app) are meant to come in here: the app registers in
its `AppConfig.ready()` ``register_assessment_source("patrol", fn)`` where ``fn(hall=, start=, end=,
clerk_ids=)`` returns ``{clerk_id: score 0–100}`` for the month ``[start, end)`` in a few queries. The pack's
``assessment.weights`` gives the source its weight under the same name; a source without a weight there, or
a clerk the source leaves out, adds nothing to the card.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AssessmentSource = Callable[..., dict[int, float]]
_SOURCES: dict[str, AssessmentSource] = {}


def register_assessment_source(name: str, fn: AssessmentSource) -> None:
    """Add (or replace, on a second `ready()`) a named source of 0–100 scores per clerk."""
    _SOURCES[name] = fn


def unregister_assessment_source(name: str) -> None:
    _SOURCES.pop(name, None)


def assessment_sources() -> dict[str, AssessmentSource]:
    return dict(_SOURCES)


def extra_scores(*, hall: Any, start: Any, end: Any, clerk_ids: list[int]) -> dict[str, dict[int, float]]:
    return {name: fn(hall=hall, start=start, end=end, clerk_ids=clerk_ids) for name, fn in _SOURCES.items()}
