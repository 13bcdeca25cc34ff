"""Default letter texts in bokmål and nynorsk. Office leads edit them in Vegvis; law references live here as data."""

from django.db import migrations

COMMON_NB = """Klageadgang
Du kan klage på vedtaket. Klagefristen er {{ appeal_deadline_weeks }} uker fra du mottok dette brevet ({{ appeal_deadline_reference }}). Klagen sendes til oss: {{ office_name }}, {{ office_address }}. Vi vurderer saken på nytt. Dersom vi ikke gir deg medhold, sender vi klagen videre til {{ appeals_body }}, som avgjør saken endelig. Skriv hvilket vedtak du klager på, hva du ønsker endret og hvorfor.

Rett til innsyn
Du har rett til å se dokumentene i saken din (forvaltningsloven § 18 og § 19). Ta kontakt med oss om du ønsker innsyn."""

COMMON_NN = """Klagerett
Du kan klage på vedtaket. Klagefristen er {{ appeal_deadline_weeks }} veker frå du fekk dette brevet ({{ appeal_deadline_reference }}). Klaga sender du til oss: {{ office_name }}, {{ office_address }}. Vi vurderer saka på nytt. Dersom vi ikkje gir deg medhald, sender vi klaga vidare til {{ appeals_body }}, som avgjer saka endeleg. Skriv kva vedtak du klagar på, kva du ønskjer endra og kvifor.

Rett til innsyn
Du har rett til å sjå dokumenta i saka di (forvaltningslova § 18 og § 19). Ta kontakt med oss om du ønskjer innsyn."""

TEMPLATES = {
    ("granted", "nb"): (
        "Vedtak: Søknad om behandling i utlandet er innvilget",
        """Vi viser til søknad om behandling i utlandet for {{ patient_name }}, mottatt {{ received_date }}.

Vedtak
Søknaden om {{ requested_treatment }} ved {{ hospital }} er innvilget.

Hjemmel
Vedtaket er fattet etter {{ legal_basis }}.

Begrunnelse
{{ grounds }}

Faglig vurdering
{{ assessment }}

Nye metoder
{{ nye_metoder }}

Hva som dekkes
{{ coverage }}

Vi tar kontakt om praktiske forhold rundt reise, opphold og betalingsgaranti til sykehuset.

"""
        + COMMON_NB,
    ),
    ("partly_granted", "nb"): (
        "Vedtak: Søknad om behandling i utlandet er delvis innvilget",
        """Vi viser til søknad om behandling i utlandet for {{ patient_name }}, mottatt {{ received_date }}.

Vedtak
Søknaden om {{ requested_treatment }} ved {{ hospital }} er delvis innvilget, som beskrevet nedenfor.

Hjemmel
Vedtaket er fattet etter {{ legal_basis }}.

Begrunnelse
{{ grounds }}

Faglig vurdering
{{ assessment }}

Nye metoder
{{ nye_metoder }}

Hva som dekkes
{{ coverage }}

"""
        + COMMON_NB,
    ),
    ("rejected", "nb"): (
        "Vedtak: Søknad om behandling i utlandet er avslått",
        """Vi viser til søknad om behandling i utlandet for {{ patient_name }}, mottatt {{ received_date }}.

Vedtak
Søknaden om {{ requested_treatment }} er avslått.

Hjemmel
Vedtaket er fattet etter {{ legal_basis }}.

Begrunnelse
{{ grounds }}

Faglig vurdering
{{ assessment }}

Nye metoder
{{ nye_metoder }}

"""
        + COMMON_NB,
    ),
    ("provisional_reply", "nb"): (
        "Foreløpig svar på søknad om behandling i utlandet",
        """Vi har mottatt søknaden om behandling i utlandet for {{ patient_name }} ({{ received_date }}).

Vi kan ikke fatte vedtak innen én måned. {{ reason }}

Vi regner med å kunne gi deg svar innen {{ expected_by }}.

Foreløpig svar gis etter forvaltningsloven § 11 a.""",
    ),
    ("appeal_reversed", "nb"): (
        "Vedtak etter klage: Søknaden er innvilget",
        """Vi har vurdert klagen din på nytt og gir deg medhold. Vårt tidligere vedtak er omgjort, og søknaden om {{ requested_treatment }} er innvilget.

Begrunnelse
{{ grounds }}

Vi tar kontakt om praktiske forhold rundt reise og opphold.

Rett til innsyn
Du har rett til å se dokumentene i saken din (forvaltningsloven § 18 og § 19).""",
    ),
    ("appeal_forwarded", "nb"): (
        "Klagen din er sendt til {{ appeals_body }}",
        """Vi har vurdert klagen din på vedtaket i sak {{ case_number }} på nytt, men finner ikke grunn til å endre vedtaket.

Klagen er derfor sendt til {{ appeals_body }}, som avgjør saken endelig. Du får svar direkte derfra.

Rett til innsyn
Du har rett til å se dokumentene i saken din (forvaltningsloven § 18 og § 19).""",
    ),
    ("granted", "nn"): (
        "Vedtak: Søknad om behandling i utlandet er innvilga",
        """Vi viser til søknad om behandling i utlandet for {{ patient_name }}, motteken {{ received_date }}.

Vedtak
Søknaden om {{ requested_treatment }} ved {{ hospital }} er innvilga.

Heimel
Vedtaket er gjort etter {{ legal_basis }}.

Grunngiving
{{ grounds }}

Fagleg vurdering
{{ assessment }}

Nye metodar
{{ nye_metoder }}

Kva som blir dekt
{{ coverage }}

Vi tek kontakt om praktiske forhold kring reise, opphald og betalingsgaranti til sjukehuset.

"""
        + COMMON_NN,
    ),
    ("partly_granted", "nn"): (
        "Vedtak: Søknad om behandling i utlandet er delvis innvilga",
        """Vi viser til søknad om behandling i utlandet for {{ patient_name }}, motteken {{ received_date }}.

Vedtak
Søknaden om {{ requested_treatment }} ved {{ hospital }} er delvis innvilga, slik det står nedanfor.

Heimel
Vedtaket er gjort etter {{ legal_basis }}.

Grunngiving
{{ grounds }}

Fagleg vurdering
{{ assessment }}

Nye metodar
{{ nye_metoder }}

Kva som blir dekt
{{ coverage }}

"""
        + COMMON_NN,
    ),
    ("rejected", "nn"): (
        "Vedtak: Søknad om behandling i utlandet er avslått",
        """Vi viser til søknad om behandling i utlandet for {{ patient_name }}, motteken {{ received_date }}.

Vedtak
Søknaden om {{ requested_treatment }} er avslått.

Heimel
Vedtaket er gjort etter {{ legal_basis }}.

Grunngiving
{{ grounds }}

Fagleg vurdering
{{ assessment }}

Nye metodar
{{ nye_metoder }}

"""
        + COMMON_NN,
    ),
    ("provisional_reply", "nn"): (
        "Førebels svar på søknad om behandling i utlandet",
        """Vi har motteke søknaden om behandling i utlandet for {{ patient_name }} ({{ received_date }}).

Vi kan ikkje gjere vedtak innan éin månad. {{ reason }}

Vi reknar med å kunne gi deg svar innan {{ expected_by }}.

Førebels svar blir gitt etter forvaltningslova § 11 a.""",
    ),
    ("appeal_reversed", "nn"): (
        "Vedtak etter klage: Søknaden er innvilga",
        """Vi har vurdert klaga di på nytt og gir deg medhald. Det tidlegare vedtaket vårt er gjort om, og søknaden om {{ requested_treatment }} er innvilga.

Grunngiving
{{ grounds }}

Rett til innsyn
Du har rett til å sjå dokumenta i saka di (forvaltningslova § 18 og § 19).""",
    ),
    ("appeal_forwarded", "nn"): (
        "Klaga di er send til {{ appeals_body }}",
        """Vi har vurdert klaga di på vedtaket i sak {{ case_number }} på nytt, men finn ikkje grunn til å endre vedtaket.

Klaga er difor send til {{ appeals_body }}, som avgjer saka endeleg. Du får svar direkte derifrå.

Rett til innsyn
Du har rett til å sjå dokumenta i saka di (forvaltningslova § 18 og § 19).""",
    ),
}


def forwards(apps, schema_editor):
    LetterTemplate = apps.get_model("abroad", "LetterTemplate")
    for (kind, language), (subject, body) in TEMPLATES.items():
        LetterTemplate.objects.get_or_create(kind=kind, language=language, defaults={"subject": subject, "body": body})


def backwards(apps, schema_editor):
    apps.get_model("abroad", "LetterTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("abroad", "0002_postgresql_search_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
