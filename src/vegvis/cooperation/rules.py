"""The rules of the cooperation register, as data: rule sets of rules, each with its fixed id, the paragraph it
cites, a sentence saying what is wrong, and a predicate over the plain register (`register.py`).

The ids and their exact meaning are fixed by `shared/contracts/cooperation-check.md`; `evaluate()` is the one place
that decides which rules an agreement and an organisation break, for the batch check, and later for the web UI,
the import and the API. Sentences are English source strings with their bokmål translation in the catalogue.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vegvis.cooperation.register import Agreement, Organisation, Register

REPRESENTATION_ALLOWED = frozenset({"travel", "registration", "lodging", "meals"})  # § 7, second paragraph
INCOME_CAP_PERCENT = 15


@dataclass(frozen=True)
class AgreementRule:
    id: str
    paragraph: str
    sentence: Promise  # what is wrong, as the agreement's page will say it
    broken: Callable[[Agreement, Register], bool]


@dataclass(frozen=True)
class OrganisationRule:
    """A rule over an organisation's year, not a single agreement (the LMI income cap)."""

    id: str
    paragraph: str
    sentence: Promise
    broken_years: Callable[[Organisation, Register], Iterable[str]]


Rule = AgreementRule | OrganisationRule


@dataclass(frozen=True)
class RuleSet:
    name: str
    title: Promise
    rules: tuple[Rule, ...]


def blank(text: str | None) -> bool:
    """Missing, empty or only whitespace (Unicode whitespace included)."""
    return text is None or not text.strip()


def overlaps(start_a: date, end_a: date | None, start_b: date, end_b: date | None) -> bool:
    """Whether two periods share a day: both ends inclusive, None an open end."""
    return (end_a is None or start_b <= end_a) and (end_b is None or start_a <= end_b)


# ---------------------------------------------------------------- medtek (seed 000, §§ 4–8)


def _logo_use_unapproved_or_unclear(agreement: Agreement, register: Register) -> bool:
    return any(use.approved_on is None or blank(use.purpose) or blank(use.manner) for use in agreement.logo_uses)


def _representation_beyond_allowed(agreement: Agreement, register: Register) -> bool:
    return agreement.event is not None and not set(agreement.event.covers) <= REPRESENTATION_ALLOWED


def _event_abroad(agreement: Agreement, register: Register) -> bool:
    home = register.organisations[agreement.organisation].home_country
    return agreement.event is not None and agreement.event.country != home


def _employee_holds_position_of_trust(agreement: Agreement, register: Register) -> bool:
    return any(
        position.organisation == agreement.organisation
        and overlaps(agreement.starts_on, agreement.ends_on, position.starts_on, position.ends_on)
        for person in register.employees_of(agreement.supplier)
        for position in person.positions_of_trust
    )


MEDTEK = RuleSet(
    name="medtek",
    title=_("Medtek Norge's guideline for cooperation with patient organisations"),
    rules=(
        AgreementRule(
            "medtek-4-exclusivity",
            "§ 4",
            _("The agreement is an exclusivity agreement: suppliers may not enter into such agreements."),
            lambda agreement, register: agreement.exclusive,
        ),
        AgreementRule(
            "medtek-5-logo",
            "§ 5",
            _(
                "A use of the organisation's logo or information material is not approved by the organisation, "
                "or its purpose or manner is not stated."
            ),
            _logo_use_unapproved_or_unclear,
        ),
        AgreementRule(
            "medtek-6-written",
            "§ 6",
            _("There is no written agreement: financial support and purchases of services must be agreed in writing."),
            lambda agreement, register: not agreement.written,
        ),
        AgreementRule(
            "medtek-6-amount",
            "§ 6",
            _("The agreement states neither an amount nor the value of what is given in kind."),
            lambda agreement, register: agreement.amount_nok is None and agreement.in_kind_value_nok is None,
        ),
        AgreementRule(
            "medtek-6-purpose",
            "§ 6",
            _("The agreement does not state its purpose."),
            lambda agreement, register: blank(agreement.purpose),
        ),
        AgreementRule(
            "medtek-7-representation",
            "§ 7",
            _("The support for the event covers more than travel, registration, lodging and meals."),
            _representation_beyond_allowed,
        ),
        AgreementRule(
            "medtek-7-abroad",
            "§ 7",
            _("The event takes place outside the organisation's home country."),
            _event_abroad,
        ),
        AgreementRule(
            "medtek-8-position-of-trust",
            "§ 8",
            _("An employee of the supplier holds a position of trust in the organisation during the agreement."),
            _employee_holds_position_of_trust,
        ),
    ),
)


# ---------------------------------------------------------------- lmi (the pharmaceutical industry's rules)


def _lmi_income(register: Register, organisation_id: str) -> dict[str, Decimal]:
    """Per year of `starts_on`: money and in-kind value from suppliers bound by lmi (null counts as 0)."""
    totals: dict[str, Decimal] = {}
    for agreement in register.agreements:
        if agreement.organisation != organisation_id or "lmi" not in register.suppliers[agreement.supplier].rule_sets:
            continue
        year = agreement.starts_on.isoformat()[:4]
        totals[year] = (
            totals.get(year, Decimal(0))
            + (agreement.amount_nok or Decimal(0))
            + (agreement.in_kind_value_nok or Decimal(0))
        )
    return totals


def _income_cap_exceeded_years(organisation: Organisation, register: Register) -> list[str]:
    # Exact arithmetic whatever the number of digits: "more than 15 %" as income * 100 > budget * 15.
    with decimal.localcontext() as exact:
        exact.prec = decimal.MAX_PREC
        exact.traps[decimal.Inexact] = True
        return sorted(
            year
            for year, income in _lmi_income(register, organisation.id).items()
            if year in organisation.budgets and income * 100 > organisation.budgets[year] * INCOME_CAP_PERCENT
        )


LMI = RuleSet(
    name="lmi",
    title=_("The pharmaceutical industry's rules for cooperation with patient organisations (LMI)"),
    rules=(
        AgreementRule(
            "lmi-signed-before-start",
            "LMI",
            _("The agreement was not signed before the cooperation started."),
            lambda agreement, register: agreement.signed_on is None or agreement.signed_on > agreement.starts_on,
        ),
        AgreementRule(
            "lmi-transparency-clause",
            "LMI",
            _("The agreement has no transparency clause."),
            lambda agreement, register: not agreement.transparency_clause,
        ),
        AgreementRule(
            "lmi-market-value",
            "LMI",
            _("The agreement does not state the market value of each party's contribution."),
            lambda agreement, register: not agreement.market_value_stated,
        ),
        OrganisationRule(
            "lmi-income-cap",
            "LMI",
            _(
                "The organisation's income from suppliers bound by LMI's rules is more than 15 per cent of its "
                "budget that year."
            ),
            _income_cap_exceeded_years,
        ),
    ),
)

RULE_SETS: Mapping[str, RuleSet] = {rule_set.name: rule_set for rule_set in (MEDTEK, LMI)}
RULES: Mapping[str, Rule] = {rule.id: rule for rule_set in RULE_SETS.values() for rule in rule_set.rules}


@dataclass(frozen=True)
class Findings:
    agreements: dict[str, list[str]]  # every agreement's id -> the sorted ids of the rules it breaks
    organisations: dict[str, dict[str, list[str]]]  # only organisations and years that break a rule


def agreement_findings(agreement: Agreement, register: Register) -> list[str]:
    """The sorted ids of the rules the agreement breaks, of its supplier's rule sets only."""
    broken = {
        rule.id
        for name in register.suppliers[agreement.supplier].rule_sets
        for rule in RULE_SETS[name].rules
        if isinstance(rule, AgreementRule) and rule.broken(agreement, register)
    }
    return sorted(broken)


def organisation_findings(organisation: Organisation, register: Register) -> dict[str, list[str]]:
    years: dict[str, set[str]] = {}
    for rule_set in RULE_SETS.values():
        for rule in rule_set.rules:
            if isinstance(rule, OrganisationRule):
                for year in rule.broken_years(organisation, register):
                    years.setdefault(year, set()).add(rule.id)
    return {year: sorted(years[year]) for year in sorted(years)}


def evaluate(register: Register) -> Findings:
    organisations = {}
    for organisation in register.organisations.values():
        years = organisation_findings(organisation, register)
        if years:
            organisations[organisation.id] = years
    return Findings(
        agreements={agreement.id: agreement_findings(agreement, register) for agreement in register.agreements},
        organisations=organisations,
    )
