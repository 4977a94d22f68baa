"""A municipality setting row is never changed or deleted, on both engines: a change is a
new row from a date (lika/accounts/settings.py).  The triggers: ``lika.audit.append_only``."""

from django.db import migrations

from lika.audit.append_only import AppendOnlyTable

TRIGGERS = AppendOnlyTable("accounts_municipalitysetting", "municipality_setting",
                           "a setting row never changes: add a new row from a date")
SQLITE, SQLITE_NAMES = TRIGGERS.sqlite, TRIGGERS.sqlite_names


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_admin_municipality_setting"), ("audit", "0003_records_append_only")]
    operations = [TRIGGERS.operation()]
