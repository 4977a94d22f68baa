"""A version of the guideline for skälig boendekostnad is never changed or deleted, on
both engines: calculations made on it keep its amount in their snapshot, and a change is
a new version (docs/calculate.md, "Skälig boendekostnad").  The triggers:
``lika.audit.append_only``."""

from django.db import migrations

from lika.audit.append_only import AppendOnlyTable

TRIGGERS = AppendOnlyTable("housing_housingguideline", "housing_guideline",
                           "a guideline version never changes: add a new version")
SQLITE, SQLITE_NAMES = TRIGGERS.sqlite, TRIGGERS.sqlite_names


class Migration(migrations.Migration):
    dependencies = [("housing", "0001_housing_guideline"), ("audit", "0003_records_append_only")]
    operations = [TRIGGERS.operation()]
