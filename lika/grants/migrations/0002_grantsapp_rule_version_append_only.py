"""A programme's rule version is never changed or deleted, on both engines: an activity
grant application keeps the version it was computed with (docs/grants.md, "In Lika").
The triggers: ``lika.audit.append_only``."""

from django.db import migrations

from lika.audit.append_only import AppendOnlyTable

TRIGGERS = AppendOnlyTable("grants_programmeruleversion", "grants_rule_version",
                           "a rule version never changes: add a new version")
SQLITE, SQLITE_NAMES = TRIGGERS.sqlite, TRIGGERS.sqlite_names


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_grantsapp_registers"), ("audit", "0003_records_append_only")]
    operations = [TRIGGERS.operation()]
