"""PRIV04: which of catalog\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

_PACK = "pack content: texts and rules loaded from the pack's YAML under version control, no personal data or money"
NOT_AUDITED = {
    "ScriptStep": _PACK,
    "ServiceCommitment": _PACK,
    "ComplaintCategory": _PACK,
    "FaultKind": _PACK,
    "Phrase": _PACK,
    "Checklist": _PACK,
    "RecommendationRule": _PACK,
    "SurveyTemplate": _PACK,
    "SurveyQuestion": _PACK,
}


def register_audited() -> None:
    # The queue's settings and every price of the catalogue.
    register(m.QueueCategory)
    register(m.BusinessType)
    register(m.Package)
    register(m.ExtraOffer)
    register(m.GasPriceTier)
