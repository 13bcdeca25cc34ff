"""How an ICD-10 code is written, apart from whether it exists (``core.icd10``): the model of the local supplement
(``core.models.Icd10Supplement``) stores its codes written this way, and ``core.icd10`` checks codes against it."""

from __future__ import annotations


def normalise(code: str) -> str:
    """Upper case, no spaces; ``G402`` becomes ``G40.2``."""
    cleaned = (code or "").strip().upper().replace(" ", "")
    if len(cleaned) > 3 and "." not in cleaned:
        cleaned = f"{cleaned[:3]}.{cleaned[3:]}"
    return cleaned
