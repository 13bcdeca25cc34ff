"""The desk's letters: the power-of-attorney form to sign, the record request, and the cover letters of a complaint
and of a compensation claim to NPE — what they say about the case, and who they go to.

The texts are ``LetterTemplate`` rows (an association's own copy, else the default seeded by migration 0004), in
the case's letter language (bokmål unless the person chose nynorsk). The checks, the filling and the frame (sender,
"Vår ref.", signature, pages) are ``records.letters``'. The step's preview and the sealed PDF draw the same
``letter()`` data, so what the case worker checks is what is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.core.errors import DomainError
from vegvis.core.models import Organisation
from vegvis.inquiries import deadlines
from vegvis.inquiries.models import (
    Case,
    CompensationClaim,
    Complaint,
    LetterTemplate,
    PowerOfAttorney,
    RecordRequest,
    Scope,
)
from vegvis.records import letters as records_letters

Kind = LetterTemplate.Kind

PLACEHOLDERS = {
    "person_name": "Personens navn",
    "person_with_birth_date": "Personens navn og fødselsdato (når den er kjent)",
    "case_number": "Saksnummer",
    "association_name": "Foreningens navn",
    "handler": "Saksbehandlers navn",
    "provider": "Helsetjenesten (journalkrav) eller det klagen gjelder",
    "answer_due": "Svarfrist for journalkravet",
    "poa_signed_on": "Datoen fullmakten er skrevet under",
    "scope": "Hva fullmakten gjelder (skjema til underskrift)",
    "complaint_recipient": "Klageinstans (behandlingsstedet eller Statsforvalteren)",
    "decision_date": "Dato for vedtaket eller hendelsen det klages på",
    "act_date": "Dato for handlingen som voldte skaden",
    "knew_date": "Dato pasienten ble kjent med skaden",
    "relative_limit": "Foreldelse: 3 år fra kunnskap",
    "absolute_limit": "Foreldelse: 20 år fra handlingen",
    "claimed_loss": "Anslått økonomisk tap",
    "npe_reference": "NPEs saksnummer (om det finnes)",
    "sent_date": "Datoen brevet sendes",
    "request_date": "Datoen journalkravet ble sendt (purring)",
}

# Norsk pasientskadeerstatning's postal address, where every claim goes.
NPE_RECIPIENT = ["Norsk pasientskadeerstatning", "Postboks 3 Skøyen", "0212 Oslo"]

# What the desk's letters say about the case, in bokmål and nynorsk (the frame's words: records.letters).
LETTER_TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "born": "{name}, født {date}",
        "site": "behandlingsstedet",
        "statsforvalteren": "Statsforvalteren",
        "not_estimated": "ikke anslått ennå",
        "kroner": "{amount} kroner",
        Scope.RECORDS: "innsyn i og kopi av journalen min hos helsetjenesten",
        Scope.COMPLAINTS: "å klage på mine vegne til behandlingsstedet og til Statsforvalteren",
        Scope.COMPENSATION: (
            "å kreve erstatning på mine vegne hos Norsk pasientskadeerstatning og klage til Pasientskadenemnda"
        ),
        Scope.MEETINGS: "å møte helsetjenesten på mine vegne",
        # A private association's letters are not public records: the frame's "exempt" line says so instead.
        "exempt": "Fortrolig",
        "exempt_basis": "Inneholder helseopplysninger",
    },
    "nn": {
        "born": "{name}, fødd {date}",
        "site": "behandlingsstaden",
        "statsforvalteren": "Statsforvaltaren",
        "not_estimated": "ikkje rekna ut enno",
        "kroner": "{amount} kroner",
        Scope.RECORDS: "innsyn i og kopi av journalen min hos helsetenesta",
        Scope.COMPLAINTS: "å klage på vegner av meg til behandlingsstaden og til Statsforvaltaren",
        Scope.COMPENSATION: (
            "å krevje erstatning på vegner av meg hos Norsk pasientskadeerstatning og klage til Pasientskadenemnda"
        ),
        Scope.MEETINGS: "å møte helsetenesta på vegner av meg",
        "exempt": "Fortruleg",
        "exempt_basis": "Inneheld helseopplysningar",
    },
}


def validate_template(body: str, *, subject: str = "") -> None:
    """Refuse HTML, template tags, filters and placeholders other than PLACEHOLDERS (records.letters)."""
    records_letters.validate_template(body, subject=subject, placeholders=PLACEHOLDERS)


def letter_language(case: Case, chosen: str | None = None) -> str:
    """The letter's written form: the one chosen for this letter, otherwise the case's (the person's choice)."""
    return records_letters.language_or_default(chosen or case.letter_language)


def template_for(organisation: Organisation, kind: str, language: str) -> LetterTemplate:
    """The association's own text of ``kind`` in ``language``, else the default; bokmål when there is neither."""
    for lang in dict.fromkeys((language, "nb")):
        template = (
            LetterTemplate.objects.filter(kind=kind, language=lang, organisation=organisation).first()
            or LetterTemplate.objects.filter(kind=kind, language=lang, organisation__isnull=True).first()
        )
        if template is not None:
            return template
    raise LetterTemplate.DoesNotExist(f"no {kind} letter template")


def _amount(value: Decimal | None, texts: Mapping[str, str]) -> str:
    if value is None:
        return texts["not_estimated"]
    return texts["kroner"].format(amount=f"{value:,.0f}".replace(",", "\u00a0"))


def _valid_power_of_attorney(case: Case, day: date) -> PowerOfAttorney | None:
    return next((p for p in case.powers_of_attorney.order_by("-signed_on", "-id") if p.is_valid_on(day)), None)


def letter_context(case: Case, language: str, handler: str, **values: Any) -> dict[str, str]:
    """Plain strings only: what a template may show about the case, in the letter's language. ``values`` are the
    letter's own (the provider, the claim's dates …); dates are written dd.mm.åååå."""
    texts = LETTER_TEXTS[language]
    person = case.person if case.person_id else None
    name = case.display_name
    birth = person.birth_date if person else None
    poa = _valid_power_of_attorney(case, values.get("sent_date") or timezone.localdate())
    context = {
        "person_name": name,
        "person_with_birth_date": texts["born"].format(name=name, date=records_letters.format_date(birth))
        if birth
        else name,
        "case_number": case.number,
        "association_name": case.organisation.name,
        "handler": handler,
        "poa_signed_on": records_letters.format_date(poa.signed_on) if poa else "",
    }
    for key, value in values.items():
        context[key] = records_letters.format_date(value) if isinstance(value, date) else str(value or "")
    return {key: context.get(key, "") for key in PLACEHOLDERS}


def letter(
    *,
    case: Case,
    kind: str,
    language: str | None,
    handler: str,
    recipient_lines: list[str],
    dated: date,
    copy_to_person: bool = True,
    **values: Any,
) -> dict[str, Any]:
    """Everything the letter shows, as plain strings: the preview on the step's page and the PDF both draw this."""
    template = template_for(case.organisation, kind, letter_language(case, language))
    language = template.language
    texts = LETTER_TEXTS[language]
    data = records_letters.frame(
        language=language,
        template=template,
        context=letter_context(case, language, handler, sent_date=dated, **values),
        case_number=case.number,
        office_name=case.organisation.name,
        office_address=case.organisation.city,
        recipient_lines=[line for line in recipient_lines if line.strip()],
        handler=handler,
        copies=[records_letters.Copy(case.display_name)] if copy_to_person else [],
    )
    data["texts"] = {**data["texts"], "exempt": texts["exempt"], "exempt_basis": texts["exempt_basis"]}
    data["today"] = dated
    return data


def render_pdf(data: Mapping[str, Any]) -> bytes:
    return records_letters.render_pdf(data)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]


def _handler(case: Case, actor: Any) -> str:
    user = getattr(actor, "user", None)
    name = user.get_full_name() if user is not None else ""
    return name or (case.case_worker.get_full_name() if case.case_worker else "")


# ---------------------------------------------------------------- each kind: its recipient and its own values


def power_of_attorney_form(
    *, actor: Any, case: Case, scopes: list[str], address: str = "", language: str = ""
) -> dict[str, Any]:
    """The form the person signs and sends back; it goes to the person, so no copy."""
    texts = LETTER_TEXTS[letter_language(case, language)]
    return letter(
        case=case,
        kind=Kind.POWER_OF_ATTORNEY_FORM,
        language=language,
        handler=_handler(case, actor),
        recipient_lines=[case.display_name, *_lines(address)],
        dated=timezone.localdate(),
        copy_to_person=False,
        scope="\n".join(f"– {texts[scope]}" for scope in Scope.values if scope in scopes),
    )


def record_request(
    *,
    actor: Any,
    case: Case,
    provider: str,
    sent_on: date,
    provider_address: str = "",
    language: str = "",
) -> dict[str, Any]:
    return letter(
        case=case,
        kind=Kind.RECORD_REQUEST,
        language=language,
        handler=_handler(case, actor),
        recipient_lines=[provider, *_lines(provider_address)],
        dated=sent_on,
        provider=provider,
        answer_due=deadlines.records_due(sent_on),
    )


def record_request_reminder(
    *,
    actor: Any,
    case: Case,
    request: RecordRequest,
    sent_on: date,
    provider_address: str = "",
    language: str = "",
) -> dict[str, Any]:
    """The reminder ("purring") to a provider whose answer to the record request is past due."""
    return letter(
        case=case,
        kind=Kind.RECORD_REQUEST_REMINDER,
        language=language,
        handler=_handler(case, actor),
        recipient_lines=[request.provider, *_lines(provider_address)],
        dated=sent_on,
        provider=request.provider,
        request_date=request.sent_on,
        answer_due=request.due_on,
    )


def complaint_cover(
    *,
    actor: Any,
    case: Case,
    complaint: Complaint,
    sent_on: date,
    recipient_address: str = "",
    language: str = "",
) -> dict[str, Any]:
    texts = LETTER_TEXTS[letter_language(case, language)]
    to_site = complaint.recipient == Complaint.Recipient.SITE
    return letter(
        case=case,
        kind=Kind.COMPLAINT_COVER,
        language=language,
        handler=_handler(case, actor),
        recipient_lines=[complaint.provider if to_site else texts["statsforvalteren"], *_lines(recipient_address)],
        dated=sent_on,
        provider=complaint.provider,
        complaint_recipient=texts["site"] if to_site else texts["statsforvalteren"],
        decision_date=complaint.decision_on,
    )


def npe_claim_cover(
    *,
    actor: Any,
    case: Case,
    sent_on: date,
    npe_reference: str = "",
    language: str = "",
    claim: CompensationClaim | None = None,
) -> dict[str, Any]:
    claim = claim or case.claims.filter(sent_on__isnull=True).order_by("-id").first()
    if claim is None:
        raise DomainError(_("The case has no compensation claim at this step."))
    texts = LETTER_TEXTS[letter_language(case, language)]
    return letter(
        case=case,
        kind=Kind.NPE_CLAIM_COVER,
        language=language,
        handler=_handler(case, actor),
        recipient_lines=list(NPE_RECIPIENT),
        dated=sent_on,
        act_date=claim.act_on,
        knew_date=claim.knew_on,
        relative_limit=claim.relative_limit,
        absolute_limit=claim.absolute_limit,
        claimed_loss=_amount(claim.claimed_loss, texts),
        npe_reference=npe_reference,
    )
