"""The reminder to a provider whose answer to a record request is past due (a letter kind, its templates in bokmål
and nynorsk, the day it was sent on the request), and the permission to read the desk's deletion log."""

from django.db import migrations, models

TEMPLATES = {
    ("record_request_reminder", "nb"): (
        "Purring: anmodning om innsyn i og kopi av pasientjournal – {{ person_name }}",
        """Vi viser til vår anmodning {{ request_date }} på vegne av {{ person_with_birth_date }} om innsyn i og kopi av pasientjournalen hos {{ provider }}. Svarfristen var {{ answer_due }}, og vi har ikke mottatt journalen eller noe svar.

Purring
Vi ber om at kopi av journalen sendes oss snarest. Pasienten har rett til innsyn i og kopi av journalen sin etter pasient- og brukerrettighetsloven § 5-1 og personvernforordningen artikkel 15, og kopien skulle vært gitt senest innen én måned (personvernforordningen artikkel 12 nr. 3). Blir innsyn ikke gitt, kan pasienten klage til Statsforvalteren.

Svar
Send journalen til {{ association_name }}, merket med vårt saksnummer {{ case_number }}. Journalen inneholder helseopplysninger og må sendes som rekommandert post eller gjennom en sikker kanal. Har dere allerede sendt journalen, kan dere se bort fra denne purringen.""",
    ),
    ("record_request_reminder", "nn"): (
        "Purring: oppmoding om innsyn i og kopi av pasientjournal – {{ person_name }}",
        """Vi viser til oppmodinga vår {{ request_date }} på vegner av {{ person_with_birth_date }} om innsyn i og kopi av pasientjournalen hos {{ provider }}. Svarfristen var {{ answer_due }}, og vi har ikkje fått journalen eller noko svar.

Purring
Vi ber om at kopi av journalen blir send til oss så snart som råd. Pasienten har rett til innsyn i og kopi av journalen sin etter pasient- og brukarrettslova § 5-1 og personvernforordninga artikkel 15, og kopien skulle vore gitt seinast innan éin månad (personvernforordninga artikkel 12 nr. 3). Blir innsyn ikkje gitt, kan pasienten klage til Statsforvaltaren.

Svar
Send journalen til {{ association_name }}, merkt med saksnummeret vårt, {{ case_number }}. Journalen inneheld helseopplysningar og må sendast som rekommandert post eller gjennom ein sikker kanal. Har de alt sendt journalen, kan de sjå bort frå denne purringa.""",
    ),
}


def seed_templates(apps, schema_editor):
    LetterTemplate = apps.get_model("inquiries", "LetterTemplate")
    for (kind, language), (subject, body) in TEMPLATES.items():
        LetterTemplate.objects.get_or_create(
            kind=kind, language=language, organisation=None, defaults={"subject": subject, "body": body}
        )


def unseed_templates(apps, schema_editor):
    apps.get_model("inquiries", "LetterTemplate").objects.filter(kind="record_request_reminder").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0006_retention"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="case",
            options={
                "ordering": ["-year", "-serial"],
                "permissions": [
                    ("handle_case", "Register inquiries and handle desk cases"),
                    ("assess_case", "Assess assigned desk cases as medical adviser"),
                    ("lead_desk", "Lead the inquiry desk"),
                    ("view_deletion_log", "See the desk's deletion log"),
                ],
                "verbose_name": "desk case",
                "verbose_name_plural": "desk cases",
            },
        ),
        migrations.AddField(
            model_name="recordrequest",
            name="reminded_on",
            field=models.DateField(blank=True, null=True, verbose_name="reminder sent"),
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
                    ("record_request_reminder", "Reminder of a request for medical records"),
                ],
                max_length=30,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="lettertemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("power_of_attorney_form", "Power-of-attorney form to sign"),
                    ("record_request", "Request for medical records"),
                    ("complaint_cover", "Complaint: cover letter"),
                    ("npe_claim_cover", "Compensation claim to NPE: cover letter"),
                    ("record_request_reminder", "Reminder of a request for medical records"),
                ],
                max_length=30,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(seed_templates, unseed_templates),
    ]
