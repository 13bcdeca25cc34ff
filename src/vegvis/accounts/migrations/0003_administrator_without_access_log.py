"""The system administrator no longer reads persons' access logs (issue 10, item 7).

The access log names the person, and the administrator, who may not open cases, held the permission in global
scope: counting through /revisjon/personer/<id>/ gave every patient's name. The permission is taken from the
role where it was seeded; its ``SeededGrant`` row stays, so a later ``migrate`` does not give it back. The new
privacy officer role (personvernombud) holds it instead, seeded after migrate from accounts/roles.py.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Permission = apps.get_model("auth", "Permission")
    role = Role.objects.filter(code="system_administrator").first()
    permission = Permission.objects.filter(content_type__app_label="core", codename="view_access_log").first()
    if role is not None and permission is not None:
        role.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_apitoken_scope_expiry"), ("core", "0007_retention_deadline")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
