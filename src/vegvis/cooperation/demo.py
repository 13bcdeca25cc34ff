"""Demo data for the cooperation register (issue 14, item 8): made-up suppliers and patient organisations, a user
for each role, and this year's agreements, entered, confirmed, disputed and published through the services.

Some agreements break rules (exclusivity, no written agreement, no purpose, an event abroad that covers
entertainment, signed after the start, no transparency clause, an organisation over the LMI income cap); some are
disputed by their organisation. The register's year has in part passed: for an agreement that started more than
the review and correction periods ago, the demo moves its two due dates back to what they would have been had it
been entered on its start date (the services stamp them from today), so a still disputed one can be published
marked disputed, as the services allow once the corrections are over. Everything else is the services' own work:
numbers, review, audit entries and the published versions the public page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vegvis.access.principal import SYSTEM, Principal, principal_for
from vegvis.core.demo import DemoContext
from vegvis.core.models import LegalDeadline, Organisation

ADMINISTRATOR = ("samarbeid.admin", "Silje", "Brekke", "Registeransvarlig for samarbeidsregisteret")

# name, rule sets, username, user's first and last name
SUPPLIERS = [
    ("Nordlys Medisinsk AS", ("medtek",), "nordlys.leverandor", "Eirik", "Holm"),
    ("Fjellmed Norge AS", ("medtek", "lmi"), "fjellmed.leverandor", "Hanne", "Lie"),
    ("Havbris Helseteknologi AS", ("medtek",), "havbris.leverandor", "Ola", "Sæther"),
    ("Polarfarma AS", ("medtek", "lmi"), "polarfarma.leverandor", "Ingrid", "Vik"),
]
# name, city, budget this year (NOK), username, user's first and last name
ORGANISATIONS = [
    ("Foreningen Pustrom", "Oslo", Decimal("2400000"), "pustrom.bruker", "Kari", "Nilsen"),
    ("Landsforeningen Hjertevarme", "Trondheim", Decimal("5100000"), "hjertevarme.bruker", "Lars", "Dahl"),
    ("Ryggraden – norsk ryggforening", "Bergen", Decimal("900000"), "ryggraden.bruker", "Mona", "Berg"),
    ("Sukkerfri – foreningen for diabetes", "Tromsø", Decimal("3300000"), "sukkerfri.bruker", "Tor", "Eide"),
]

PURPOSES = [
    "Likepersonskurs for nydiagnostiserte",
    "Medlemsblad og informasjonsmateriell",
    "Landsmøte med faglig program",
    "Kurs for tillitsvalgte",
    "Informasjonskampanje om tidlig diagnose",
    "Sommerleir for barn og unge",
]


@dataclass(frozen=True)
class Plan:
    supplier: int
    organisation: int
    month: int
    kind: str
    amount: str | None
    in_kind: str | None = None
    fate: str = "published"  # published, published_disputed, disputed, confirmed, in_review
    breaks: tuple[str, ...] = ()


# A year of agreements: four suppliers, four organisations, one or two a month.
PLANS = [
    Plan(0, 0, 1, "financial_support", "45000"),
    Plan(1, 1, 1, "event_support", "120000", fate="published", breaks=("abroad",)),
    Plan(2, 2, 2, "advertising", "30000", fate="published_disputed", breaks=("exclusive",)),
    Plan(3, 3, 2, "financial_support", "250000", in_kind="15000"),
    Plan(0, 1, 3, "purchase_of_services", "60000", fate="published_disputed"),
    Plan(1, 2, 3, "financial_support", "95000", breaks=("late_signature", "no_transparency")),
    Plan(3, 2, 4, "financial_support", "80000", fate="published", breaks=("market_value",)),
    Plan(2, 0, 4, "financial_support", None, in_kind="20000", breaks=("no_purpose",)),
    Plan(0, 3, 5, "event_support", "40000", fate="published"),
    Plan(1, 3, 5, "advertising", "25000", fate="published", breaks=("not_written",)),
    Plan(3, 0, 6, "financial_support", "150000", fate="published"),
    Plan(2, 1, 6, "purchase_of_services", "55000", fate="published_disputed"),
    Plan(0, 2, 8, "financial_support", "20000", fate="confirmed"),
    Plan(1, 0, 8, "event_support", "35000", fate="disputed", breaks=("abroad",)),
    Plan(3, 1, 9, "financial_support", "300000", fate="in_review"),
    Plan(2, 3, 9, "advertising", "18000", fate="confirmed", breaks=("exclusive",)),
    Plan(0, 1, 10, "financial_support", "70000", fate="in_review"),
    Plan(1, 3, 11, "purchase_of_services", "42000", fate="disputed"),
    Plan(3, 2, 11, "event_support", "28000", fate="in_review", breaks=("no_transparency",)),
    Plan(2, 0, 12, "financial_support", "65000", fate="in_review"),
]
DISPUTE_REASONS = [
    "Beløpet i avtalen er høyere enn det organisasjonen har mottatt.",
    "Avtalen gjaldt bare første halvår, ikke hele året.",
    "Organisasjonen har ikke godkjent bruken av logoen slik den er beskrevet.",
]


def populate(context: DemoContext) -> None:
    from vegvis.cooperation.models import Agreement, OrganisationBudget, SupplierRuleSet

    year = timezone.localdate().year
    suppliers = []
    for name, rule_sets, *_user in SUPPLIERS:
        company, _created = Organisation.objects.get_or_create(
            kind=Organisation.Kind.SUPPLIER, name=name, city="", country="NO"
        )
        for rule_set in rule_sets:
            SupplierRuleSet.objects.get_or_create(supplier=company, rule_set=rule_set)
        suppliers.append(company)
    organisations = []
    for name, city, budget, *_user in ORGANISATIONS:
        found, _created = Organisation.objects.get_or_create(
            kind=Organisation.Kind.PATIENT_ORGANISATION, name=name, city=city, country="NO"
        )
        OrganisationBudget.objects.get_or_create(organisation=found, year=year, defaults={"amount": budget})
        organisations.append(found)
    actors = _users(context, suppliers, organisations)
    if Agreement.objects.filter(supplier__in=suppliers).exists() and not context.shared.get("again"):
        context.say("The cooperation register's demo data exist already; none added\n")
        return
    counts: dict[str, int] = {}
    for index, plan in enumerate(PLANS):
        fate = _agreement(context, plan, index, year, suppliers, organisations, actors)
        counts[fate] = counts.get(fate, 0) + 1
    context.say(
        f"Cooperation register: {len(PLANS)} agreements of {year} from {len(suppliers)} suppliers "
        f"({counts.get('published', 0) + counts.get('published_disputed', 0)} published, "
        f"{counts.get('published_disputed', 0) + counts.get('disputed', 0)} disputed)\n"
    )


def _users(context: DemoContext, suppliers: list[Organisation], organisations: list[Organisation]) -> dict[str, Any]:
    """The role's users (when the profile makes demo users), and the principal each step acts as."""
    actors: dict[str, Any] = {"admin": SYSTEM, "supplier": {}, "organisation": {}}
    if not context.with_users:
        return actors
    username, first, last, description = ADMINISTRATOR
    actors["admin"] = principal_for(_user(context, username, first, last, "cooperation_administrator", None))
    context.users.append((username, description))
    for company, (_name, _sets, username, first, last) in zip(suppliers, SUPPLIERS, strict=True):
        user = _user(context, username, first, last, "supplier_user", company)
        actors["supplier"][company.pk] = principal_for(user)
        context.users.append((username, f"Leverandørbruker, {company.name}"))
    for found, (_name, _city, _budget, username, first, last) in zip(organisations, ORGANISATIONS, strict=True):
        user = _user(context, username, first, last, "patient_organisation_user", found)
        actors["organisation"][found.pk] = principal_for(user)
        context.users.append((username, f"Bruker i pasientorganisasjon, {found.name}"))
    return actors


def _user(context: DemoContext, username: str, first: str, last: str, role: str, where: Organisation | None) -> Any:
    from vegvis.accounts.models import User
    from vegvis.accounts.services import role_assign, user_create
    from vegvis.core.demo import DEMO_PASSWORD

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            actor=context.principal,
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
        )
        role_assign(actor=context.principal, user=user, role_code=role, organisation=where)
    return user


def _agreement(
    context: DemoContext,
    plan: Plan,
    index: int,
    year: int,
    suppliers: list[Organisation],
    organisations: list[Organisation],
    actors: dict[str, Any],
) -> str:
    from vegvis.cooperation import services
    from vegvis.cooperation.models import Agreement

    supplier, organisation = suppliers[plan.supplier], organisations[plan.organisation]
    starts_on = date(year, plan.month, 1 + context.random.randrange(20))
    breaks = set(plan.breaks)
    event = None
    if plan.kind == "event_support":
        event = services.EventData(
            name=f"Fagdag {year}" if "abroad" not in breaks else f"Nordisk konferanse {year}",
            country="SE" if "abroad" in breaks else "NO",
            covers=("travel", "lodging", "entertainment") if "abroad" in breaks else ("travel", "meals"),
        )
    data = services.AgreementData(
        supplier=supplier,
        organisation=organisation,
        kind=plan.kind,
        written="not_written" not in breaks,
        signed_on=starts_on + timedelta(days=10) if "late_signature" in breaks else starts_on - timedelta(days=14),
        starts_on=starts_on,
        ends_on=date(year, 12, 31),
        amount_nok=Decimal(plan.amount) if plan.amount else None,
        in_kind_value_nok=Decimal(plan.in_kind) if plan.in_kind else None,
        purpose="" if "no_purpose" in breaks else PURPOSES[index % len(PURPOSES)],
        exclusive="exclusive" in breaks,
        transparency_clause="no_transparency" not in breaks,
        market_value_stated="market_value" not in breaks,
        event=event,
    )
    enterer: Principal = actors["supplier"].get(supplier.pk, SYSTEM)
    reviewer: Principal = actors["organisation"].get(organisation.pk, SYSTEM)
    agreement = services.agreement_enter(actor=enterer, data=data)
    fate = plan.fate
    if fate in {"published", "confirmed"}:
        agreement = services.agreement_confirm(actor=reviewer, agreement=agreement, version=agreement.version)
    if fate in {"disputed", "published_disputed"}:
        reason = DISPUTE_REASONS[index % len(DISPUTE_REASONS)]
        agreement = services.agreement_dispute(
            actor=reviewer, agreement=agreement, version=agreement.version, reason=reason
        )
    if fate == "published_disputed":
        # Entered on its start date, its periods are over by now (see the module's docstring).
        review = LegalDeadline.get("cooperation_review").after(starts_on)
        correction = LegalDeadline.get("cooperation_correction").after(review)
        yesterday = timezone.localdate() - timedelta(days=1)
        Agreement.objects.filter(pk=agreement.pk).update(
            review_due_on=min(review, yesterday), correction_due_on=min(correction, yesterday)
        )
        agreement.refresh_from_db()
    if fate in {"published", "published_disputed"}:
        services.agreement_publish(actor=actors["admin"], agreement=agreement, version=agreement.version)
    return fate
