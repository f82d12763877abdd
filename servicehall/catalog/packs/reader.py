"""`pack_read`: parse a pack file and check it whole, section by section, before anything is written."""

from __future__ import annotations

from pathlib import Path

import yaml

from .business import _read_business_types, _read_categories, _read_checklists
from .checker import _Checker
from .products import _read_extras, _read_gas_prices, _read_packages, _read_recommendations
from .schema import TOP_LEVEL_KEYS, Pack, PackError, pack_path
from .words import (
    _read_commitments,
    _read_complaints,
    _read_faults,
    _read_holder,
    _read_phrases,
    _read_rating,
    _read_scripts,
    _read_surveys,
)


def pack_read(code: str, *, path: Path | None = None) -> Pack:
    """Parse and check a pack file; raise PackError listing every problem."""
    path = path or pack_path(code)
    if not path.is_file():
        raise PackError([f"{path.name}: no such pack file in {path.parent}"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PackError([f"{path.name}: not valid YAML: {exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise PackError([f"{path.name}: not UTF-8 text"]) from exc
    check = _Checker(path)
    root = check.mapping(data, "top level")
    if root and root.get("pack") != code:
        check.fail("pack", f"says {root.get('pack')!r} but the file is loaded as {code!r}")
    # Keys starting with "x-" hold YAML anchors shared by entries (x-proxy-documents: &proxy …).
    check.known_keys({k: v for k, v in root.items() if not str(k).startswith("x-")}, "top level", TOP_LEVEL_KEYS)
    categories = _read_categories(check, root.get("categories"))
    checklists = _read_checklists(check, root.get("checklists"))
    extras = _read_extras(check, root.get("extras"))
    business_types = _read_business_types(
        check, root.get("business_types"), {c["code"] for c in categories}, {c["code"] for c in checklists}
    )
    pack = Pack(
        code=code,
        path=path,
        categories=categories,
        business_types=business_types,
        scripts=_read_scripts(check, root.get("scripts")),
        phrases=_read_phrases(check, root.get("phrases")),
        packages=_read_packages(check, root.get("packages")),
        extras=extras,
        gas_prices=_read_gas_prices(check, root.get("gas_prices")),
        checklists=checklists,
        recommendations=_read_recommendations(
            check, root.get("recommendations"), {b["code"] for b in business_types}, {e["code"] for e in extras}
        ),
        holder=_read_holder(check, root),
        commitments=_read_commitments(check, root.get("commitments")),
        rating_details=_read_rating(check, root.get("rating")),
        complaint_categories=_read_complaints(check, root.get("complaints")),
        surveys=_read_surveys(check, root.get("surveys")),
        fault_kinds=_read_faults(check, root.get("faults")),
    )
    if check.problems:
        raise PackError(check.problems)
    return pack
