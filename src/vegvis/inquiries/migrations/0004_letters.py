"""Desk letters: the templates (seeded in bokmål and nynorsk), the case's letter language, the form-to-sign kind."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# ---------------------------------------------------------------- the default texts (the associations' leads edit
# their own copies; the law references live here as data, like treatment abroad's 0003)

TEMPLATES = {
    ("power_of_attorney_form", "nb"): (
        "Fullmakt til {{ association_name }} – til underskrift",
        """Du har bedt {{ association_name }} om hjelp i saken din. For at vi skal kunne handle på dine vegne, trenger vi en skriftlig fullmakt fra deg (forvaltningsloven § 12). Les fullmakten, fyll inn og skriv under, og send den tilbake til oss. Oppgi vårt saksnummer {{ case_number }}.

Fullmakt
Jeg, {{ person_name }}, gir {{ association_name }} fullmakt til å opptre på mine vegne i saken om helsehjelpen jeg har fått. Fullmakten gjelder:
{{ scope }}

Fullmakten gjelder til jeg trekker den tilbake skriftlig.

Fødselsdato: ______________________________

Sted og dato: ______________________________

Underskrift: ______________________________""",
    ),
    ("power_of_attorney_form", "nn"): (
        "Fullmakt til {{ association_name }} – til underskrift",
        """Du har bede {{ association_name }} om hjelp i saka di. For at vi skal kunne handle på vegner av deg, treng vi ei skriftleg fullmakt frå deg (forvaltningslova § 12). Les fullmakta, fyll ut og skriv under, og send ho tilbake til oss. Oppgi saksnummeret vårt, {{ case_number }}.

Fullmakt
Eg, {{ person_name }}, gir {{ association_name }} fullmakt til å opptre på vegner av meg i saka om helsehjelpa eg har fått. Fullmakta gjeld:
{{ scope }}

Fullmakta gjeld til eg trekkjer ho tilbake skriftleg.

Fødselsdato: ______________________________

Stad og dato: ______________________________

Underskrift: ______________________________""",
    ),
    ("record_request", "nb"): (
        "Anmodning om innsyn i og kopi av pasientjournal – {{ person_name }}",
        """{{ association_name }} bistår {{ person_with_birth_date }} i en sak om helsehjelpen hos {{ provider }}. Vi har fullmakt til å be om innsyn i journalen på vegne av pasienten, se vedlagte fullmakt datert {{ poa_signed_on }}.

Anmodning
Vi ber om kopi av hele pasientjournalen til {{ person_name }}, med journalnotater, epikriser, prøvesvar, bilder og beskrivelser av undersøkelser, legemiddellister og korrespondanse.

Hjemmel og frist
Pasienten har rett til innsyn i og kopi av journalen sin etter pasient- og brukerrettighetsloven § 5-1 og personvernforordningen artikkel 15. Kopien skal gis uten ugrunnet opphold og senest innen én måned (personvernforordningen artikkel 12 nr. 3), det vil si innen {{ answer_due }}. Kopien er gratis.

Svar
Send journalen til {{ association_name }}, merket med vårt saksnummer {{ case_number }}. Journalen inneholder helseopplysninger og må sendes som rekommandert post eller gjennom en sikker kanal.

Ta kontakt med oss om noe er uklart.""",
    ),
    ("record_request", "nn"): (
        "Oppmoding om innsyn i og kopi av pasientjournal – {{ person_name }}",
        """{{ association_name }} hjelper {{ person_with_birth_date }} i ei sak om helsehjelpa hos {{ provider }}. Vi har fullmakt til å be om innsyn i journalen på vegner av pasienten, sjå vedlagd fullmakt datert {{ poa_signed_on }}.

Oppmoding
Vi ber om kopi av heile pasientjournalen til {{ person_name }}, med journalnotat, epikriser, prøvesvar, bilete og skildringar av undersøkingar, legemiddellister og korrespondanse.

Heimel og frist
Pasienten har rett til innsyn i og kopi av journalen sin etter pasient- og brukarrettslova § 5-1 og personvernforordninga artikkel 15. Kopien skal givast utan unødig opphald og seinast innan éin månad (personvernforordninga artikkel 12 nr. 3), det vil seie innan {{ answer_due }}. Kopien er gratis.

Svar
Send journalen til {{ association_name }}, merkt med saksnummeret vårt, {{ case_number }}. Journalen inneheld helseopplysningar og må sendast som rekommandert post eller gjennom ein sikker kanal.

Ta kontakt med oss om noko er uklart.""",
    ),
    ("complaint_cover", "nb"): (
        "Klage på vegne av {{ person_name }} – {{ provider }}",
        """{{ association_name }} bistår {{ person_with_birth_date }} og sender på vegne av pasienten vedlagte klage til {{ complaint_recipient }}. Fullmakt datert {{ poa_signed_on }} følger vedlagt.

Hva klagen gjelder
Klagen gjelder {{ provider }}, og vedtaket eller hendelsen {{ decision_date }}. Vi ber om at klagen behandles etter pasient- og brukerrettighetsloven kapittel 7.

Vedlegg
– Klagen med pasientens beskrivelse
– Fullmakt

Vi ber om at svar og all korrespondanse i saken sendes til {{ association_name }}, med kopi til pasienten. Oppgi vårt saksnummer {{ case_number }}.""",
    ),
    ("complaint_cover", "nn"): (
        "Klage på vegner av {{ person_name }} – {{ provider }}",
        """{{ association_name }} hjelper {{ person_with_birth_date }} og sender på vegner av pasienten vedlagd klage til {{ complaint_recipient }}. Fullmakt datert {{ poa_signed_on }} ligg ved.

Kva klaga gjeld
Klaga gjeld {{ provider }}, og vedtaket eller hendinga {{ decision_date }}. Vi ber om at klaga blir handsama etter pasient- og brukarrettslova kapittel 7.

Vedlegg
– Klaga med skildringa til pasienten
– Fullmakt

Vi ber om at svar og all korrespondanse i saka blir sende til {{ association_name }}, med kopi til pasienten. Oppgi saksnummeret vårt, {{ case_number }}.""",
    ),
    ("npe_claim_cover", "nb"): (
        "Krav om pasientskadeerstatning – {{ person_name }}",
        """{{ association_name }} bistår {{ person_with_birth_date }} og sender på vegne av pasienten vedlagte skademelding til Norsk pasientskadeerstatning. Fullmakt datert {{ poa_signed_on }} følger vedlagt.

Saken
Skaden skyldes helsehjelp gitt {{ act_date }}. Pasienten ble kjent med skaden {{ knew_date }}. Anslått økonomisk tap: {{ claimed_loss }}.

Foreldelse
Etter pasientskadeloven § 18, jf. foreldelsesloven § 9, foreldes kravet tre år etter at pasienten fikk eller burde ha skaffet seg kunnskap om skaden ({{ relative_limit }}), og senest 20 år etter handlingen som voldte skaden ({{ absolute_limit }}). Kravet er meldt {{ sent_date }}.

Vedlegg
– Skademelding
– Fullmakt
– Journalopplysninger vi har fått

Vi ber om at all korrespondanse i saken sendes til {{ association_name }}, med kopi til pasienten. Oppgi vårt saksnummer {{ case_number }}.""",
    ),
    ("npe_claim_cover", "nn"): (
        "Krav om pasientskadeerstatning – {{ person_name }}",
        """{{ association_name }} hjelper {{ person_with_birth_date }} og sender på vegner av pasienten vedlagd skademelding til Norsk pasientskadeerstatning. Fullmakt datert {{ poa_signed_on }} ligg ved.

Saka
Skaden kjem av helsehjelp gitt {{ act_date }}. Pasienten vart kjend med skaden {{ knew_date }}. Rekna økonomisk tap: {{ claimed_loss }}.

Forelding
Etter pasientskadelova § 18, jf. foreldingslova § 9, blir kravet forelda tre år etter at pasienten fekk eller burde ha skaffa seg kunnskap om skaden ({{ relative_limit }}), og seinast 20 år etter handlinga som valda skaden ({{ absolute_limit }}). Kravet er meldt {{ sent_date }}.

Vedlegg
– Skademelding
– Fullmakt
– Journalopplysningar vi har fått

Vi ber om at all korrespondanse i saka blir send til {{ association_name }}, med kopi til pasienten. Oppgi saksnummeret vårt, {{ case_number }}.""",
    ),
}


def seed_templates(apps, schema_editor):
    LetterTemplate = apps.get_model("inquiries", "LetterTemplate")
    for (kind, language), (subject, body) in TEMPLATES.items():
        LetterTemplate.objects.get_or_create(
            kind=kind, language=language, organisation=None, defaults={"subject": subject, "body": body}
        )


def unseed_templates(apps, schema_editor):
    apps.get_model("inquiries", "LetterTemplate").objects.filter(organisation=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_legal_deadline_amount_at_least_one"),
        ("inquiries", "0003_seed_legal_deadlines"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="letter_language",
            field=models.CharField(
                choices=[("nb", "Norwegian Bokmål"), ("nn", "Norwegian Nynorsk")],
                default="nb",
                max_length=2,
                verbose_name="letter language",
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="kind",
            field=models.CharField(
                choices=[
                    ("inquiry", "Inquiry"),
                    ("power_of_attorney", "Power of attorney"),
                    ("record_request", "Request for medical records"),
                    ("records_received", "Medical records received"),
                    ("complaint", "Complaint"),
                    ("npe_claim", "Compensation claim to NPE"),
                    ("npe_decision", "Decision from NPE"),
                    ("appeal", "Appeal to Pasientskadenemnda"),
                    ("board_decision", "Decision from Pasientskadenemnda"),
                    ("other", "Other"),
                    ("power_of_attorney_form", "Power-of-attorney form to sign"),
                ],
                max_length=30,
                verbose_name="kind",
            ),
        ),
        migrations.CreateModel(
            name="LetterTemplate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "language",
                    models.CharField(
                        choices=[("nb", "Norwegian Bokmål"), ("nn", "Norwegian Nynorsk")],
                        max_length=2,
                        verbose_name="language",
                    ),
                ),
                ("subject", models.CharField(max_length=300, verbose_name="subject")),
                (
                    "body",
                    models.TextField(
                        help_text="Placeholders in double braces, e.g. {{ patient_name }}; see the list beside the editor.",
                        verbose_name="text",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("power_of_attorney_form", "Power-of-attorney form to sign"),
                            ("record_request", "Request for medical records"),
                            ("complaint_cover", "Complaint: cover letter"),
                            ("npe_claim_cover", "Compensation claim to NPE: cover letter"),
                        ],
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="inquiry_letter_templates",
                        to="core.organisation",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "desk letter template",
                "verbose_name_plural": "desk letter templates",
                "ordering": ["kind", "language"],
                "permissions": [("manage_letter_templates", "Edit the desk's letter templates")],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisation", "kind", "language"), name="inquiry_letter_template_unique"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("organisation__isnull", True)),
                        fields=("kind", "language"),
                        name="inquiry_letter_template_default",
                    ),
                ],
            },
        ),
        migrations.RunPython(seed_templates, unseed_templates),
    ]
