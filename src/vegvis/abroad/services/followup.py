"""Follow-up after a grant: payment guarantees, bookings, stay notes, expenses and their attestation, closing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vegvis.abroad import guards
from vegvis.abroad.models import Case, Document, Expense, PaymentGuarantee, Status, StayNote, TravelBooking
from vegvis.abroad.selectors import expense_amount_warnings
from vegvis.abroad.services.base import (
    _audit_case,
    _deny,
    _locked,
    _register_document,
    _transition,
    stored,
)
from vegvis.access.principal import Principal
from vegvis.audit.services import Action
from vegvis.casework.steps import TransitionRefused
from vegvis.core import icd10, rates
from vegvis.core.currency import validate_currency
from vegvis.core.icd10_notation import normalise
from vegvis.core.models import Organisation

# ---------------------------------------------------------------- follow-up


def guarantee_issue(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    hospital: Organisation,
    amount: Decimal,
    currency: str,
    issued_on: date,
    valid_until: date | None = None,
    note: str = "",
) -> PaymentGuarantee:
    validate_currency(currency)
    with _locked(case, version, actor) as locked:
        if locked.status != Status.FOLLOW_UP:
            raise TransitionRefused(_("A payment guarantee is given after a grant, during follow-up."))
        guarantee = PaymentGuarantee.objects.create(
            case=locked,
            hospital=hospital,
            amount=amount,
            currency=currency.upper(),
            issued_on=issued_on,
            valid_until=valid_until,
            note=note,
        )
        _register_document(
            locked,
            principal=actor,
            kind=Document.Kind.PAYMENT_GUARANTEE,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Payment guarantee")),
            document_date=issued_on,
            correspondent=str(hospital),
            correspondent_is_private=False,
            body=f"{amount} {currency.upper()}",
            sent=True,
        )
        _audit_case(actor, locked, Action.CREATE, guarantee=guarantee.pk)
    return guarantee


def booking_add(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    kind: str,
    travellers: str,
    companions: int,
    starts_on: date,
    ends_on: date | None,
    description: str,
    booking_reference: str = "",
) -> TravelBooking:
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})
    with _locked(case, version, actor) as locked:
        if locked.status != Status.FOLLOW_UP:
            raise TransitionRefused(_("Travel and stay are booked after a grant, during follow-up."))
        booking = TravelBooking.objects.create(
            case=locked,
            kind=kind,
            travellers=travellers,
            companions=companions,
            starts_on=starts_on,
            ends_on=ends_on,
            description=description,
            booking_reference=booking_reference,
        )
        _audit_case(actor, locked, Action.CREATE, booking=booking.pk)
    return booking


def stay_note_add(
    *, actor: Principal, case: Case, version: int | None, text: str, follow_up_on: date | None
) -> StayNote:
    if not text.strip():
        raise ValidationError({"text": _("Write what happened.")})
    with _locked(case, version, actor) as locked:
        note = StayNote.objects.create(
            case=locked,
            written_on=timezone.localdate(),
            text=text,
            follow_up_on=follow_up_on,
            created_by=actor.user,
        )
        _audit_case(actor, locked, Action.CREATE, stay_note=note.pk)
    return note


def stay_note_resolve(*, actor: Principal, note: StayNote) -> StayNote:
    with _locked(note.case, None, actor) as locked:
        StayNote.objects.filter(pk=note.pk).update(resolved_on=timezone.localdate())
        note.refresh_from_db()
        _audit_case(actor, locked, Action.UPDATE, stay_note_resolved=note.pk)
    return note


def _checked_invoice(*, currency: str, amount: Decimal, diagnosis_codes: str) -> tuple[str, str]:
    """The checks an invoice passes when it is registered and when it is corrected: the currency code in capitals
    and the ICD-10 codes normalised ("G40.2, Z31")."""
    errors: dict[str, str] = {}
    try:
        validate_currency(currency)
    except ValidationError as error:
        errors["currency"] = error.messages[0]
    if amount <= 0:
        errors["amount"] = _("The amount must be above zero.")
    codes = [c for c in diagnosis_codes.replace(";", ",").split(",") if c.strip()]
    for code in codes:
        try:
            icd10.validate(code)
        except icd10.Icd10Error as error:
            errors["diagnosis_codes"] = str(error)
    if errors:
        raise ValidationError(errors)
    return currency.upper(), ", ".join(normalise(c) for c in codes)


def _invoice_rate(currency: str, invoice_date: date) -> Decimal:
    """Norges Bank's rate on the invoice date, for registration and correction alike; a missing rate is the
    currency field's error."""
    try:
        return rates.rate_on(currency, invoice_date)
    except rates.RateMissing as error:
        raise ValidationError({"currency": str(error)}) from error


def expense_add(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    kind: str,
    category: str,
    amount: Decimal,
    currency: str,
    invoice_date: date,
    booked_date: date | None = None,
    creditor: str = "",
    reference: str = "",
    diagnosis_codes: str = "",
    procedure_codes: str = "",
    drg: str = "",
    amount_nok: Decimal | None = None,
    amount_confirmed: bool = False,
    imported: bool = False,
) -> Expense:
    """Register an invoice or travel claim; converted to NOK at Norges Bank's rate of the invoice date.

    An amount over the remaining guarantee, or far from it or from the case's usual amounts, is refused with
    :class:`ImplausibleAmount` unless the person confirmed it (``amount_confirmed``); see
    ``selectors.expense_amount_warnings``. An ``imported`` invoice (from a file of the office's former system) brings
    its own checks: it is taken in any state, without the plausibility warnings and without a document in the case
    file.
    """
    currency, diagnosis_codes = _checked_invoice(currency=currency, amount=amount, diagnosis_codes=diagnosis_codes)
    if amount_nok is None:
        rate = _invoice_rate(currency, invoice_date)
        amount_nok = rates.to_nok(amount, rate)
    else:
        rate = (amount_nok / amount).quantize(Decimal("0.00000001")) if amount else Decimal(1)
    with _locked(case, version, actor) as locked:
        if locked.status not in {Status.FOLLOW_UP, Status.CLOSED} and not imported:
            raise TransitionRefused(_("Invoices are registered after a grant, during follow-up."))
        warnings = (
            expense_amount_warnings(case=locked, kind=kind, amount=amount, currency=currency, amount_nok=amount_nok)
            if not imported
            else []
        )
        if warnings and not amount_confirmed:
            raise ImplausibleAmount(warnings)
        expense = Expense.objects.create(
            case=locked,
            kind=kind,
            category=category,
            creditor=creditor,
            reference=reference,
            invoice_date=invoice_date,
            booked_date=booked_date or invoice_date,
            amount=amount,
            currency=currency,
            exchange_rate=rate,
            amount_nok=amount_nok,
            diagnosis_codes=diagnosis_codes,
            procedure_codes=procedure_codes.upper(),
            drg=drg,
            registered_by=actor.user,
        )
        if not imported:
            _register_document(
                locked,
                principal=actor,
                kind=Document.Kind.INVOICE,
                direction=Document.Direction.INCOMING,
                title=stored(
                    gettext_noop("%(kind)s %(reference)s"), kind=Expense.Kind(kind).label, reference=reference
                ).strip(),
                document_date=invoice_date,
                correspondent=creditor or locked.patient_display_name,
                correspondent_is_private=kind == Expense.Kind.TRAVEL_CLAIM,
            )
        _audit_case(
            actor,
            locked,
            Action.CREATE,
            expense=expense.pk,
            amount=str(amount),
            currency=currency,
            amount_nok=str(amount_nok),
            **({"amount_warnings_confirmed": warnings} if warnings else {}),
        )
    return expense


def expense_settle(*, actor: Principal, expense: Expense, settled_on: date) -> Expense:
    """Mark an invoice as paid: only once a second person has attested it (see :func:`expense_attest`)."""
    with _locked(expense.case, None, actor) as locked:
        current = Expense.objects.select_for_update().get(pk=expense.pk)
        if current.state == Expense.State.SETTLED:
            raise TransitionRefused(_("The invoice is already settled."))
        if current.state != Expense.State.APPROVED:
            raise TransitionRefused(_("The invoice must be attested by a second person before it is marked as paid."))
        current.state = Expense.State.SETTLED
        current.settled_on = settled_on
        current.settled_by = actor.user
        current.save(update_fields=["state", "settled_on", "settled_by"])
        expense.__dict__.update(current.__dict__)
        _audit_case(
            actor,
            locked,
            Action.UPDATE,
            expense_settled=expense.pk,
            settled_on=settled_on.isoformat(),
            attested_by=current.attested_by_id,
        )
    return expense


def case_close(*, actor: Principal, case: Case, version: int, closed_on: date) -> Case:
    """Close a case: after follow-up when every invoice is settled, or a rejection nobody appealed in time."""

    def apply(c: Case) -> dict[str, Any]:
        running = guards.appeal_deadline_running(c, closed_on)
        if running:
            raise TransitionRefused(running)
        c.closed_on = closed_on
        return {}

    return _transition(actor, case, "close", version, apply)


# ---------------------------------------------------------------- invoices: plausibility, correction, attestation


class ImplausibleAmount(ValidationError):
    """The amount looks wrong (issue 11); saved only when the person confirms it. ``warnings`` say why."""

    def __init__(self, warnings: list[str]):
        super().__init__({"amount": warnings})
        self.warnings = warnings


def expense_correct(
    *,
    actor: Principal,
    expense: Expense,
    version: int | None,
    kind: str,
    category: str,
    amount: Decimal,
    currency: str,
    invoice_date: date,
    booked_date: date | None = None,
    creditor: str = "",
    reference: str = "",
    diagnosis_codes: str = "",
    procedure_codes: str = "",
    drg: str = "",
    amount_confirmed: bool = False,
) -> Expense:
    """Correct a registered invoice until it is paid; the audit trail keeps every old and new value.

    A correction withdraws an attestation (the attester approved what was there before), and the person who
    corrects it may no more attest it than the one who registered it.
    """
    currency, diagnosis_codes = _checked_invoice(currency=currency, amount=amount, diagnosis_codes=diagnosis_codes)
    with _locked(expense.case, version, actor) as locked:
        current = Expense.objects.select_for_update().get(pk=expense.pk)
        if current.state == Expense.State.SETTLED:
            raise TransitionRefused(_("The invoice is paid and can no longer be corrected."))
        if (currency, invoice_date) == (current.currency, current.invoice_date):
            rate = current.exchange_rate
        else:
            rate = _invoice_rate(currency, invoice_date)
        amount_nok = rates.to_nok(amount, rate)
        new = {
            "kind": kind,
            "category": category,
            "creditor": creditor,
            "reference": reference,
            "invoice_date": invoice_date,
            "booked_date": booked_date or invoice_date,
            "amount": amount,
            "currency": currency,
            "diagnosis_codes": diagnosis_codes,
            "procedure_codes": procedure_codes.upper(),
            "drg": drg,
            "exchange_rate": rate,
            "amount_nok": amount_nok,
        }
        changes = {
            name: [str(getattr(current, name)), str(value)]
            for name, value in new.items()
            if getattr(current, name) != value
        }
        if not changes:
            expense.__dict__.update(current.__dict__)
            return expense
        warnings: list[str] = []
        if {"amount", "currency", "kind"} & changes.keys():
            warnings = expense_amount_warnings(
                case=locked, kind=kind, amount=amount, currency=currency, amount_nok=amount_nok, exclude_pk=current.pk
            )
            if warnings and not amount_confirmed:
                raise ImplausibleAmount(warnings)
        withdrawn = (
            {"attestation_withdrawn": True, "previously_attested_by": current.attested_by_id}
            if current.state == Expense.State.APPROVED
            else {}
        )
        for name, value in new.items():
            setattr(current, name, value)
        current.corrected_by = actor.user
        current.state = Expense.State.RECEIVED
        current.attested_by = None
        current.attested_at = None
        current.save()
        expense.__dict__.update(current.__dict__)
        _audit_case(
            actor,
            locked,
            Action.UPDATE,
            expense_corrected=current.pk,
            changes=changes,
            **withdrawn,
            **({"amount_warnings_confirmed": warnings} if warnings else {}),
        )
    return expense


def _may_attest(actor: Principal, case: Case) -> bool:
    """Staff of the case's own office who handle cases; an emergency grant to another office's case is not enough."""
    grant = actor.grant("abroad.handle_case")
    return actor.has("abroad.handle_case") and (grant.everywhere or case.office_id in grant.office_ids)


def expense_attest(*, actor: Principal, expense: Expense) -> Expense:
    """Attest an invoice for payment: a second person of the office, never the one who registered or corrected it.

    States: registered (received) → attested (approved) → paid (settled); see :func:`expense_settle`.
    """
    case = expense.case
    if actor.user is not None and not _may_attest(actor, case):
        _deny(actor, case, "attest invoice")
    with _locked(case, None, actor) as locked:
        current = Expense.objects.select_for_update().get(pk=expense.pk)
        if current.state == Expense.State.SETTLED:
            raise TransitionRefused(_("The invoice is already settled."))
        if current.state == Expense.State.APPROVED:
            raise TransitionRefused(_("The invoice is already attested."))
        if actor.user is not None and actor.user.pk in {current.registered_by_id, current.corrected_by_id}:
            raise TransitionRefused(
                _(
                    "You registered or corrected this invoice, so you cannot attest it: "
                    "another case handler or the office lead must."
                )
            )
        current.state = Expense.State.APPROVED
        current.attested_by = actor.user
        current.attested_at = timezone.now()
        current.save(update_fields=["state", "attested_by", "attested_at"])
        expense.__dict__.update(current.__dict__)
        _audit_case(
            actor,
            locked,
            Action.UPDATE,
            expense_attested=current.pk,
            registered_by=current.registered_by_id,
            amount=str(current.amount),
            currency=current.currency,
        )
    return expense


def may_attest(actor: Principal, expense: Expense) -> bool:
    """Whether the page offers this person the attestation of the invoice (the service decides again)."""
    return (
        expense.state == Expense.State.RECEIVED
        and actor.user is not None
        and _may_attest(actor, expense.case)
        and actor.user.pk not in {expense.registered_by_id, expense.corrected_by_id}
    )
