"""The public register's figures and downloads, from the published versions alone (names of organisations and
suppliers and the agreements' terms; never a person)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vegvis.cooperation import selectors
from vegvis.cooperation.models import Kind, PublishedVersion
from vegvis.statistics.numbers import percent
from vegvis.statistics.tables import Column, Table

KIND_LABELS = dict(Kind.choices)


def _kroner(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount.to_integral_value())


def totals_tables(rows: QuerySet[PublishedVersion], year: int) -> list[Table]:
    """Totals per organisation (with the share of its budget from the industry) and per supplier."""
    per_organisation = selectors.totals(rows, "organisation")
    budgets = selectors.budgets_of(year, [r["organisation_id"] for r in per_organisation])
    per_supplier = selectors.totals(rows, "supplier")
    return [
        Table(
            key="organisasjoner",
            sheet=_("Organisations"),
            caption=_("Totals per patient organisation, %(year)s") % {"year": year},
            columns=[
                Column(_("Patient organisation"), "text"),
                Column(_("From suppliers (NOK)"), "nok"),
                Column(_("Budget (NOK)"), "nok"),
                Column(_("Share of the budget"), "percent"),
            ],
            rows=[
                [
                    r["organisation__name"],
                    _kroner(r["total"]),
                    _kroner(budgets.get(r["organisation_id"])),
                    percent(r["total"], budgets[r["organisation_id"]]) if budgets.get(r["organisation_id"]) else None,
                ]
                for r in per_organisation
            ],
            note=_("The share is left empty where the organisation's budget for the year is not registered."),
        ),
        Table(
            key="leverandorer",
            sheet=_("Suppliers"),
            caption=_("Totals per supplier, %(year)s") % {"year": year},
            columns=[Column(_("Supplier"), "text"), Column(_("To patient organisations (NOK)"), "nok")],
            rows=[[r["supplier__name"], _kroner(r["total"])] for r in per_supplier],
        ),
    ]


FIELDS = (
    "agreement",
    "version",
    "published_on",
    "supplier",
    "organisation",
    "kind",
    "starts_on",
    "ends_on",
    "signed_on",
    "amount_nok",
    "in_kind_value_nok",
    "total_nok",
    "purpose",
    "third_party",
    "disputed",
    "dispute_reason",
    "changed",
    "findings",
)


def row(version: PublishedVersion) -> dict[str, Any]:
    """One published agreement as the downloads give it: amounts as decimal text and dates ISO, as the
    cooperation-check contract writes them."""
    terms = version.terms
    return {
        "agreement": version.agreement.number,
        "version": version.sequence,
        "published_on": version.published_on.isoformat(),
        "supplier": version.supplier.name,
        "organisation": version.organisation.name,
        "kind": version.kind,
        "starts_on": terms.get("starts_on"),
        "ends_on": terms.get("ends_on"),
        "signed_on": terms.get("signed_on"),
        "amount_nok": terms.get("amount_nok"),
        "in_kind_value_nok": terms.get("in_kind_value_nok"),
        "total_nok": str(version.total_nok),
        "purpose": terms.get("purpose") or "",
        "third_party": terms.get("third_party") or "",
        "disputed": version.disputed,
        "dispute_reason": version.dispute_reason,
        "changed": [change["field"] for change in version.changes],
        "findings": version.findings,
    }


def rows_table(rows: QuerySet[PublishedVersion], year: int) -> Table:
    """Every row (no cap) as a kit table for the CSV download; lists joined with commas, yes/no in words."""

    def text(value: Any) -> Any:
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    data = [row(v) for v in rows.select_related("agreement").iterator(chunk_size=2000)]
    return Table(
        key="avtaler",
        sheet=str(year),
        caption=_("Published agreements %(year)s") % {"year": year},
        columns=[Column(name, "text") for name in FIELDS],
        rows=[[text(r[name]) for name in FIELDS] for r in data],
    )


def rows_json(rows: QuerySet[PublishedVersion], year: int) -> dict[str, Any]:
    return {
        "year": year,
        "agreements": [row(v) for v in rows.select_related("agreement").iterator(chunk_size=2000)],
    }
