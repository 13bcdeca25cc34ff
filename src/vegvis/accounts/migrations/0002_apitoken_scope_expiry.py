"""API tokens get a scope and always an expiry.

Tokens made before could do everything their owner may and never expired: they keep read-and-write (so no
integration breaks on deploy) but expire one year after this migration, the longest a new token may live.
"""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.update(scope="read_write")
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + timedelta(days=365))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("read_write", "Read and write")],
                default="read",
                max_length=20,
                verbose_name="scope",
            ),
        ),
        migrations.RunPython(existing_tokens, migrations.RunPython.noop),
    ]
