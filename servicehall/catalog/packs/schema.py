"""What a pack is: where pack files live, the top-level sections, the checked `Pack`, and `PackError`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

PACKS_DIR = Path(settings.BASE_DIR) / "packs"
SCRIPTS = ("guide", "acceptance", "preshift")
ANTI_FRAUD_CHECKLIST = "anti_fraud"
CODE_PATTERN = r"[a-z0-9_-]+"
TOP_LEVEL_KEYS = {
    "pack",
    "categories",
    "business_types",
    "scripts",
    "phrases",
    "packages",
    "extras",
    "gas_prices",
    "checklists",
    "recommendations",
    "holder",
    "commitments",
    "rating",
    "complaints",
    "surveys",
    "faults",
}
# What a service commitment (服务承诺) measures, and the unit of its target; the care app measures them (CARE07).
COMMITMENT_KINDS = {
    "wait_minutes": "minutes",  # a customer is called within the target after taking a number
    "opinion_answer": "working days",  # an opinion book entry is answered by its due time
    "follow_up_on_time": "days",  # a call-back is made within the target days after its due day
    "installation_hours": "hours",  # an installation job is done within the target after it was booked
    "complaint_acknowledge_hours": "hours",  # a complaint is acknowledged (受理) within the target after recording
}
SURVEY_QUESTION_KINDS = ("scale", "text")
DEFAULT_HOLDER = {"zh": "机主", "en": "subscriber"}
MAX_AMOUNT = Decimal("10000000000")  # DecimalField(max_digits=12, decimal_places=2)


class PackError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Pack:
    code: str
    path: Path
    categories: list[dict[str, Any]] = field(default_factory=list)
    business_types: list[dict[str, Any]] = field(default_factory=list)
    scripts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    phrases: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    packages: list[dict[str, Any]] = field(default_factory=list)
    extras: list[dict[str, Any]] = field(default_factory=list)
    gas_prices: list[dict[str, Any]] = field(default_factory=list)
    checklists: list[dict[str, Any]] = field(default_factory=list)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    commitments: list[dict[str, Any]] = field(default_factory=list)
    # `complaints:` the kinds of complaint (投诉) with their acknowledge and resolve times in working hours.
    complaint_categories: list[dict[str, Any]] = field(default_factory=list)
    # `surveys:` satisfaction surveys (CARE03), each with its 1–5 scale and free-text questions.
    surveys: list[dict[str, Any]] = field(default_factory=list)
    # `faults:` the kinds of fault reported for repair (故障报修) with their repair time in working hours.
    fault_kinds: list[dict[str, Any]] = field(default_factory=list)
    # `rating: {details: true}`: the rating pad asks for 1–5 scores of attitude, quality, efficiency, integrity.
    rating_details: bool = False
    # What the pack's trade calls the customer a service belongs to: 机主 (subscriber), 户主 (account holder).
    holder: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_HOLDER))


def pack_path(code: str) -> Path:
    if not re.fullmatch(r"[a-z0-9_-]+", code):
        raise PackError([f"{code}: a pack name uses lower-case letters, digits, - and _ only"])
    return PACKS_DIR / f"{code}.yaml"
