"""Reading and checking industry pack files (ORG03).

A pack is checked completely before anything is written, and every problem is
reported with the file, the entry and the field, so whoever edits the YAML can
find the line to fix. Loading a checked pack into a hall is `catalog.services.pack_load`.

This package re-exports every public name of its modules, so `from servicehall.catalog.packs import
pack_read` works whatever module holds it. A test that patches a name patches it in the module that holds it
(e.g. `packs.schema.PACKS_DIR`).

The modules, each importing only the ones listed above it (never the other way round):

* `schema`: where pack files live (`PACKS_DIR`, `pack_path`), the top-level sections and limits, the checked
  `Pack` and `PackError`.
* `checker`: `_Checker`, which converts raw YAML values (text, zh/en names, numbers, amounts, hours) to clean
  ones and collects every problem.
* `business`: categories (queues), documents, business types with their handling and safety flags, checklists.
* `products`: packages, extras, gas price tiers, recommendations of business.
* `words`: scripts, phrases, what the trade calls the holder of a service.
* `reader`: `pack_read`, which reads a file and checks it section by section.
"""

from .reader import pack_read
from .schema import (
    ANTI_FRAUD_CHECKLIST,
    CODE_PATTERN,
    DEFAULT_HOLDER,
    MAX_AMOUNT,
    PACKS_DIR,
    SCRIPTS,
    TOP_LEVEL_KEYS,
    Pack,
    PackError,
    pack_path,
)

__all__ = [
    "ANTI_FRAUD_CHECKLIST",
    "CODE_PATTERN",
    "DEFAULT_HOLDER",
    "MAX_AMOUNT",
    "PACKS_DIR",
    "SCRIPTS",
    "TOP_LEVEL_KEYS",
    "Pack",
    "PackError",
    "pack_path",
    "pack_read",
]
