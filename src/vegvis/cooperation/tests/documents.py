"""Input documents for the cooperation check: a compliant baseline that tests change one thing at a time."""

from __future__ import annotations

import json
from typing import Any

from vegvis.cooperation.check import check_file_content


def organisation(id: str = "org-1", **fields: Any) -> dict[str, Any]:
    return {"id": id, "name": "Foreningen for hjertesyke", "home_country": "NO", "budgets": {}, **fields}


def supplier(id: str = "sup-1", rule_sets: tuple[str, ...] = ("medtek", "lmi"), **fields: Any) -> dict[str, Any]:
    return {"id": id, "name": "Leverandør AS", "rule_sets": list(rule_sets), **fields}


def position(organisation: str = "org-1", start: str = "2024-01-01", end: str | None = None) -> dict[str, Any]:
    return {"organisation": organisation, "role": "styremedlem", "from": start, "to": end}


def person(id: str = "p-1", employer: str = "sup-1", positions: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {"id": id, "employer": employer, "positions_of_trust": list(positions)}


def logo_use(**fields: Any) -> dict[str, Any]:
    return {"approved_on": "2025-01-05", "purpose": "Brosjyre", "manner": "Logo på baksiden", **fields}


def event(**fields: Any) -> dict[str, Any]:
    return {"name": "Årsmøte", "country": "NO", "covers": ["travel", "lodging"], **fields}


def agreement(id: str = "a-1", **fields: Any) -> dict[str, Any]:
    """An agreement that breaks no rule of either set."""
    return {
        "id": id,
        "supplier": "sup-1",
        "organisation": "org-1",
        "third_party": None,
        "kind": "financial_support",
        "written": True,
        "signed_on": "2025-01-10",
        "starts_on": "2025-02-01",
        "ends_on": "2025-12-31",
        "amount_nok": "50000.00",
        "in_kind_value_nok": None,
        "purpose": "Likepersonskurs",
        "exclusive": False,
        "transparency_clause": True,
        "market_value_stated": True,
        "event": None,
        "logo_uses": [],
        **fields,
    }


def document(
    *,
    organisations: list[dict[str, Any]] | None = None,
    suppliers: list[dict[str, Any]] | None = None,
    people: list[dict[str, Any]] | None = None,
    agreements: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "organisations": [organisation()] if organisations is None else organisations,
        "suppliers": [supplier()] if suppliers is None else suppliers,
        "people": [] if people is None else people,
        "agreements": [agreement()] if agreements is None else agreements,
    }


def encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def check(value: Any) -> dict[str, Any]:
    """The contract's output for a document (raises ContractViolation when it breaks the contract)."""
    return check_file_content(encode(value))


def broken(rule_sets: tuple[str, ...] = ("medtek", "lmi"), **agreement_fields: Any) -> list[str]:
    """The rules one agreement breaks, its supplier bound by `rule_sets`."""
    result = check(document(suppliers=[supplier(rule_sets=rule_sets)], agreements=[agreement(**agreement_fields)]))
    return result["agreements"]["a-1"]
