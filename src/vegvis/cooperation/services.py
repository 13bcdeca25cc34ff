"""Every write of the cooperation register: one function, one audited transaction each.

The review (issue 14): an entered agreement awaits its organisation, whose users are told by mail; the
organisation confirms or disputes it (with a reason) until the review period ends (`cooperation_review`, 45 days
by default, a `core.LegalDeadline` an administrator edits); the supplier may correct it until the correction
period after that ends (`cooperation_correction`, 15 more days), and after a correction the organisation may
answer again until then. An administrator publishes an agreement once it is confirmed or the correction period is
over; one still disputed is published marked disputed, with the organisation's reason. Every publication is a
kept `PublishedVersion`, listing what changed since the version before.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vegvis.access.principal import Principal
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import audit_record, audited_atomic
from vegvis.casework.numbering import next_organisation_number
from vegvis.casework.reminders import Reminder, send_once
from vegvis.cooperation import selectors
from vegvis.cooperation.models import Agreement, Document, Event, LogoUse, PublishedVersion, Status
from vegvis.cooperation.policies import may_enter_for, may_review_for
from vegvis.core.models import LegalDeadline, Organisation
from vegvis.records.files import files_kept_on_commit
from vegvis.records.services import document_register

Action = AuditEntry.Action


class AgreementRefused(ValueError):
    """The change is not allowed now; the message is for the user."""


@dataclass(frozen=True)
class LogoUseData:
    approved_on: date | None
    purpose: str
    manner: str


@dataclass(frozen=True)
class EventData:
    name: str
    country: str
    covers: tuple[str, ...]


@dataclass(frozen=True)
class AgreementData:
    """The agreement's terms: every field of the contract's agreement."""

    supplier: Organisation
    organisation: Organisation
    kind: str
    written: bool
    signed_on: date | None
    starts_on: date
    ends_on: date | None
    amount_nok: Decimal | None
    in_kind_value_nok: Decimal | None
    purpose: str
    exclusive: bool
    transparency_clause: bool
    market_value_stated: bool
    third_party: str = ""
    event: EventData | None = None
    logo_uses: tuple[LogoUseData, ...] = field(default_factory=tuple)


TERMS = (
    "kind",
    "third_party",
    "written",
    "signed_on",
    "starts_on",
    "ends_on",
    "amount_nok",
    "in_kind_value_nok",
    "purpose",
    "exclusive",
    "transparency_clause",
    "market_value_stated",
)


@dataclass(frozen=True)
class SignedPdf:
    content: bytes
    filename: str


# ---------------------------------------------------------------- entering and correcting


def agreement_enter(*, actor: Principal, data: AgreementData, signed_pdf: SignedPdf | None = None) -> Agreement:
    """A supplier's (or an administrator's) new agreement; its organisation's users are told to review it."""
    if not may_enter_for(actor, data.supplier.pk):
        raise AgreementRefused(_("You may enter agreements only for your own company."))
    today = timezone.localdate()
    with files_kept_on_commit(), audited_atomic():
        agreement = Agreement(
            number=agreement_number(data.supplier, data.starts_on.year),
            entered_by=actor.user,
            status=Status.IN_REVIEW,
            **_due_dates(today),
        )
        _apply_terms(agreement, data)
        agreement.save()
        _store_parts(agreement, data)
        if signed_pdf is not None:
            _register_pdf(actor, agreement, signed_pdf)
        audit_record(
            principal=actor, action=Action.CREATE, obj=agreement, label=agreement.audit_label, detail=_audit_terms(data)
        )
        transaction.on_commit(lambda: notify_organisation(agreement))
    return agreement


def agreement_correct(
    *, actor: Principal, agreement: Agreement, version: int, data: AgreementData, signed_pdf: SignedPdf | None = None
) -> Agreement:
    """The supplier corrects its agreement: before publication until the correction period ends (a dispute
    stands until the organisation confirms); after publication at any time, which starts a new review."""
    today = timezone.localdate()
    with files_kept_on_commit(), audited_atomic():
        agreement = _locked(agreement, version)
        if not may_enter_for(actor, agreement.supplier_id) or data.supplier.pk != agreement.supplier_id:
            raise AgreementRefused(_("You may correct only your own company's agreements."))
        if agreement.status != Status.PUBLISHED and today > agreement.correction_due_on:
            raise AgreementRefused(
                _("The period for corrections ended on %(day)s.")
                % {"day": agreement.correction_due_on.strftime("%d.%m.%Y")}
            )
        before = _terms_of(agreement)
        _apply_terms(agreement, data)
        agreement.corrected = True
        if agreement.status == Status.PUBLISHED:
            agreement.status = Status.IN_REVIEW
            agreement.dispute_reason = ""
            for name, value in _due_dates(today).items():
                setattr(agreement, name, value)
        elif agreement.status == Status.CONFIRMED:
            agreement.status = Status.IN_REVIEW  # the organisation confirmed other terms
        agreement.version += 1
        agreement.save()
        agreement.logo_uses.all().delete()
        Event.objects.filter(agreement=agreement).delete()
        _store_parts(agreement, data)
        if signed_pdf is not None:
            _register_pdf(actor, agreement, signed_pdf)
        after = _terms_of(agreement)
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=agreement,
            label=agreement.audit_label,
            detail={"changed": [c["field"] for c in changes_between(before, after)], "status": agreement.status},
        )
        transaction.on_commit(lambda: notify_organisation(agreement))
    return agreement


def agreement_add_signed_pdf(*, actor: Principal, agreement: Agreement, pdf: SignedPdf) -> Document:
    """Register the signed agreement (a PDF, checked by content by the caller) in the agreement's file, sealed.
    The supplier's users and the administrators may, at any time: the signed agreement is evidence, and a new
    one is registered beside the old, never over it. The terms and the review are unchanged."""
    with files_kept_on_commit(), audited_atomic():
        locked = Agreement.objects.select_for_update().select_related("supplier").get(pk=agreement.pk)
        if not may_enter_for(actor, locked.supplier_id):
            raise AgreementRefused(_("You may correct only your own company's agreements."))
        return _register_pdf(actor, locked, pdf)


# ---------------------------------------------------------------- the organisation's review


def agreement_confirm(*, actor: Principal, agreement: Agreement, version: int) -> Agreement:
    with audited_atomic():
        agreement = _locked(agreement, version)
        _check_review(actor, agreement, allowed=(Status.IN_REVIEW, Status.DISPUTED))
        agreement.status = Status.CONFIRMED
        agreement.dispute_reason = ""
        agreement.version += 1
        agreement.save(update_fields=["status", "dispute_reason", "version"])
        audit_record(
            principal=actor, action=Action.TRANSITION, obj=agreement, label=agreement.audit_label,
            detail={"to": agreement.status},
        )  # fmt: skip
    return agreement


def agreement_dispute(*, actor: Principal, agreement: Agreement, version: int, reason: str) -> Agreement:
    reason = reason.strip()
    if not reason:
        raise AgreementRefused(_("Say why the organisation disputes the agreement."))
    with audited_atomic():
        agreement = _locked(agreement, version)
        _check_review(actor, agreement, allowed=(Status.IN_REVIEW, Status.CONFIRMED, Status.DISPUTED))
        agreement.status = Status.DISPUTED
        agreement.dispute_reason = reason
        agreement.version += 1
        agreement.save(update_fields=["status", "dispute_reason", "version"])
        audit_record(
            principal=actor, action=Action.TRANSITION, obj=agreement, label=agreement.audit_label,
            detail={"to": agreement.status}, reason=reason,
        )  # fmt: skip
    return agreement


def review_open_until(agreement: Agreement) -> date:
    """The organisation answers until the review period ends, or, after a correction, the correction period."""
    return agreement.correction_due_on if agreement.corrected else agreement.review_due_on


# ---------------------------------------------------------------- publication


def agreement_publish(
    *, actor: Principal, agreement: Agreement, version: int, today: date | None = None
) -> PublishedVersion:
    """Publish the agreement's current terms as a new kept version (disputed ones marked with the reason).

    ``today`` is the day of publication (the daily job passes its own; tests move the clock with it)."""
    today = today or timezone.localdate()
    with audited_atomic():
        agreement = _locked(agreement, version)
        if not actor.grant("cooperation.administer_register").everywhere:
            raise AgreementRefused(_("Only the register's administrators publish agreements."))
        if agreement.status == Status.PUBLISHED:
            raise AgreementRefused(_("This version of the agreement is already published."))
        if agreement.status != Status.CONFIRMED and today <= agreement.correction_due_on:
            raise AgreementRefused(
                _("The agreement can be published when the organisation has confirmed it, or after %(day)s.")
                % {"day": agreement.correction_due_on.strftime("%d.%m.%Y")}
            )
        previous = PublishedVersion.objects.select_for_update().filter(agreement=agreement, current=True).first()
        terms = _public_terms(agreement)
        if previous is not None:
            previous.current = False
            previous.save(update_fields=["current"])
        findings = [f.id for f in selectors.agreement_findings(agreement)]
        published = PublishedVersion.objects.create(
            agreement=agreement,
            sequence=(previous.sequence + 1) if previous else 1,
            published_on=today,
            year=agreement.starts_on.year,
            supplier_id=agreement.supplier_id,
            organisation_id=agreement.organisation_id,
            kind=agreement.kind,
            total_nok=(agreement.amount_nok or Decimal(0)) + (agreement.in_kind_value_nok or Decimal(0)),
            disputed=agreement.status == Status.DISPUTED,
            dispute_reason=agreement.dispute_reason if agreement.status == Status.DISPUTED else "",
            terms=terms,
            changes=changes_between(previous.terms, terms) if previous else [],
            findings=findings,
        )
        agreement.status = Status.PUBLISHED
        agreement.version += 1
        agreement.save(update_fields=["status", "version"])
        audit_record(
            principal=actor, action=Action.TRANSITION, obj=agreement, label=agreement.audit_label,
            detail={"to": agreement.status, "published_version": published.sequence, "disputed": published.disputed},
        )  # fmt: skip
    return published


def publish_due(*, today: date | None = None) -> list[str]:
    """The daily publication (issue 14): every agreement not published whose correction period has ended (the
    organisation's review period plus the supplier's correction period) is published, one still disputed marked
    disputed with the organisation's reason; a confirmed one waits for the same day unless an administrator
    published it earlier. One audited transaction per agreement, as the register's system user. Idempotent: a
    published agreement is not due again until a correction starts a new review. Returns the numbers published."""
    from vegvis.access.principal import SYSTEM

    today = today or timezone.localdate()
    published: list[str] = []
    due = (
        Agreement.objects.exclude(status=Status.PUBLISHED)
        .filter(correction_due_on__lt=today)
        .order_by("correction_due_on", "pk")
        .values_list("pk", flat=True)
    )
    for pk in list(due):
        agreement = Agreement.objects.get(pk=pk)
        try:
            agreement_publish(actor=SYSTEM, agreement=agreement, version=agreement.version, today=today)
        except AgreementRefused:
            continue  # changed or published meanwhile: tomorrow's run sees it again if still due
        published.append(agreement.number)
    return published


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": name, "before": before.get(name), "after": after.get(name)}
        for name in after
        if before.get(name) != after.get(name)
    ]


# ---------------------------------------------------------------- notice


MAIL_SUBJECT = gettext_noop("Vegvis: an agreement with your organisation to review")
MAIL_BODY = gettext_noop(
    "A supplier has entered or corrected agreement %(number)s with your organisation in the cooperation register. "
    "Confirm or dispute it by %(day)s:\n\n%(url)s"
)


def organisation_reviewers(organisation_id: int) -> list[tuple[int, str]]:
    """Active users (id, e-mail) who review the organisation's agreements."""
    from vegvis.accounts.models import RoleAssignment, User

    today = timezone.localdate()
    holders = (
        RoleAssignment.objects.filter(
            organisation_id=organisation_id,
            valid_from__lte=today,
            role__permissions__content_type__app_label="cooperation",
            role__permissions__codename="review_agreement",
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values("user_id")
    )
    return list(
        User.objects.filter(pk__in=holders, is_active=True).exclude(email="").order_by("pk").values_list("pk", "email")
    )


def notify_organisation(agreement: Agreement) -> int:
    """Mail each of the organisation's reviewers once per version of the agreement (after commit)."""
    url = settings.VEGVIS_BASE_URL.rstrip("/") + reverse("cooperation:agreement", args=[agreement.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _(MAIL_SUBJECT)
        body = _(MAIL_BODY) % {
            "number": agreement.number,
            "day": review_open_until(agreement).strftime("%d.%m.%Y"),
            "url": url,
        }
    return send_once(
        Reminder(
            key=f"cooperation:review:{agreement.pk}:{agreement.version}:{user_id}", to=email, subject=subject, body=body
        )
        for user_id, email in organisation_reviewers(agreement.organisation_id)
    )


# ---------------------------------------------------------------- helpers

NUMBER_SERIES = "cooperation"


def agreement_number(supplier: Organisation, year: int) -> str:
    """The next number of the supplier's series for the year the agreement starts, without gaps: the casework
    kit's counter (per organisation, year and kind), taken under its row lock in the transaction that saves the
    agreement, so a rollback gives the number back. ``2026-7-0003``: the year, the supplier's id, the count."""
    return f"{year}-{supplier.pk}-{next_organisation_number(supplier, year, NUMBER_SERIES):04d}"


def _due_dates(start: date) -> dict[str, date]:
    review = LegalDeadline.get("cooperation_review").after(start)
    return {"review_due_on": review, "correction_due_on": LegalDeadline.get("cooperation_correction").after(review)}


def _locked(agreement: Agreement, version: int) -> Agreement:
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.version != version:
        raise AgreementRefused(_("Someone else changed the agreement while you worked on it. Open it again."))
    return locked


def _check_review(actor: Principal, agreement: Agreement, *, allowed: tuple[str, ...]) -> None:
    if not may_review_for(actor, agreement.organisation_id):
        raise AgreementRefused(_("Only the organisation's own users may confirm or dispute its agreements."))
    if agreement.status not in allowed:
        raise AgreementRefused(_("The agreement cannot be answered in its present state."))
    if timezone.localdate() > review_open_until(agreement):
        raise AgreementRefused(
            _("The period for answering ended on %(day)s.") % {"day": review_open_until(agreement).strftime("%d.%m.%Y")}
        )


def _apply_terms(agreement: Agreement, data: AgreementData) -> None:
    agreement.supplier = data.supplier
    agreement.organisation = data.organisation
    for name in TERMS:
        setattr(agreement, name, getattr(data, name))


def _store_parts(agreement: Agreement, data: AgreementData) -> None:
    if data.event is not None:
        Event.objects.create(
            agreement=agreement, name=data.event.name, country=data.event.country, covers=list(data.event.covers)
        )
    LogoUse.objects.bulk_create(
        LogoUse(agreement=agreement, approved_on=u.approved_on, purpose=u.purpose, manner=u.manner)
        for u in data.logo_uses
    )


def _register_pdf(actor: Principal, agreement: Agreement, pdf: SignedPdf) -> Document:
    return document_register(
        model=Document,
        case=agreement,
        principal=actor,
        kind=Document.Kind.SIGNED_AGREEMENT,
        direction=Document.Direction.INCOMING,
        title=f"Signert avtale {agreement.number}",
        public_title=f"Signert avtale {agreement.number}",
        document_date=agreement.signed_on or timezone.localdate(),
        correspondent=agreement.supplier.name,
        correspondent_is_private=False,
        content=pdf.content,
        # Never the sender's name for the file: it may hold a path or markup (attack pass); the number is enough.
        filename=f"signert-avtale-{agreement.number}.pdf",
        content_type="application/pdf",
        sent=True,  # sealed at once: the signed agreement is evidence, replaced only by registering another
    )


def _text(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    return str(value)  # dates ISO, amounts as decimal text: as the contract writes them


def _terms_of(agreement: Agreement) -> dict[str, Any]:
    terms = {name: _text(getattr(agreement, name)) for name in TERMS}
    event = Event.objects.filter(agreement=agreement).first()
    terms["event"] = (
        {"name": event.name, "country": str(event.country), "covers": list(event.covers)} if event else None
    )
    terms["logo_uses"] = [
        {"approved_on": _text(u.approved_on), "purpose": u.purpose, "manner": u.manner}
        for u in LogoUse.objects.filter(agreement=agreement).order_by("pk")
    ]
    return terms


def _public_terms(agreement: Agreement) -> dict[str, Any]:
    """What the public sees of an agreement: the organisations by name and the terms; no person."""
    return {"supplier": agreement.supplier.name, "organisation": agreement.organisation.name, **_terms_of(agreement)}


def _audit_terms(data: AgreementData) -> dict[str, Any]:
    return {
        "supplier": data.supplier.pk,
        "organisation": data.organisation.pk,
        **{f.name: _text(getattr(data, f.name)) for f in fields(data) if f.name in TERMS and f.name != "purpose"},
    }
